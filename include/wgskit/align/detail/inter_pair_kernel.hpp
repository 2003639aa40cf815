// Inter-pair alignment kernel: many pairs at once, one pair per SIMD lane, score only.
//
// The caller (align/batch.hpp) sorts pairs by length and hands over groups of at most lanes(bits) pairs; the
// kernel transposes them into structure-of-arrays rows in the caller's workspace (codes of base i of every lane
// side by side), pads short lanes and missing lanes with dummy codes, and runs the reference recurrences of
// detail/reference.hpp row by row with saturating 8- or 16-bit arithmetic. Per-lane results are read out of the
// row buffers at each lane's own end, so padding never changes a score.
//
// Preconditions (checked by the caller): the scheme is match/mismatch with N scores <= 0 (padding is scored as
// N), every pair has m, n >= 1, and for 16-bit extension (and every band) the score bound fits (fits_16bit).
// Bands are diagonal ranges (detail::diagonal_band): the config's symmetric one, or the batch traceback's.
// Local mode detects saturation itself (a lane maximum at the type's maximum); so do unbanded global and
// semi-global groups with a pair beyond the bound (a lane whose H touched either end of the type); such lanes
// report overflow.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>

#include <wgskit/align/config.hpp>
#include <wgskit/align/detail/reference.hpp>
#include <wgskit/simd/arch.hpp>

namespace wgskit::align::detail
{

struct lane_pair
{
    std::uint8_t const * query;
    std::uint32_t query_length;
    std::uint8_t const * target;
    std::uint32_t target_length;
};

//! A lane's result, and whether it saturated (then the caller recomputes it wider).
struct lane_score
{
    score_result result;
    bool overflow = false;
    friend bool operator==(lane_score const &, lane_score const &) = default;
};

//! The result of the scalar reference in lane_score form; the end cell only in extension mode or with_end.
inline lane_score to_lane_score(dp_outcome const & o, alignment_mode mode, bool with_end = false) noexcept
{
    lane_score r;
    r.result.score = o.score;
    if (mode == alignment_mode::extension || with_end)
        r.result = {o.score, o.end_i, o.end_j, o.end_to_end_score, o.end_to_end_j, o.zdropped};
    return r;
}

//! The dp_outcome of a lane (for finish_alignment).
inline dp_outcome to_outcome(score_result const & r) noexcept
{
    return {r.score, r.query_end, r.target_end, r.end_to_end_score, r.end_to_end_target_end, r.zdropped};
}

//! Whether every cell value (and every intermediate candidate) of an m x n non-local DP stays far inside
//! +-limit: each in-band cell is reached by a path whose steps cost at most c = max(|min score|, open + extend).
inline bool fits_bound(alignment_config const & c, std::uint32_t m, std::uint32_t n, std::int64_t limit) noexcept
{
    auto const & s = c.scoring;
    std::int64_t const step = std::max<std::int64_t>({-std::int64_t{s.min_score()}, s.gap_open + s.gap_extend, 1});
    std::int64_t const low = (std::int64_t{m} + n + 2) * step + s.gap_open + s.gap_extend;
    std::int64_t const high = std::int64_t{c.initial_score} + std::int64_t{std::max(s.max_score(), 0)} * std::min(m, n);
    return low + high < limit;
}
//! 16-bit lanes hold every value of the pair's DP (extension: padding columns sit at -32768 + a cell value, so
//! values must stay within +-16000 there).
inline bool fits_16bit(alignment_config const & c, std::uint32_t m, std::uint32_t n) noexcept
{
    return fits_bound(c, m, n, c.mode == alignment_mode::extension ? 16000 : 32000);
}

inline constexpr std::size_t workspace_alignment = 64;

//! 16-bit entries per row and lane of a packed direction matrix (cell j in entry j / 4, bits 4 * (j % 4)).
constexpr std::size_t packed_width(std::size_t max_n) noexcept { return max_n / 4 + 1; }

//! The direction bits of cell (i, j) of a lane whose entries start at lane_dirs (stride lanes).
inline std::uint8_t packed_direction(std::int16_t const * lane_dirs, std::size_t width, std::size_t lanes,
                                     std::uint32_t i, std::uint32_t j) noexcept
{
    auto const w = static_cast<std::uint16_t>(lane_dirs[(i * width + j / 4) * lanes]);
    return static_cast<std::uint8_t>((w >> (4 * (j % 4))) & 15u);
}

template <class Arch>
struct inter_pair_kernel
{
    //! Pairs per group of a pass with bits-wide scores (8 or 16).
    static std::size_t lanes(int bits) noexcept;
    //! Workspace bytes for a group with at most max_m query and max_n target bases.
    static std::size_t workspace_bytes(int bits, std::size_t max_m, std::size_t max_n) noexcept;
    //! Scores of pairs[0, count), count <= lanes(bits), into out[0, count). workspace: workspace_bytes(...) bytes,
    //! 64-byte aligned. bits = 8 only for local mode.
    static void score(lane_pair const * pairs, std::size_t count, alignment_config const & c, int bits,
                      void * workspace, lane_score * out) noexcept;
    //! Like score() with 16 bits, plus the end cell of every mode and the 4 direction bits (detail::direction)
    //! of every cell, four cells of a row to a 16-bit lane: see packed_direction(). dirs: 64-byte aligned,
    //! (max_m + 1) * packed_width(max_n) * lanes(16) entries, max_m/max_n the group's longest query/target;
    //! the bits of cells outside the band are unspecified, and so is the gap bit of E (F) of a cell whose left
    //! (upper) neighbour is outside it (both candidates -inf: no walk reads it). Local lanes must not overflow
    //! (the caller checks fits_16bit). band: the cells computed, diagonals_of(c) or (local and global) an
    //! asymmetric band with low <= 0 <= high of the batch traceback; c.band is not looked at.
    //! dirs = nullptr: scores and end cells only (local and global; other modes: score()).
    static void directions(lane_pair const * pairs, std::size_t count, alignment_config const & c,
                           diagonal_band const & band, void * workspace, std::int16_t * dirs, lane_score * out) noexcept;
};

template <>
struct inter_pair_kernel<simd::scalar>
{
    static std::size_t lanes(int) noexcept { return 1; }
    static std::size_t workspace_bytes(int, std::size_t, std::size_t max_n) noexcept
    {
        return 2 * (max_n + 1) * sizeof(std::int32_t);
    }
    static void score(lane_pair const * pairs, std::size_t count, alignment_config const & c, int,
                      void * workspace, lane_score * out) noexcept
    {
        for (std::size_t k = 0; k < count; ++k)
        {
            auto * H = static_cast<std::int32_t *>(workspace);
            auto const & p = pairs[k];
            dp_outcome const o = run_dp(p.query, p.query_length, p.target, p.target_length, c, H,
                                        H + p.target_length + 1);
            out[k] = to_lane_score(o, c.mode);
        }
    }
    static void directions(lane_pair const * pairs, std::size_t count, alignment_config const & c,
                           diagonal_band const & band, void * workspace, std::int16_t * dirs, lane_score * out) noexcept
    {
        for (std::size_t k = 0; k < count; ++k) // count <= 1: dirs holds one pair
        {
            auto * H = static_cast<std::int32_t *>(workspace);
            auto const & p = pairs[k];
            if (dirs == nullptr)
            {
                out[k] = to_lane_score(run_dp(p.query, p.query_length, p.target, p.target_length, c, band, H,
                                              H + p.target_length + 1),
                                       c.mode, c.mode == alignment_mode::local || c.mode == alignment_mode::global);
                continue;
            }
            std::size_t const width = packed_width(p.target_length);
            dp_outcome const o = run_dp(p.query, p.query_length, p.target, p.target_length, c, band, H,
                                        H + p.target_length + 1, [&](std::uint32_t i, std::uint32_t j, std::uint8_t d) {
                                            auto & w = dirs[i * width + j / 4];
                                            unsigned const shift = 4 * (j % 4);
                                            w = static_cast<std::int16_t>((static_cast<std::uint16_t>(w) & ~(15u << shift)) |
                                                                          (unsigned{d} << shift));
                                        });
            out[k] = to_lane_score(o, c.mode, true);
        }
    }
};

namespace inter_pair_body
{
// Padding codes: never equal to a real code or to each other, and (q | t) > 3 flags "N or padding".
inline constexpr std::uint8_t query_n = 4, query_pad = 6, target_n = 5, target_pad = 7;

constexpr std::size_t round_up(std::size_t x) noexcept
{
    return (x + workspace_alignment - 1) / workspace_alignment * workspace_alignment;
}

template <class T>
constexpr T clamp_to(std::int64_t v) noexcept
{
    return static_cast<T>(std::clamp<std::int64_t>(v, std::numeric_limits<T>::min(), std::numeric_limits<T>::max()));
}

template <class T, std::size_t L>
struct layout
{
    T * q;    // [max_m][L]
    T * t;    // [max_n][L]
    T * pad;  // [max_n + 1][L]: 0 inside the target, the type's minimum beyond it (extension only)
    T * H;    // [max_n + 1][L]
    T * F;    // [max_n + 1][L]
    static std::size_t bytes(std::size_t max_m, std::size_t max_n) noexcept
    {
        return round_up(max_m * L * sizeof(T)) + round_up(max_n * L * sizeof(T)) +
               3 * round_up((max_n + 1) * L * sizeof(T));
    }
    layout(void * ws, std::size_t max_m, std::size_t max_n) noexcept
    {
        auto * p = static_cast<unsigned char *>(ws);
        q = reinterpret_cast<T *>(p);
        p += round_up(max_m * L * sizeof(T));
        t = reinterpret_cast<T *>(p);
        p += round_up(max_n * L * sizeof(T));
        pad = reinterpret_cast<T *>(p);
        p += round_up((max_n + 1) * L * sizeof(T));
        H = reinterpret_cast<T *>(p);
        p += round_up((max_n + 1) * L * sizeof(T));
        F = reinterpret_cast<T *>(p);
    }
};

//! Where two_rows puts the direction bits of its rows (Trace) and the local best cell of the rows before them.
template <class Arch, class T>
struct two_row_trace
{
    T * dirs_a = nullptr; // packed directions of row i (packed_width entries of L lanes), and of row i + 1
    T * dirs_b = nullptr;
    xsimd::batch<T, Arch> * best_i = nullptr; // local: the first (row-major) cell of each lane's best score
    xsimd::batch<T, Arch> * best_j = nullptr;
};

//! Rows i and i + 1 (query codes q[0..L) and q[L..2L)) of the unbanded local or global recurrence in one pass:
//! cell (i + 1, j) takes (i, j) and (i, j - 1) from registers, so H, F and target codes are loaded and stored
//! once per two cells. H[0] holds H(i - 1, 0) on entry; boundary_a/b are H(i, 0) and H(i + 1, 0). Trace: the
//! direction bits of both rows as the one-row loop of run() packs them, and (local) each row's best cell kept
//! apart, then merged row i first, so that ties keep the reference's row-major first cell.
template <class Arch, class T, bool Local, bool UniformN, bool Detect, bool Trace, bool Ends = Trace>
void two_rows(T const * q, T const * t, T * H, T * F, std::size_t max_n, std::size_t i,
              xsimd::batch<T, Arch> boundary_a, xsimd::batch<T, Arch> boundary_b, alignment_config const & c,
              xsimd::batch<T, Arch> & v_best, xsimd::batch<T, Arch> & v_low, two_row_trace<Arch, T> const & tr) noexcept
{
    using B = xsimd::batch<T, Arch>;
    constexpr std::size_t L = B::size;
    auto const & sc = c.scoring;
    B const v_match(static_cast<T>(sc.match())), v_mismatch(static_cast<T>(sc.mismatch()));
    B const v_n(static_cast<T>(sc.n_score())), v_three(T{3}), v_zero(T{0});
    B const v_e(clamp_to<T>(sc.gap_extend)), v_oe(clamp_to<T>(sc.gap_open + sc.gap_extend));
    B const v_neg(std::numeric_limits<T>::min());
    B const d_diag(T{from_diagonal}), d_e(T{from_e}), d_f(T{from_f}), d_zero(T{from_zero});
    B const d_eext(T{e_extends}), d_fext(T{f_extends});
    B const qa = B::load_aligned(q), qb = B::load_aligned(q + L);
    B diag_a = B::load_aligned(H), left_a = boundary_a, diag_b = boundary_a, left_b = boundary_b;
    boundary_b.store_aligned(H);
    B e_a = v_neg, e_b = v_neg, best = v_best, low = v_low;
    B best_a = v_neg, best_b = v_neg, col_a = v_zero, col_b = v_zero, jv = v_zero, packed_a = v_zero, packed_b = v_zero;
    // Direction bits of one cell, the reference's rules: diagonal, then E, then F; local H = 0 stops.
    auto const direction = [&](B h, B dv, B ev, B e_ext, B e_open, B f_ext, B f_open) {
        B d = xsimd::select(h == dv, d_diag, xsimd::select(h == ev, d_e, d_f));
        if constexpr (Local)
            d = xsimd::select(h == v_zero, d_zero, d);
        return d | xsimd::select(e_ext > e_open, d_eext, v_zero) | xsimd::select(f_ext > f_open, d_fext, v_zero);
    };
    for (std::size_t j = 1; j <= max_n; ++j)
    {
        B const tv = B::load_aligned(t + (j - 1) * L);
        B s_a = xsimd::select(qa == tv, v_match, v_mismatch), s_b = xsimd::select(qb == tv, v_match, v_mismatch);
        if constexpr (!UniformN)
        {
            // Codes 0..7: N or padding sets bit 2, i.e. the OR exceeds 3 (no 8-bit != with xsimd 8.1).
            s_a = xsimd::select((qa | tv) > v_three, v_n, s_a);
            s_b = xsimd::select((qb | tv) > v_three, v_n, s_b);
        }
        B const up = B::load_aligned(H + j * L);
        B const fa_ext = xsimd::ssub(B::load_aligned(F + j * L), v_e), fa_open = xsimd::ssub(up, v_oe);
        B const f_a = xsimd::max(fa_ext, fa_open);
        B const ea_ext = xsimd::ssub(e_a, v_e), ea_open = xsimd::ssub(left_a, v_oe);
        e_a = xsimd::max(ea_ext, ea_open);
        B const dv_a = xsimd::sadd(diag_a, s_a);
        B h_a = xsimd::max(dv_a, xsimd::max(e_a, f_a));
        if constexpr (Local)
            h_a = xsimd::max(h_a, v_zero);
        B const fb_ext = xsimd::ssub(f_a, v_e), fb_open = xsimd::ssub(h_a, v_oe);
        B const f_b = xsimd::max(fb_ext, fb_open);
        B const eb_ext = xsimd::ssub(e_b, v_e), eb_open = xsimd::ssub(left_b, v_oe);
        e_b = xsimd::max(eb_ext, eb_open);
        B const dv_b = xsimd::sadd(diag_b, s_b);
        B h_b = xsimd::max(dv_b, xsimd::max(e_b, f_b));
        if constexpr (Local)
            h_b = xsimd::max(h_b, v_zero);
        if constexpr (Ends)
        {
            jv = jv + B(T{1});
            if constexpr (Local)
            {
                col_a = xsimd::select(h_a > best_a, jv, col_a);
                best_a = xsimd::max(best_a, h_a);
                col_b = xsimd::select(h_b > best_b, jv, col_b);
                best_b = xsimd::max(best_b, h_b);
            }
        }
        if constexpr (Trace)
        {
            B const d_a = direction(h_a, dv_a, e_a, ea_ext, ea_open, fa_ext, fa_open);
            B const d_b = direction(h_b, dv_b, e_b, eb_ext, eb_open, fb_ext, fb_open);
            int const slot = static_cast<int>(j % 4);
            packed_a = slot == 0 ? d_a : packed_a | (d_a << (4 * slot));
            packed_b = slot == 0 ? d_b : packed_b | (d_b << (4 * slot));
            if (slot == 3 || j == max_n)
            {
                packed_a.store_aligned(tr.dirs_a + (j / 4) * L);
                packed_b.store_aligned(tr.dirs_b + (j / 4) * L);
            }
        }
        if constexpr (!(Ends && Local) && (Local || Detect))
            best = xsimd::max(best, xsimd::max(h_a, h_b));
        if constexpr (Detect)
            low = xsimd::min(low, xsimd::min(h_a, h_b));
        h_b.store_aligned(H + j * L);
        f_b.store_aligned(F + j * L);
        diag_a = up;
        left_a = h_a;
        diag_b = h_a;
        left_b = h_b;
    }
    if constexpr (Ends && Local)
    {
        auto const gt_a = best_a > best;
        *tr.best_i = xsimd::select(gt_a, B(static_cast<T>(i)), *tr.best_i);
        *tr.best_j = xsimd::select(gt_a, col_a, *tr.best_j);
        best = xsimd::max(best, best_a);
        auto const gt_b = best_b > best;
        *tr.best_i = xsimd::select(gt_b, B(static_cast<T>(i + 1)), *tr.best_i);
        *tr.best_j = xsimd::select(gt_b, col_b, *tr.best_j);
        best = xsimd::max(best, best_b);
    }
    v_best = best;
    v_low = low;
}

template <class Arch, class T, alignment_mode Mode, bool UniformN, bool Trace, bool Detect, bool Ends = Trace>
void run(lane_pair const * pairs, std::size_t count, alignment_config const & c, diagonal_band const & band,
         void * workspace, T * dirs, lane_score * out) noexcept
{
    using B = xsimd::batch<T, Arch>;
    constexpr std::size_t L = B::size;
    constexpr T t_min = std::numeric_limits<T>::min(), t_max = std::numeric_limits<T>::max();
    constexpr bool local = Mode == alignment_mode::local, ext = Mode == alignment_mode::extension;

    std::uint32_t max_m = 0, max_n = 0;
    for (std::size_t l = 0; l < count; ++l)
        max_m = std::max(max_m, pairs[l].query_length), max_n = std::max(max_n, pairs[l].target_length);
    layout<T, L> ws{workspace, max_m, max_n};

    // Transpose into rows of L codes; dummies beyond count. Whole rows of padding first, then each lane's
    // codes read contiguously: no per-cell length tests (on 150 x 150 groups the transpose is a sixth of the time).
    auto const transpose = [&](T * rows, std::uint32_t length, auto seq, auto len, T n_code, T pad_code) {
        B const pad(pad_code);
        for (std::uint32_t i = 0; i < length; ++i)
            pad.store_aligned(rows + i * L);
        for (std::size_t l = 0; l < count; ++l)
        {
            std::uint8_t const * s = seq(pairs[l]);
            std::uint32_t const n = len(pairs[l]);
            for (std::uint32_t i = 0; i < n; ++i)
                rows[i * L + l] = s[i] >= code_n ? n_code : static_cast<T>(s[i]);
        }
    };
    transpose(ws.q, max_m, [](lane_pair const & p) { return p.query; },
              [](lane_pair const & p) { return p.query_length; }, T{query_n}, T{query_pad});
    transpose(ws.t, max_n, [](lane_pair const & p) { return p.target; },
              [](lane_pair const & p) { return p.target_length; }, T{target_n}, T{target_pad});
    if constexpr (ext)
        for (std::uint32_t j = 0; j <= max_n; ++j)
            for (std::size_t l = 0; l < L; ++l)
                ws.pad[j * L + l] = l < count && j <= pairs[l].target_length ? T{0} : t_min;

    auto const & sc = c.scoring;
    B const v_match(static_cast<T>(sc.match())), v_mismatch(static_cast<T>(sc.mismatch()));
    B const v_n(static_cast<T>(sc.n_score())), v_three(T{3}), v_zero(T{0});
    B const v_e(clamp_to<T>(sc.gap_extend)), v_oe(clamp_to<T>(sc.gap_open + sc.gap_extend)), v_neg(t_min);
    bool const banded = band.bounded();

    // Row 0.
    for (std::uint32_t j = 0; j <= max_n; ++j)
    {
        B const h = band.contains(0, j) ? B(clamp_to<T>(boundary_score(c, j, true))) : v_neg;
        h.store_aligned(ws.H + j * L);
        v_neg.store_aligned(ws.F + j * L);
    }

    // Per-lane state of the modes that look at cells one lane at a time.
    alignas(64) T row_max_buf[L];
    alignas(64) T row_j_buf[L];
    std::int32_t best[L], col_best[L];
    std::uint32_t best_i[L], best_j[L], col_best_i[L], end_i[L], end_j[L];
    bool alive[L];
    std::size_t lanes_alive = count;
    for (std::size_t l = 0; l < L; ++l)
    {
        best[l] = ext ? c.initial_score : 0;
        best_i[l] = best_j[l] = 0;
        col_best[l] = neg_inf32;
        col_best_i[l] = end_i[l] = end_j[l] = 0;
        alive[l] = l < count;
        if (l < count)
        {
            out[l] = lane_score{};
            if (Mode == alignment_mode::semi_global && c.free_ends.query_suffix && band.contains(0, pairs[l].target_length))
                col_best[l] = ws.H[pairs[l].target_length * L + l];
        }
    }

    // Detect (unbanded global/semi-global pairs beyond the 16-bit bound): the lowest and highest H of each lane;
    // a lane that touched either end of the type may have saturated.
    B v_best = Detect ? v_neg : v_zero, v_best_i = v_zero, v_best_j = v_zero, v_low(t_max);
    for (std::uint32_t i = 1; i <= max_m && lanes_alive > 0; ++i)
    {
        B row_max = v_neg, row_j = v_zero;
        bool paired = false;
        if constexpr (local || Mode == alignment_mode::global)
        {
            // Two rows per pass over the row buffers where no lane ends on the first one (no band).
            bool ends_here = false;
            for (std::size_t l = 0; l < count; ++l)
                ends_here = ends_here || pairs[l].query_length == i;
            if (!banded && i < max_m && !ends_here)
            {
                two_row_trace<Arch, T> tr;
                if constexpr (Ends)
                    tr = {Trace ? dirs + i * packed_width(max_n) * L : nullptr,
                          Trace ? dirs + (i + 1) * packed_width(max_n) * L : nullptr, &v_best_i, &v_best_j};
                two_rows<Arch, T, local, UniformN, Detect, Trace, Ends>(ws.q + (i - 1) * L, ws.t, ws.H, ws.F, max_n, i,
                                                                  B(clamp_to<T>(boundary_score(c, i, false))),
                                                                  B(clamp_to<T>(boundary_score(c, i + 1, false))), c,
                                                                  v_best, v_low, tr);
                ++i;
                paired = true;
            }
        }
        std::int64_t const lo64 = std::max<std::int64_t>(1, std::int64_t{i} + band.low);
        std::int64_t const hi64 = std::min<std::int64_t>(max_n, std::int64_t{i} + band.high);
        if (!paired)
        {
            std::size_t const lo = static_cast<std::size_t>(lo64), hi = static_cast<std::size_t>(std::max<std::int64_t>(hi64, 0));
            B diag, h_left;
            if (lo == 1)
            {
                diag = B::load_aligned(ws.H);
                h_left = band.contains(i, 0) ? B(clamp_to<T>(boundary_score(c, i, false))) : v_neg;
                h_left.store_aligned(ws.H);
            }
            else
            {
                // Once the band has left the matrix (lo > max_n + 1) the row has no cell and diag is never used.
                diag = lo - 1 <= max_n ? B::load_aligned(ws.H + (lo - 1) * L) : v_neg;
                h_left = v_neg;
            }
            B e_run = v_neg;
            B const qv = B::load_aligned(ws.q + (i - 1) * L);
            row_max = v_neg;
            row_j = v_zero;
            B jv(static_cast<T>(lo));
            B const iv(static_cast<T>(i));
            T * drow = Trace ? dirs + i * packed_width(max_n) * L : nullptr;
            B packed = v_zero;
            T * Hp = ws.H;
            T * Fp = ws.F;
            T const * tp = ws.t;

            for (std::size_t j = lo; j <= hi; ++j)
            {
                B const tv = B::load_aligned(tp + (j - 1) * L);
                B s = xsimd::select(qv == tv, v_match, v_mismatch);
                if constexpr (!UniformN)
                    s = xsimd::select((qv | tv) > v_three, v_n, s); // N or padding: see two_rows
                B const h_up = B::load_aligned(Hp + j * L);
                B const f_ext = xsimd::ssub(B::load_aligned(Fp + j * L), v_e), f_open = xsimd::ssub(h_up, v_oe);
                B const e_ext = xsimd::ssub(e_run, v_e), e_open = xsimd::ssub(h_left, v_oe);
                B const fv = xsimd::max(f_ext, f_open), ev = xsimd::max(e_ext, e_open), dv = xsimd::sadd(diag, s);
                B h = xsimd::max(dv, xsimd::max(ev, fv));
                if constexpr (local)
                {
                    h = xsimd::max(h, v_zero);
                    if constexpr (Ends)
                    {
                        auto const gt = h > v_best;
                        v_best_i = xsimd::select(gt, iv, v_best_i);
                        v_best_j = xsimd::select(gt, jv, v_best_j);
                    }
                    v_best = xsimd::max(v_best, h);
                }
                if constexpr (Detect)
                {
                    v_best = xsimd::max(v_best, h);
                    v_low = xsimd::min(v_low, h);
                }
                if constexpr (Trace)
                {
                    // The reference's rules: diagonal, then E, then F; local H = 0 stops; open before extend.
                    B d = xsimd::select(h == dv, B(T{from_diagonal}), xsimd::select(h == ev, B(T{from_e}), B(T{from_f})));
                    if constexpr (local)
                        d = xsimd::select(h == v_zero, B(T{from_zero}), d);
                    d = d | xsimd::select(e_ext > e_open, B(T{e_extends}), v_zero) |
                        xsimd::select(f_ext > f_open, B(T{f_extends}), v_zero);
                    // Four cells to a 16-bit lane: a quarter of the memory traffic of one entry per cell.
                    int const slot = static_cast<int>(j % 4);
                    packed = slot == 0 ? d : packed | (d << (4 * slot));
                    if (slot == 3 || j == hi)
                        packed.store_aligned(drow + (j / 4) * L);
                }
                if constexpr (ext)
                {
                    h = xsimd::sadd(h, B::load_aligned(ws.pad + j * L)); // padding columns drop to the bottom
                    auto const gt = h > row_max;
                    row_j = xsimd::select(gt, jv, row_j);
                    row_max = xsimd::max(row_max, h);
                }
                if constexpr (ext || Ends)
                    jv = jv + B(T{1});
                h.store_aligned(Hp + j * L);
                fv.store_aligned(Fp + j * L);
                diag = h_up;
                h_left = h;
                e_run = ev;
            }
        }

        // Per-lane bookkeeping at each lane's own end.
        if constexpr (ext)
        {
            row_max.store_aligned(row_max_buf);
            row_j.store_aligned(row_j_buf);
            for (std::size_t l = 0; l < count; ++l)
            {
                if (!alive[l])
                    continue;
                std::uint32_t const m = pairs[l].query_length, n = pairs[l].target_length;
                bool const row_empty = lo64 > std::min<std::int64_t>(hi64, n);
                std::int32_t const rm = row_empty || row_max_buf[l] <= t_min / 2 ? neg_inf32 : row_max_buf[l];
                std::uint32_t const rj = row_empty ? 0 : static_cast<std::uint32_t>(row_j_buf[l]);
                bool stop = false;
                if (i == m)
                {
                    out[l].result.end_to_end_score = rm > neg_inf32 / 2 ? rm : unreachable_score;
                    out[l].result.end_to_end_target_end = rj;
                    stop = true;
                }
                if (row_empty)
                    stop = true;
                else if (rm > best[l])
                    best[l] = rm, best_i[l] = i, best_j[l] = rj;
                else if (zdrop_stops(c, best[l], best_i[l], best_j[l], rm, i, rj))
                {
                    out[l].result.zdropped = i < m;
                    stop = true;
                }
                if (stop)
                {
                    alive[l] = false;
                    --lanes_alive;
                }
            }
        }
        else if constexpr (!local)
        {
            for (std::size_t l = 0; l < count; ++l)
            {
                if (!alive[l])
                    continue;
                std::uint32_t const m = pairs[l].query_length, n = pairs[l].target_length;
                if (Mode == alignment_mode::semi_global && c.free_ends.query_suffix && i < m && band.contains(i, n))
                {
                    std::int32_t const v = ws.H[n * L + l];
                    if (v > col_best[l])
                        col_best[l] = v, col_best_i[l] = i;
                }
                if (i != m)
                    continue;
                std::int32_t s = band.contains(m, n) ? std::int32_t{ws.H[n * L + l]} : neg_inf32;
                end_i[l] = m, end_j[l] = n;
                if (Mode == alignment_mode::semi_global)
                {
                    if (c.free_ends.target_suffix)
                        for (std::uint32_t j = 0; j < n; ++j)
                            if (band.contains(m, j) && ws.H[j * L + l] > s)
                                s = ws.H[j * L + l], end_j[l] = j;
                    if (c.free_ends.query_suffix && col_best[l] > s)
                        s = col_best[l], end_i[l] = col_best_i[l], end_j[l] = n;
                }
                out[l].result.score = s > neg_inf32 / 2 ? s : unreachable_score; // in-band cells are never -inf
                alive[l] = false;
                --lanes_alive;
            }
        }
    }

    if constexpr (local)
    {
        alignas(64) T buf[L], bi[L], bj[L];
        v_best.store_aligned(buf);
        v_best_i.store_aligned(bi);
        v_best_j.store_aligned(bj);
        for (std::size_t l = 0; l < count; ++l)
        {
            out[l].result.score = buf[l];
            out[l].overflow = buf[l] >= t_max;
            if (Ends)
                end_i[l] = static_cast<std::uint32_t>(bi[l]), end_j[l] = static_cast<std::uint32_t>(bj[l]);
        }
    }
    if constexpr (Detect)
    {
        alignas(64) T high[L], low[L];
        v_best.store_aligned(high);
        v_low.store_aligned(low);
        // Boundary cells are clamped when stored, not observed: a clamped boundary flags every lane.
        bool const clamped = boundary_score(c, max_n, true) <= t_min || boundary_score(c, max_m, false) <= t_min;
        for (std::size_t l = 0; l < count; ++l)
            out[l].overflow = clamped || high[l] >= t_max || low[l] <= t_min;
    }
    if constexpr (Ends && !ext)
        for (std::size_t l = 0; l < count; ++l)
        {
            out[l].result.query_end = end_i[l];
            out[l].result.target_end = end_j[l];
        }
    if constexpr (ext)
        for (std::size_t l = 0; l < count; ++l)
        {
            out[l].result.score = best[l];
            out[l].result.query_end = best_i[l];
            out[l].result.target_end = best_j[l];
        }
}

template <class Arch, class T, alignment_mode Mode, bool Trace = false, bool Ends = Trace>
void run_mode(lane_pair const * pairs, std::size_t count, alignment_config const & c, diagonal_band const & band, void * ws,
              lane_score * out, T * dirs = nullptr) noexcept
{
    bool detect = false;
    if constexpr (!Ends && (Mode == alignment_mode::global || Mode == alignment_mode::semi_global))
        for (std::size_t l = 0; l < count; ++l)
            detect = detect || !fits_16bit(c, pairs[l].query_length, pairs[l].target_length);
    bool const uniform_n = c.scoring.n_score() == c.scoring.mismatch();
    if (detect)
    {
        if constexpr (!Ends && (Mode == alignment_mode::global || Mode == alignment_mode::semi_global))
        {
            if (uniform_n)
                run<Arch, T, Mode, true, false, true>(pairs, count, c, band, ws, dirs, out);
            else
                run<Arch, T, Mode, false, false, true>(pairs, count, c, band, ws, dirs, out);
        }
    }
    else if (uniform_n)
        run<Arch, T, Mode, true, Trace, false, Ends>(pairs, count, c, band, ws, dirs, out);
    else
        run<Arch, T, Mode, false, Trace, false, Ends>(pairs, count, c, band, ws, dirs, out);
}
} // namespace inter_pair_body

template <class Arch>
std::size_t inter_pair_kernel<Arch>::lanes(int bits) noexcept
{
    return bits == 8 ? xsimd::batch<std::int8_t, Arch>::size : xsimd::batch<std::int16_t, Arch>::size;
}

template <class Arch>
std::size_t inter_pair_kernel<Arch>::workspace_bytes(int bits, std::size_t max_m, std::size_t max_n) noexcept
{
    using namespace inter_pair_body;
    return bits == 8 ? layout<std::int8_t, xsimd::batch<std::int8_t, Arch>::size>::bytes(max_m, max_n)
                     : layout<std::int16_t, xsimd::batch<std::int16_t, Arch>::size>::bytes(max_m, max_n);
}

template <class Arch>
void inter_pair_kernel<Arch>::score(lane_pair const * pairs, std::size_t count, alignment_config const & c, int bits,
                                    void * workspace, lane_score * out) noexcept
{
    using namespace inter_pair_body;
    if (count == 0)
        return;
    diagonal_band const band = diagonals_of(c);
    if (bits == 8)
    {
        run_mode<Arch, std::int8_t, alignment_mode::local>(pairs, count, c, band, workspace, out);
        return;
    }
    switch (c.mode)
    {
        case alignment_mode::local: run_mode<Arch, std::int16_t, alignment_mode::local>(pairs, count, c, band, workspace, out); break;
        case alignment_mode::global: run_mode<Arch, std::int16_t, alignment_mode::global>(pairs, count, c, band, workspace, out); break;
        case alignment_mode::semi_global:
            run_mode<Arch, std::int16_t, alignment_mode::semi_global>(pairs, count, c, band, workspace, out);
            break;
        case alignment_mode::extension:
            run_mode<Arch, std::int16_t, alignment_mode::extension>(pairs, count, c, band, workspace, out);
            break;
    }
}

template <class Arch>
void inter_pair_kernel<Arch>::directions(lane_pair const * pairs, std::size_t count, alignment_config const & c,
                                         diagonal_band const & band, void * workspace, std::int16_t * dirs,
                                         lane_score * out) noexcept
{
    using namespace inter_pair_body;
    using T = std::int16_t;
    if (count == 0)
        return;
    if (dirs == nullptr) // scores and end cells only (batch_aligner's pass before a banded traceback)
    {
        if (c.mode == alignment_mode::local)
            run_mode<Arch, T, alignment_mode::local, false, true>(pairs, count, c, band, workspace, out);
        else if (c.mode == alignment_mode::global)
            run_mode<Arch, T, alignment_mode::global, false, true>(pairs, count, c, band, workspace, out);
        else
            score(pairs, count, c, 16, workspace, out);
        return;
    }
    switch (c.mode)
    {
        case alignment_mode::local: run_mode<Arch, T, alignment_mode::local, true>(pairs, count, c, band, workspace, out, dirs); break;
        case alignment_mode::global: run_mode<Arch, T, alignment_mode::global, true>(pairs, count, c, band, workspace, out, dirs); break;
        case alignment_mode::semi_global:
            run_mode<Arch, T, alignment_mode::semi_global, true>(pairs, count, c, band, workspace, out, dirs);
            break;
        case alignment_mode::extension:
            run_mode<Arch, T, alignment_mode::extension, true>(pairs, count, c, band, workspace, out, dirs);
            break;
    }
}

} // namespace wgskit::align::detail

WGSKIT_DECLARE_KERNEL(wgskit::align::detail::inter_pair_kernel)
