// Pileup: the reads of a region turned into per-position base observations (SNP evidence) and indel
// observations (candidate alleles), after the read filters bcftools mpileup applies.
//
//   * records skipped: unmapped, secondary, QC-fail, duplicate (supplementary are kept, as mpileup does), MAPQ below
//     min_mapq;
//   * a base is observed when its quality is at least min_baseq; its quality for the model is min(BQ, MAPQ);
//   * overlapping mates (same name, both in the region) are counted once: where both have a base, the one with the
//     higher quality is kept (scaled by 0.8 when the two disagree), the other dropped; the second mate's indels inside
//     the overlap are not counted again.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <wgskit/bam/record.hpp>
#include <wgskit/call/pairhmm.hpp>

namespace wgskit::call
{

struct pileup_options
{
    int min_mapq = 10;  //!< reads below are skipped
    int min_baseq = 13; //!< bases below are not observed (bcftools' default)
    int max_depth = 1000; //!< observations per position kept at most (first reads in coordinate order)
};

//! A read after filtering, ready for pileup and realignment.
struct aligned_read
{
    std::int64_t pos{0}, end{0};            //!< 0-based half-open reference span
    std::uint8_t mapq{0};
    bool reverse{false};
    std::vector<std::uint32_t> cigar;
    std::vector<std::uint8_t> bases;        //!< hmm codes 0..4
    std::vector<std::uint8_t> quals;        //!< phred; 0 = dropped (overlap with the mate)
    std::int64_t mate_overlap_beg{0}, mate_overlap_end{0}; //!< reference span where the earlier mate counts instead
    std::int64_t uncertain_beg{0}, uncertain_end{0}; //!< reference span where the alignment is uncertain (read end next to an indel)
};

//! True when a record takes part in calling.
inline bool passes_read_filters(bam::record const & r, pileup_options const & o) noexcept
{
    constexpr std::uint16_t skip = bam::flag::unmapped | bam::flag::secondary | bam::flag::qc_fail | bam::flag::duplicate;
    return !r.has_flag(skip) && r.tid() >= 0 && r.pos() >= 0 && r.n_cigar() > 0 && r.mapq() >= o.min_mapq &&
           r.mapq() != 255 && r.seq_length() > 0;
}

namespace detail
{
//! HMM base code (hmm_code) of each BAM 4-bit base code (an index of bam::seq_letters "=ACMGRSVTWYHKDBN").
inline constexpr auto hmm_of_bam_code = [] {
    std::array<std::uint8_t, 16> t{};
    for (std::size_t c = 0; c < t.size(); ++c)
        t[c] = hmm_code(bam::seq_letters[c]);
    return t;
}();

//! For each reference position of [r.pos, r.end) the query index aligned there (-1: deletion or skip).
inline void reference_to_query(aligned_read const & r, std::vector<std::int32_t> & out)
{
    out.assign(static_cast<std::size_t>(r.end - r.pos), -1);
    std::int64_t ref = r.pos;
    std::int32_t q = 0;
    for (std::uint32_t op : r.cigar)
    {
        auto len = static_cast<std::int32_t>(bam::cigar_op_length(op));
        auto code = static_cast<bam::cigar_code>(bam::cigar_op_code(op));
        if (code == bam::cigar_code::M || code == bam::cigar_code::EQ || code == bam::cigar_code::X)
        {
            for (std::int32_t k = 0; k < len; ++k)
                out[static_cast<std::size_t>(ref - r.pos + k)] = q + k;
            ref += len, q += len;
        }
        else if (bam::consumes_reference(op))
            ref += len;
        else if (bam::consumes_query(op))
            q += len;
    }
}
} // namespace detail

//! Filters records and converts them; resolves overlapping mates. Records must be coordinate-sorted.
inline std::vector<aligned_read> prepare_reads(std::vector<bam::record> const & records, pileup_options const & o)
{
    std::vector<aligned_read> reads;
    reads.reserve(records.size());
    std::unordered_map<std::string_view, std::size_t> first_mate; // name -> index of the earlier mate
    std::vector<std::string_view> names;
    std::vector<std::int32_t> qa, qb;
    for (auto const & rec : records)
    {
        if (!passes_read_filters(rec, o))
            continue;
        aligned_read r;
        r.pos = rec.pos();
        r.end = rec.end_position();
        r.mapq = rec.mapq();
        r.reverse = rec.has_flag(bam::flag::reverse);
        r.cigar = rec.cigar();
        std::uint32_t const n = rec.seq_length();
        // Two bases a byte, straight from BAM's 4-bit codes.
        r.bases.resize(n);
        auto const packed = rec.packed_sequence();
        for (std::uint32_t i = 0; i + 1 < n; i += 2)
        {
            r.bases[i] = detail::hmm_of_bam_code[packed[i / 2] >> 4];
            r.bases[i + 1] = detail::hmm_of_bam_code[packed[i / 2] & 15u];
        }
        if (n % 2 != 0)
            r.bases[n - 1] = detail::hmm_of_bam_code[packed[n / 2] >> 4];
        if (rec.has_qualities())
        {
            std::string_view const q = rec.qualities();
            r.quals.assign(q.begin(), q.end());
        }
        else
            r.quals.assign(n, 30);
        std::size_t idx = reads.size();
        reads.push_back(std::move(r));
        // Overlapping mates: both mapped here, the mate starts inside this read or this read inside the mate.
        if (rec.has_flag(bam::flag::paired) && !rec.has_flag(bam::flag::mate_unmapped) && rec.mate_tid() == rec.tid())
        {
            auto [it, inserted] = first_mate.try_emplace(rec.qname(), idx);
            if (inserted)
                continue;
            aligned_read & a = reads[it->second];
            aligned_read & b = reads[idx];
            std::int64_t beg = std::max(a.pos, b.pos), end = std::min(a.end, b.end);
            if (beg >= end)
                continue;
            detail::reference_to_query(a, qa);
            detail::reference_to_query(b, qb);
            for (std::int64_t p = beg; p < end; ++p)
            {
                std::int32_t ia = qa[static_cast<std::size_t>(p - a.pos)], ib = qb[static_cast<std::size_t>(p - b.pos)];
                if (ia < 0 || ib < 0)
                    continue;
                auto & qa_ = a.quals[static_cast<std::size_t>(ia)];
                auto & qb_ = b.quals[static_cast<std::size_t>(ib)];
                bool same = a.bases[static_cast<std::size_t>(ia)] == b.bases[static_cast<std::size_t>(ib)];
                auto & keep = qa_ >= qb_ ? qa_ : qb_;
                auto & drop = qa_ >= qb_ ? qb_ : qa_;
                if (!same)
                    keep = static_cast<std::uint8_t>(keep * 4 / 5);
                drop = 0;
            }
            b.mate_overlap_beg = beg;
            b.mate_overlap_end = end;
        }
    }
    // The map holds views into records, which outlive it; nothing else to release.
    return reads;
}

//! One base observation: code 0..3, model quality (already capped by MAPQ), strand.
struct base_observation
{
    std::uint8_t base;
    std::uint8_t qual;
    bool reverse;
    std::uint8_t mapq;
};

//! Base observations per position of [beg, end), stored flat (offsets + observations).
struct columns
{
    std::int64_t beg{0}, end{0};
    std::vector<std::uint32_t> offset; //!< end - beg + 1 entries
    std::vector<base_observation> obs;
    std::vector<std::uint32_t> low_quality; //!< bases under min_baseq per position (counted in no model)

    std::size_t depth(std::int64_t p) const noexcept
    {
        auto i = static_cast<std::size_t>(p - beg);
        return offset[i + 1] - offset[i];
    }
    base_observation const * at(std::int64_t p) const noexcept { return obs.data() + offset[static_cast<std::size_t>(p - beg)]; }
};

namespace detail
{
//! Calls emit(read, i, q, n) for every run of aligned (M/=/X) bases of reads (sorted by pos) inside [beg, end):
//! the n bases from query index q lie at positions beg + i .. beg + i + n - 1.
template <typename Emit>
void for_each_aligned_run(std::vector<aligned_read> const & reads, std::int64_t beg, std::int64_t end, Emit && emit)
{
    for (auto const & r : reads)
    {
        if (r.pos >= end)
            break;
        if (r.end <= beg)
            continue;
        std::int64_t ref = r.pos;
        std::size_t q = 0;
        for (std::uint32_t op : r.cigar)
        {
            auto len = static_cast<std::int64_t>(bam::cigar_op_length(op));
            auto code = static_cast<bam::cigar_code>(bam::cigar_op_code(op));
            if (code == bam::cigar_code::M || code == bam::cigar_code::EQ || code == bam::cigar_code::X)
            {
                std::int64_t from = std::max(ref, beg), to = std::min(ref + len, end);
                if (from < to)
                    emit(r, static_cast<std::size_t>(from - beg), q + static_cast<std::size_t>(from - ref),
                         static_cast<std::size_t>(to - from));
                ref += len, q += static_cast<std::size_t>(len);
                if (ref >= end)
                    break;
            }
            else if (bam::consumes_reference(op))
                ref += len;
            else if (bam::consumes_query(op))
                q += static_cast<std::size_t>(len);
        }
    }
}

//! Calls emit(read, position - beg, query index) for every aligned (M/=/X) base of reads (sorted by pos) in
//! [beg, end).
template <typename Emit>
void for_each_aligned_base(std::vector<aligned_read> const & reads, std::int64_t beg, std::int64_t end, Emit && emit)
{
    for_each_aligned_run(reads, beg, end, [&](aligned_read const & r, std::size_t i, std::size_t q, std::size_t n) {
        for (std::size_t k = 0; k < n; ++k)
            emit(r, i + k, q + k);
    });
}
} // namespace detail

//! Builds the base columns of [beg, end) from reads (sorted by pos). Two passes: count, then fill. Bases inside a
//! read's uncertain span have their model quality capped at uncertain_cap.
inline void build_columns(std::vector<aligned_read> const & reads, std::int64_t beg, std::int64_t end,
                          pileup_options const & o, columns & c, std::uint8_t uncertain_cap = 99)
{
    std::size_t const n = static_cast<std::size_t>(end - beg);
    c.beg = beg, c.end = end;
    c.offset.assign(n + 1, 0);
    c.low_quality.assign(n, 0);
    // Run by run, in tight loops over a read's aligned bases: count, then fill. Everything a loop reads is in a
    // local first; the stores (bytes among them) would otherwise make the compiler reload it every base.
    auto const min_baseq = o.min_baseq;
    detail::for_each_aligned_run(reads, beg, end, [&](aligned_read const & r, std::size_t i, std::size_t q, std::size_t len) {
        std::uint8_t const * const bases = r.bases.data() + q;
        std::uint8_t const * const quals = r.quals.data() + q;
        std::uint32_t * const counts = c.offset.data() + i + 1;
        std::uint32_t * const low = c.low_quality.data() + i;
        auto const min_q = min_baseq;
        for (std::size_t k = 0; k < len; ++k)
        {
            bool const usable = bases[k] < hmm_n && quals[k] >= min_q;
            counts[k] += usable ? 1u : 0u;
            low[k] += !usable && quals[k] != 0 ? 1u : 0u;
        }
    });
    for (std::size_t i = 0; i < n; ++i)
        c.offset[i + 1] = std::min<std::uint32_t>(c.offset[i + 1], static_cast<std::uint32_t>(o.max_depth));
    std::vector<std::uint32_t> fill(n);
    for (std::size_t i = 0; i < n; ++i)
    {
        fill[i] = c.offset[i + 1];
        c.offset[i + 1] += c.offset[i];
    }
    c.obs.resize(c.offset[n]);
    std::vector<std::uint32_t> used(n, 0);
    detail::for_each_aligned_run(reads, beg, end, [&](aligned_read const & r, std::size_t i, std::size_t q, std::size_t len) {
        // The bases of this run inside the read's uncertain span: [u0, u1).
        std::int64_t const p0 = beg + static_cast<std::int64_t>(i);
        auto const in_run = [&](std::int64_t p) {
            return static_cast<std::size_t>(std::clamp<std::int64_t>(p - p0, 0, static_cast<std::int64_t>(len)));
        };
        std::size_t const u0 = in_run(r.uncertain_beg), u1 = in_run(r.uncertain_end);
        std::uint8_t const * const bases = r.bases.data() + q;
        std::uint8_t const * const quals = r.quals.data() + q;
        std::uint32_t const * const offsets = c.offset.data() + i;
        std::uint32_t const * const room = fill.data() + i;
        std::uint32_t * const taken = used.data() + i;
        base_observation * const obs = c.obs.data();
        auto const min_q = min_baseq;
        std::uint8_t const mapq = r.mapq, cap = uncertain_cap;
        bool const reverse = r.reverse;
        for (std::size_t k = 0; k < len; ++k)
        {
            std::uint8_t const base = bases[k], bq = quals[k];
            if (!(base < hmm_n && bq >= min_q) || taken[k] >= room[k])
                continue;
            std::uint8_t qual = std::min(bq, mapq);
            if (k >= u0 && k < u1)
                qual = std::min(qual, cap);
            obs[offsets[k] + taken[k]++] = {base, qual, reverse, mapq};
        }
    });
}

//! An indel seen in one read, anchored (VCF style) at the reference base before it, left-aligned.
struct indel_observation
{
    std::int64_t anchor;  //!< 0-based position of the base before the event
    std::int32_t length;  //!< > 0 insertion, < 0 deletion
    std::string inserted; //!< inserted bases (insertions)
    bool operator==(indel_observation const & o) const { return anchor == o.anchor && length == o.length && inserted == o.inserted; }
    bool operator<(indel_observation const & o) const
    {
        if (anchor != o.anchor) return anchor < o.anchor;
        if (length != o.length) return length < o.length;
        return inserted < o.inserted;
    }
};

//! Left-aligns an indel on ref (ref_offset = reference position of ref[0]); the result is the leftmost
//! equivalent placement, so reads whose mapper put the gap differently give the same observation.
inline void left_align(indel_observation & e, std::string_view ref, std::int64_t ref_offset)
{
    auto at = [&](std::int64_t p) { return ref[static_cast<std::size_t>(p - ref_offset)]; };
    if (e.length < 0)
    {
        std::int64_t len = -e.length;
        while (e.anchor > ref_offset && e.anchor + len < ref_offset + static_cast<std::int64_t>(ref.size()) &&
               at(e.anchor) == at(e.anchor + len))
            --e.anchor;
    }
    else
    {
        while (e.anchor > ref_offset && !e.inserted.empty() && at(e.anchor) == e.inserted.back())
        {
            e.inserted.pop_back();
            e.inserted.insert(e.inserted.begin(), at(e.anchor));
            --e.anchor;
        }
    }
}

namespace detail
{
//! An indel a soft clip implies: a clipped tail at reference position p (bases c after the aligned part) that
//! continues the reference after an insertion of c's first L bases or after skipping D reference bases; a clipped
//! head (c before the aligned part, which starts at p) whose first bases end at p - 1 after the reference, the rest
//! inserted. Long insertions (and insertions that lengthen a repeat by more than the mapper's gap penalty allows)
//! appear only like this. The smallest event whose flank matches exactly (>= clip_min_match bases) is taken.
inline constexpr std::size_t clip_min_bases = 6, clip_min_match = 6, clip_match_bases = 20;
inline constexpr std::int64_t clip_max_deletion = 50;

inline bool clip_event(std::uint8_t const * c, std::size_t k, bool tail, std::int64_t p, std::string_view ref,
                       std::int64_t ref_offset, indel_observation & e)
{
    static constexpr char letters[] = "ACGTN";
    std::int64_t const ref_end = ref_offset + static_cast<std::int64_t>(ref.size());
    auto matches = [&](std::uint8_t const * q, std::size_t m, std::int64_t r) { // q[0..m) == ref[r..r+m)
        if (r < ref_offset || r + static_cast<std::int64_t>(m) > ref_end)
            return false;
        for (std::size_t i = 0; i < m; ++i)
        {
            char b = ref[static_cast<std::size_t>(r - ref_offset) + i];
            b = b >= 'a' ? static_cast<char>(b - 32) : b;
            if (q[i] >= 4 || letters[q[i]] != b)
                return false;
        }
        return true;
    };
    if (k < clip_min_bases)
        return false;
    for (std::size_t L = 1; L + clip_min_match <= k; ++L)
    {
        std::size_t const m = std::min(k - L, clip_match_bases);
        // tail: c = inserted(L) + ref[p..]; head: c = ref[..p) + inserted(L)
        bool const ok = tail ? matches(c + L, m, p) : matches(c + (k - L - m), m, p - static_cast<std::int64_t>(m));
        if (ok)
        {
            e.anchor = p - 1;
            e.length = static_cast<std::int32_t>(L);
            e.inserted.clear();
            for (std::size_t i = 0; i < L; ++i)
            {
                std::uint8_t const b = tail ? c[i] : c[k - L + i];
                if (b >= 4)
                    return false;
                e.inserted.push_back(letters[b]);
            }
            return true;
        }
    }
    std::size_t const m = std::min(k, clip_match_bases);
    if (m < clip_match_bases / 2)
        return false;
    for (std::int64_t D = 1; D <= clip_max_deletion; ++D)
        if (tail ? matches(c, m, p + D) : matches(c + (k - m), m, p - D - static_cast<std::int64_t>(m)))
        {
            e.anchor = tail ? p - 1 : p - D - 1;
            e.length = -static_cast<std::int32_t>(D);
            e.inserted.clear();
            return true;
        }
    return false;
}
} // namespace detail

//! The indels of the reads (skipping those at read ends and, for a second mate, inside the overlap), left-aligned,
//! with the index of the read that shows them, and those their soft clips imply (detail::clip_event).
//! ref covers [ref_offset, ref_offset + ref.size()).
inline std::vector<std::pair<indel_observation, std::uint32_t>>
collect_indels(std::vector<aligned_read> const & reads, std::string_view ref, std::int64_t ref_offset)
{
    static constexpr char letters[] = "ACGTN";
    std::vector<std::pair<indel_observation, std::uint32_t>> out;
    std::int64_t const ref_end = ref_offset + static_cast<std::int64_t>(ref.size());
    for (std::size_t ri = 0; ri < reads.size(); ++ri)
    {
        auto const & r = reads[ri];
        std::int64_t p = r.pos;
        std::size_t q = 0;
        bool aligned_before = false;
        for (std::size_t k = 0; k < r.cigar.size(); ++k)
        {
            std::uint32_t op = r.cigar[k];
            auto len = static_cast<std::int64_t>(bam::cigar_op_length(op));
            auto code = static_cast<bam::cigar_code>(bam::cigar_op_code(op));
            bool aligned_after = false;
            for (std::size_t m = k + 1; m < r.cigar.size(); ++m)
            {
                auto c2 = static_cast<bam::cigar_code>(bam::cigar_op_code(r.cigar[m]));
                if (c2 == bam::cigar_code::M || c2 == bam::cigar_code::EQ || c2 == bam::cigar_code::X)
                {
                    aligned_after = true;
                    break;
                }
                if (c2 == bam::cigar_code::S || c2 == bam::cigar_code::H)
                    break;
            }
            if ((code == bam::cigar_code::I || code == bam::cigar_code::D) && aligned_before && aligned_after &&
                p - 1 >= ref_offset && p + len + 1 < ref_end && !(p - 1 >= r.mate_overlap_beg && p - 1 < r.mate_overlap_end))
            {
                indel_observation e{p - 1, code == bam::cigar_code::I ? static_cast<std::int32_t>(len) : -static_cast<std::int32_t>(len), {}};
                if (code == bam::cigar_code::I)
                    for (std::int64_t i = 0; i < len; ++i)
                        e.inserted.push_back(letters[r.bases[q + static_cast<std::size_t>(i)]]);
                if (e.inserted.find('N') == std::string::npos)
                {
                    left_align(e, ref, ref_offset);
                    out.emplace_back(std::move(e), static_cast<std::uint32_t>(ri));
                }
            }
            if (code == bam::cigar_code::S && (k == 0 || k + 1 == r.cigar.size()))
            {
                bool const tail = k > 0;
                indel_observation e{0, 0, {}};
                if (detail::clip_event(r.bases.data() + q, static_cast<std::size_t>(len), tail, p, ref, ref_offset, e) &&
                    e.anchor >= ref_offset && e.anchor - e.length + 1 < ref_end &&
                    !(e.anchor >= r.mate_overlap_beg && e.anchor < r.mate_overlap_end))
                {
                    left_align(e, ref, ref_offset);
                    out.emplace_back(std::move(e), static_cast<std::uint32_t>(ri));
                }
            }
            if (code == bam::cigar_code::M || code == bam::cigar_code::EQ || code == bam::cigar_code::X)
                aligned_before = true;
            if (bam::consumes_reference(op))
                p += len;
            if (bam::consumes_query(op))
                q += static_cast<std::size_t>(len);
        }
    }
    return out;
}

} // namespace wgskit::call
