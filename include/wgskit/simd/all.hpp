// SIMD architectures and runtime dispatch (wgskit::simd).
#pragma once

#include <wgskit/simd/arch.hpp>
