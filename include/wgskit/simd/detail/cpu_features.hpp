// What the running CPU (and the operating system) lets us execute. Checked once, at first use.
#pragma once

#include <cstdint>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

namespace wgskit::simd::detail
{

struct cpu_features
{
    bool sse4_2 = false;   // with popcnt: the flags of our sse4_2 translation unit
    bool avx2 = false;     // with fma, bmi1, bmi2, lzcnt, popcnt and OS support for YMM state
    bool avx512bw = false; // with f, cd, dq, vl and OS support for ZMM and mask state
    bool neon64 = false;
};

#if defined(__x86_64__) || defined(__i386__)
// xgetbv is read with inline asm so that this baseline code needs no -mxsave.
inline std::uint64_t read_xcr0() noexcept
{
    std::uint32_t eax = 0, edx = 0;
    __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
    return (std::uint64_t{edx} << 32) | eax;
}
#endif

inline cpu_features detect_cpu_features() noexcept
{
    cpu_features f{};
#if defined(__x86_64__) || defined(__i386__)
    unsigned a = 0, b = 0, c = 0, d = 0;
    if (!__get_cpuid(1, &a, &b, &c, &d))
        return f;
    bool const popcnt = c >> 23 & 1;
    bool const fma = c >> 12 & 1;
    bool const osxsave = c >> 27 & 1;
    bool const avx = c >> 28 & 1;
    f.sse4_2 = (c >> 20 & 1) && popcnt;

    std::uint64_t const xcr0 = osxsave ? read_xcr0() : 0;
    bool const os_ymm = (xcr0 & 0x6) == 0x6;   // SSE and AVX state
    bool const os_zmm = (xcr0 & 0xe6) == 0xe6; // plus opmask and the upper ZMM registers

    unsigned a7 = 0, b7 = 0, c7 = 0, d7 = 0;
    if (__get_cpuid_count(7, 0, &a7, &b7, &c7, &d7) == 0)
        return f;
    bool const avx2 = b7 >> 5 & 1, bmi1 = b7 >> 3 & 1, bmi2 = b7 >> 8 & 1;
    bool const avx512f = b7 >> 16 & 1, avx512dq = b7 >> 17 & 1, avx512cd = b7 >> 28 & 1;
    bool const avx512bw = b7 >> 30 & 1, avx512vl = b7 >> 31 & 1;

    unsigned ae = 0, be = 0, ce = 0, de = 0;
    bool const lzcnt = __get_cpuid(0x80000001, &ae, &be, &ce, &de) && (ce >> 5 & 1);

    f.avx2 = f.sse4_2 && avx && os_ymm && avx2 && fma && bmi1 && bmi2 && lzcnt;
    f.avx512bw = f.avx2 && os_zmm && avx512f && avx512dq && avx512cd && avx512bw && avx512vl;
#elif defined(__aarch64__)
    f.neon64 = true;
#endif
    return f;
}

inline cpu_features const & cpu() noexcept
{
    static cpu_features const features = detect_cpu_features();
    return features;
}

} // namespace wgskit::simd::detail
