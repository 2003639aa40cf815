// Minimizer kernels: hashes of the canonical m-mers of a run of A/C/G/T codes, and sliding-window minima of them.
//
// The minimizer of a k-mer is the smallest hash over its w = k - m + 1 canonical m-mers; the k-mer and its reverse
// complement share it, so it partitions canonical k-mers. m <= 16, so a canonical m-mer fits 32 bits and the hash
// is an invertible 32-bit mix (distinct m-mers, distinct hashes) that spreads bins evenly. The kernels are
// allocation-free and never throw; <wgskit/kmer/minimizer.hpp> validates and dispatches.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include <wgskit/simd/arch.hpp>
#include <wgskit/simd/load.hpp>

namespace wgskit::kmer::detail
{

inline constexpr unsigned max_minimizer_m = 16;

//! An invertible 32-bit mix (xor-shift-multiply; both multipliers odd, so every step is a bijection).
constexpr std::uint32_t mix32(std::uint32_t x) noexcept
{
    x ^= x >> 16;
    x *= 0x7feb352du;
    x ^= x >> 15;
    x *= 0x846ca68bu;
    x ^= x >> 16;
    return x;
}

//! The inverse of mix32.
constexpr std::uint32_t unmix32(std::uint32_t x) noexcept
{
    x ^= x >> 16;
    x *= 0x43021123u; // inverse of 0x846ca68b modulo 2^32
    x ^= (x >> 15) ^ (x >> 30);
    x *= 0x1d69e2a5u; // inverse of 0x7feb352d modulo 2^32
    x ^= x >> 16;
    return x;
}

// ---------------------------------------------------------------------------------------------------------------
// Scalar references.
// ---------------------------------------------------------------------------------------------------------------

//! out[i] = mix32(canonical m-mer at codes[i, i + m)) for i in [0, n - m]; codes are 0..3; nothing when n < m.
inline void mmer_hashes_scalar(std::uint8_t const * codes, std::size_t n, unsigned m, std::uint32_t * out) noexcept
{
    if (n < m || m == 0)
        return;
    std::uint32_t const mask = m == 16 ? 0xFFFFFFFFu : (std::uint32_t{1} << (2 * m)) - 1;
    std::uint32_t fwd = 0, rev = 0;
    for (std::size_t i = 0; i < n; ++i)
    {
        fwd = ((fwd << 2) | codes[i]) & mask;
        rev = (rev >> 2) | (std::uint32_t{3u - codes[i]} << (2 * (m - 1)));
        if (i + 1 >= m)
            out[i + 1 - m] = mix32(std::min(fwd, rev));
    }
}

//! out[i] = min(v[i, i + w)) for i in [0, n - w]; nothing when n < w.
inline void window_minima_scalar(std::uint32_t const * v, std::size_t n, std::size_t w, std::uint32_t * out) noexcept
{
    if (n < w || w == 0)
        return;
    for (std::size_t i = 0; i + w <= n; ++i)
    {
        std::uint32_t best = v[i];
        for (std::size_t j = 1; j < w; ++j)
            best = std::min(best, v[i + j]);
        out[i] = best;
    }
}

// ---------------------------------------------------------------------------------------------------------------
// The kernel.
// ---------------------------------------------------------------------------------------------------------------

template <class Arch>
struct minimizer_kernel
{
    static void mmer_hashes(std::uint8_t const * codes, std::size_t n, unsigned m, std::uint32_t * out) noexcept;
    static void window_minima(std::uint32_t const * v, std::size_t n, std::size_t w, std::uint32_t * out) noexcept;
};

template <>
struct minimizer_kernel<simd::scalar>
{
    static void mmer_hashes(std::uint8_t const * codes, std::size_t n, unsigned m, std::uint32_t * out) noexcept
    {
        mmer_hashes_scalar(codes, n, m, out);
    }
    static void window_minima(std::uint32_t const * v, std::size_t n, std::size_t w, std::uint32_t * out) noexcept
    {
        window_minima_scalar(v, n, w, out);
    }
};

template <class Arch>
void minimizer_kernel<Arch>::mmer_hashes(std::uint8_t const * codes, std::size_t n, unsigned m,
                                         std::uint32_t * out) noexcept
{
    using u32 = xsimd::batch<std::uint32_t, Arch>;
    constexpr std::size_t lanes = u32::size;
    if (n < m || m == 0)
        return;
    std::size_t const positions = n - m + 1;
    // Lanes hold consecutive positions; each m-mer is built from m widened loads, no carried state, so the
    // batches are independent and results equal the rolling reference exactly.
    auto const batch_at = [&](std::size_t i) {
        u32 fwd(0u), rev(0u);
        for (unsigned j = 0; j < m; ++j)
        {
            u32 const c = simd::load_widened<Arch>(codes + i + j);
            fwd = (fwd << 2) | c;
            rev = rev | ((u32(3u) - c) << (2 * j));
        }
        u32 x = xsimd::min(fwd, rev);
        x = x ^ (x >> 16);
        x = x * u32(0x7feb352du);
        x = x ^ (x >> 15);
        x = x * u32(0x846ca68bu);
        x = x ^ (x >> 16);
        x.store_unaligned(out + i);
    };
    if (positions < lanes) // too short for one batch: the reference
    {
        mmer_hashes_scalar(codes, n, m, out);
        return;
    }
    std::size_t i = 0;
    for (; i + lanes <= positions; i += lanes)
        batch_at(i);
    if (i < positions) // the tail: one more batch ending at the last position (rewrites equal values)
        batch_at(positions - lanes);
}

template <class Arch>
void minimizer_kernel<Arch>::window_minima(std::uint32_t const * v, std::size_t n, std::size_t w,
                                           std::uint32_t * out) noexcept
{
    using u32 = xsimd::batch<std::uint32_t, Arch>;
    constexpr std::size_t lanes = u32::size;
    if (n < w || w == 0)
        return;
    std::size_t const windows = n - w + 1;
    auto const batch_at = [&](std::size_t i) {
        u32 best = u32::load_unaligned(v + i);
        for (std::size_t j = 1; j < w; ++j)
            best = xsimd::min(best, u32::load_unaligned(v + i + j));
        best.store_unaligned(out + i);
    };
    if (windows < lanes)
    {
        window_minima_scalar(v, n, w, out);
        return;
    }
    std::size_t i = 0;
    for (; i + lanes <= windows; i += lanes)
        batch_at(i);
    if (i < windows) // the tail: one more batch ending at the last window
        batch_at(windows - lanes);
}

} // namespace wgskit::kmer::detail

WGSKIT_DECLARE_KERNEL(wgskit::kmer::detail::minimizer_kernel)
