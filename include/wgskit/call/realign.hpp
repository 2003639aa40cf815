// Realignment of reads inside indel windows, so that calls do not depend on where the mapper put a gap.
//
// In a tandem repeat, an insertion plus a nearby SNP and the same insertion shifted past the SNP (with a mismatch
// elsewhere) cost the same to any affine-gap aligner: one mapper writes one, another the other, and a read of the
// same haplotype then votes for different events. Each read's bases that its alignment places in a window are
// aligned again to the reference window under one fixed scoring (bwa's: match 1, mismatch 4, gap 6 + 1 per base)
// whose traceback prefers the diagonal from the right end, so of the equally good alignments the one with its gaps
// leftmost is taken, whatever the mapper wrote. The read's alignment outside the window is kept; a read that starts
// (ends) inside the window may start (end) anywhere in it. Soft clips are kept as they are.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include <wgskit/align/pairwise.hpp>
#include <wgskit/bam/record.hpp>
#include <wgskit/call/pileup.hpp>

namespace wgskit::call
{

class window_realigner
{
public:
    //! Realigns r inside [wb, we) of ref (which covers [ref_offset, ref_offset + ref.size()) and the window).
    //! Returns true when r's alignment (cigar, pos, end) changed. Reads whose window part is a gapless exact match
    //! are left alone.
    bool realign(aligned_read & r, std::string_view ref, std::int64_t ref_offset, std::int64_t wb, std::int64_t we)
    {
        if (r.end <= wb || r.pos >= we)
            return false;
        ref_ = ref, ref_offset_ = ref_offset;
        // The first and last aligned base pairs inside the window, and whether a gap or mismatch lies between.
        std::int64_t t = r.pos, t0 = -1, t1 = -1;
        std::size_t q = 0, q0 = 0, q1 = 0;
        std::size_t k0 = 0, k1 = 0; // ops holding them
        bool aligned_before = false, aligned_after = false;
        std::vector<std::int64_t> & gaps = gap_pos_;
        gaps.clear();
        for (std::size_t k = 0; k < r.cigar.size(); ++k)
        {
            std::uint32_t const op = r.cigar[k];
            auto const len = static_cast<std::int64_t>(bam::cigar_op_length(op));
            auto const code = static_cast<bam::cigar_code>(bam::cigar_op_code(op));
            if (code == bam::cigar_code::M || code == bam::cigar_code::EQ || code == bam::cigar_code::X)
            {
                std::int64_t const a = std::max(t, wb), b = std::min(t + len, we);
                if (t < wb)
                    aligned_before = true;
                if (t + len > we)
                    aligned_after = true;
                if (a < b)
                {
                    if (t0 < 0)
                        t0 = a, q0 = q + static_cast<std::size_t>(a - t), k0 = k;
                    t1 = b - 1, q1 = q + static_cast<std::size_t>(b - 1 - t), k1 = k;
                }
                t += len, q += static_cast<std::size_t>(len);
            }
            else
            {
                if ((code == bam::cigar_code::I || code == bam::cigar_code::D) && t0 >= 0)
                    gaps.push_back(t);
                if (bam::consumes_reference(op))
                    t += len;
                if (bam::consumes_query(op))
                    q += static_cast<std::size_t>(len);
            }
        }
        if (t0 < 0 || t1 <= t0)
            return false;
        bool dirty = std::any_of(gaps.begin(), gaps.end(), [&](std::int64_t g) { return g <= t1; });
        if (!dirty)
            for (std::int64_t p = t0; p <= t1 && !dirty; ++p)
                dirty = r.bases[q0 + static_cast<std::size_t>(p - t0)] != target_at(p);
        if (!dirty)
            return false;
        // Free ends where the read's alignment starts / ends inside the window (only clips beyond).
        auto only_clips = [&](std::size_t from, std::size_t to) {
            for (std::size_t k = from; k < to; ++k)
            {
                auto c = static_cast<bam::cigar_code>(bam::cigar_op_code(r.cigar[k]));
                if (c != bam::cigar_code::S && c != bam::cigar_code::H)
                    return false;
            }
            return true;
        };
        bool const free_start = !aligned_before && t0 == r.pos && only_clips(0, k0);
        bool const free_end = !aligned_after && t1 + 1 == r.end && only_clips(k1 + 1, r.cigar.size());
        // Anchored at the mapper's first and last window bases; a free start / end only when it scores better, or
        // as well with fewer mismatches (a read ending in a repeat: the gap of the candidate rather than mismatches),
        // so a read starting just before a repeat does not slide to a tie that trades its insertion for a deletion.
        auto const anchored = align_to(r, q0, q1, t0, t1 + 1, false, false);
        align::alignment_result res = anchored;
        std::int64_t ts = t0;
        if (free_start || free_end)
        {
            // A free end may reach past the window (the read's end moved by the candidate's gap).
            std::int64_t const ref_end = ref_offset + static_cast<std::int64_t>(ref.size());
            std::int64_t const fs = free_start ? std::max(ref_offset, wb - end_margin) : t0;
            std::int64_t const fe = free_end ? std::min(ref_end, we + end_margin) : t1 + 1;
            auto loose = align_to(r, q0, q1, fs, fe, free_start, free_end);
            if (loose.score > anchored.score ||
                (loose.score == anchored.score && mismatches(r, q0, loose, fs) < mismatches(r, q0, anchored, t0)))
                res = std::move(loose), ts = fs;
        }
        if (res.query_begin != 0 || res.query_end != q1 + 1 - q0)
            return false;
        // Splice: the ops before (t0, q0), the new path, the ops after (t1, q1).
        new_cigar_.clear();
        auto push = [&](bam::cigar_code c, std::uint32_t len) {
            if (len == 0)
                return;
            if (!new_cigar_.empty() && bam::cigar_op_code(new_cigar_.back()) == static_cast<std::uint32_t>(c))
                new_cigar_.back() += len << 4;
            else
                new_cigar_.push_back(bam::cigar_op(c, len));
        };
        for (std::size_t k = 0; k < k0; ++k)
            push(static_cast<bam::cigar_code>(bam::cigar_op_code(r.cigar[k])), bam::cigar_op_length(r.cigar[k]));
        {
            // The part of op k0 before q0 (its start: q0 - (bases of op k0 before t0)).
            std::int64_t tk = r.pos;
            for (std::size_t k = 0; k < k0; ++k)
                if (bam::consumes_reference(r.cigar[k]))
                    tk += bam::cigar_op_length(r.cigar[k]);
            push(bam::cigar_code::M, static_cast<std::uint32_t>(t0 - tk));
        }
        for (auto const & e : res.path)
            push(e.op == 'I' ? bam::cigar_code::I : e.op == 'D' ? bam::cigar_code::D : bam::cigar_code::M, e.length);
        {
            std::int64_t tk = r.pos; // reference start of op k1
            for (std::size_t k = 0; k < k1; ++k)
                if (bam::consumes_reference(r.cigar[k]))
                    tk += bam::cigar_op_length(r.cigar[k]);
            push(bam::cigar_code::M, static_cast<std::uint32_t>(tk + bam::cigar_op_length(r.cigar[k1]) - (t1 + 1)));
        }
        for (std::size_t k = k1 + 1; k < r.cigar.size(); ++k)
            push(static_cast<bam::cigar_code>(bam::cigar_op_code(r.cigar[k])), bam::cigar_op_length(r.cigar[k]));
        std::int64_t const pos = free_start ? ts + res.target_begin : r.pos;
        if (new_cigar_ == r.cigar && pos == r.pos)
            return false;
        r.cigar.assign(new_cigar_.begin(), new_cigar_.end());
        r.pos = pos;
        std::int64_t end = pos;
        for (std::uint32_t op : r.cigar)
            if (bam::consumes_reference(op))
                end += bam::cigar_op_length(op);
        r.end = end;
        return true;
    }

private:
    //! Mismatches of a path aligning r's bases from q0 to the window's reference from ts.
    std::size_t mismatches(aligned_read const & r, std::size_t q0, align::alignment_result const & a, std::int64_t ts) const
    {
        std::size_t q = q0 + a.query_begin, t = a.target_begin, n = 0;
        for (auto const & e : a.path)
        {
            if (e.op != 'I' && e.op != 'D')
                for (std::uint32_t k = 0; k < e.length; ++k)
                    n += r.bases[q + k] != target_at(ts + static_cast<std::int64_t>(t + k));
            if (e.op != 'D')
                q += e.length;
            if (e.op != 'I')
                t += e.length;
        }
        return n;
    }

    std::uint8_t target_at(std::int64_t p) const noexcept
    {
        return align::encode_base(ref_[static_cast<std::size_t>(p - ref_offset_)]);
    }

    align::alignment_result align_to(aligned_read const & r, std::size_t q0, std::size_t q1, std::int64_t ts,
                                     std::int64_t te, bool free_start, bool free_end)
    {
        target_.resize(static_cast<std::size_t>(te - ts));
        for (std::int64_t p = ts; p < te; ++p)
            target_[static_cast<std::size_t>(p - ts)] = target_at(p);
        return aligners_[(free_start ? 2 : 0) + (free_end ? 1 : 0)].align(std::span<std::uint8_t const>{r.bases.data() + q0, q1 + 1 - q0}, target_);
    }

    static align::pairwise_aligner make_aligner(bool free_start, bool free_end)
    {
        return align::pairwise_aligner{align::alignment_config{
            .mode = align::alignment_mode::semi_global,
            .scoring = align::scoring_scheme::simple(1, -4, 6, 1, -1),
            .free_ends = {.target_prefix = free_start, .target_suffix = free_end}}};
    }

    //! Indexed by free start * 2 + free end.
    std::array<align::pairwise_aligner, 4> aligners_{make_aligner(false, false), make_aligner(false, true),
                                                     make_aligner(true, false), make_aligner(true, true)};
    static constexpr std::int64_t end_margin = 32; //!< reference bases past the window a free read end may reach
    std::string_view ref_;
    std::int64_t ref_offset_{0};
    std::vector<std::uint8_t> target_;
    std::vector<std::uint32_t> new_cigar_;
    std::vector<std::int64_t> gap_pos_;
};

} // namespace wgskit::call
