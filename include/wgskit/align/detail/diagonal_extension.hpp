// Extension pairs whose answer is the main diagonal, or lies near it, found with little or no DP: most of a
// mapper's extensions run from a seed over a read end with few differences, where the configured band (bwa: 100
// diagonals each side) would mostly compute cells that cannot matter.
//
// Why it is exact. Let a be the best substitution score (the match score) and D the deficit of the diagonal,
// the sum of a - s(q_i, t_i) over the query, so that the diagonal's score at row i is U(i) >= initial + a i - D.
// A path through a cell g >= 1 diagonals off the main one has used gaps of at least g bases: its score at any
// row i at or after that cell is at most initial + a i - (open + extend g), which is below U(i) <= the row's
// maximum when extend g > D - open. So no such path is a row maximum, reaches the end-to-end cell or lies on
// the traceback of the full DP, and a DP restricted to the diagonals |j - i| <= (D - open) / extend gives
// the full DP's result, to the last CIGAR operation and z-drop (diagonal_plan::band). When D < open +
// extend even g = 1 is excluded: every row maximum is the diagonal's U(i), its H comes from the diagonal,
// and the result follows from U(1..m) alone by the rules of detail/reference.hpp (diagonal_plan::outcome). The
// differential tests check both against the scalar reference.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>

#include <wgskit/align/config.hpp>
#include <wgskit/align/detail/reference.hpp>

namespace wgskit::align::detail
{

//! Sum of max_score - s(q_i, t_i) over the query along the main diagonal (n >= m).
inline std::int64_t diagonal_deficit(std::uint8_t const * query, std::uint32_t m, std::uint8_t const * target,
                                     scoring_scheme const & sc) noexcept
{
    int const a = sc.max_score();
    std::int64_t deficit = 0;
    for (std::uint32_t i = 0; i < m; ++i)
        deficit += a - sc.score(query[i], target[i]);
    return deficit;
}

//! What an extension pair needs, from one pass over its diagonal (see above): the result itself when the
//! diagonal provably wins, and the diagonals each side a DP needs to give the configured band's result (at most
//! c.band, diagonal_band::unbounded for none; c.band when the target is shorter than the query or the mode is not
//! extension).
struct diagonal_plan
{
    std::optional<dp_outcome> outcome;
    std::int64_t band = 0;
};

inline diagonal_plan plan_diagonal_extension(std::uint8_t const * query, std::uint32_t m, std::uint8_t const * target,
                                             std::uint32_t n, alignment_config const & c) noexcept
{
    auto const & sc = c.scoring;
    diagonal_plan plan;
    plan.band = c.band < 0 ? diagonal_band::unbounded : std::int64_t{c.band};
    if (c.mode != alignment_mode::extension || m == 0 || n < m)
        return plan;
    std::int64_t const deficit = diagonal_deficit(query, m, target, sc);
    std::int64_t const over = deficit - sc.gap_open;
    plan.band = std::min(plan.band, over <= 0 ? 0 : over / sc.gap_extend);
    if (deficit >= std::int64_t{sc.gap_open} + sc.gap_extend)
        return plan;
    dp_outcome out;
    std::int32_t best = c.initial_score, u = c.initial_score;
    std::uint32_t best_i = 0;
    for (std::uint32_t i = 1; i <= m; ++i)
    {
        u += sc.score(query[i - 1], target[i - 1]);
        if (i == m)
            out.end_to_end_score = u, out.end_to_end_j = m;
        if (u > best)
            best = u, best_i = i;
        else if (zdrop_stops(c, best, best_i, best_i, u, i, i))
        {
            out.zdropped = i < m;
            break;
        }
    }
    out.score = best;
    out.end_i = out.end_j = best_i;
    plan.outcome = out;
    return plan;
}

//! The DP outcome of an extension of query[0, m) along target[0, n) when the diagonal provably wins, otherwise
//! nothing (plan_diagonal_extension's outcome).
inline std::optional<dp_outcome> diagonal_extension(std::uint8_t const * query, std::uint32_t m,
                                                    std::uint8_t const * target, std::uint32_t n,
                                                    alignment_config const & c) noexcept
{
    return plan_diagonal_extension(query, m, target, n, c).outcome;
}

//! The alignment_result of a diagonal_extension() outcome: start_alignment() and the diagonal's CIGAR.
inline alignment_result diagonal_alignment(std::uint8_t const * query, std::uint32_t m, std::uint8_t const * target,
                                           dp_outcome const & o, alignment_config const & c)
{
    alignment_result r = start_alignment(o, m, c);
    if (!c.extended_cigar)
        append_op(r.path, 'M', r.query_end);
    else
        for (std::uint32_t i = 0; i < r.query_end; ++i)
            append_op(r.path, query[i] == target[i] && query[i] != code_n ? '=' : 'X');
    return r;
}

} // namespace wgskit::align::detail
