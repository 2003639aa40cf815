// An alignment of a read (or its reverse complement) to one place of the reference, its edit tags and MAPQ.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include <wgskit/align/config.hpp>

namespace wgskit::map::detail
{
struct region
{
    std::uint32_t contig = 0;
    bool reverse = false;
    std::uint64_t ref_begin = 0, ref_end = 0;     //!< forward strand, half-open
    std::uint32_t query_begin = 0, query_end = 0; //!< in the oriented read
    std::int32_t score = 0;
    std::int32_t sub = 0;          //!< best competing score on the same read part (0: none)
    std::int32_t sub_count = 0;    //!< competitors scoring close to this one
    double repetitive = 0;         //!< fraction of the read covered by seeds too frequent to locate all
    align::cigar path;             //!< M/I/D only (clips are added at output)
    std::int32_t secondary_of = -1; //!< index of the better region covering the same read part, or -1
};

//! Query bases a CIGAR consumes.
inline std::uint64_t query_length(align::cigar const & c)
{
    std::uint64_t n = 0;
    for (auto const & e : c)
        if (e.op == 'M' || e.op == 'I' || e.op == 'S' || e.op == '=' || e.op == 'X')
            n += e.length;
    return n;
}

inline std::uint64_t reference_length(align::cigar const & c)
{
    std::uint64_t n = 0;
    for (auto const & e : c)
        if (e.op == 'M' || e.op == 'D' || e.op == '=' || e.op == 'X' || e.op == 'N')
            n += e.length;
    return n;
}


//! Whether the 8 bytes at a and b are equal and none of them is an N (either case): 8 matching bases.
inline bool equal_without_n(char const * a, char const * b) noexcept
{
    std::uint64_t x, y;
    std::memcpy(&x, a, 8);
    std::memcpy(&y, b, 8);
    constexpr std::uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    std::uint64_t const folded = x | (ones * 0x20); // 'N' and 'n' both become 'n'
    std::uint64_t const n = folded ^ (ones * 'n');
    return x == y && ((n - ones) & ~n & highs) == 0; // no zero byte in n: no N
}

//! NM and MD of an M/I/D path of read[query_begin..] against ref (the reference from the path's first base;
//! letters compared case-insensitively, N never matches).
inline void edit_tags(align::cigar const & path, std::string_view read, std::uint32_t query_begin,
                      std::string_view ref, std::uint32_t & nm, std::string & md)
{
    auto up = [](char c) { return static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c); };
    nm = 0;
    md.clear();
    std::uint32_t run = 0;
    std::size_t q = query_begin, t = 0;
    for (auto const & e : path)
    {
        if (e.op == 'M' || e.op == '=' || e.op == 'X')
        {
            for (std::uint32_t k = 0; k < e.length; ++k, ++q, ++t)
            {
                // Most of an alignment matches: skip 8 equal bytes at once when none is an N.
                while (k + 8 <= e.length && equal_without_n(read.data() + q, ref.data() + t))
                    k += 8, q += 8, t += 8, run += 8;
                if (k == e.length)
                    break;
                char const a = up(read[q]), b = up(ref[t]);
                if (a == b && a != 'N')
                    ++run;
                else
                {
                    ++nm;
                    md += std::to_string(run);
                    md += b;
                    run = 0;
                }
            }
        }
        else if (e.op == 'I')
        {
            nm += e.length;
            q += e.length;
        }
        else if (e.op == 'D')
        {
            nm += e.length;
            md += std::to_string(run);
            md += '^';
            for (std::uint32_t k = 0; k < e.length; ++k)
                md += up(ref[t + k]);
            t += e.length;
            run = 0;
        }
    }
    md += std::to_string(run);
}

//! bwa mem's MAPQ model: the score margin over the best competitor (at least a minimal seed's score), scaled by
//! the alignment's identity and length, less the log of the number of near-equal competitors, less the
//! repetitive fraction of the read.
inline int mapping_quality(region const & r, int match, int mismatch_penalty, int min_seed_length)
{
    int sub = std::max(r.sub, min_seed_length * match);
    if (sub >= r.score)
        return 0;
    double const len = static_cast<double>(
        std::max<std::uint64_t>(r.query_end - r.query_begin, r.ref_end - r.ref_begin));
    double const identity = 1.0 - (len * match - r.score) / (match + mismatch_penalty) / len;
    double scale = len < 50 ? 1.0 : std::log(50.0) / std::log(len);
    scale *= identity * identity;
    int q = static_cast<int>(6.02 * (r.score - sub) / match * scale * scale + 0.499);
    q -= static_cast<int>(4.343 * std::log(r.sub_count + 1.0) + 0.499);
    q = std::clamp(q, 0, 60);
    return static_cast<int>(q * (1.0 - r.repetitive) + 0.499);
}

//! bwa mem's MAPQ of a pairing: the margin over the next pairing (or the unpaired placements), less the log of
//! the number of other pairings within a mismatch of the next one (competing_pairings), scaled down by the mean
//! repetitive fraction of the reads.
inline int pair_quality(int margin, int near_pairings, double repetitive1, double repetitive2, int match)
{
    int q = static_cast<int>(6.02 * margin / match + 0.499);
    if (near_pairings > 0)
        q -= static_cast<int>(4.343 * std::log(near_pairings + 1.0) + 0.499);
    q = std::clamp(q, 0, 60);
    return static_cast<int>(q * (1.0 - 0.5 * (repetitive1 + repetitive2)) + 0.499);
}

//! The pairings that compete with the best of `scores` (all candidate pairings of a read pair, best included):
//! those other than the best scoring within `near` (a mismatch or a gap) of the runner-up, as bwa's mem_pair
//! counts them. Each such pairing is about as likely as the runner-up, so the error probability of the best is
//! their number times that of the runner-up: counting only pairings near the best would miss a crowd of equal
//! runners-up a few points behind it (segmental duplications) and overstate the MAPQ.
inline int competing_pairings(std::vector<std::int64_t> const & scores, int near)
{
    if (scores.size() < 2)
        return 0;
    std::int64_t best = scores[0], second = std::numeric_limits<std::int64_t>::min();
    for (std::size_t k = 1; k < scores.size(); ++k)
    {
        if (scores[k] > best)
            second = best, best = scores[k];
        else if (scores[k] > second)
            second = scores[k];
    }
    auto const n = std::count_if(scores.begin(), scores.end(), [&](std::int64_t x) { return x >= second - near; });
    return static_cast<int>(n - 1); // the best is among them
}
} // namespace wgskit::map::detail
