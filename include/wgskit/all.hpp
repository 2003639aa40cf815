// The whole public API of wgskit.
#pragma once

#include <wgskit/align/all.hpp>
#include <wgskit/codec/twobit/all.hpp>
#include <wgskit/core/exception.hpp>
#include <wgskit/core/platform.hpp>
#include <wgskit/io/all.hpp>
#include <wgskit/simd/all.hpp>
#include <wgskit/version.hpp>
