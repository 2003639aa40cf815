// Widening loads: bytes into 32-bit lanes with one instruction.
//
//   auto v = simd::load_widened<Arch>(bytes + i);   // batch<uint32_t, Arch>, lane j = bytes[i + j]
//
// xsimd 8's converting load_unaligned(uint8_t const *) for a batch of uint32_t goes through a scalar copy, which
// compilers turn into one byte insert per lane (measured: the minimizer kernel's AVX-512 build no faster than
// its scalar reference). On x86 this uses the zero-extending moves (pmovzxbd); elsewhere xsimd's load.
#pragma once

#include <cstdint>
#include <cstring>
#include <type_traits>

#include <xsimd/xsimd.hpp>

namespace wgskit::simd
{

//! Loads batch<uint32_t, Arch>::size bytes from p (no alignment needed), each zero-extended into its lane.
template <class Arch>
xsimd::batch<std::uint32_t, Arch> load_widened(std::uint8_t const * p) noexcept
{
#if XSIMD_WITH_AVX512BW
    if constexpr (std::is_same_v<Arch, xsimd::avx512bw>)
        return _mm512_cvtepu8_epi32(_mm_loadu_si128(reinterpret_cast<__m128i const *>(p)));
    else
#endif
#if XSIMD_WITH_AVX2
        if constexpr (std::is_same_v<Arch, xsimd::avx2>)
        return _mm256_cvtepu8_epi32(_mm_loadl_epi64(reinterpret_cast<__m128i const *>(p)));
    else
#endif
#if XSIMD_WITH_SSE4_1
        if constexpr (std::is_base_of_v<xsimd::sse4_1, Arch> && xsimd::batch<std::uint32_t, Arch>::size == 4)
    {
        std::int32_t word;
        std::memcpy(&word, p, sizeof word);
        return _mm_cvtepu8_epi32(_mm_cvtsi32_si128(word));
    }
    else
#endif
        return xsimd::batch<std::uint32_t, Arch>::load_unaligned(p);
}

} // namespace wgskit::simd
