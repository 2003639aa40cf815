// The band of an exact banded traceback (batch_aligner::align): once a score-only pass has given a pair's
// optimal score S (and, for local, its end cell), the traceback reruns the DP with directions only inside a band
// around the end diagonal that every path scoring S must stay in.
//
// Why the result is the full DP's, CIGAR included: the reference's traceback takes, from the end cell back, the
// most preferred move that still leads to an optimal path, so its path is the smallest optimal path in that
// order. A banded DP is the same DP on fewer cells; if no optimal path leaves the band, the optimal paths of both
// are the same set and so are their smallest ones. band_for() picks the narrowest band outside which every path
// scores below S, from upper bounds that only need the lengths, the end cell, the best substitution score and the
// gap costs (a path that reaches a diagonal outside the band pays the gaps to get there and back).
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <optional>

#include <wgskit/align/config.hpp>

namespace wgskit::align::detail
{

//! The banded rerun of one pair: query[query_begin, query_end) x target[target_begin, target_end) with
//! |i - j| <= band in the coordinates of that sub-problem. Its end cell is the sub-problem's last cell.
struct traceback_band
{
    std::uint32_t query_begin = 0, target_begin = 0, query_end = 0, target_end = 0;
    int band = 0;
};

//! Whether a global m x n pair can have a band narrow enough to pay off (at most half a row: |n - m| alone
//! already sets the band's width).
inline bool band_may_pay(alignment_config const & c, std::uint32_t m, std::uint32_t n) noexcept
{
    if (c.mode == alignment_mode::local)
        return true;
    std::int64_t const shift = std::llabs(std::int64_t{n} - m);
    return (2 * shift + 1) * 2 <= n;
}

//! The band of a local or global pair (unbanded config) whose optimal score is r.score, r's end cell being the
//! reference's end (local: the first row-major best cell); nullopt when no band of at most half the
//! sub-problem's row width excludes every other path (then the full traceback is as cheap).
inline std::optional<traceback_band> band_for(alignment_config const & c, std::uint32_t m, std::uint32_t n,
                                              score_result const & r) noexcept
{
    std::int64_t const best_s = std::max(0, c.scoring.max_score()), o = c.scoring.gap_open, e = c.scoring.gap_extend;
    std::int64_t const s = r.score;
    traceback_band b;
    std::int64_t w = 0;
    if (c.mode == alignment_mode::local)
    {
        if (s <= 0 || r.query_end == 0 || r.target_end == 0)
            return std::nullopt;
        // A path ending at (i_e, j_e) through a diagonal w + 1 away from the end's has a gap of >= w + 1 bases
        // and at most min(i_e, j_e) substitutions.
        std::int64_t const excess = best_s * std::min(r.query_end, r.target_end) - o - s;
        w = excess < 0 ? 0 : excess / e;
        std::int64_t const d = std::int64_t{r.target_end} - r.query_end;
        b.query_begin = static_cast<std::uint32_t>(std::max<std::int64_t>(0, -d - w));
        b.target_begin = static_cast<std::uint32_t>(std::max<std::int64_t>(0, d - w));
        b.query_end = r.query_end;
        b.target_end = r.target_end;
        std::int64_t const shifted = d - b.target_begin + b.query_begin; // the end diagonal in the sub-problem
        w += std::llabs(shifted);
    }
    else if (c.mode == alignment_mode::global)
    {
        // A path from diagonal 0 to n - m through diagonal d above both (below both) has >= d 'D' and
        // >= d - (n - m) 'I' bases (>= -d 'I' and >= n - m - d 'D'), two gap opens, and at most n - d
        // (m + d) substitutions.
        std::int64_t const d_end = std::int64_t{n} - m;
        for (;; ++w)
        {
            std::int64_t const up = std::max<std::int64_t>(0, d_end) + w + 1, down = std::min<std::int64_t>(0, d_end) - w - 1;
            std::int64_t const bound_up = best_s * (n - up) - 2 * o - e * (2 * up - d_end);
            std::int64_t const bound_down = best_s * (m + down) - 2 * o - e * (d_end - 2 * down);
            if (std::max(bound_up, bound_down) < s)
                break;
            if (std::llabs(d_end) + w > n) // no band excludes the other paths
                return std::nullopt;
        }
        w += std::llabs(d_end);
        b.query_end = m;
        b.target_end = n;
    }
    else
        return std::nullopt;
    if ((2 * w + 1) * 2 > std::int64_t{b.target_end} - b.target_begin)
        return std::nullopt;
    b.band = static_cast<int>(w);
    return b;
}

} // namespace wgskit::align::detail
