// Helpers shared by the benchmark programs.
#pragma once

#include <cstdlib>
#include <string>

#include <benchmark/benchmark.h>

#include <wgskit/simd/arch.hpp>

namespace wgskit::bench
{

//! True under ctest's smoke run (WGSKIT_BENCH_SMOKE=1): inputs shrink so that every benchmark runs in moments.
inline bool smoke() noexcept
{
    char const * env = std::getenv("WGSKIT_BENCH_SMOKE");
    return env != nullptr && *env != '\0' && *env != '0';
}

//! A throughput counter in units of 10^scale bytes (or items) per second, e.g. scale 9 for GBps.
inline benchmark::Counter rate(double amount, double scale_pow10)
{
    double divisor = 1;
    for (int i = 0; i < scale_pow10; ++i)
        divisor *= 10;
    return benchmark::Counter(amount / divisor, benchmark::Counter::kIsIterationInvariantRate);
}

//! The implementation name of a wgskit kernel run on one architecture: "wgskit" for the dispatched best,
//! "wgskit_<isa>" for a forced one.
inline std::string implementation(std::optional<simd::isa> forced)
{
    return forced ? "wgskit_" + std::string{simd::isa_name(*forced)} : std::string{"wgskit"};
}

} // namespace wgskit::bench
