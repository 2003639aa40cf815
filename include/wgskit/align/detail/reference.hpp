// Full-DP scalar reference (Gotoh) for every mode: the oracle of the differential tests and the 32-bit fallback
// of the SIMD kernels.
//
// Recurrences (o = gap_open, e = gap_extend, s = substitution score):
//   E(i,j) = max(E(i,j-1) - e, H(i,j-1) - o - e)        gap in the query: a 'D' (target base consumed)
//   F(i,j) = max(F(i-1,j) - e, H(i-1,j) - o - e)        gap in the target: an 'I' (query base consumed)
//   H(i,j) = max(H(i-1,j-1) + s, E(i,j), F(i,j) [, 0 in local mode])
// Boundaries: H(0,0) = 0 (initial_score in extension), H(0,j) = H(0,0) - o - e*j and H(i,0) = H(0,0) - o - e*i,
// except 0 in local mode and for free prefixes in semi-global mode; E(i,0) = F(0,j) = -inf; cells outside the
// band are -inf.
//
// Deterministic rules (the SIMD kernels reproduce them):
//  * local end: the first cell in row-major order holding the maximum; a maximum of 0 gives an empty alignment;
//  * semi-global end: the highest of H(m,n), then H(m,j) for j ascending (free target suffix), then H(i,n) for
//    i ascending (free query suffix); the first one wins ties;
//  * extension: the row maximum of row i >= 1 is taken over j >= 1 at its smallest j; the best cell is replaced
//    only by a strictly higher row maximum; after row i (i = m: the end-to-end score is recorded first) the
//    extension stops if best - row max > zdrop + e * |(i - best_i) - (j - best_j)|;
//  * traceback: H prefers the diagonal, then E ('D'), then F ('I'); a gap state prefers opening over extending
//    when equal; a local traceback stops at the first cell whose H is 0.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <type_traits>
#include <vector>

#include <wgskit/align/config.hpp>

namespace wgskit::align::detail
{

//! "-inf" for the 32-bit DP: far below any score, far above overflow.
inline constexpr std::int32_t neg_inf32 = -(1 << 29);

//! Direction bits of one cell for the traceback.
enum direction : std::uint8_t
{
    from_diagonal = 0,
    from_e = 1,
    from_f = 2,
    from_zero = 3,      // local: H = 0, the alignment starts after this cell
    h_source_mask = 3,
    e_extends = 4,      // E(i,j) came from E(i,j-1)
    f_extends = 8,      // F(i,j) came from F(i-1,j)
};

//! Where a DP run ended and what it found.
struct dp_outcome
{
    std::int32_t score = 0;            // local/global/semi-global score; extension: the best cell's score
    std::uint32_t end_i = 0, end_j = 0; // the cell of that score
    std::int32_t end_to_end_score = unreachable_score;
    std::uint32_t end_to_end_j = 0;
    bool zdropped = false;
};

//! The value of boundary cell (i, 0) (column = false) or (0, j) (column = true), before banding.
inline std::int32_t boundary_score(alignment_config const & c, std::uint32_t k, bool row0) noexcept
{
    if (k == 0)
        return c.mode == alignment_mode::extension ? c.initial_score : 0;
    if (c.mode == alignment_mode::local)
        return 0;
    if (c.mode == alignment_mode::semi_global && (row0 ? c.free_ends.target_prefix : c.free_ends.query_prefix))
        return 0;
    std::int32_t const base = c.mode == alignment_mode::extension ? c.initial_score : 0;
    return base - c.scoring.gap_open - c.scoring.gap_extend * static_cast<std::int32_t>(k);
}

//! The diagonals d = j - i of the cells a DP computes: low <= d <= high. A config's band is symmetric
//! (-band..band); the batch traceback reruns pairs in asymmetric ones (detail/traceback_band.hpp).
struct diagonal_band
{
    static constexpr std::int64_t unbounded = std::int64_t{1} << 40; // beyond any sequence length
    std::int64_t low = -unbounded, high = unbounded;

    bool bounded() const noexcept { return low > -unbounded || high < unbounded; }
    bool contains(std::int64_t i, std::int64_t j) const noexcept { return j - i >= low && j - i <= high; }
    friend constexpr bool operator==(diagonal_band const &, diagonal_band const &) = default;
};

inline diagonal_band diagonals_of(alignment_config const & c) noexcept
{
    return c.band < 0 ? diagonal_band{} : diagonal_band{-std::int64_t{c.band}, std::int64_t{c.band}};
}

//! Whether a z-drop stops the extension after a row whose maximum is row_max at (i, row_j).
inline bool zdrop_stops(alignment_config const & c, std::int32_t best, std::uint32_t best_i, std::uint32_t best_j,
                        std::int32_t row_max, std::uint32_t i, std::uint32_t row_j) noexcept
{
    if (c.zdrop < 0)
        return false;
    std::int64_t const shift = std::llabs((static_cast<std::int64_t>(i) - best_i) -
                                          (static_cast<std::int64_t>(row_j) - best_j));
    return static_cast<std::int64_t>(best) - row_max > c.zdrop + c.scoring.gap_extend * shift;
}

//! The DP over query[0, m) x target[0, n), cells of the band only (c.band is not looked at). Unless store_dir
//! is nullptr, store_dir(i, j, bits) receives the direction bits of every computed cell (i, j >= 1). Uses H and
//! F rows of n + 1 entries.
template <class StoreDir = std::nullptr_t>
dp_outcome run_dp(std::uint8_t const * query, std::uint32_t m, std::uint8_t const * target, std::uint32_t n,
                  alignment_config const & c, diagonal_band const & band, std::int32_t * H, std::int32_t * F,
                  StoreDir store_dir = nullptr) noexcept
{
    constexpr bool with_dirs = !std::is_same_v<StoreDir, std::nullptr_t>;
    auto const & sc = c.scoring;
    std::int32_t const o = sc.gap_open, e = sc.gap_extend, oe = o + e;
    bool const local = c.mode == alignment_mode::local;
    bool const ext = c.mode == alignment_mode::extension;

    for (std::uint32_t j = 0; j <= n; ++j)
    {
        H[j] = band.contains(0, j) ? boundary_score(c, j, true) : neg_inf32;
        F[j] = neg_inf32;
    }

    dp_outcome out;
    // Local: best cell so far (row 0 is all zeros: the empty alignment at (0, 0)).
    std::int32_t best = local ? 0 : ext ? c.initial_score : neg_inf32;
    std::uint32_t best_i = 0, best_j = 0;
    // Semi-global candidates along the last column (free query suffix), in row order.
    std::int32_t col_best = neg_inf32;
    std::uint32_t col_best_i = 0;
    if (c.mode == alignment_mode::semi_global && c.free_ends.query_suffix && m > 0 && band.contains(0, n))
        col_best = H[n], col_best_i = 0;
    if (ext && m == 0)
    {
        out.end_to_end_score = c.initial_score;
        out.end_to_end_j = 0;
    }

    for (std::uint32_t i = 1; i <= m; ++i)
    {
        std::int64_t const lo64 = std::max<std::int64_t>(1, std::int64_t{i} + band.low);
        std::int64_t const hi64 = std::min<std::int64_t>(n, std::int64_t{i} + band.high);
        std::uint32_t const lo = static_cast<std::uint32_t>(lo64);
        std::int32_t h_left, diag;
        if (lo == 1)
        {
            diag = H[0];
            H[0] = band.contains(i, 0) ? boundary_score(c, i, false) : neg_inf32;
            h_left = H[0];
        }
        else
        {
            // Once the band has left the matrix (lo > n + 1) the row has no cell and diag is never used.
            diag = lo - 1 <= n ? H[lo - 1] : neg_inf32;
            h_left = neg_inf32;
        }
        std::int32_t e_run = neg_inf32;
        std::int32_t row_max = neg_inf32;
        std::uint32_t row_j = 0;
        std::uint8_t const qc = query[i - 1];

        for (std::int64_t jj = lo64; jj <= hi64; ++jj)
        {
            std::uint32_t const j = static_cast<std::uint32_t>(jj);
            std::int32_t const e_open = h_left - oe, e_ext = e_run - e;
            std::int32_t const f_open = H[j] - oe, f_ext = F[j] - e;
            std::int32_t const ev = std::max(e_open, e_ext), fv = std::max(f_open, f_ext);
            std::int32_t const dv = diag + sc.score(qc, target[j - 1]);
            std::int32_t h = std::max(dv, std::max(ev, fv));
            if (local)
                h = std::max(h, 0);
            if constexpr (with_dirs)
            {
                std::uint8_t d = local && h == 0 ? from_zero : h == dv ? from_diagonal : h == ev ? from_e : from_f;
                if (e_ext > e_open)
                    d |= e_extends;
                if (f_ext > f_open)
                    d |= f_extends;
                store_dir(i, j, d);
            }
            diag = H[j];
            H[j] = h;
            F[j] = fv;
            h_left = h;
            e_run = ev;
            if (h > row_max)
                row_max = h, row_j = j;
        }

        if (local)
        {
            if (row_max > best)
                best = row_max, best_i = i, best_j = row_j;
        }
        else if (ext)
        {
            if (i == m)
            {
                out.end_to_end_score = row_max > neg_inf32 / 2 ? row_max : unreachable_score;
                out.end_to_end_j = row_j;
                if (n == 0 && band.contains(i, 0))
                    out.end_to_end_score = H[0], out.end_to_end_j = 0;
            }
            if (lo64 > hi64) // no cell in this row: the band left the matrix (n = 0 is handled by the callers)
                break;
            if (row_max > best)
                best = row_max, best_i = i, best_j = row_j;
            else if (zdrop_stops(c, best, best_i, best_j, row_max, i, row_j))
            {
                out.zdropped = i < m;
                break;
            }
        }
        else if (c.mode == alignment_mode::semi_global && c.free_ends.query_suffix && i < m && band.contains(i, n))
        {
            if (H[n] > col_best)
                col_best = H[n], col_best_i = i;
        }
    }

    if (local || ext)
    {
        out.score = best;
        out.end_i = best_i;
        out.end_j = best_j;
        return out;
    }
    // Global and semi-global: H now holds row m (cells outside the band hold -inf).
    bool const end_in_band = band.contains(m, n);
    std::int32_t s = end_in_band ? H[n] : neg_inf32;
    std::uint32_t ei = m, ej = n;
    if (c.mode == alignment_mode::semi_global)
    {
        if (c.free_ends.target_suffix)
            for (std::uint32_t j = 0; j < n; ++j)
                if (band.contains(m, j) && H[j] > s)
                    s = H[j], ei = m, ej = j;
        if (c.free_ends.query_suffix && col_best > s)
            s = col_best, ei = col_best_i, ej = n;
    }
    out.score = s > neg_inf32 / 2 ? s : unreachable_score;
    out.end_i = ei;
    out.end_j = ej;
    return out;
}

//! The DP over query[0, m) x target[0, n) in the config's band.
template <class StoreDir = std::nullptr_t>
dp_outcome run_dp(std::uint8_t const * query, std::uint32_t m, std::uint8_t const * target, std::uint32_t n,
                  alignment_config const & c, std::int32_t * H, std::int32_t * F, StoreDir store_dir = nullptr) noexcept
{
    return run_dp(query, m, target, n, c, diagonals_of(c), H, F, store_dir);
}

//! Score only, O(n) memory.
inline dp_outcome score_scalar(std::uint8_t const * query, std::uint32_t m, std::uint8_t const * target,
                               std::uint32_t n, alignment_config const & c)
{
    std::vector<std::int32_t> H(std::size_t{n} + 1), F(std::size_t{n} + 1);
    return run_dp(query, m, target, n, c, H.data(), F.data());
}


//! The walk back through the directions (dir(i, j): the direction bits of cell (i, j)) from an end cell, one
//! run of equal moves at a time: traceback() runs one walk to its end; batch_aligner interleaves the
//! walks of a whole group, so that their memory reads overlap instead of waiting for each other.
template <class DirAt>
class traceback_walk
{
public:
    traceback_walk(std::uint8_t const * query, std::uint8_t const * target, alignment_config const & c, DirAt dir,
                   std::uint32_t i, std::uint32_t j) :
        query_{query}, target_{target}, c_{&c}, dir_{dir}, i_{i}, j_{j}
    {
    }

    bool done() const noexcept { return done_; }

    //! One run of equal moves: a diagonal run, or a whole gap (the reads of one run are adjacent cells).
    void step()
    {
        if (st_ == state::h)
        {
            if (i_ == 0 || j_ == 0)
            {
                bool const free_prefix =
                    c_->mode == alignment_mode::local ||
                    (c_->mode == alignment_mode::semi_global &&
                     (i_ == 0 ? c_->free_ends.target_prefix : c_->free_ends.query_prefix));
                if (!free_prefix)
                {
                    append_op(rev_, 'I', i_);
                    append_op(rev_, 'D', j_);
                    i_ = j_ = 0;
                }
                done_ = true;
                return;
            }
            std::uint8_t src = dir_(i_, j_) & h_source_mask;
            if (src == from_zero)
                done_ = true;
            else if (src == from_diagonal)
            {
                if (c_->extended_cigar)
                    do
                    {
                        append_op(rev_, query_[i_ - 1] == target_[j_ - 1] && query_[i_ - 1] != code_n ? '=' : 'X');
                        --i_, --j_;
                    } while (i_ > 0 && j_ > 0 && (dir_(i_, j_) & h_source_mask) == from_diagonal);
                else
                {
                    std::uint32_t run = 0;
                    do
                        ++run, --i_, --j_;
                    while (i_ > 0 && j_ > 0 && (dir_(i_, j_) & h_source_mask) == from_diagonal);
                    append_op(rev_, 'M', run);
                }
            }
            else
                st_ = src == from_e ? state::e : state::f;
        }
        else if (st_ == state::e)
            gap(e_extends, j_, 'D');
        else
            gap(f_extends, i_, 'I');
    }

    //! The begin positions and the CIGAR of a finished walk, into r.
    void finish(alignment_result & r) const
    {
        r.query_begin = i_;
        r.target_begin = j_;
        r.path.assign(rev_.rbegin(), rev_.rend());
    }

private:
    //! A whole gap: steps back along position (j for E, i for F) while the cell's gap extends.
    void gap(std::uint8_t extends_bit, std::uint32_t & position, char op)
    {
        std::uint32_t run = 0;
        bool extends;
        do
        {
            extends = (dir_(i_, j_) & extends_bit) != 0;
            ++run, --position;
        } while (extends);
        append_op(rev_, op, run);
        st_ = state::h;
    }

    enum class state { h, e, f };
    std::uint8_t const * query_;
    std::uint8_t const * target_;
    alignment_config const * c_;
    DirAt dir_;
    std::uint32_t i_, j_;
    state st_ = state::h;
    bool done_ = false;
    cigar rev_;
};

//! Walks the directions back from (i, j) and fills the begin positions and the CIGAR of r.
template <class DirAt>
void traceback(std::uint8_t const * query, std::uint8_t const * target, alignment_config const & c, DirAt dir,
               std::uint32_t i, std::uint32_t j, alignment_result & r)
{
    traceback_walk<DirAt> walk{query, target, c, dir, i, j};
    while (!walk.done())
        walk.step();
    walk.finish(r);
}

//! Whether an extension's traceback ends at the query end (end-to-end) rather than at the best cell (clipped).
inline bool prefer_query_end(dp_outcome const & o, alignment_config const & c) noexcept
{
    if (o.end_to_end_score == unreachable_score)
        return false;
    return std::int64_t{o.end_to_end_score} + c.end_bonus >= std::int64_t{o.score} - c.clip_penalty;
}

//! The fields of a finished DP's alignment_result that come before the walk back: score, extension fields and
//! the end cell (extension: the best cell, or the query end when prefer_query_end).
inline alignment_result start_alignment(dp_outcome const & o, std::uint32_t m, alignment_config const & c)
{
    alignment_result r;
    r.score = o.score;
    r.end_to_end_score = o.end_to_end_score;
    r.end_to_end_target_end = o.end_to_end_j;
    r.zdropped = o.zdropped;
    if (o.score == unreachable_score)
        return r;
    std::uint32_t ei = o.end_i, ej = o.end_j;
    if (c.mode == alignment_mode::extension && prefer_query_end(o, c))
    {
        r.to_query_end = true;
        ei = m;
        ej = o.end_to_end_j;
    }
    r.query_end = ei;
    r.target_end = ej;
    return r;
}

//! The alignment_result of a finished DP: start_alignment(), then the begin positions and CIGAR from the
//! directions dir(i, j).
template <class DirAt>
alignment_result finish_alignment(std::uint8_t const * query, std::uint32_t m, std::uint8_t const * target,
                                  alignment_config const & c, dp_outcome const & o, DirAt dir)
{
    alignment_result r = start_alignment(o, m, c);
    if (r.score != unreachable_score)
        traceback(query, target, c, dir, r.query_end, r.target_end, r);
    return r;
}

//! Score, positions and CIGAR by full DP with one direction byte per cell.
inline alignment_result align_scalar(std::uint8_t const * query, std::uint32_t m, std::uint8_t const * target,
                                     std::uint32_t n, alignment_config const & c)
{
    std::vector<std::int32_t> H(std::size_t{n} + 1), F(std::size_t{n} + 1);
    std::vector<std::uint8_t> dirs((std::size_t{m} + 1) * (std::size_t{n} + 1), 0);
    std::size_t const width = std::size_t{n} + 1;
    dp_outcome const o = run_dp(query, m, target, n, c, H.data(), F.data(),
                                [&](std::uint32_t i, std::uint32_t j, std::uint8_t d) { dirs[i * width + j] = d; });
    return finish_alignment(query, m, target, c, o,
                            [&](std::uint32_t i, std::uint32_t j) { return dirs[i * width + j]; });
}

//! The score of a CIGAR placed at (query_begin, target_begin): substitutions plus gaps, nothing else
//! (no end bonus, no initial score). Returns false in ok if the CIGAR runs past either sequence.
inline std::int64_t rescore(cigar const & path, std::uint8_t const * query, std::uint32_t m,
                            std::uint8_t const * target, std::uint32_t n, std::uint32_t qb, std::uint32_t tb,
                            scoring_scheme const & sc, bool & ok)
{
    std::int64_t s = 0;
    std::uint64_t i = qb, j = tb;
    ok = true;
    for (auto const & el : path)
    {
        switch (el.op)
        {
            case 'M': case '=': case 'X':
                if (i + el.length > m || j + el.length > n)
                    return ok = false, 0;
                for (std::uint32_t k = 0; k < el.length; ++k)
                {
                    bool const same = query[i] == target[j] && query[i] != code_n;
                    if ((el.op == '=' && !same) || (el.op == 'X' && same))
                        ok = false;
                    s += sc.score(query[i++], target[j++]);
                }
                break;
            case 'I':
                if (i + el.length > m)
                    return ok = false, 0;
                i += el.length;
                s -= sc.gap_open + std::int64_t{sc.gap_extend} * el.length;
                break;
            case 'D':
                if (j + el.length > n)
                    return ok = false, 0;
                j += el.length;
                s -= sc.gap_open + std::int64_t{sc.gap_extend} * el.length;
                break;
            default: return ok = false, 0;
        }
    }
    return s;
}

} // namespace wgskit::align::detail
