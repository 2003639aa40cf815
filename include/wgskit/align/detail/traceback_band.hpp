// The band of an exact banded traceback (batch_aligner::align): once a score-only pass has given a pair's
// optimal score S (and, for local, its end cell), the traceback reruns the DP with directions only inside a band
// of diagonals (d = j - i) that every path scoring S must stay in. The band is asymmetric: it spans the
// diagonals every optimal path must cross anyway (global: from 0 to n - m) plus w on either side.
//
// Why the result is the full DP's, CIGAR included: a banded DP is the same DP on fewer cells, so each of its
// values is at most the full DP's. Let every optimal path lie in the band. A cell on an optimal path then has
// the same H in both (its best prefix completes to an optimal path, so it is in the band), and so has every
// candidate (diagonal, E, F, open or extend) that reaches that H; a candidate below it in the full DP stays
// below it in the band. So the direction bits of every cell an optimal walk visits are equal, and the walk
// back from the same end cell takes the same moves. band_for() picks the narrowest band outside which every
// path scores below S, from upper bounds that only need the lengths, the end cell, the best substitution
// score and the gap costs (below); batch_aligner checks the banded score and end against S anyway.
//
// Global pairs first skip the score-only pass: their traceback runs in a guessed band (guessed_band), and a
// banded score S_b whose margin fits in that band (band_proven) shows that every path scoring S_b or more,
// every optimal one among them, stays in the band, so S_b = S and the argument above holds; the other pairs
// take the score-only pass and band_for().
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <optional>

#include <wgskit/align/config.hpp>
#include <wgskit/align/detail/reference.hpp>

namespace wgskit::align::detail
{

//! The banded rerun of one pair: query[query_begin, query_end) x target[target_begin, target_end), the cells of
//! the diagonals `diagonals` in the coordinates of that sub-problem (which contain 0 and the end's diagonal).
//! Its end cell is the sub-problem's last cell.
struct traceback_band
{
    std::uint32_t query_begin = 0, target_begin = 0, query_end = 0, target_end = 0;
    diagonal_band diagonals{0, 0};
};

//! Whether a band of width cells per row pays off on an m x n (sub-)problem: it holds at most about half
//! the cells (width x min(m, n) of m x n).
inline bool band_pays(std::int64_t width, std::int64_t m, std::int64_t n) noexcept
{
    return 2 * width <= std::max(m, n);
}

//! The margin w of a global m x n pair whose optimal score is at least s: no path scoring s or more leaves the
//! diagonals min(0, n - m) - w .. max(0, n - m) + w.
//! Why: a path from (0, 0) to (m, n), d = n - m, that reaches diagonal up = max(0, d) + k (k >= 1) has >= up
//! 'D' and >= up - d 'I' bases, so two gap opens, >= 2 up - d = |d| + 2k gap bases and at most n - up =
//! min(m, n) - k substitutions; one that reaches min(0, d) - k the same by symmetry. Both score at most
//! best * (min(m, n) - k) - 2 o - e (|d| + 2 k), decreasing in k: below s for every k >= w + 1 with
//! w = floor(x / (best + 2 e)), x = best * min(m, n) - 2 o - e |d| - s (w = 0 when x < 0).
inline std::int64_t global_margin(alignment_config const & c, std::uint32_t m, std::uint32_t n, std::int64_t s) noexcept
{
    std::int64_t const best_s = std::max(0, c.scoring.max_score()), o = c.scoring.gap_open, e = c.scoring.gap_extend;
    std::int64_t const x = best_s * std::min(m, n) - 2 * o - e * std::llabs(std::int64_t{n} - m) - s;
    return x < 0 ? 0 : x / (best_s + 2 * e);
}

//! The whole m x n pair with the diagonals from 0 to n - m and margin more on either side.
inline traceback_band global_band(std::uint32_t m, std::uint32_t n, std::int64_t margin) noexcept
{
    std::int64_t const d = std::int64_t{n} - m;
    traceback_band b;
    b.query_end = m;
    b.target_end = n;
    b.diagonals = {std::min<std::int64_t>(0, d) - margin, std::max<std::int64_t>(0, d) + margin};
    return b;
}

//! A global band guessed before the score is known, for edited copies (a few SNPs and small indels per
//! 100 bases cost a margin of about one diagonal each); nullopt if it would not pay off.
inline std::optional<traceback_band> guessed_band(std::uint32_t m, std::uint32_t n) noexcept
{
    traceback_band const b = global_band(m, n, 4 + std::min(m, n) / 32);
    if (!band_pays(b.diagonals.high - b.diagonals.low + 1, m, n))
        return std::nullopt;
    return b;
}

//! Whether a global band b of an m x n pair, in which the banded DP (or a wider one) scored s, holds every
//! optimal path: then s is the pair's optimal score and the banded traceback is the full DP's.
inline bool band_proven(alignment_config const & c, std::uint32_t m, std::uint32_t n, traceback_band const & b,
                        std::int64_t s) noexcept
{
    if (s == unreachable_score)
        return false;
    traceback_band const needed = global_band(m, n, global_margin(c, m, n, s));
    return b.diagonals.low <= needed.diagonals.low && needed.diagonals.high <= b.diagonals.high;
}

//! Whether a global m x n pair can have a band narrow enough to pay off (|n - m| + 1 diagonals at least).
inline bool band_may_pay(alignment_config const & c, std::uint32_t m, std::uint32_t n) noexcept
{
    if (c.mode == alignment_mode::local)
        return true;
    return band_pays(std::llabs(std::int64_t{n} - m) + 1, m, n);
}

//! The band of a local or global pair (unbanded config) whose optimal score is r.score, r's end cell being the
//! reference's end (local: the first row-major best cell); nullopt when no band pays off (band_pays: then the
//! full traceback is as cheap).
inline std::optional<traceback_band> band_for(alignment_config const & c, std::uint32_t m, std::uint32_t n,
                                              score_result const & r) noexcept
{
    std::int64_t const best_s = std::max(0, c.scoring.max_score()), o = c.scoring.gap_open, e = c.scoring.gap_extend;
    std::int64_t const s = r.score;
    traceback_band b;
    if (c.mode == alignment_mode::local)
    {
        if (s <= 0 || r.query_end == 0 || r.target_end == 0)
            return std::nullopt;
        // A local path ending at (i_e, j_e), d = j_e - i_e, through diagonal d +- (w + 1) has a gap of >= w + 1
        // bases and at most min(i_e, j_e) substitutions: it scores <= best * min(i_e, j_e) - o - e (w + 1),
        // below S once w = floor(excess / e) below. So it starts at i0 >= max(0, -d - w), j0 >= max(0, d - w):
        // the sub-problem from there to the end holds it, and its cells on its first row and column are where
        // it starts (an optimal local path never starts with a gap).
        std::int64_t const excess = best_s * std::min(r.query_end, r.target_end) - o - s;
        std::int64_t const w = excess < 0 ? 0 : excess / e;
        std::int64_t const d = std::int64_t{r.target_end} - r.query_end;
        b.query_begin = static_cast<std::uint32_t>(std::max<std::int64_t>(0, -d - w));
        b.target_begin = static_cast<std::uint32_t>(std::max<std::int64_t>(0, d - w));
        b.query_end = r.query_end;
        b.target_end = r.target_end;
        std::int64_t const shifted = d - b.target_begin + b.query_begin; // the end diagonal in the sub-problem
        b.diagonals = {shifted - w, shifted + w};
    }
    else if (c.mode == alignment_mode::global)
        b = global_band(m, n, global_margin(c, m, n, s));
    else
        return std::nullopt;
    if (!band_pays(b.diagonals.high - b.diagonals.low + 1, std::int64_t{b.query_end} - b.query_begin,
                   std::int64_t{b.target_end} - b.target_begin))
        return std::nullopt;
    return b;
}

} // namespace wgskit::align::detail
