// Core: platform checks, exceptions, crash-safe output files, the ordered batch pipeline (wgskit).
#pragma once

#include <wgskit/core/atomic_file.hpp>
#include <wgskit/core/batch_pipeline.hpp>
#include <wgskit/core/exception.hpp>
#include <wgskit/core/huge_pages.hpp>
#include <wgskit/core/mapping_guard.hpp>
#include <wgskit/core/platform.hpp>
#include <wgskit/core/signal_cleanup.hpp>
