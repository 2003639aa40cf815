// Alignment QC accumulated while records stream (per batch on worker threads, merged in order):
//  * alignment_stats: flagstat-like counts (primary reads, mapped, properly paired, ...) and the insert-size
//    distribution of FR pairs, from unsorted mapper output;
//  * coverage_counter: a record_sink filter on the coordinate-sorted, duplicate-marked stream that builds the
//    depth distribution over the whole reference and counts duplicates, then passes every record on unchanged.
// All accumulators are integers: merging in any grouping gives identical totals.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <deque>
#include <vector>

#include <nlohmann/json.hpp>

#include <wgskit/bam/header.hpp>
#include <wgskit/bam/record.hpp>
#include <wgskit/bam/stream.hpp>

namespace wgskit::qc
{

//! Index i holds how many items had value i; values above the last index count in the last one.
inline void add_capped(std::vector<std::uint64_t> & h, std::uint64_t value, std::size_t cap)
{
    std::size_t const i = static_cast<std::size_t>(std::min<std::uint64_t>(value, cap));
    if (h.size() <= i)
        h.resize(i + 1, 0);
    ++h[i];
}

inline void merge_histogram(std::vector<std::uint64_t> & into, std::vector<std::uint64_t> const & from)
{
    if (into.size() < from.size())
        into.resize(from.size(), 0);
    for (std::size_t i = 0; i < from.size(); ++i)
        into[i] += from[i];
}

//! Mean, median and standard deviation of a histogram (value = index).
inline nlohmann::ordered_json histogram_summary(std::vector<std::uint64_t> const & h)
{
    std::uint64_t n = 0;
    double sum = 0, sq = 0;
    for (std::size_t i = 0; i < h.size(); ++i)
    {
        n += h[i];
        sum += static_cast<double>(i) * static_cast<double>(h[i]);
        sq += static_cast<double>(i) * static_cast<double>(i) * static_cast<double>(h[i]);
    }
    std::uint64_t median = 0, seen = 0;
    for (std::size_t i = 0; i < h.size(); ++i)
        if ((seen += h[i]) * 2 >= n && n > 0)
        {
            median = i;
            break;
        }
    double const mean = n ? sum / static_cast<double>(n) : 0.0;
    double const var = n ? sq / static_cast<double>(n) - mean * mean : 0.0;
    return {{"count", n}, {"mean", mean}, {"median", median}, {"sd", var > 0 ? std::sqrt(var) : 0.0}};
}

class alignment_stats
{
public:
    static constexpr std::size_t max_insert = 2000; //!< larger inserts count in the last bin

    void add(bam::record const & r)
    {
        ++records_;
        if (r.has_flag(bam::flag::secondary))
        {
            ++secondary_;
            return;
        }
        if (r.has_flag(bam::flag::supplementary))
        {
            ++supplementary_;
            return;
        }
        ++primary_;
        bool const mapped = !r.has_flag(bam::flag::unmapped);
        mapped_ += mapped;
        if (!r.has_flag(bam::flag::paired))
            return;
        ++paired_;
        bool const mate_mapped = !r.has_flag(bam::flag::mate_unmapped);
        if (mapped && r.has_flag(bam::flag::proper_pair))
            ++proper_;
        if (mapped && mate_mapped)
            ++both_mapped_;
        if (mapped && !mate_mapped)
            ++singletons_;
        // FR pairs, counted once (from mate 1): the forward read starts at or before the reverse read.
        if (mapped && mate_mapped && r.has_flag(bam::flag::first) && r.tid() == r.mate_tid() && r.tlen() != 0)
        {
            bool const rev = r.has_flag(bam::flag::reverse), mate_rev = r.has_flag(bam::flag::mate_reverse);
            bool const fr = rev != mate_rev && (rev ? r.mate_pos() <= r.pos() : r.pos() <= r.mate_pos());
            if (fr)
                add_capped(insert_sizes_, static_cast<std::uint64_t>(std::abs(std::int64_t{r.tlen()})), max_insert);
        }
    }

    void merge(alignment_stats const & o)
    {
        records_ += o.records_;
        secondary_ += o.secondary_;
        supplementary_ += o.supplementary_;
        primary_ += o.primary_;
        mapped_ += o.mapped_;
        paired_ += o.paired_;
        proper_ += o.proper_;
        both_mapped_ += o.both_mapped_;
        singletons_ += o.singletons_;
        merge_histogram(insert_sizes_, o.insert_sizes_);
    }

    void reset() { *this = alignment_stats{}; }

    std::uint64_t records() const noexcept { return records_; }
    std::uint64_t primary() const noexcept { return primary_; }
    std::uint64_t mapped() const noexcept { return mapped_; }
    std::uint64_t proper_pairs() const noexcept { return proper_; } //!< primary reads flagged properly paired
    double mapping_rate() const noexcept { return primary_ ? double(mapped_) / double(primary_) : 0.0; }
    double proper_pair_rate() const noexcept { return paired_ ? double(proper_) / double(paired_) : 0.0; }
    std::vector<std::uint64_t> const & insert_sizes() const noexcept { return insert_sizes_; }

    nlohmann::ordered_json to_json() const
    {
        nlohmann::ordered_json j;
        j["records"] = records_;
        j["primary_reads"] = primary_;
        j["secondary"] = secondary_;
        j["supplementary"] = supplementary_;
        j["mapped_primary"] = mapped_;
        j["mapping_rate"] = mapping_rate();
        j["paired_reads"] = paired_;
        j["properly_paired"] = proper_;
        j["proper_pair_rate"] = proper_pair_rate();
        j["with_mate_mapped"] = both_mapped_;
        j["singletons"] = singletons_;
        j["insert_size"] = histogram_summary(insert_sizes_);
        j["insert_size"]["histogram_max"] = max_insert;
        j["insert_size"]["histogram"] = insert_sizes_;
        return j;
    }

private:
    std::uint64_t records_{0}, secondary_{0}, supplementary_{0}, primary_{0}, mapped_{0}, paired_{0}, proper_{0},
        both_mapped_{0}, singletons_{0};
    std::vector<std::uint64_t> insert_sizes_;
};

//! Depth of coverage over every reference base (primary, mapped, not duplicate, not QC-failed reads; M/=/X
//! bases), as a histogram of positions by depth, and flagstat's duplicate count; passes records on unchanged.
class coverage_counter : public bam::record_sink
{
public:
    static constexpr std::size_t max_depth = 1000; //!< deeper positions count in the last bin

    coverage_counter(bam::header const & h, bam::record_sink & out) : out_{out}
    {
        for (auto const & r : h.references())
            lengths_.push_back(r.length);
    }

    void write(bam::record const & r) override
    {
        count(r);
        out_.write(r);
    }
    void write(bam::record && r) override
    {
        count(r);
        out_.write(std::move(r));
    }
    void close() override
    {
        finish_contig();
        for (std::size_t t = static_cast<std::size_t>(tid_ + 1); t < lengths_.size(); ++t)
            histogram_[0] += lengths_[t], genome_ += lengths_[t];
        tid_ = static_cast<std::int32_t>(lengths_.size());
        out_.close();
    }

    std::vector<std::uint64_t> const & histogram() const noexcept { return histogram_; }
    std::uint64_t duplicates() const noexcept { return duplicates_; } //!< records flagged 0x400 (as flagstat)
    std::uint64_t records() const noexcept { return records_; }

    nlohmann::ordered_json to_json() const
    {
        nlohmann::ordered_json j = histogram_summary(histogram_);
        j.erase("count");
        j["reference_bases"] = genome_;
        auto at_least = [&](std::size_t d) {
            std::uint64_t n = 0;
            for (std::size_t i = d; i < histogram_.size(); ++i)
                n += histogram_[i];
            return genome_ ? double(n) / double(genome_) : 0.0;
        };
        j["fraction_at_least_1x"] = at_least(1);
        j["fraction_at_least_10x"] = at_least(10);
        j["fraction_at_least_20x"] = at_least(20);
        j["fraction_at_least_30x"] = at_least(30);
        j["histogram_max"] = max_depth;
        j["histogram"] = histogram_;
        return j;
    }

private:
    void count(bam::record const & r)
    {
        ++records_;
        if (r.has_flag(bam::flag::duplicate))
            ++duplicates_;
        if (r.tid() < 0 || static_cast<std::size_t>(r.tid()) >= lengths_.size())
            return;
        if (r.tid() != tid_)
        {
            finish_contig();
            for (auto t = tid_ + 1; t < r.tid(); ++t) // contigs without reads
                histogram_[0] += lengths_[static_cast<std::size_t>(t)], genome_ += lengths_[static_cast<std::size_t>(t)];
            tid_ = r.tid();
            base_ = 0;
            depth_.clear();
        }
        if (r.has_flag(bam::flag::unmapped | bam::flag::secondary | bam::flag::supplementary | bam::flag::duplicate |
                       bam::flag::qc_fail))
            return;
        flush_before(r.pos());
        std::int64_t at = r.pos();
        for (std::uint32_t i = 0; i < r.n_cigar(); ++i)
        {
            std::uint32_t const op = r.cigar(i), len = bam::cigar_op_length(op), code = bam::cigar_op_code(op);
            bool const aligned = code == 0 || code == 7 || code == 8; // M = X
            if (aligned)
            {
                std::size_t const need = static_cast<std::size_t>(at + len - base_);
                if (depth_.size() < need)
                    depth_.resize(need, 0);
                for (std::uint32_t k = 0; k < len; ++k)
                    ++depth_[static_cast<std::size_t>(at - base_) + k];
            }
            if (bam::consumes_reference(op))
                at += len;
        }
    }

    //! Every position before pos is final (the stream is sorted): into the histogram.
    void flush_before(std::int64_t pos)
    {
        while (base_ < pos && !depth_.empty())
        {
            add_capped(histogram_, depth_.front(), max_depth);
            depth_.pop_front();
            ++base_, ++genome_;
        }
        if (base_ < pos) // a gap without reads
        {
            if (histogram_.empty())
                histogram_.resize(1, 0);
            histogram_[0] += static_cast<std::uint64_t>(pos - base_);
            genome_ += static_cast<std::uint64_t>(pos - base_);
            base_ = pos;
        }
    }

    void finish_contig()
    {
        if (tid_ < 0 || static_cast<std::size_t>(tid_) >= lengths_.size())
            return;
        flush_before(static_cast<std::int64_t>(lengths_[static_cast<std::size_t>(tid_)]));
        depth_.clear(); // reads running past the end (not expected)
    }

    bam::record_sink & out_;
    std::vector<std::uint64_t> lengths_;
    std::vector<std::uint64_t> histogram_ = std::vector<std::uint64_t>(1, 0);
    std::deque<std::uint32_t> depth_; // depth at base_, base_ + 1, ...
    std::int32_t tid_{-1};
    std::int64_t base_{0};
    std::uint64_t genome_{0}, duplicates_{0}, records_{0};
};

} // namespace wgskit::qc
