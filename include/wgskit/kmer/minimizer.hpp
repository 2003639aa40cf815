// Minimizers of canonical k-mers: the public, validating face of the minimizer kernels.
//
//   std::vector<std::uint32_t> h(n - m + 1), mins(n - k + 1);
//   kmer::mmer_hashes(codes, m, h);                 // codes: 2-bit codes (0..3) of an A/C/G/T run
//   kmer::window_minima(h, k - m + 1, mins);        // mins[i]: minimizer hash of the k-mer at i
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include <wgskit/core/exception.hpp>
#include <wgskit/kmer/detail/minimizer_kernel.hpp>
#include <wgskit/simd/arch.hpp>

namespace wgskit::kmer
{

using detail::max_minimizer_m;
using detail::mix32;
using detail::unmix32;

//! out[i] = mix32(canonical m-mer of codes[i, i + m)) for every i in [0, codes.size() - m]. codes must be 0..3
//! (split sequences at other letters first). Throws invalid_argument for m outside 1..16 or a short out.
inline void mmer_hashes(std::span<std::uint8_t const> codes, unsigned m, std::span<std::uint32_t> out)
{
    if (m < 1 || m > max_minimizer_m)
        throw invalid_argument{"minimizer length m = " + std::to_string(m) + " is out of range (1..16)"};
    if (codes.size() < m)
        return;
    if (out.size() < codes.size() - m + 1)
        throw invalid_argument{"mmer_hashes: output holds " + std::to_string(out.size()) + " values, " +
                               std::to_string(codes.size() - m + 1) + " needed"};
    simd::dispatch<detail::minimizer_kernel>(
        [&](auto kernel) { kernel.mmer_hashes(codes.data(), codes.size(), m, out.data()); });
}

//! out[i] = min(values[i, i + w)) for every i in [0, values.size() - w]. Throws invalid_argument for w = 0 or a
//! short out.
inline void window_minima(std::span<std::uint32_t const> values, std::size_t w, std::span<std::uint32_t> out)
{
    if (w == 0)
        throw invalid_argument{"window_minima: the window must hold at least one value"};
    if (values.size() < w)
        return;
    if (out.size() < values.size() - w + 1)
        throw invalid_argument{"window_minima: output holds " + std::to_string(out.size()) + " values, " +
                               std::to_string(values.size() - w + 1) + " needed"};
    simd::dispatch<detail::minimizer_kernel>(
        [&](auto kernel) { kernel.window_minima(values.data(), values.size(), w, out.data()); });
}

} // namespace wgskit::kmer
