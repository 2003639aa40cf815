// Read-level QC: counts, lengths, base composition and base qualities, accumulated per batch and merged.
// All accumulators are integers, so merging partial results in any grouping gives identical totals.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <string_view>
#include <vector>

#include <wgskit/io/fastq.hpp>

namespace wgskit::qc
{

class read_stats
{
public:
    static constexpr int phred_offset = 33;

    void reset()
    {
        *this = read_stats{};
    }

    //! Adds one read (qualities as Phred+33 characters, same length as the sequence).
    void add(std::string_view sequence, std::string_view qualities)
    {
        std::size_t n = sequence.size();
        ++records_;
        bases_ += n;
        min_len_ = std::min<std::uint64_t>(min_len_, n);
        max_len_ = std::max<std::uint64_t>(max_len_, n);
        if (length_hist_.size() <= n)
            length_hist_.resize(n + 1, 0);
        ++length_hist_[n];
        if (cycle_qual_sum_.size() < n)
            cycle_qual_sum_.resize(n, 0);
        auto const * s = reinterpret_cast<unsigned char const *>(sequence.data());
        auto const * q = reinterpret_cast<unsigned char const *>(qualities.data());
        std::uint64_t * cyc = cycle_qual_sum_.data();
        // Two histograms each, alternating, to shorten store-to-load dependency chains on repeated values.
        std::size_t i = 0;
        for (; i + 1 < n; i += 2)
        {
            ++base_counts_[0][s[i]];
            ++base_counts_[1][s[i + 1]];
            ++qual_counts_[0][q[i]];
            ++qual_counts_[1][q[i + 1]];
            cyc[i] += q[i];
            cyc[i + 1] += q[i + 1];
        }
        for (; i < n; ++i)
        {
            ++base_counts_[0][s[i]];
            ++qual_counts_[0][q[i]];
            cyc[i] += q[i];
        }
    }

    void add(io::read_batch const & batch)
    {
        for (std::size_t i = 0; i < batch.size(); ++i)
            add(batch.sequence(i), batch.qualities(i));
    }

    void merge(read_stats const & o)
    {
        records_ += o.records_;
        bases_ += o.bases_;
        min_len_ = std::min(min_len_, o.min_len_);
        max_len_ = std::max(max_len_, o.max_len_);
        for (int h = 0; h < 2; ++h)
            for (int c = 0; c < 256; ++c)
            {
                base_counts_[h][c] += o.base_counts_[h][c];
                qual_counts_[h][c] += o.qual_counts_[h][c];
            }
        if (length_hist_.size() < o.length_hist_.size())
            length_hist_.resize(o.length_hist_.size(), 0);
        for (std::size_t i = 0; i < o.length_hist_.size(); ++i)
            length_hist_[i] += o.length_hist_[i];
        if (cycle_qual_sum_.size() < o.cycle_qual_sum_.size())
            cycle_qual_sum_.resize(o.cycle_qual_sum_.size(), 0);
        for (std::size_t i = 0; i < o.cycle_qual_sum_.size(); ++i)
            cycle_qual_sum_[i] += o.cycle_qual_sum_[i];
    }

    std::uint64_t records() const noexcept { return records_; }
    std::uint64_t bases() const noexcept { return bases_; }
    std::uint64_t min_length() const noexcept { return records_ ? min_len_ : 0; }
    std::uint64_t max_length() const noexcept { return max_len_; }
    double mean_length() const noexcept { return records_ ? double(bases_) / double(records_) : 0.0; }

    //! Count of one base letter (case-insensitive for letters).
    std::uint64_t base_count(char c) const noexcept
    {
        auto count = [&](unsigned char u) { return base_counts_[0][u] + base_counts_[1][u]; };
        unsigned char u = static_cast<unsigned char>(c);
        if (c >= 'a' && c <= 'z')
            u = static_cast<unsigned char>(c - 'a' + 'A');
        std::uint64_t n = count(u);
        if (u >= 'A' && u <= 'Z')
            n += count(static_cast<unsigned char>(u - 'A' + 'a'));
        return n;
    }
    //! G+C as a percentage of all bases.
    double gc_percent() const noexcept { return pct(base_count('G') + base_count('C')); }
    //! N as a percentage of all bases.
    double n_percent() const noexcept { return pct(base_count('N')); }

    //! Mean Phred quality over all bases.
    double mean_quality() const noexcept
    {
        std::uint64_t sum = 0;
        for (int c = phred_offset; c < 256; ++c)
            sum += std::uint64_t(c - phred_offset) * (qual_counts_[0][c] + qual_counts_[1][c]);
        return bases_ ? double(sum) / double(bases_) : 0.0;
    }
    //! Fraction of bases with Phred quality >= q.
    double fraction_at_least(int q) const noexcept
    {
        std::uint64_t n = 0;
        for (int c = phred_offset + q; c < 256; ++c)
            n += qual_counts_[0][c] + qual_counts_[1][c];
        return bases_ ? double(n) / double(bases_) : 0.0;
    }
    double q20_fraction() const noexcept { return fraction_at_least(20); }
    double q30_fraction() const noexcept { return fraction_at_least(30); }

    //! Mean Phred quality at each cycle (read position), over the reads that reach it.
    std::vector<double> per_cycle_mean_quality() const
    {
        std::vector<double> out(cycle_qual_sum_.size());
        std::uint64_t covering = records_;
        for (std::size_t i = 0; i < out.size(); ++i)
        {
            covering -= i < length_hist_.size() ? length_hist_[i] : 0; // reads of length i end before cycle i
            out[i] = covering ? double(cycle_qual_sum_[i]) / double(covering) - phred_offset : 0.0;
        }
        return out;
    }

private:
    double pct(std::uint64_t n) const noexcept { return bases_ ? 100.0 * double(n) / double(bases_) : 0.0; }

    std::uint64_t records_{0};
    std::uint64_t bases_{0};
    std::uint64_t min_len_{std::numeric_limits<std::uint64_t>::max()};
    std::uint64_t max_len_{0};
    std::array<std::array<std::uint64_t, 256>, 2> base_counts_{};
    std::array<std::array<std::uint64_t, 256>, 2> qual_counts_{};
    std::vector<std::uint64_t> length_hist_;    // reads by length
    std::vector<std::uint64_t> cycle_qual_sum_; // sum of quality characters (offset included) per cycle
};

} // namespace wgskit::qc
