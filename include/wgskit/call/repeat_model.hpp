// Homopolymer-aware indel errors for the pair-HMM: polymerase slippage (PCR stutter, cluster amplification) makes
// a read show a spurious base gained or lost in a homopolymer far more often than an indel elsewhere, and the more so
// the longer the run (DRAGEN's DRAGstr and freebayes model this too). The rate depends on the library (PCR-free or
// not) and the instrument, so, as DRAGstr does, it is estimated from the sample's own reads: in each chunk, every
// homopolymer of min_length bases or more that no indel allele seems to be a variant of (no length change carried by
// variant_fraction of the spanning reads) counts its spanning reads and those whose alignment changes its length,
// by length bin. A bin's rate is shrunk towards the constant gap open's (prior_reads pseudo-reads at it) and made
// non-decreasing with the length. Each haplotype base inside a homopolymer then gets the gap open probability that
// makes a one-base slip there as likely as its bin's rate; elsewhere the constant applies. So a site whose reads are
// split over several lengths of a long run is not called with confidence when the sample stutters, while a sample
// without slippage (mason's simulated reads) keeps the constant gap open everywhere.
//
// In a run of L bases the pair-HMM sums a one-base gap over about L placements for each direction (an open and a
// close each), so the per-position gap open for a per-read slip rate s is go = s / (2 L (1 - ge)), clamped to
// [constant, max_gap_open].
//
// Longer periods (dinucleotide and up) are left at the constant: with one gap extend probability for every position,
// a gap open high enough for whole-unit slips would make non-unit gaps there as likely (a 1-bp gap in a (CA)10 at
// Q21 per read); that needs a per-position gap extend too, and data with slippage to fit it.
//
// Measured on the real NA12878 NovaSeq reads of the 40 kb chr22 slice (PCR-free, bwa): homopolymers of 10-16 bases
// away from any called indel show a spurious indel in 5 of 372 spanning reads (1.3 %), 6-8 bases in 1 of 3,212;
// the constant gap open (Q45) gives 0.06 % at 10 bases.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace wgskit::call
{

struct repeat_error_model
{
    std::size_t min_length = 6;     //!< shorter homopolymers keep the constant gap open
    double prior_reads = 200;       //!< pseudo-reads at the constant gap open's rate, per length bin
    double variant_fraction = 0.15; //!< a length change in this fraction of a run's spanning reads (and 2) is a variant
    float max_gap_open = 0.02f;     //!< per-position ceiling (the pair-HMM needs < 0.5)
};

//! Homopolymer length bins: [6, 8), [8, 10), [10, 12), [12, 15), [15, 20), [20, ...).
inline constexpr std::array<std::size_t, 6> slippage_bin_start{6, 8, 10, 12, 15, 20};

//! The bin of a run of length bases (length >= slippage_bin_start[0]).
inline std::size_t slippage_bin(std::size_t length) noexcept
{
    std::size_t b = 0;
    while (b + 1 < slippage_bin_start.size() && length >= slippage_bin_start[b + 1])
        ++b;
    return b;
}

//! Spanning reads and reads with a length change, per bin.
struct slippage_counts
{
    std::array<double, slippage_bin_start.size()> reads{}, slips{};
};

//! Per-read one-base slip rate of each bin.
struct slippage_table
{
    std::array<double, slippage_bin_start.size()> rate{};
};

//! The constant gap open's per-read slip rate in a run of length bases.
inline double constant_slip_rate(std::size_t length, float gap_open, float gap_extend) noexcept
{
    return 2.0 * static_cast<double>(length) * double{gap_open} * (1.0 - double{gap_extend});
}

//! Shrunk, non-decreasing rates from the counts (see the file comment).
inline slippage_table calibrate_slippage(slippage_counts const & c, repeat_error_model const & m, float gap_open,
                                         float gap_extend)
{
    slippage_table t;
    double floor = 0;
    for (std::size_t b = 0; b < slippage_bin_start.size(); ++b)
    {
        double const prior = constant_slip_rate(slippage_bin_start[b], gap_open, gap_extend);
        double const r = (c.slips[b] + m.prior_reads * prior) / (c.reads[b] + m.prior_reads);
        floor = std::max(floor, r);
        t.rate[b] = floor;
    }
    return t;
}

//! Gap open probability for each base of a homopolymer of length bases (see the file comment).
inline float homopolymer_gap_open(slippage_table const & t, repeat_error_model const & m, std::size_t length,
                                  float gap_open, float gap_extend) noexcept
{
    if (length < m.min_length || length < slippage_bin_start[0])
        return gap_open;
    double const go = t.rate[slippage_bin(length)] / (2.0 * static_cast<double>(length) * (1.0 - double{gap_extend}));
    return static_cast<float>(std::clamp(go, double{gap_open}, double{std::max(gap_open, m.max_gap_open)}));
}

//! out[j] = gap open probability at haplotype position j: homopolymer_gap_open of the run holding j, or gap_open.
//! hap: base codes (4 = N is never a run).
inline void repeat_gap_open(std::span<std::uint8_t const> hap, slippage_table const & t, repeat_error_model const & m,
                            float gap_open, float gap_extend, std::vector<float> & out)
{
    out.assign(hap.size(), gap_open);
    for (std::size_t i = 0; i < hap.size();)
    {
        std::size_t j = i + 1;
        while (j < hap.size() && hap[j] == hap[i])
            ++j;
        if (hap[i] < 4 && j - i >= m.min_length)
            std::fill(out.begin() + static_cast<std::ptrdiff_t>(i), out.begin() + static_cast<std::ptrdiff_t>(j),
                      homopolymer_gap_open(t, m, j - i, gap_open, gap_extend));
        i = j;
    }
}

} // namespace wgskit::call
