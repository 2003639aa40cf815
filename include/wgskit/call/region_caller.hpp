// Calling one region: pileup -> SNP candidates and genotype likelihoods; indel candidates -> haplotypes ->
// pair-HMM read likelihoods -> genotype likelihoods; optional gVCF reference blocks. The result is a list of
// records in coordinate order (independent of any other region, so regions can be called in parallel).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <queue>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include <wgskit/call/genotype.hpp>
#include <wgskit/call/pairhmm.hpp>
#include <wgskit/call/pileup.hpp>
#include <wgskit/call/realign.hpp>
#include <wgskit/call/repeat_model.hpp>

namespace wgskit::call
{

struct calling_thresholds
{
    pileup_options pileup{};
    int min_alt_count = 2;            //!< a candidate allele needs this many supporting reads
    double min_alt_fraction = 0.05;   //!< ... and this fraction of the depth
    int max_alt_alleles = 3;          //!< alternative alleles considered per site (most supported first)
    double snp_heterozygosity = 1e-3;
    double indel_heterozygosity = 1.25e-4;
    double low_qual = 20;             //!< FILTER LowQual below this QUAL
    int low_depth = 3;                //!< FILTER LowDepth below this DP
    double min_emit_qual = 0;         //!< variant records with lower QUAL are not written
    int indel_flank = 20;             //!< reference bases each side of an indel site in its haplotypes
    int indel_snp_pad = 3;            //!< SNP positions within this many bp of a candidate indel's repeat tract ...
    std::uint8_t indel_snp_qual_cap = 12; //!< ... have base qualities capped here (BAQ-like: misaligned reads' mismatches)
    int read_end_margin = 20;         //!< reads ending this far (+ event length) past that span are capped there too (-1: off)
    pairhmm_params hmm{};
    //! Homopolymer gap opens from the chunk's own slippage rate (repeat_model.hpp). Off: the rate depends on the
    //! chunk's reads, so a gather of -r chunks would differ from a whole-reference call (cli.workflow).
    bool repeat_aware_gaps = false;
    repeat_error_model repeats{};
    bool realign_indel_windows = true; //!< realign the reads inside candidate indel windows first (realign.hpp)
    std::vector<int> gq_bands{0, 10, 20, 30, 40, 60, 99}; //!< gVCF block boundaries (lower bounds)
};

//! One output record, before VCF formatting.
struct called_record
{
    std::int64_t pos{0};         //!< 0-based
    std::string ref;
    std::vector<std::string> alt;
    bool indel{false};
    bool block{false};           //!< gVCF reference block
    std::int64_t block_end{0};   //!< 0-based exclusive (blocks)
    double qual{0};
    std::size_t gt1{0}, gt2{0};
    int gq{0};
    int dp{0};
    int min_dp{0};               //!< blocks
    double mq{0};                //!< RMS mapping quality
    std::vector<int> ad;
    std::vector<int> pl;
    bool low_qual{false}, low_depth{false};
};

namespace detail
{

//! Keeps the alleles of the call (and REF; and the last allele when keep_last, for <*>), remapping GT, AD, PL.
inline void keep_called_alleles(called_record & r, bool keep_last)
{
    std::size_t const n = r.alt.size() + 1;
    std::vector<std::size_t> keep{0};
    for (std::size_t a = 1; a < n; ++a)
        if (a == r.gt1 || a == r.gt2 || (keep_last && a == n - 1))
            keep.push_back(a);
    if (keep.size() == n)
        return;
    std::vector<std::string> alt;
    std::vector<int> ad, pl;
    for (std::size_t i = 0; i < keep.size(); ++i)
    {
        if (i > 0)
            alt.push_back(r.alt[keep[i] - 1]);
        ad.push_back(r.ad[keep[i]]);
    }
    for (std::size_t k = 0; k < keep.size(); ++k)
        for (std::size_t j = 0; j <= k; ++j)
            pl.push_back(r.pl[genotype_index(keep[j], keep[k])]);
    int lowest = *std::min_element(pl.begin(), pl.end());
    for (auto & v : pl)
        v -= lowest;
    auto index_of = [&](std::size_t a) {
        return static_cast<std::size_t>(std::find(keep.begin(), keep.end(), a) - keep.begin());
    };
    r.gt1 = index_of(r.gt1), r.gt2 = index_of(r.gt2);
    r.alt = std::move(alt), r.ad = std::move(ad), r.pl = std::move(pl);
}

//! Shortens REF and ALTs sharing a suffix (after dropping alleles), keeping at least one base each.
inline void trim_common_suffix(called_record & r)
{
    auto shared = [&] {
        if (r.ref.size() < 2)
            return false;
        for (auto const & a : r.alt)
            if (a.size() < 2 || a[0] == '<' || a.back() != r.ref.back())
                return false;
        return true;
    };
    while (shared())
    {
        r.ref.pop_back();
        for (auto & a : r.alt)
            a.pop_back();
    }
}

inline bool is_aligned(std::uint32_t op) noexcept
{
    auto c = static_cast<bam::cigar_code>(bam::cigar_op_code(op));
    return c == bam::cigar_code::M || c == bam::cigar_code::EQ || c == bam::cigar_code::X;
}

//! The read's bases that fall in the reference window [wb, we) by its alignment, plus soft-clipped bases next to
//! the window when the alignment ends inside it. Returns [from, to) query indices.
inline std::pair<std::size_t, std::size_t> window_segment(aligned_read const & r, std::int64_t wb, std::int64_t we)
{
    std::int64_t ref = r.pos;
    std::size_t q = 0, from = SIZE_MAX, to = 0;
    std::size_t lead_clip = 0, tail_clip = 0;
    if (!r.cigar.empty() && bam::cigar_op_code(r.cigar.front()) == static_cast<std::uint32_t>(bam::cigar_code::S))
        lead_clip = bam::cigar_op_length(r.cigar.front());
    if (r.cigar.size() > 1 && bam::cigar_op_code(r.cigar.back()) == static_cast<std::uint32_t>(bam::cigar_code::S))
        tail_clip = bam::cigar_op_length(r.cigar.back());
    for (std::uint32_t op : r.cigar)
    {
        auto len = static_cast<std::int64_t>(bam::cigar_op_length(op));
        if (is_aligned(op))
        {
            std::int64_t a = std::max(ref, wb), b = std::min(ref + len, we);
            if (a < b)
            {
                from = std::min(from, q + static_cast<std::size_t>(a - ref));
                to = std::max(to, q + static_cast<std::size_t>(b - ref));
            }
            ref += len, q += static_cast<std::size_t>(len);
        }
        else
        {
            bool cq = bam::consumes_query(op), cr = bam::consumes_reference(op);
            if (cq && !cr && bam::cigar_op_code(op) == static_cast<std::uint32_t>(bam::cigar_code::I) && ref > wb && ref < we)
            {
                from = std::min(from, q);
                to = std::max(to, q + static_cast<std::size_t>(len));
            }
            if (cr)
                ref += len;
            if (cq)
                q += static_cast<std::size_t>(len);
        }
    }
    if (from == SIZE_MAX)
        return {0, 0};
    if (from == lead_clip && lead_clip > 0 && r.pos > wb)
        from -= std::min<std::size_t>(lead_clip, static_cast<std::size_t>(r.pos - wb));
    std::size_t const aligned_end = r.bases.size() - tail_clip;
    if (to == aligned_end && tail_clip > 0 && r.end < we)
        to += std::min<std::size_t>(tail_clip, static_cast<std::size_t>(we - r.end));
    return {from, to};
}

} // namespace detail

//! Calls the positions [beg, end) of one contig. ref holds the contig's bases [ref_offset, ref_offset + ref.size())
//! and must cover [beg - 1000, end + 1000) where the contig has them; reads (sorted) must include every record
//! overlapping that span.
class region_caller
{
public:
    explicit region_caller(calling_thresholds t) : t_{std::move(t)} {}

    std::vector<called_record> call(std::vector<aligned_read> reads, std::string_view ref, std::int64_t ref_offset,
                                    std::int64_t beg, std::int64_t end, bool gvcf)
    {
        ref_ = ref, ref_offset_ = ref_offset;
        if (t_.realign_indel_windows && realign_windows(reads, indel_sites(reads)))
            std::stable_sort(reads.begin(), reads.end(), [](auto const & a, auto const & b) { return a.pos < b.pos; });
        if (t_.repeat_aware_gaps)
            slippage_ = calibrate_slippage(count_slippage(reads, beg, end), t_.repeats, t_.hmm.gap_open, t_.hmm.gap_extend);
        std::vector<called_record> out;
        std::vector<std::uint8_t> block_gq;
        std::vector<std::uint16_t> block_dp;
        if (gvcf)
        {
            block_gq.assign(static_cast<std::size_t>(end - beg), 0);
            block_dp.assign(static_cast<std::size_t>(end - beg), 0);
        }
        auto sites = indel_sites(reads);
        mark_near_indels(sites, beg, end);
        if (t_.read_end_margin >= 0)
            mark_uncertain_read_ends(reads, sites);
        constexpr std::int64_t window = 1 << 16;
        for (std::int64_t wb = beg; wb < end; wb += window)
        {
            std::int64_t we = std::min(end, wb + window);
            build_columns(reads, wb, we, t_.pileup, cols_, t_.indel_snp_qual_cap);
            for (std::int64_t p = wb; p < we; ++p)
                call_snp(p, near_indel_[static_cast<std::size_t>(p - beg)] != 0, out, gvcf ? &block_gq[static_cast<std::size_t>(p - beg)] : nullptr,
                         gvcf ? &block_dp[static_cast<std::size_t>(p - beg)] : nullptr, gvcf);
        }
        for (std::size_t k = 0; k < sites.size(); ++k)
            if (sites[k].anchor >= beg && sites[k].anchor < end)
                call_indel_site(reads, sites, k, out, gvcf);
        std::stable_sort(out.begin(), out.end(), [](auto const & a, auto const & b) {
            return a.pos != b.pos ? a.pos < b.pos : a.indel < b.indel;
        });
        if (gvcf)
            out = add_blocks(std::move(out), beg, end, block_gq, block_dp);
        return out;
    }

private:
    char ref_at(std::int64_t p) const noexcept
    {
        char c = ref_[static_cast<std::size_t>(p - ref_offset_)];
        return c >= 'a' ? static_cast<char>(c - 32) : c;
    }

    void finish(called_record & r, bool gvcf) const
    {
        r.low_qual = r.qual < t_.low_qual;
        r.low_depth = r.dp < t_.low_depth;
        detail::keep_called_alleles(r, gvcf);
        if (r.indel)
            detail::trim_common_suffix(r);
    }

    void call_snp(std::int64_t p, bool near_indel, std::vector<called_record> & out, std::uint8_t * gq_out, std::uint16_t * dp_out, bool gvcf)
    {
        static constexpr char letters[] = "ACGT";
        char const rc = ref_at(p);
        std::uint8_t const rb = hmm_code(rc);
        std::size_t const depth = cols_.depth(p);
        if (dp_out)
            *dp_out = static_cast<std::uint16_t>(std::min<std::size_t>(depth, 65535));
        if (rb >= hmm_n || depth == 0)
            return;
        base_observation const * obs = cols_.at(p);
        std::array<std::uint32_t, 4> count{};
        for (std::size_t i = 0; i < depth; ++i)
            ++count[obs[i].base];
        // Called at every covered position: the alleles' vector is a member reused call after call, and the four
        // bases are ordered by a stable insertion sort (std::stable_sort allocates a buffer a call).
        std::vector<std::uint8_t> & alleles = snp_alleles_;
        alleles.assign(1, rb);
        std::array<std::uint8_t, 4> order{0, 1, 2, 3};
        for (std::size_t i = 1; i < order.size(); ++i)
            for (std::size_t j = i; j > 0 && count[order[j]] > count[order[j - 1]]; --j)
                std::swap(order[j], order[j - 1]);
        for (auto b : order)
            if (b != rb && static_cast<int>(count[b]) >= t_.min_alt_count &&
                count[b] >= t_.min_alt_fraction * static_cast<double>(depth) &&
                static_cast<int>(alleles.size()) <= t_.max_alt_alleles)
                alleles.push_back(b);
        if (alleles.size() == 1 && !gq_out)
            return;
        base_sums s = sum_observations(obs, depth, scratch_, near_indel ? t_.indel_snp_qual_cap : std::uint8_t{99});
        if (alleles.size() == 1)
        {
            // gVCF: confidence in hom-ref against the most observed other base.
            std::uint8_t other = order[0] != rb ? order[0] : order[1];
            auto gl = snp_genotype_likelihoods(s, {rb, other});
            auto c = call_genotype(gl, genotype_priors(2, t_.snp_heterozygosity), 2);
            *gq_out = static_cast<std::uint8_t>(c.allele2 == 0 ? c.gq : 0);
            return;
        }
        if (gvcf) // the <*> allele: the most observed base not yet among the alleles (or any other)
            for (auto b : order)
                if (std::find(alleles.begin(), alleles.end(), b) == alleles.end())
                {
                    alleles.push_back(b);
                    break;
                }
        auto gl = snp_genotype_likelihoods(s, alleles);
        auto c = call_genotype(gl, genotype_priors(alleles.size(), t_.snp_heterozygosity), alleles.size());
        if (gq_out)
            *gq_out = static_cast<std::uint8_t>(c.allele2 == 0 ? c.gq : 0);
        if (c.allele2 == 0 || c.qual < t_.min_emit_qual)
            return;
        called_record r;
        r.pos = p;
        r.ref = std::string(1, rc);
        for (std::size_t a = 1; a < alleles.size(); ++a)
            r.alt.push_back(gvcf && a + 1 == alleles.size() ? std::string{"<*>"} : std::string(1, letters[alleles[a]]));
        r.qual = c.qual, r.gt1 = c.allele1, r.gt2 = c.allele2, r.gq = c.gq, r.pl = std::move(c.pl);
        r.dp = static_cast<int>(depth);
        double mq2 = 0;
        for (std::size_t i = 0; i < depth; ++i)
            mq2 += static_cast<double>(obs[i].mapq) * obs[i].mapq;
        r.mq = std::sqrt(mq2 / static_cast<double>(depth));
        for (auto a : alleles)
            r.ad.push_back(static_cast<int>(count[a]));
        if (gvcf)
            r.ad.back() = 0;
        finish(r, gvcf);
        out.push_back(std::move(r));
    }

    //! An indel site: its anchor and candidate alleles (most supported first).
    struct indel_site
    {
        std::int64_t anchor{0};
        std::vector<indel_observation> alts;
        std::vector<int> support;
    };

    //! A haplotype edit: ref bases [pos, pos + del) replaced by ins.
    struct edit
    {
        std::int64_t pos{0}, del{0};
        std::string ins;
    };
    static edit edit_of(indel_observation const & a)
    {
        return a.length < 0 ? edit{a.anchor + 1, -a.length, {}} : edit{a.anchor + 1, 0, a.inserted};
    }

    //! Groups the reads' indels by left-aligned anchor into candidate sites (all of the reads' span): those in the
    //! called range are genotyped, with the other candidate sites near them as background haplotypes.
    std::vector<indel_site> indel_sites(std::vector<aligned_read> const & reads) const
    {
        auto obs = collect_indels(reads, ref_, ref_offset_);
        std::sort(obs.begin(), obs.end());
        std::vector<indel_site> sites;
        // The depth at each anchor by a sweep (reads sorted by position, anchors rising): the ends of the reads
        // begun at or before the anchor, those ending by the base after it dropped for good. Counting from the
        // chunk's first read at every anchor was quadratic in the chunk's reads.
        std::priority_queue<std::int64_t, std::vector<std::int64_t>, std::greater<>> ends;
        std::size_t next_read = 0;
        std::size_t i = 0;
        while (i < obs.size())
        {
            std::int64_t const anchor = obs[i].first.anchor;
            std::size_t j = i;
            while (j < obs.size() && obs[j].first.anchor == anchor)
                ++j;
            for (; next_read < reads.size() && reads[next_read].pos <= anchor; ++next_read)
                ends.push(reads[next_read].end);
            while (!ends.empty() && ends.top() <= anchor + 1)
                ends.pop();
            indel_site site;
            if (candidate_site(static_cast<int>(ends.size()), obs, i, j, site))
                sites.push_back(std::move(site));
            i = j;
        }
        return sites;
    }

    //! The span where reads carrying indel allele a of site may be misaligned: from the anchor to the end of the
    //! tandem repeat tract of the allele (the event's bases repeated rightwards), plus indel_snp_pad each side.
    std::pair<std::int64_t, std::int64_t> misalignment_span(indel_site const & site, indel_observation const & a) const
    {
        std::int64_t const ref_end = ref_offset_ + static_cast<std::int64_t>(ref_.size());
        std::int64_t const len = a.length < 0 ? -a.length : a.length;
        std::int64_t p = site.anchor + 1 + (a.length < 0 ? len : 0);
        // Extend over the repeat: ref[p] equals the event unit cycled (deletion: the deleted bases).
        for (std::int64_t k = 0; p < ref_end; ++p, ++k)
        {
            char u = a.length < 0 ? ref_at(site.anchor + 1 + k % len) : a.inserted[static_cast<std::size_t>(k % len)];
            if (ref_at(p) != (u >= 'a' ? static_cast<char>(u - 32) : u))
                break;
        }
        return {site.anchor - t_.indel_snp_pad, p + t_.indel_snp_pad};
    }

    //! Marks [beg, end) positions where reads carrying a candidate indel may be misaligned (misalignment_span).
    //! Mismatches there are mostly alignment artefacts, as BAQ finds in other callers.
    void mark_near_indels(std::vector<indel_site> const & sites, std::int64_t beg, std::int64_t end)
    {
        near_indel_.assign(static_cast<std::size_t>(end - beg), 0);
        for (auto const & site : sites)
            for (auto const & a : site.alts)
            {
                auto const [s0, s1] = misalignment_span(site, a);
                for (std::int64_t x = std::max(beg, s0); x < std::min(end, s1); ++x)
                    near_indel_[static_cast<std::size_t>(x - beg)] = 1;
            }
    }

    //! Marks, per read, the bases whose alignment is uncertain because the read ends (or starts) next to a candidate
    //! indel: a read that carries the event but has too few bases past the repeat for the aligner to pay for the gap
    //! is aligned without it, shifted by the event's length, and shows mismatches up to that far beyond the
    //! misalignment span on either side (chr20:7,287,812 and 816, 12-19 bp past a CTGT repeat carrying a 12-bp
    //! insertion, read ends 15 bp further; chr20:9,558,039 before one). Such a read's bases from its end across the
    //! span, widened by the event's length, are capped like the span's (in this read only: reads that cover the
    //! region with a margin keep their qualities). This is where BAQ lowers qualities in bcftools.
    void mark_uncertain_read_ends(std::vector<aligned_read> & reads, std::vector<indel_site> const & sites) const
    {
        for (auto const & site : sites)
            for (auto const & a : site.alts)
            {
                std::int64_t const len = a.length < 0 ? -a.length : a.length;
                auto const [s0, s1] = misalignment_span(site, a);
                std::int64_t const reach = len + t_.read_end_margin;
                auto it = std::partition_point(reads.begin(), reads.end(),
                                               [&](aligned_read const & r) { return r.pos + max_read_span < s0 - reach; });
                for (; it != reads.end() && it->pos < s1 + reach; ++it)
                {
                    aligned_read & r = *it;
                    std::int64_t b = 0, e = 0;
                    if (r.end > s0 && r.end <= s1 + reach)
                        b = std::max(r.pos, s0 - len), e = r.end;
                    else if (r.pos >= s0 - reach && r.pos < s1)
                        b = r.pos, e = std::min(r.end, s1 + len);
                    else
                        continue;
                    if (r.uncertain_end > r.uncertain_beg)
                        b = std::min(b, r.uncertain_beg), e = std::max(e, r.uncertain_end);
                    r.uncertain_beg = b, r.uncertain_end = e;
                }
            }
    }

    //! depth: the reads spanning the anchor and the base after it.
    bool candidate_site(int depth, std::vector<std::pair<indel_observation, std::uint32_t>> const & obs,
                        std::size_t from, std::size_t to, indel_site & site) const
    {
        std::int64_t const anchor = obs[from].first.anchor;
        std::vector<std::pair<indel_observation, int>> alleles;
        for (std::size_t k = from; k < to; ++k)
        {
            if (alleles.empty() || !(alleles.back().first == obs[k].first))
                alleles.emplace_back(obs[k].first, 0);
            if (k == from || obs[k].second != obs[k - 1].second || !(obs[k].first == obs[k - 1].first))
                ++alleles.back().second;
        }
        std::stable_sort(alleles.begin(), alleles.end(), [](auto const & a, auto const & b) { return a.second > b.second; });
        site.anchor = anchor;
        for (auto const & [a, n] : alleles)
            if (n >= t_.min_alt_count && n >= t_.min_alt_fraction * depth && static_cast<int>(site.alts.size()) < t_.max_alt_alleles)
            {
                site.alts.push_back(a);
                site.support.push_back(n);
            }
        return !site.alts.empty();
    }

    //! The window [wb, we) with the edits applied (edits must not overlap).
    std::vector<std::uint8_t> haplotype(std::int64_t wb, std::int64_t we, std::vector<edit> edits) const
    {
        // Sorted by position, an insertion before a deletion or SNP at the same place (it goes before that base).
        std::sort(edits.begin(), edits.end(), [](auto const & a, auto const & b) {
            return a.pos != b.pos ? a.pos < b.pos : a.del < b.del;
        });
        std::vector<std::uint8_t> h;
        std::int64_t p = wb;
        for (auto const & e : edits)
        {
            for (; p < e.pos; ++p)
                h.push_back(hmm_code(ref_at(p)));
            for (char c : e.ins)
                h.push_back(hmm_code(c));
            p = e.pos + e.del;
        }
        for (; p < we; ++p)
            h.push_back(hmm_code(ref_at(p)));
        return h;
    }

    //! How far right of the anchor the tandem repeat holding the event reaches: the longest run, from the base after
    //! the anchor, of the reference repeating with the event's length or any short period (1..6), so that a deletion
    //! of 7 in an AAAT repeat gets the whole repeat in its window (cut inside it, the reads cannot tell -7 from +1).
    std::int64_t repeat_end(indel_observation const & a) const
    {
        std::int64_t const ref_end = ref_offset_ + static_cast<std::int64_t>(ref_.size());
        std::int64_t const from = a.anchor + 1, L = a.length < 0 ? -a.length : a.length;
        std::int64_t reach = from + (a.length < 0 ? L : 0);
        if (a.length > 0) // the inserted bases continued in the reference
        {
            std::int64_t q = 0;
            while (from + q < ref_end && ref_at(from + q) == upper(a.inserted[static_cast<std::size_t>(q % L)]))
                ++q;
            reach = std::max(reach, from + q);
        }
        auto periodic_run = [&](std::int64_t d) {
            std::int64_t p = from;
            while (p + d < ref_end && p - from < max_repeat_extension && ref_at(p) == ref_at(p + d))
                ++p;
            return p + d;
        };
        reach = std::max(reach, periodic_run(L));
        for (std::int64_t d = 1; d <= 6; ++d)
            if (periodic_run(d) - from >= 2 * d) // a repeat (two units at least) starting at the event
                reach = std::max(reach, periodic_run(d));
        return reach;
    }

    //! Where the short tandem repeat (period 1..6, two units at least) ending at pos (inclusive) begins: a window
    //! cut inside the repeat on the left lets reads of a haplotype one unit shorter pass as this one.
    std::int64_t repeat_begin(std::int64_t pos) const
    {
        std::int64_t begin = pos;
        for (std::int64_t d = 1; d <= 6; ++d)
        {
            std::int64_t p = pos;
            while (p - d >= ref_offset_ && pos - p < max_repeat_extension && ref_at(p) == ref_at(p - d))
                --p;
            if (pos - (p - d) >= 2 * d)
                begin = std::min(begin, p - d + 1);
        }
        return begin;
    }

    static char upper(char c) noexcept { return c >= 'a' ? static_cast<char>(c - 32) : c; }

    //! An event near an indel site, with its read support.
    struct window_event
    {
        edit e;
        int support{0};
    };

    //! True when two edits can be on one haplotype: their reference spans do not overlap, an insertion is not
    //! inside a deletion, and two insertions are not at one place.
    static bool compatible(edit const & a, edit const & b) noexcept
    {
        if (a.del > 0 && b.del > 0)
            return a.pos + a.del <= b.pos || b.pos + b.del <= a.pos;
        if (a.del == 0 && b.del == 0)
            return a.pos != b.pos;
        edit const & ins = a.del == 0 ? a : b;
        edit const & del = a.del == 0 ? b : a;
        return !(del.pos < ins.pos && ins.pos < del.pos + del.del);
    }

    //! The other events inside [wb, we): every allele of the other candidate indel sites there and the SNPs of the
    //! reads (a base in >= min_alt_count reads and >= 15 % of the depth), the best supported first, at most
    //! max_window_events.
    std::vector<window_event> window_events(std::vector<aligned_read> const & reads, std::vector<indel_site> const & sites,
                                            std::size_t k, std::int64_t wb, std::int64_t we)
    {
        std::vector<window_event> ev;
        auto add_site = [&](indel_site const & s) {
            for (std::size_t j = 0; j < s.alts.size(); ++j)
            {
                edit e = edit_of(s.alts[j]);
                if (e.pos > wb && e.pos + e.del < we)
                    ev.push_back({std::move(e), s.support[j]});
            }
        };
        for (std::size_t n = k; n-- > 0 && sites[n].anchor >= wb;)
            add_site(sites[n]);
        for (std::size_t n = k + 1; n < sites.size() && sites[n].anchor < we; ++n)
            add_site(sites[n]);
        // SNPs: base counts per window position from the reads' aligned bases.
        std::size_t const w = static_cast<std::size_t>(we - wb);
        snp_counts_.assign(w * 4, 0);
        detail::for_each_aligned_base(reads, wb, we, [&](aligned_read const & rd, std::size_t i, std::size_t q) {
            if (rd.bases[q] < 4 && rd.quals[q] >= t_.pileup.min_baseq)
                ++snp_counts_[i * 4 + rd.bases[q]];
        });
        static constexpr char letters[] = "ACGT";
        for (std::size_t i = 1; i + 1 < w; ++i)
        {
            std::uint32_t const * c = snp_counts_.data() + i * 4;
            std::uint32_t const depth = c[0] + c[1] + c[2] + c[3];
            std::uint8_t const rb = hmm_code(ref_at(wb + static_cast<std::int64_t>(i)));
            for (std::uint8_t b = 0; b < 4; ++b)
                if (b != rb && rb < 4 && static_cast<int>(c[b]) >= t_.min_alt_count && c[b] >= 0.15 * depth)
                    ev.push_back({edit{wb + static_cast<std::int64_t>(i), 1, std::string(1, letters[b])}, static_cast<int>(c[b])});
        }
        std::stable_sort(ev.begin(), ev.end(), [](auto const & a, auto const & b) {
            return a.support != b.support ? a.support > b.support : a.e.pos < b.e.pos;
        });
        if (ev.size() > max_window_events)
            ev.resize(max_window_events);
        return ev;
    }

    //! Haplotypes of the site's window: for each own allele (0 = reference), with each set of other events that fit
    //! together and with the allele. haps_[h] belongs to allele hap_allele_[h]; a read's likelihood for an allele is
    //! the best over its haplotypes. A sequence reached by two alleles (another representation of the same event)
    //! goes to the one that needs the better supported events for it; identical sequences are computed once.
    void build_haplotypes(indel_site const & site, std::vector<window_event> const & others, std::int64_t wb, std::int64_t we)
    {
        haps_.clear();
        hap_allele_.clear();
        std::vector<int> strength;
        std::size_t const m = others.size();
        for (std::size_t a = 0; a <= site.alts.size(); ++a)
        {
            std::vector<edit> own;
            if (a > 0)
                own.push_back(edit_of(site.alts[a - 1]));
            for (std::size_t mask = 0; mask < (std::size_t{1} << m); ++mask)
            {
                std::vector<edit> edits = own;
                int other_support = 0;
                bool ok = true;
                for (std::size_t b = 0; b < m && ok; ++b)
                    if (mask >> b & 1)
                    {
                        for (auto const & e : edits)
                            ok = ok && compatible(e, others[b].e);
                        edits.push_back(others[b].e);
                        other_support = std::max(other_support, others[b].support);
                    }
                if (!ok)
                    continue;
                auto h = haplotype(wb, we, std::move(edits));
                int const s = a > 0 ? site.support[a - 1] : other_support;
                auto same = std::find(haps_.begin(), haps_.end(), h);
                if (same == haps_.end())
                {
                    haps_.push_back(std::move(h));
                    hap_allele_.push_back(a);
                    strength.push_back(s);
                }
                else
                {
                    auto const i = static_cast<std::size_t>(same - haps_.begin());
                    if (hap_allele_[i] != a && s > strength[i])
                        hap_allele_[i] = a, strength[i] = s;
                }
            }
        }
    }

    //! Haplotype window of a site: flank, the longest deletion, and the whole tandem repeat the event sits in.
    std::pair<std::int64_t, std::int64_t> site_window(indel_site const & site) const
    {
        std::int64_t const ref_end = ref_offset_ + static_cast<std::int64_t>(ref_.size());
        std::int64_t max_del = 0, reach = site.anchor + 1;
        for (auto const & a : site.alts)
        {
            if (a.length < 0)
                max_del = std::max<std::int64_t>(max_del, -a.length);
            reach = std::max(reach, repeat_end(a));
        }
        std::int64_t wb = std::max(ref_offset_, repeat_begin(site.anchor) - t_.indel_flank);
        std::int64_t we = std::min(ref_end, std::max(reach, site.anchor + 1 + max_del) + t_.indel_flank);
        // A flank ending inside a neighbouring repeat lets a haplotype that shifts the boundary between two repeats
        // ((TG)n (AG)m: one TG less, one AG more) pass as one with the event: the window takes that repeat whole.
        auto [lb, le] = repeat_around(we - 1);
        if (le - lb > 0 && le >= we)
            we = std::min(ref_end, le + repeat_flank);
        std::tie(lb, le) = repeat_around(wb);
        if (le - lb > 0 && lb < wb)
            wb = std::max(ref_offset_, lb - repeat_flank);
        return {wb, we};
    }

    //! The longest short tandem repeat (period 1..6, two units and 4 bases at least, at most max_repeat_extension
    //! bases each side of p) covering p, [begin, end); empty ({p, p}) when none.
    std::pair<std::int64_t, std::int64_t> repeat_around(std::int64_t p) const
    {
        std::int64_t const ref_end = ref_offset_ + static_cast<std::int64_t>(ref_.size());
        std::pair<std::int64_t, std::int64_t> best{p, p};
        if (p < ref_offset_ || p >= ref_end)
            return best;
        for (std::int64_t d = 1; d <= 6; ++d)
        {
            std::int64_t x = p, y = p;
            while (x - d >= ref_offset_ && p - x < max_repeat_extension && ref_at(x) == ref_at(x - d))
                --x;
            // y + 1 - d stays inside the reference too: near its start (a chunk's first bases) it would not.
            while (y + 1 < ref_end && y + 1 - d >= ref_offset_ && y - p < max_repeat_extension &&
                   ref_at(y + 1) == ref_at(y + 1 - d))
                ++y;
            std::int64_t const b = std::max(ref_offset_, x + 1 - d), len = y + 1 - b;
            if (len >= 2 * d && len >= 4 && len > best.second - best.first && b <= p)
                best = {b, y + 1};
        }
        return best;
    }

    //! The net length change (inserted minus deleted bases) r's alignment puts into the run [p, q): insertions at
    //! its edges or inside, deletions starting inside.
    static std::int64_t length_change(aligned_read const & r, std::int64_t p, std::int64_t q) noexcept
    {
        std::int64_t t = r.pos, change = 0;
        for (std::uint32_t op : r.cigar)
        {
            auto const len = static_cast<std::int64_t>(bam::cigar_op_length(op));
            auto const code = static_cast<bam::cigar_code>(bam::cigar_op_code(op));
            if (code == bam::cigar_code::I && t >= p && t <= q)
                change += len;
            else if (code == bam::cigar_code::D && t >= p && t < q)
                change -= len;
            if (bam::consumes_reference(op))
                t += len;
            if (t > q)
                break;
        }
        return change;
    }

    //! Slippage counts of the homopolymers starting in [beg, end) (repeat_model.hpp): for each run of min_length
    //! bases or more, the reads (MAPQ >= 20, one of overlapping mates) aligned across it with slip_margin bases
    //! each side and how many change its length; runs where one length change looks like a variant are left out.
    slippage_counts count_slippage(std::vector<aligned_read> const & reads, std::int64_t beg, std::int64_t end)
    {
        slippage_counts c;
        std::int64_t const ref_end = ref_offset_ + static_cast<std::int64_t>(ref_.size());
        std::int64_t span = 0; // the longest alignment: reads starting further left end before a run
        for (auto const & r : reads)
            span = std::max(span, r.end - r.pos);
        std::size_t first = 0;
        std::int64_t p = std::max(beg, ref_offset_ + slip_margin);
        while (p < std::min(end, ref_end - slip_margin))
        {
            char const b = ref_at(p);
            std::int64_t q = p + 1;
            while (q < ref_end && ref_at(q) == b)
                ++q;
            std::int64_t const run = q - p;
            if (run >= static_cast<std::int64_t>(std::max(t_.repeats.min_length, slippage_bin_start[0])) &&
                hmm_code(b) < hmm_n && q + slip_margin <= ref_end)
            {
                slip_changes_.clear();
                while (first < reads.size() && reads[first].pos + span < p)
                    ++first;
                for (auto it = reads.begin() + static_cast<std::ptrdiff_t>(first); it != reads.end() && it->pos <= p - slip_margin; ++it)
                    if (it->end >= q + slip_margin && it->mapq >= 20 && !(p >= it->mate_overlap_beg && p < it->mate_overlap_end))
                        slip_changes_.push_back(length_change(*it, p, q));
                std::sort(slip_changes_.begin(), slip_changes_.end());
                double const n = static_cast<double>(slip_changes_.size());
                std::size_t slips = 0, most = 0;
                for (std::size_t i = 0; i < slip_changes_.size();)
                {
                    std::size_t k = i;
                    while (k < slip_changes_.size() && slip_changes_[k] == slip_changes_[i])
                        ++k;
                    if (slip_changes_[i] != 0)
                        slips += k - i, most = std::max(most, k - i);
                    i = k;
                }
                if (n > 0 && !(most >= 2 && static_cast<double>(most) >= t_.repeats.variant_fraction * n))
                {
                    std::size_t const bin = slippage_bin(static_cast<std::size_t>(run));
                    c.reads[bin] += n;
                    c.slips[bin] += static_cast<double>(slips);
                }
            }
            p = q;
        }
        return c;
    }

    //! Realigns the reads inside the (merged) windows of the candidate indel sites (realign.hpp), so that the
    //! candidates and SNP columns do not depend on the mapper's gap placement. True when a read changed.
    bool realign_windows(std::vector<aligned_read> & reads, std::vector<indel_site> const & sites)
    {
        std::vector<std::pair<std::int64_t, std::int64_t>> site_windows, windows;
        for (auto const & site : sites)
            site_windows.push_back(site_window(site));
        std::sort(site_windows.begin(), site_windows.end());
        for (auto const & w : site_windows)
        {
            if (!windows.empty() && w.first <= windows.back().second)
                windows.back().second = std::max(windows.back().second, w.second);
            else
                windows.push_back(w);
        }
        bool changed = false;
        std::size_t first = 0; // reads are sorted by pos; windows too
        for (auto const & [wb, we] : windows)
        {
            while (first < reads.size() && reads[first].pos + max_read_span < wb)
                ++first;
            for (std::size_t i = first; i < reads.size() && reads[i].pos < we; ++i)
                changed = realigner_.realign(reads[i], ref_, ref_offset_, wb, we) || changed;
        }
        return changed;
    }

    void call_indel_site(std::vector<aligned_read> const & reads, std::vector<indel_site> const & sites, std::size_t k,
                         std::vector<called_record> & out, bool gvcf)
    {
        indel_site const & site = sites[k];
        std::int64_t const anchor = site.anchor;
        auto const & alts = site.alts;
        std::int64_t const ref_end = ref_offset_ + static_cast<std::int64_t>(ref_.size());
        std::int64_t max_del = 0;
        for (auto const & a : alts)
            if (a.length < 0)
                max_del = std::max<std::int64_t>(max_del, -a.length);
        if (anchor + 1 + max_del + 1 > ref_end)
            return;
        auto const [wb, we] = site_window(site);
        called_record r;
        r.pos = anchor;
        r.indel = true;
        for (std::int64_t p = anchor; p < anchor + 1 + max_del; ++p)
            r.ref.push_back(ref_at(p));
        for (auto const & a : alts)
            r.alt.push_back(a.length < 0 ? std::string(1, r.ref[0]) + r.ref.substr(static_cast<std::size_t>(1 - a.length))
                                         : std::string(1, r.ref[0]) + a.inserted + r.ref.substr(1));
        build_haplotypes(site, window_events(reads, sites, k, wb, we), wb, we);
        // Reads over the site, their window segments.
        segs_.clear();
        seg_mapq_.clear();
        double mq2 = 0;
        for (auto const & rd : reads)
        {
            if (rd.pos > anchor + 1)
                break;
            if (rd.end <= anchor + 1 || (anchor >= rd.mate_overlap_beg && anchor < rd.mate_overlap_end))
                continue;
            auto [qf, qt] = detail::window_segment(rd, wb, we);
            if (qt <= qf || qt - qf < 10)
                continue;
            segs_.push_back({rd.bases.data() + qf, rd.quals.data() + qf, static_cast<std::uint32_t>(qt - qf)});
            seg_mapq_.push_back(rd.mapq);
            mq2 += static_cast<double>(rd.mapq) * rd.mapq;
        }
        if (segs_.empty())
            return;
        // Per read and allele: the best of the allele's haplotypes.
        std::size_t const n_hap = alts.size() + 1;
        std::size_t const n_all = n_hap + (gvcf ? 1 : 0);
        ll_.assign(segs_.size() * n_all, -std::numeric_limits<double>::infinity());
        pairhmm_params hmm = t_.hmm;
        for (std::size_t h = 0; h < haps_.size(); ++h)
        {
            if (t_.repeat_aware_gaps)
            {
                repeat_gap_open(haps_[h], slippage_, t_.repeats, t_.hmm.gap_open, t_.hmm.gap_extend, gap_open_at_);
                hmm.gap_open_at = gap_open_at_.data();
            }
            pairhmm_forward(haps_[h], segs_, hmm, ws_, hmm_out_);
            for (std::size_t s = 0; s < segs_.size(); ++s)
            {
                double & v = ll_[s * n_all + hap_allele_[h]];
                v = std::max(v, hmm_out_[s]);
            }
        }
        std::vector<int> ad(n_all, 0);
        for (std::size_t s = 0; s < segs_.size(); ++s)
        {
            double * x = ll_.data() + s * n_all;
            double best = *std::max_element(x, x + n_hap), worst = *std::min_element(x, x + n_hap);
            if (gvcf)
                x[n_hap] = worst;
            // A read's evidence is bounded by its mapping quality: P(read | a) >= P(max) * 10^(-MAPQ/10).
            double const cap = std::min(60, int{seg_mapq_[s]}) / 10.0;
            for (std::size_t a = 0; a < n_all; ++a)
                x[a] = std::max(x[a], best - cap);
            std::size_t arg = 0, second = SIZE_MAX;
            for (std::size_t a = 1; a < n_hap; ++a)
                if (x[a] > x[arg])
                    arg = a;
            for (std::size_t a = 0; a < n_hap; ++a)
                if (a != arg && (second == SIZE_MAX || x[a] > x[second]))
                    second = a;
            if (second != SIZE_MAX && x[arg] - x[second] >= 0.5)
                ++ad[arg];
        }
        if (gvcf)
            r.alt.push_back("<*>");
        auto gl = read_genotype_likelihoods(ll_, n_all);
        auto c = call_genotype(gl, genotype_priors(n_all, t_.indel_heterozygosity), n_all);
        if (c.allele2 == 0 || c.qual < t_.min_emit_qual || (gvcf && c.allele2 == n_all - 1 && c.allele1 == 0))
            return;
        r.qual = c.qual, r.gt1 = c.allele1, r.gt2 = c.allele2, r.gq = c.gq, r.pl = std::move(c.pl);
        r.dp = static_cast<int>(segs_.size());
        r.mq = std::sqrt(mq2 / static_cast<double>(segs_.size()));
        r.ad = std::move(ad);
        finish(r, gvcf);
        out.push_back(std::move(r));
    }

    //! Inserts gVCF reference blocks (<*>, END, GQ band, MIN_DP) between the variant records.
    std::vector<called_record> add_blocks(std::vector<called_record> variants, std::int64_t beg, std::int64_t end,
                                          std::vector<std::uint8_t> const & gq, std::vector<std::uint16_t> const & dp) const
    {
        std::vector<char> covered(static_cast<std::size_t>(end - beg), 0);
        for (auto const & v : variants)
            for (std::int64_t p = v.pos; p < std::min(end, v.pos + static_cast<std::int64_t>(v.ref.size())); ++p)
                covered[static_cast<std::size_t>(p - beg)] = 1;
        auto band = [&](int g) {
            int b = 0;
            for (std::size_t i = 0; i < t_.gq_bands.size(); ++i)
                if (g >= t_.gq_bands[i])
                    b = static_cast<int>(i);
            return b;
        };
        std::vector<called_record> out;
        out.reserve(variants.size() * 2 + 16);
        std::size_t vi = 0;
        std::int64_t p = beg;
        while (p < end)
        {
            auto i = static_cast<std::size_t>(p - beg);
            if (covered[i] || hmm_code(ref_at(p)) >= hmm_n)
            {
                while (vi < variants.size() && variants[vi].pos <= p)
                    out.push_back(std::move(variants[vi++]));
                ++p;
                continue;
            }
            while (vi < variants.size() && variants[vi].pos < p)
                out.push_back(std::move(variants[vi++]));
            called_record b;
            b.block = true;
            b.pos = p;
            b.ref = std::string(1, ref_at(p));
            b.alt = {"<*>"};
            int const bnd = band(gq[i]);
            b.gq = gq[i];
            b.min_dp = dp[i];
            b.dp = dp[i];
            std::int64_t q = p + 1;
            while (q < end && !covered[static_cast<std::size_t>(q - beg)] && hmm_code(ref_at(q)) < hmm_n &&
                   band(gq[static_cast<std::size_t>(q - beg)]) == bnd)
            {
                b.gq = std::min<int>(b.gq, gq[static_cast<std::size_t>(q - beg)]);
                b.min_dp = std::min<int>(b.min_dp, dp[static_cast<std::size_t>(q - beg)]);
                ++q;
            }
            b.block_end = q;
            out.push_back(std::move(b));
            p = q;
        }
        while (vi < variants.size())
            out.push_back(std::move(variants[vi++]));
        return out;
    }

    calling_thresholds t_;
    std::string_view ref_;
    std::int64_t ref_offset_{0};
    columns cols_;
    std::vector<base_observation> scratch_;
    std::vector<std::uint8_t> snp_alleles_; // call_snp's, kept between calls
    std::vector<std::vector<std::uint8_t>> haps_;
    std::vector<std::size_t> hap_allele_;
    std::vector<pairhmm_read> segs_;
    std::vector<std::uint8_t> seg_mapq_;
    std::vector<double> ll_, hmm_out_;
    std::vector<float> gap_open_at_; //!< per haplotype position (repeat_aware_gaps)
    slippage_table slippage_;        //!< the chunk's homopolymer slip rates (repeat_aware_gaps)
    std::vector<std::uint8_t> near_indel_; //!< per position of the called range: next to a candidate indel
    pairhmm_workspace ws_;
    window_realigner realigner_;
    static constexpr std::int64_t max_read_span = 4096; //!< reads starting further left of a window are not visited
    static constexpr std::int64_t slip_margin = 2; //!< aligned bases each side of a homopolymer a counted read needs
    std::vector<std::int64_t> slip_changes_;
    std::vector<std::uint32_t> snp_counts_; //!< base counts per position of an indel window
    static constexpr std::size_t max_window_events = 4;
    static constexpr std::int64_t max_repeat_extension = 100; //!< repeat bases added to an indel window per side at most
    static constexpr std::int64_t repeat_flank = 8; //!< reference bases beyond a neighbouring repeat the window ends in
};

} // namespace wgskit::call
