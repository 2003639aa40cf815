// Pair-HMM read likelihoods: log10 P(read | haplotype) for a set of reads against one haplotype, on the best SIMD
// architecture (one read per lane). The kernel and its scalar reference are in detail/pairhmm_kernel.hpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <vector>

#include <wgskit/call/detail/pairhmm_kernel.hpp>
#include <wgskit/core/exception.hpp>
#include <wgskit/simd/arch.hpp>

namespace wgskit::call
{

using detail::pairhmm_params;
using detail::pairhmm_read;
//! The code of N (any non-ACGT base) for the HMM.
inline constexpr std::uint8_t hmm_n = detail::hmm_n;

//! Reusable aligned workspace for pairhmm_forward (one per thread).
class pairhmm_workspace
{
public:
    float * get(std::size_t floats)
    {
        if (floats > size_)
        {
            data_.reset(static_cast<float *>(::operator new[](floats * sizeof(float), std::align_val_t{64})));
            size_ = floats;
        }
        return data_.get();
    }

private:
    struct aligned_delete
    {
        void operator()(float * p) const noexcept { ::operator delete[](p, std::align_val_t{64}); }
    };
    std::unique_ptr<float, aligned_delete> data_;
    std::size_t size_{0};
};

//! Base code for the HMM (A C G T -> 0..3, anything else 4).
inline constexpr std::uint8_t hmm_code(char c) noexcept
{
    switch (c)
    {
    case 'A': case 'a': return 0;
    case 'C': case 'c': return 1;
    case 'G': case 'g': return 2;
    case 'T': case 't': return 3;
    default: return detail::hmm_n;
    }
}

//! out[r] = log10 P(reads[r] | hap). hap holds codes 0..4 (see hmm_code); p.gap_open_at, when set, holds
//! hap.size() gap open probabilities (e.g. from repeat_gap_open). Throws invalid_argument on a code above 4 or bad
//! probabilities.
inline void pairhmm_forward(std::vector<std::uint8_t> const & hap, std::vector<pairhmm_read> const & reads,
                            pairhmm_params const & p, pairhmm_workspace & ws, std::vector<double> & out)
{
    if (!(p.gap_open > 0 && p.gap_open < 0.5f && p.gap_extend > 0 && p.gap_extend < 1))
        throw invalid_argument{"pairhmm_forward: gap probabilities out of range"};
    if (hap.size() > (1u << 20))
        throw invalid_argument{"pairhmm_forward: haplotype longer than 1 Mb"};
    if (p.gap_open_at != nullptr)
        for (std::size_t j = 0; j < hap.size(); ++j)
            if (!(p.gap_open_at[j] > 0 && p.gap_open_at[j] < 0.5f))
                throw invalid_argument{"pairhmm_forward: per-position gap open probability out of range"};
    std::size_t max_len = 0;
    for (auto const & r : reads)
    {
        if (r.length > 0 && (r.bases == nullptr || r.quals == nullptr))
            throw invalid_argument{"pairhmm_forward: read without bases or qualities"};
        for (std::uint32_t i = 0; i < r.length; ++i)
            if (r.bases[i] > detail::hmm_n)
                throw invalid_argument{"pairhmm_forward: read base code above 4"};
        max_len = std::max<std::size_t>(max_len, r.length);
    }
    for (auto c : hap)
        if (c > detail::hmm_n)
            throw invalid_argument{"pairhmm_forward: haplotype base code above 4"};
    out.resize(reads.size());
    float * w = ws.get(detail::pairhmm_workspace_floats(hap.size(), max_len));
    auto const hl = static_cast<std::uint32_t>(hap.size());
    simd::dispatch<detail::pairhmm_kernel>(
        [&](auto k) { k.forward(hap.data(), hl, reads.data(), reads.size(), p, w, out.data()); });
}

} // namespace wgskit::call
