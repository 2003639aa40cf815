// Intra-pair alignment kernel: one query against one target, anti-diagonal by anti-diagonal, on 8-bit
// difference scores (Suzuki-Kasahara, as in ksw2's extz2): global, semi-global and extension, banded or not,
// score only or with direction bits for the traceback.
//
// With z(i,j) = H(i,j) - H(i-1,j-1), u = H(i,j) - H(i-1,j), v = H(i,j) - H(i,j-1), x = E(i,j+1) - H(i,j) and
// y = F(i+1,j) - H(i,j), the reference recurrences (detail/reference.hpp) become
//   z = max(s, x(i,j-1) + u(i,j-1), y(i-1,j) + v(i-1,j)),  u = z - v(i-1,j),  v = z - u(i,j-1),
//   x = max(x(i,j-1) + u(i,j-1) - z, -o) - e,               y = max(y(i-1,j) + v(i-1,j) - z, -o) - e,
// whose values stay within a few gap penalties of zero whatever the length: 8 bits suffice (diagonal_fits), so
// one vector holds 64 cells on avx512bw and there is no saturation pass. The cells of anti-diagonal r = i + j
// only need those of r - 1; they are kept by column j (the query is read reversed so that both sequences are
// contiguous along an anti-diagonal). Cells outside the band read a sentinel that can win nothing.
//
// Absolute scores: global and semi-global follow H along the last row and column (and along the band's lower
// and upper edges, where those rows start) with one difference per anti-diagonal; extension needs every row's
// maximum (z-drop, best cell) and so accumulates H(i,j) = H(i-1,j-1) + z in 32 bits per cell.
//
// Directions (Trace): one byte per cell of the anti-diagonal, in the reference's bits (source of H, E and F
// extension), at direction_index(); the traceback is the reference's.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include <wgskit/align/config.hpp>
#include <wgskit/align/detail/reference.hpp>
#include <wgskit/simd/arch.hpp>

namespace wgskit::align::detail
{

//! Whether the difference scores of a scheme fit 8 bits with room to spare: match/mismatch (N one score) and
//! max |s| + 3 (open + extend) <= 120.
inline bool diagonal_fits(scoring_scheme const & s) noexcept
{
    int const abs_s = std::max(std::abs(s.max_score()), std::abs(s.min_score()));
    return s.is_match_mismatch() && abs_s + 3 * (s.gap_open + s.gap_extend) <= 120;
}

//! The cells of anti-diagonal r (i + j = r, 1 <= i <= m, 1 <= j <= n, |i - j| <= band): j in [lo, hi].
struct diagonal_span
{
    std::int64_t lo, hi;
};

inline diagonal_span span_of(std::int64_t r, std::uint32_t m, std::uint32_t n, int band) noexcept
{
    std::int64_t lo = std::max<std::int64_t>(1, r - m), hi = std::min<std::int64_t>(n, r - 1);
    if (band >= 0)
    {
        lo = std::max<std::int64_t>(lo, (r - band + 1) / 2); // ceil((r - band) / 2) where it matters (>= 1)
        hi = std::min<std::int64_t>(hi, (r + band) / 2);
    }
    return {lo, hi};
}

//! Per anti-diagonal r (2..m+n), base[r] such that the direction byte of cell (i, j) is at base[i + j] + j;
//! returns the bytes to allocate (padding for whole-vector stores included). base has m + n + 1 entries.
inline std::size_t direction_layout(std::uint32_t m, std::uint32_t n, int band, std::int64_t * base) noexcept
{
    std::int64_t offset = 0;
    base[0] = base[1] = 0;
    for (std::int64_t r = 2; r <= std::int64_t{m} + n; ++r)
    {
        auto const s = span_of(r, m, n, band);
        base[r] = offset - s.lo;
        offset += std::max<std::int64_t>(0, s.hi - s.lo + 1);
    }
    return static_cast<std::size_t>(offset) + 128;
}

//! The direction byte of cell (i, j).
inline std::uint8_t direction_at(std::uint8_t const * dirs, std::int64_t const * base, std::uint32_t i,
                                 std::uint32_t j) noexcept
{
    return dirs[base[i + j] + j];
}

//! Loads and stores of an anti-diagonal's rows: whole and aligned (score only, rows start at a vector boundary) or
//! from the exact first cell (traceback). Shared by the global/extension and the local anti-diagonal kernels.
template <typename B, bool Aligned>
struct diagonal_rows
{
    template <typename T>
    static B load(T const * p) noexcept
    {
        if constexpr (Aligned)
            return B::load_aligned(p);
        else
            return B::load_unaligned(p);
    }

    template <typename T>
    static void store(B const & v, T * p) noexcept
    {
        if constexpr (Aligned)
            v.store_aligned(p);
        else
            v.store_unaligned(p);
    }
};

template <class Arch>
struct diagonal_kernel
{
    //! Workspace bytes for a query of m and a target of n bases.
    static std::size_t workspace_bytes(std::size_t m, std::size_t n) noexcept;
    //! The DP outcome of query[0, m) x target[0, n) (the reference's run_dp): m, n >= 1, mode global, semi_global
    //! or extension, diagonal_fits(c.scoring). dirs (nullptr: score only) receives a direction byte per cell at
    //! the direction_layout() of base.
    static dp_outcome run(std::uint8_t const * query, std::uint32_t m, std::uint8_t const * target, std::uint32_t n,
                          alignment_config const & c, void * workspace, std::uint8_t * dirs,
                          std::int64_t const * base) noexcept;
};

//! The scalar side of both diagonal kernels: the reference's run_dp, its directions stored at the diagonal layout
//! (Dir: 8-bit entries for diagonal_kernel, 16-bit for local_diagonal_kernel).
inline std::size_t reference_workspace_bytes(std::size_t n) noexcept { return 2 * (n + 1) * sizeof(std::int32_t); }

template <typename Dir>
dp_outcome run_reference_diagonal_layout(std::uint8_t const * query, std::uint32_t m, std::uint8_t const * target,
                                         std::uint32_t n, alignment_config const & c, void * workspace, Dir * dirs,
                                         std::int64_t const * base) noexcept
{
    auto * H = static_cast<std::int32_t *>(workspace);
    if (dirs == nullptr)
        return run_dp(query, m, target, n, c, H, H + n + 1);
    return run_dp(query, m, target, n, c, H, H + n + 1,
                  [&](std::uint32_t i, std::uint32_t j, std::uint8_t d) { dirs[base[i + j] + j] = d; });
}

template <>
struct diagonal_kernel<simd::scalar>
{
    static std::size_t workspace_bytes(std::size_t, std::size_t n) noexcept { return reference_workspace_bytes(n); }
    static dp_outcome run(std::uint8_t const * query, std::uint32_t m, std::uint8_t const * target, std::uint32_t n,
                          alignment_config const & c, void * workspace, std::uint8_t * dirs,
                          std::int64_t const * base) noexcept
    {
        return run_reference_diagonal_layout(query, m, target, n, c, workspace, dirs, base);
    }
};

namespace diagonal_body
{

//! Workspace layout (bytes), shared by workspace_bytes and run.
struct layout
{
    std::size_t row_bytes, query_off, target_off, diff_off, h32_off, rowmax_off, rowj_off, zbuf_off, total;
    layout(std::size_t m, std::size_t n, std::size_t lanes) noexcept
    {
        auto const round = [](std::size_t b) { return (b + 63) & ~std::size_t{63}; };
        row_bytes = round(n + 2 * lanes + 2);
        query_off = 0; // both sequences with lanes of padding in front and 2 * lanes behind
        target_off = round(m + 3 * lanes);
        diff_off = target_off + round(n + 3 * lanes);
        h32_off = diff_off + 8 * row_bytes; // u, v, x, y for two anti-diagonals
        rowmax_off = h32_off + 3 * round((n + 2) * sizeof(std::int32_t));
        rowj_off = rowmax_off + round((m + 1) * sizeof(std::int32_t));
        zbuf_off = rowj_off + round((m + 1) * sizeof(std::int32_t));
        total = zbuf_off + row_bytes;
    }
};

template <class Arch, alignment_mode Mode, bool Trace>
dp_outcome run(std::uint8_t const * query, std::uint32_t m, std::uint8_t const * target, std::uint32_t n,
               alignment_config const & c, void * workspace, std::uint8_t * dirs, std::int64_t const * base) noexcept
{
    using T = std::int8_t;
    using B = xsimd::batch<T, Arch>;
    constexpr std::size_t L = B::size;
    constexpr bool ext = Mode == alignment_mode::extension;
    constexpr T sentinel = -64; // x + u and y + v of a cell outside the band: -128, below any substitution score
    auto const & sc = c.scoring;
    std::int32_t const o = sc.gap_open, e = sc.gap_extend, q = o + e;
    int const band = c.band;
    layout const lay(m, n, L);
    auto * ws = static_cast<unsigned char *>(workspace);

    // Sequences: the query reversed (query[r - j - 1] is qrev[m - r + j]) and the target, padded for whole vectors.
    T * qrev = reinterpret_cast<T *>(ws + lay.query_off) + L;
    // The target by column: tcol[j] = target[j - 1], so that cells from column j read it from tcol + j (aligned
    // with the rows).
    T * tcol = reinterpret_cast<T *>(ws + lay.target_off) + L;
    std::fill(qrev - L, qrev, T{0});
    for (std::uint32_t k = 0; k < m; ++k)
        qrev[k] = static_cast<T>(query[m - 1 - k]);
    std::fill(qrev + m, qrev + m + 2 * L, T{0});
    std::fill(tcol - L, tcol + 1, T{0});
    for (std::uint32_t k = 0; k < n; ++k) // N of the target as 5: never equal to a query code (N against N is N)
        tcol[k + 1] = static_cast<T>(target[k] == code_n ? 5 : target[k]);
    std::fill(tcol + n + 1, tcol + n + 2 * L, T{0});

    T * diff[2][4]; // [anti-diagonal parity][u, v, x, y], indexed by j
    for (int p = 0; p < 2; ++p)
        for (int a = 0; a < 4; ++a)
        {
            diff[p][a] = reinterpret_cast<T *>(ws + lay.diff_off + (4 * p + a) * lay.row_bytes);
            std::fill(diff[p][a], diff[p][a] + lay.row_bytes, sentinel);
        }

    auto const in_b = [&](std::int64_t i, std::int64_t j) { return band < 0 || std::llabs(i - j) <= band; };
    auto const col0 = [&](std::int64_t i) { return boundary_score(c, static_cast<std::uint32_t>(i), false); }; // H(i, 0)
    auto const row0 = [&](std::int64_t j) { return boundary_score(c, static_cast<std::uint32_t>(j), true); };  // H(0, j)

    // Position p of anti-diagonal d outside its computed cells: a boundary cell or the sentinel.
    auto const set_edge = [&](T * const * a, std::int64_t d, std::int64_t p) {
        T uu = sentinel, vv = sentinel, xx = sentinel, yy = sentinel;
        if (p == 0 && d >= 1 && d <= m && in_b(d, 0))
            uu = static_cast<T>(col0(d) - col0(d - 1)), xx = static_cast<T>(-q);
        else if (p == d && d >= 1 && d <= n && in_b(0, d))
            vv = static_cast<T>(row0(d) - row0(d - 1)), yy = static_cast<T>(-q);
        a[0][p] = uu, a[1][p] = vv, a[2][p] = xx, a[3][p] = yy;
    };

    B const v_match(static_cast<T>(sc.match())), v_mismatch(static_cast<T>(sc.mismatch())), v_n(static_cast<T>(sc.n_score()));
    B const v_three(T{3}), v_zero(T{0}), v_neg_o(static_cast<T>(-o)), v_e(static_cast<T>(e)), v_neg_q(static_cast<T>(-q));
    B const d_e(T{from_e}), d_f(T{from_f}), d_eext(T{e_extends}), d_fext(T{f_extends});
    bool const uniform_n = sc.n_score() == sc.mismatch();
    // Score only: every anti-diagonal starts at the vector boundary at or below lo, so that the difference rows are
    // stored (and v, y loaded) whole and aligned. The cells below lo are garbage that nothing reads: the next
    // anti-diagonal reads from lo - 1 up, and sets that cell itself when it is not one of this one's cells.
    // The direction rows (Trace) are packed and start exactly at lo.
    constexpr bool aligned_rows = !Trace;
    using rows = diagonal_rows<B, aligned_rows>;

    dp_outcome out;
    // Global / semi-global: H along the band's lower edge (i, i - band), upper edge (j - band, j), the last row
    // and the last column; candidates of the semi-global ends.
    std::int64_t lower_h = band >= 0 && band <= std::int64_t{m} ? col0(band) : 0, upper_h = band >= 0 && band <= std::int64_t{n} ? row0(band) : 0;
    std::int64_t row_h = 0, col_h = 0;
    std::int64_t global_h = neg_inf32, row_best = neg_inf32, col_best = neg_inf32;
    std::uint32_t row_best_j = 0, col_best_i = 0;
    bool const sg = Mode == alignment_mode::semi_global;
    bool const free_qs = sg && c.free_ends.query_suffix, free_ts = sg && c.free_ends.target_suffix;
    if (free_qs && in_b(0, n))
        col_best = row0(n), col_best_i = 0;
    if (free_ts && in_b(m, 0))
        row_best = col0(m), row_best_j = 0;

    // Extension: H per cell in 32 bits on three anti-diagonals (by j), row maxima by i.
    std::int32_t * h32[3] = {};
    std::int32_t *rowmax = nullptr, *rowj = nullptr; // by m - i
    T * zbuf = nullptr;                               // z of the anti-diagonal, by j
    std::int32_t best = c.initial_score;
    std::uint32_t best_i = 0, best_j = 0, next_row = 1;
    bool stopped = false;
    if constexpr (ext)
    {
        std::size_t const h_stride = (((n + 2) * sizeof(std::int32_t) + 63) & ~std::size_t{63}) / sizeof(std::int32_t);
        for (int k = 0; k < 3; ++k)
            h32[k] = reinterpret_cast<std::int32_t *>(ws + lay.h32_off) + k * h_stride;
        rowmax = reinterpret_cast<std::int32_t *>(ws + lay.rowmax_off);
        rowj = reinterpret_cast<std::int32_t *>(ws + lay.rowj_off);
        zbuf = reinterpret_cast<T *>(ws + lay.zbuf_off);
        std::fill(rowmax, rowmax + m + 1, neg_inf32);
        std::fill(rowj, rowj + m + 1, 0);
    }
    // Finishes row i as the reference does after its row loop; false when the extension stops there.
    auto const finish_row = [&](std::uint32_t i, bool empty) {
        std::int32_t const rm = rowmax[m - i];
        std::uint32_t const rj = static_cast<std::uint32_t>(rowj[m - i]);
        if (i == m)
        {
            out.end_to_end_score = rm > neg_inf32 / 2 ? rm : unreachable_score;
            out.end_to_end_j = rj;
        }
        if (empty)
            return false;
        if (rm > best)
            best = rm, best_i = i, best_j = rj;
        else if (zdrop_stops(c, best, best_i, best_j, rm, i, rj))
        {
            out.zdropped = i < m;
            return false;
        }
        return i < m;
    };
    auto const row_span = [&](std::uint32_t i) {
        std::int64_t lo = 1, hi = n;
        if (band >= 0)
            lo = std::max<std::int64_t>(1, std::int64_t{i} - band), hi = std::min<std::int64_t>(n, std::int64_t{i} + band);
        return diagonal_span{lo, hi};
    };

    diagonal_span prev{1, 0}; // anti-diagonal 1 has no computed cell
    for (std::int64_t r = 2; r <= std::int64_t{m} + n && !stopped; ++r)
    {
        auto const span = span_of(r, m, n, band);
        if (span.lo > span.hi)
        {
            // Band 0 leaves every other anti-diagonal empty; two empty ones in a row: the band left the matrix.
            auto const next = span_of(r + 1, m, n, band);
            if (next.lo > next.hi)
                break;
            prev = span;
            continue;
        }
        T * const * pa = diff[(r - 1) & 1];
        T * const * ca = diff[r & 1];
        if (span.lo - 1 < prev.lo)
            set_edge(pa, r - 1, span.lo - 1);
        if (span.hi > prev.hi)
            set_edge(pa, r - 1, span.hi);
        std::int64_t const q_shift = std::int64_t{m} - r; // query[r - j - 1] = qrev[q_shift + j]
        std::uint8_t * const drow = Trace ? dirs + base[r] : nullptr;
        std::int64_t const first = aligned_rows ? span.lo & ~static_cast<std::int64_t>(L - 1) : span.lo;
        for (std::int64_t j = first; j <= span.hi; j += static_cast<std::int64_t>(L))
        {
            B const qv = B::load_unaligned(qrev + (q_shift + j)), tv = rows::load(tcol + j);
            B s = xsimd::select(qv == tv, v_match, v_mismatch);
            if (!uniform_n)
                s = xsimd::select((qv | tv) > v_three, v_n, s); // codes 0..4: an N makes the OR 4..7 (xsimd 8.1's
                                                                 // 8-bit != misbehaves at -O2 on sse/avx2)
            B const u1 = B::load_unaligned(pa[0] + j - 1), x1 = B::load_unaligned(pa[2] + j - 1);
            B const v1 = rows::load(pa[1] + j), y1 = rows::load(pa[3] + j);
            B const ae = x1 + u1, af = y1 + v1;
            B const z = xsimd::max(s, xsimd::max(ae, af));
            rows::store(z - v1, ca[0] + j);
            rows::store(z - u1, ca[1] + j);
            // Saturating: next to a sentinel, ae - z may leave 8 bits (and must end at -o).
            rows::store(xsimd::max(xsimd::ssub(ae, z), v_neg_o) - v_e, ca[2] + j);
            rows::store(xsimd::max(xsimd::ssub(af, z), v_neg_o) - v_e, ca[3] + j);
            if constexpr (ext)
                rows::store(z, zbuf + j);
            if constexpr (Trace)
            {
                // The reference's rules: diagonal, then E, then F; a gap extends only when strictly better.
                B d = xsimd::select(z == s, v_zero, xsimd::select(z == ae, d_e, d_f));
                d = d | xsimd::select(x1 > v_neg_q, d_eext, v_zero) | xsimd::select(y1 > v_neg_q, d_fext, v_zero);
                d.store_unaligned(reinterpret_cast<T *>(drow + j));
            }
        }

        if constexpr (ext)
        {
            // H(i, j) = H(i - 1, j - 1) + z(i, j), row maxima by m - i = q_shift + j: contiguous in j, so that
            // the compiler vectorises this loop (32-bit lanes).
            std::int32_t const * hp = h32[(r - 2) % 3];
            std::int32_t * hc = h32[r % 3];
            std::int32_t * hp_w = h32[(r - 2) % 3];
            if (span.lo == 1)
                hp_w[0] = col0(r - 2);
            if (span.hi == r - 1)
                hp_w[r - 2] = row0(r - 2);
            T const * zb = zbuf;
            std::int32_t * const rm = rowmax;
            std::int32_t * const rj = rowj;
            for (std::int64_t j = span.lo; j <= span.hi; ++j)
            {
                std::int32_t const h = hp[j - 1] + zb[j];
                hc[j] = h;
                std::int64_t const k = q_shift + j;
                bool const gt = h > rm[k];
                rm[k] = gt ? h : rm[k];
                rj[k] = gt ? static_cast<std::int32_t>(j) : rj[k];
            }
            // Rows are complete in order once their last cell is computed.
            while (next_row <= m)
            {
                auto const rs = row_span(next_row);
                bool const empty = rs.lo > rs.hi;
                if (!empty && next_row + rs.hi > r)
                    break;
                if (!finish_row(next_row, empty))
                {
                    stopped = true;
                    break;
                }
                ++next_row;
            }
        }
        else
        {
            // Band edges: the lower edge cell (i, i - band) and the upper one (j - band, j) of this anti-diagonal.
            if (band >= 0 && ((r + band) & 1) == 0)
            {
                std::int64_t const jl = (r - band) / 2, iu = (r - band) / 2;
                if (jl >= span.lo && jl <= span.hi && jl >= 1 && r - jl <= m)
                    lower_h += static_cast<T>(ca[0][jl] + pa[1][jl]);
                std::int64_t const ju = r - iu;
                if (iu >= 1 && ju >= span.lo && ju <= span.hi && ju <= n)
                    upper_h += static_cast<T>(ca[0][ju] + pa[1][ju]);
            }
            // Last row: cell (m, r - m).
            std::int64_t const jm = r - m;
            if (jm >= span.lo && jm <= span.hi)
            {
                if (in_b(m, jm - 1))
                    row_h = (jm == 1 ? col0(m) : row_h) + ca[1][jm];
                else
                    row_h = lower_h; // the row starts on the band's lower edge
                if (jm < n && free_ts && row_h > row_best)
                    row_best = row_h, row_best_j = static_cast<std::uint32_t>(jm);
                if (jm == n)
                    global_h = row_h;
            }
            // Last column: cell (r - n, n).
            std::int64_t const in_ = r - n;
            if (n >= span.lo && n <= span.hi)
            {
                if (in_b(in_ - 1, n))
                    col_h = (in_ == 1 ? row0(n) : col_h) + ca[0][n];
                else
                    col_h = upper_h;
                if (in_ < m && free_qs && col_h > col_best)
                    col_best = col_h, col_best_i = static_cast<std::uint32_t>(in_);
            }
        }
        prev = span;
    }

    if constexpr (ext)
    {
        // Rows after the last anti-diagonal with cells: the band left the matrix.
        while (!stopped && next_row <= m)
        {
            auto const rs = row_span(next_row);
            if (!finish_row(next_row, rs.lo > rs.hi))
                break;
            ++next_row;
        }
        out.score = best;
        out.end_i = best_i;
        out.end_j = best_j;
        return out;
    }
    std::int64_t s = global_h;
    std::uint32_t ei = m, ej = n;
    if (free_ts && row_best > s)
        s = row_best, ej = row_best_j;
    if (free_qs && col_best > s)
        s = col_best, ei = col_best_i, ej = n;
    out.score = s > neg_inf32 / 2 ? static_cast<std::int32_t>(s) : unreachable_score;
    out.end_i = ei;
    out.end_j = ej;
    return out;
}

template <class Arch, bool Trace>
dp_outcome run_mode(std::uint8_t const * query, std::uint32_t m, std::uint8_t const * target, std::uint32_t n,
                    alignment_config const & c, void * workspace, std::uint8_t * dirs, std::int64_t const * base) noexcept
{
    switch (c.mode)
    {
        case alignment_mode::global: return run<Arch, alignment_mode::global, Trace>(query, m, target, n, c, workspace, dirs, base);
        case alignment_mode::semi_global:
            return run<Arch, alignment_mode::semi_global, Trace>(query, m, target, n, c, workspace, dirs, base);
        case alignment_mode::extension:
            return run<Arch, alignment_mode::extension, Trace>(query, m, target, n, c, workspace, dirs, base);
        default: return {};
    }
}
} // namespace diagonal_body

template <class Arch>
std::size_t diagonal_kernel<Arch>::workspace_bytes(std::size_t m, std::size_t n) noexcept
{
    return diagonal_body::layout(m, n, xsimd::batch<std::int8_t, Arch>::size).total;
}

template <class Arch>
dp_outcome diagonal_kernel<Arch>::run(std::uint8_t const * query, std::uint32_t m, std::uint8_t const * target,
                                      std::uint32_t n, alignment_config const & c, void * workspace,
                                      std::uint8_t * dirs, std::int64_t const * base) noexcept
{
    if (dirs != nullptr)
        return diagonal_body::run_mode<Arch, true>(query, m, target, n, c, workspace, dirs, base);
    return diagonal_body::run_mode<Arch, false>(query, m, target, n, c, workspace, nullptr, base);
}

} // namespace wgskit::align::detail

WGSKIT_DECLARE_KERNEL(wgskit::align::detail::diagonal_kernel)
