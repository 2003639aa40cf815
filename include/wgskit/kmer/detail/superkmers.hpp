// Super-k-mers: maximal runs of consecutive k-mers of a read that share their minimizer, stored once per run in
// the bin of that minimizer (KMC's idea: a run of r k-mers costs k + r - 1 bases instead of r * k).
//
// Record layout in a bin buffer: one byte r - 1 (so at most 256 k-mers a record), then the k + r - 1 bases at
// 2 bits each, four to a byte, first base in the low bits of the first byte.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include <wgskit/kmer/kmer.hpp>
#include <wgskit/kmer/minimizer.hpp>

namespace wgskit::kmer::detail
{

inline constexpr std::size_t max_kmers_per_superkmer = 256;

//! The bin of a minimizer hash: its high bits scaled to the bin count (the hash is already well mixed).
constexpr unsigned bin_of(std::uint32_t minimizer, unsigned bins) noexcept
{
    return static_cast<unsigned>((std::uint64_t{minimizer} * bins) >> 32);
}

//! Whether a bin is counted when only 1 in sample_one_in bins is: those = sample_one_in / 2 modulo it, which
//! leaves out bin 0, the heaviest (a minimizer is the smallest hash of its window, so low bins fill most).
constexpr bool bin_in_sample(unsigned bin, unsigned sample_one_in) noexcept
{
    return sample_one_in <= 1 || bin % sample_one_in == sample_one_in / 2;
}

//! Splits sequences into super-k-mers appended to per-bin byte buffers. One per thread (holds workspace).
//! With sample_one_in > 1 only 1 in sample_one_in bins is kept (bin_in_sample): a sample of the k-mers by their
//! minimizer's hash (a k-mer's count is still exact, as all its occurrences share the bin).
class superkmer_splitter
{
public:
    superkmer_splitter(unsigned k, unsigned m, unsigned bins, unsigned sample_one_in = 1) :
        k_{k}, m_{m}, bins_{bins}, in_sample_(bins)
    {
        for (unsigned b = 0; b < bins; ++b) // a table: a division per super-k-mer costs more than the rest of it
            in_sample_[b] = bin_in_sample(b, sample_one_in);
    }

    //! The k-mers of the super-k-mers appended to kept bins since construction.
    std::uint64_t sampled_kmers() const noexcept { return sampled_kmers_; }

    //! Appends the super-k-mers of seq to out[bin]; returns the number of k-mers (non-ACGT letters break them).
    std::uint64_t split(std::string_view seq, std::vector<std::vector<std::uint8_t>> & out)
    {
        codes_.resize(seq.size());
        std::uint64_t kmers = 0;
        std::size_t i = 0;
        while (i < seq.size())
        {
            while (i < seq.size() && base_code(seq[i]) > 3)
                ++i;
            std::size_t const start = i;
            for (; i < seq.size(); ++i)
            {
                std::uint8_t const c = base_code(seq[i]);
                if (c > 3)
                    break;
                codes_[i] = c;
            }
            if (i - start >= k_)
                kmers += split_run(codes_.data() + start, i - start, out);
        }
        return kmers;
    }

private:
    std::uint64_t split_run(std::uint8_t const * codes, std::size_t n, std::vector<std::vector<std::uint8_t>> & out)
    {
        std::size_t const n_mmers = n - m_ + 1, n_kmers = n - k_ + 1;
        hashes_.resize(n_mmers);
        minima_.resize(n_kmers);
        mmer_hashes({codes, n}, m_, hashes_);
        window_minima(hashes_, k_ - m_ + 1, minima_);
        for (std::size_t j = 0; j < n_kmers;)
        {
            std::size_t e = j + 1;
            while (e < n_kmers && minima_[e] == minima_[j] && e - j < max_kmers_per_superkmer)
                ++e;
            unsigned const bin = bin_of(minima_[j], bins_);
            if (in_sample_[bin])
            {
                append_record(codes + j, k_ + (e - j) - 1, out[bin]);
                sampled_kmers_ += e - j;
            }
            j = e;
        }
        return n_kmers;
    }

    void append_record(std::uint8_t const * codes, std::size_t bases, std::vector<std::uint8_t> & buf)
    {
        std::size_t const at = buf.size();
        std::size_t const bytes = (bases + 3) / 4;
        buf.resize(at + 1 + bytes);
        std::uint8_t * p = buf.data() + at;
        p[0] = static_cast<std::uint8_t>(bases - k_);
        ++p;
        std::size_t b = 0;
        for (; b + 4 <= bases; b += 4)
            *p++ = static_cast<std::uint8_t>(codes[b] | codes[b + 1] << 2 | codes[b + 2] << 4 | codes[b + 3] << 6);
        if (b < bases)
        {
            std::uint8_t last = 0;
            for (unsigned s = 0; b < bases; ++b, s += 2)
                last = static_cast<std::uint8_t>(last | codes[b] << s);
            *p = last;
        }
    }

    unsigned k_, m_, bins_;
    std::vector<std::uint8_t> in_sample_; //!< per bin: counted (1) or left out of the sample (0)
    std::uint64_t sampled_kmers_ = 0;
    std::vector<std::uint8_t> codes_;
    std::vector<std::uint32_t> hashes_, minima_;
};

//! Calls f(canonical k-mer) for every k-mer of every super-k-mer record in bytes.
template <kmer_word W, class F>
void for_each_kmer(std::span<std::uint8_t const> bytes, unsigned k, F && f)
{
    W const mask = kmer_mask<W>(k);
    unsigned const top = 2 * (k - 1);
    std::uint8_t const * p = bytes.data();
    std::uint8_t const * const end = p + bytes.size();
    while (p < end)
    {
        std::size_t const bases = std::size_t{k} + p[0];
        ++p;
        W fwd = 0, rev = 0;
        for (std::size_t b = 0; b < bases; ++b)
        {
            unsigned const c = (p[b / 4] >> (2 * (b % 4))) & 3u;
            fwd = ((fwd << 2) | W{c}) & mask;
            rev = (rev >> 2) | (W{3u - c} << top);
            if (b + 1 >= k)
                f(rev < fwd ? rev : fwd);
        }
        p += (bases + 3) / 4;
    }
}

} // namespace wgskit::kmer::detail
