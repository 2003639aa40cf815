// Intra-pair local alignment (Smith-Waterman) kernel: one query against one target, anti-diagonal by
// anti-diagonal on absolute 16-bit scores, banded or not, score only or with directions for the traceback.
//
// The local clamp at 0 needs absolute scores, so this is the companion of the 8-bit difference kernel
// (diagonal_kernel.hpp) for local mode: the same anti-diagonal walk (cells kept by column j, the query read
// reversed, span_of / direction_layout), H on the last two anti-diagonals and E, F on the last one. No query
// profile and no lazy-F loop (unlike the striped kernel), no per-column overhead. The best cell costs no memory
// traffic per cell: each anti-diagonal keeps its lane maxima (and their columns) in registers and stores them
// once; the end picks the best score and, among the anti-diagonals reaching it, the first cell in row-major
// order, as the reference does. Directions: one 16-bit entry per cell (the reference's bits).
// Precondition local_diagonal_fits: every value stays inside 16 bits.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <type_traits>

#include <wgskit/align/config.hpp>
#include <wgskit/align/detail/diagonal_kernel.hpp>
#include <wgskit/align/detail/reference.hpp>
#include <wgskit/simd/arch.hpp>

namespace wgskit::align::detail
{

//! Whether a local pair fits the 16-bit kernel: match/mismatch scheme, scores below 32000 and m + n < 32000
//! (anti-diagonal numbers are kept in 16 bits too; -inf is -16384, far below any cell).
inline bool local_diagonal_fits(alignment_config const & c, std::uint32_t m, std::uint32_t n) noexcept
{
    auto const & s = c.scoring;
    return s.is_match_mismatch() && std::int64_t{m} + n < 32000 && s.gap_open + s.gap_extend < 1000 &&
           std::int64_t{std::max(s.max_score(), 0)} * std::min(m, n) < 32000;
}

template <class Arch>
struct local_diagonal_kernel
{
    static std::size_t workspace_bytes(std::size_t m, std::size_t n) noexcept;
    //! The local DP outcome of query[0, m) x target[0, n) (the reference's run_dp): m, n >= 1, c.mode local,
    //! local_diagonal_fits. dirs (nullptr: score only) receives one 16-bit entry per cell at base[i + j] + j
    //! (direction_layout).
    static dp_outcome run(std::uint8_t const * query, std::uint32_t m, std::uint8_t const * target, std::uint32_t n,
                          alignment_config const & c, void * workspace, std::uint16_t * dirs,
                          std::int64_t const * base) noexcept;
};

template <>
struct local_diagonal_kernel<simd::scalar>
{
    static std::size_t workspace_bytes(std::size_t, std::size_t n) noexcept { return reference_workspace_bytes(n); }
    static dp_outcome run(std::uint8_t const * query, std::uint32_t m, std::uint8_t const * target, std::uint32_t n,
                          alignment_config const & c, void * workspace, std::uint16_t * dirs,
                          std::int64_t const * base) noexcept
    {
        return run_reference_diagonal_layout(query, m, target, n, c, workspace, dirs, base);
    }
};

namespace local_diagonal_body
{
struct layout
{
    std::size_t row, query_off, target_off, arrays_off, diag_best_off, total;
    layout(std::size_t m, std::size_t n, std::size_t lanes) noexcept
    {
        auto const round = [](std::size_t b) { return (b + 63) & ~std::size_t{63}; };
        row = round((n + 2 * lanes + 2) * sizeof(std::int16_t));
        query_off = 0; // both sequences with lanes of padding in front and 2 * lanes behind
        target_off = round((m + 3 * lanes) * sizeof(std::int16_t));
        arrays_off = target_off + round((n + 3 * lanes) * sizeof(std::int16_t));
        diag_best_off = arrays_off + 7 * row; // H x 3, E x 2, F x 2
        // Per anti-diagonal: the lane maxima and their columns (two vectors).
        total = diag_best_off + 2 * (m + n + 1) * lanes * sizeof(std::int16_t);
    }
};

template <class Arch, bool Trace>
dp_outcome run(std::uint8_t const * query, std::uint32_t m, std::uint8_t const * target, std::uint32_t n,
               alignment_config const & c, void * workspace, std::uint16_t * dirs, std::int64_t const * base) noexcept
{
    using T = std::int16_t;
    using B = xsimd::batch<T, Arch>;
    constexpr std::size_t L = B::size;
    constexpr T neg = -16384; // -inf: outside the band, E of column 0, F of row 0
    auto const & sc = c.scoring;
    int const band = c.band;
    layout const lay(m, n, L);
    auto * ws = static_cast<unsigned char *>(workspace);
    T * qrev = reinterpret_cast<T *>(ws + lay.query_off) + L;
    T * tcol = reinterpret_cast<T *>(ws + lay.target_off) + L; // tcol[j] = target[j - 1], aligned with the rows
    std::fill(qrev - L, qrev, T{0});
    std::fill(tcol - L, tcol + 1, T{0});
    for (std::uint32_t k = 0; k < m; ++k)
        qrev[k] = static_cast<T>(query[m - 1 - k]);
    std::fill(qrev + m, qrev + m + 2 * L, T{0});
    for (std::uint32_t k = 0; k < n; ++k) // N of the target as 5: never equal to a query code
        tcol[k + 1] = static_cast<T>(target[k] == code_n ? 5 : target[k]);
    std::fill(tcol + n + 1, tcol + n + 2 * L, T{0});
    auto const array = [&](int k) { return reinterpret_cast<T *>(ws + lay.arrays_off + k * lay.row); };
    T * Hb[3] = {array(0), array(1), array(2)};
    T * Eb[2] = {array(3), array(4)};
    T * Fb[2] = {array(5), array(6)};
    // Anti-diagonal r's lane maxima at diag_max + r * L, the column of each (the last one on ties) at diag_col.
    T * diag_max = reinterpret_cast<T *>(ws + lay.diag_best_off);
    T * diag_col = diag_max + (std::size_t{m} + n + 1) * L;
    for (int k = 0; k < 7; ++k)
        std::fill(array(k), array(k) + lay.row / sizeof(T), neg);

    auto const in_b = [&](std::int64_t i, std::int64_t j) { return band < 0 || std::llabs(i - j) <= band; };
    // Position p of anti-diagonal d outside its computed cells: a boundary cell (H 0) or -inf.
    auto const set_edge = [&](T * h, T * e, T * f, std::int64_t d, std::int64_t p) {
        bool const boundary = ((p == 0 && d <= m) || (p == d && d <= n)) && in_b(d - p, p);
        h[p] = boundary ? T{0} : neg;
        e[p] = neg;
        f[p] = neg;
    };

    B const v_match(static_cast<T>(sc.match())), v_mismatch(static_cast<T>(sc.mismatch())), v_n(static_cast<T>(sc.n_score()));
    B const v_three(T{3}), v_zero(T{0}), v_e(static_cast<T>(sc.gap_extend)), v_oe(static_cast<T>(sc.gap_open + sc.gap_extend));
    B const d_e(T{from_e}), d_f(T{from_f}), d_zero(T{from_zero}), d_eext(T{e_extends}), d_fext(T{f_extends});
    bool const uniform_n = sc.n_score() == sc.mismatch();
    alignas(64) T iota[L];
    for (std::size_t k = 0; k < L; ++k)
        iota[k] = static_cast<T>(k);
    B const v_iota = B::load_aligned(iota), v_lanes(static_cast<T>(L));

    // Score only: every anti-diagonal starts at the vector boundary at or below lo, so that H, E and F are stored
    // whole and aligned (as in diagonal_kernel: the cells below lo are garbage that nothing reads; the next two
    // anti-diagonals read from lo - 1 up and set that cell themselves when it is not one of this one's).
    constexpr bool aligned_rows = !Trace;
    using rows = diagonal_rows<B, aligned_rows>;

    diagonal_span prev{1, 0};
    std::int64_t last_r = 1; // the last anti-diagonal whose maxima are stored
    for (std::int64_t r = 2; r <= std::int64_t{m} + n; ++r)
    {
        auto const span = span_of(r, m, n, band);
        T * h1 = Hb[(r - 1) % 3];
        T * h2 = Hb[(r - 2) % 3];
        T * hc = Hb[r % 3];
        T * e1 = Eb[(r - 1) & 1];
        T * f1 = Fb[(r - 1) & 1];
        T * ec = Eb[r & 1];
        T * fc = Fb[r & 1];
        if (span.lo > span.hi)
        {
            auto const next = span_of(r + 1, m, n, band); // band 0: every other anti-diagonal is empty
            if (next.lo > next.hi)
                break;
            prev = span;
            continue;
        }
        if (span.lo - 1 < prev.lo)
            set_edge(h1, e1, f1, r - 1, span.lo - 1);
        if (span.hi > prev.hi)
            set_edge(h1, e1, f1, r - 1, span.hi);
        if (span.lo == 1)
            h2[0] = 0; // H(r - 2, 0)
        if (span.hi == r - 1)
            h2[r - 2] = 0; // H(0, r - 2)
        std::int64_t const q_shift = std::int64_t{m} - r;
        std::uint16_t * const drow = Trace ? dirs + base[r] : nullptr;
        // Each lane's maximum on this anti-diagonal and its column; ties keep the later column (the earlier row).
        B lane_max = v_zero, lane_col = v_zero;
        std::int64_t const first = aligned_rows ? span.lo & ~static_cast<std::int64_t>(L - 1) : span.lo;
        B jv = v_iota + B(static_cast<T>(first));
        // One vector of cells from column j; Edge: lanes below lo or past hi hold no cell and must not reach the
        // maxima.
        auto const cells = [&](std::int64_t j, auto edge) {
            B const qv = B::load_unaligned(qrev + (q_shift + j)), tv = rows::load(tcol + j);
            B s = xsimd::select(qv == tv, v_match, v_mismatch);
            if (!uniform_n)
                s = xsimd::select((qv | tv) > v_three, v_n, s);
            B const hl = B::load_unaligned(h1 + j - 1), el = B::load_unaligned(e1 + j - 1);
            B const hu = rows::load(h1 + j), fu = rows::load(f1 + j);
            B const e_ext = xsimd::ssub(el, v_e), e_open = xsimd::ssub(hl, v_oe);
            B const f_ext = xsimd::ssub(fu, v_e), f_open = xsimd::ssub(hu, v_oe);
            B const ev = xsimd::max(e_ext, e_open), fv = xsimd::max(f_ext, f_open);
            B const dv = xsimd::sadd(B::load_unaligned(h2 + j - 1), s);
            B const h = xsimd::max(xsimd::max(dv, ev), xsimd::max(fv, v_zero));
            rows::store(h, hc + j);
            rows::store(ev, ec + j);
            rows::store(fv, fc + j);
            B hm = h;
            if constexpr (decltype(edge)::value)
                hm = xsimd::select(jv >= B(static_cast<T>(span.lo)) && jv <= B(static_cast<T>(span.hi)), h, v_zero);
            lane_col = xsimd::select(hm >= lane_max, jv, lane_col);
            lane_max = xsimd::max(lane_max, hm);
            jv = jv + v_lanes;
            if constexpr (Trace)
            {
                B d = xsimd::select(h == dv, v_zero, xsimd::select(h == ev, d_e, d_f));
                d = xsimd::select(h == v_zero, d_zero, d);
                d = d | xsimd::select(e_ext > e_open, d_eext, v_zero) | xsimd::select(f_ext > f_open, d_fext, v_zero);
                d.store_unaligned(reinterpret_cast<T *>(drow + j));
            }
        };
        std::int64_t j = first;
        if (j < span.lo)
        {
            cells(j, std::true_type{});
            j += static_cast<std::int64_t>(L);
        }
        for (; j + static_cast<std::int64_t>(L) - 1 <= span.hi; j += static_cast<std::int64_t>(L))
            cells(j, std::false_type{});
        if (j <= span.hi)
            cells(j, std::true_type{});
        for (std::int64_t k = last_r + 1; k < r; ++k) // anti-diagonals without cells (band 0)
            v_zero.store_aligned(diag_max + k * L);
        lane_max.store_aligned(diag_max + r * L);
        lane_col.store_aligned(diag_col + r * L);
        last_r = r;
        prev = span;
    }

    dp_outcome out;
    // The best score, then the first cell (row-major, as the reference) holding it: on each anti-diagonal that
    // reaches it, the lane with the latest column (the earliest row).
    B top = v_zero;
    for (std::int64_t r = 2; r <= last_r; ++r)
        top = xsimd::max(top, B::load_aligned(diag_max + r * L));
    alignas(64) T lanes_buf[L];
    top.store_aligned(lanes_buf);
    std::int32_t const best = *std::max_element(lanes_buf, lanes_buf + L);
    std::uint32_t bi = 0, bj = 0;
    if (best > 0)
    {
        B const v_best(static_cast<T>(best));
        bi = m + 1;
        for (std::int64_t r = 2; r <= last_r; ++r)
        {
            auto const hit = B::load_aligned(diag_max + r * L) == v_best;
            if (!xsimd::any(hit))
                continue;
            xsimd::select(hit, B::load_aligned(diag_col + r * L), v_zero).store_aligned(lanes_buf);
            auto const j = static_cast<std::uint32_t>(*std::max_element(lanes_buf, lanes_buf + L));
            auto const i = static_cast<std::uint32_t>(r - j);
            if (i < bi || (i == bi && j < bj))
                bi = i, bj = j;
        }
    }
    out.score = best;
    out.end_i = bi;
    out.end_j = bj;
    return out;
}
} // namespace local_diagonal_body

template <class Arch>
std::size_t local_diagonal_kernel<Arch>::workspace_bytes(std::size_t m, std::size_t n) noexcept
{
    return local_diagonal_body::layout(m, n, xsimd::batch<std::int16_t, Arch>::size).total;
}

template <class Arch>
dp_outcome local_diagonal_kernel<Arch>::run(std::uint8_t const * query, std::uint32_t m, std::uint8_t const * target,
                                            std::uint32_t n, alignment_config const & c, void * workspace,
                                            std::uint16_t * dirs, std::int64_t const * base) noexcept
{
    if (dirs != nullptr)
        return local_diagonal_body::run<Arch, true>(query, m, target, n, c, workspace, dirs, base);
    return local_diagonal_body::run<Arch, false>(query, m, target, n, c, workspace, nullptr, base);
}

} // namespace wgskit::align::detail

WGSKIT_DECLARE_KERNEL(wgskit::align::detail::local_diagonal_kernel)
