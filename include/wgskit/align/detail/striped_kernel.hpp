// Intra-pair alignment kernel: one query against one target, striped (Farrar) 16-bit, score only, local and
// global, no band.
//
// Query position p sits in lane p / seg, segment p % seg (seg = ceil(m / lanes)); the target is walked one base
// at a time. A query profile (one row of seg vectors per target code) replaces the substitution look-up; F (the
// gap along the query) is first propagated within each lane, then corrected by the lazy-F loop across lanes.
// Any scoring_scheme works (the profile holds the matrix). Local mode reports overflow when a score reaches
// 32767; global needs fits_16bit (the caller checks). Query positions beyond m score -16384: padding never wins.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>

#include <wgskit/align/config.hpp>
#include <wgskit/align/detail/inter_pair_kernel.hpp>
#include <wgskit/align/detail/reference.hpp>
#include <wgskit/simd/arch.hpp>

namespace wgskit::align::detail
{

template <class Arch>
struct striped_kernel
{
    //! 16-bit lanes per vector.
    static std::size_t lanes() noexcept;
    //! Workspace bytes for a query of m and a target of n bases.
    static std::size_t workspace_bytes(std::size_t m, std::size_t n) noexcept;
    //! Score of query[0, m) against target[0, n), m, n >= 1, mode local or global, c.band < 0.
    static lane_score score(std::uint8_t const * query, std::uint32_t m, std::uint8_t const * target, std::uint32_t n,
                            alignment_config const & c, void * workspace) noexcept;
};

template <>
struct striped_kernel<simd::scalar>
{
    static std::size_t lanes() noexcept { return 1; }
    static std::size_t workspace_bytes(std::size_t, std::size_t n) noexcept { return 2 * (n + 1) * sizeof(std::int32_t); }
    static lane_score score(std::uint8_t const * query, std::uint32_t m, std::uint8_t const * target, std::uint32_t n,
                            alignment_config const & c, void * workspace) noexcept
    {
        auto * H = static_cast<std::int32_t *>(workspace);
        return to_lane_score(run_dp(query, m, target, n, c, H, H + n + 1), c.mode);
    }
};

namespace striped_body
{
template <class Arch, bool Local>
lane_score run(std::uint8_t const * query, std::uint32_t m, std::uint8_t const * target, std::uint32_t n,
               alignment_config const & c, void * workspace) noexcept
{
    using T = std::int16_t;
    using B = xsimd::batch<T, Arch>;
    constexpr std::size_t L = B::size;
    constexpr T t_min = std::numeric_limits<T>::min(), t_max = std::numeric_limits<T>::max();
    std::size_t const seg = (m + L - 1) / L;
    auto const & sc = c.scoring;

    T * profile = static_cast<T *>(workspace); // [5][seg][L]
    T * h_store = profile + 5 * seg * L;
    T * h_load = h_store + seg * L;
    T * e_col = h_load + seg * L;
    for (int code = 0; code < 5; ++code)
        for (std::size_t k = 0; k < seg; ++k)
            for (std::size_t s = 0; s < L; ++s)
            {
                std::size_t const p = s * seg + k;
                profile[(code * seg + k) * L + s] =
                    p < m ? static_cast<T>(sc.score(query[p], static_cast<std::uint8_t>(code))) : T{-16384};
            }

    B const v_e(static_cast<T>(sc.gap_extend)), v_oe(static_cast<T>(sc.gap_open + sc.gap_extend));
    B const v_zero(T{0}), v_neg(t_min);
    alignas(64) T lane_buf[L + 1];

    // Column 0: H(p + 1, 0) and E(p + 1, 1) = H(p + 1, 0) - o - e.
    for (std::size_t k = 0; k < seg; ++k)
        for (std::size_t s = 0; s < L; ++s)
        {
            std::size_t const p = s * seg + k;
            std::int32_t const h0 = Local ? 0 : boundary_score(c, static_cast<std::uint32_t>(p + 1), false);
            h_store[k * L + s] = static_cast<T>(std::max<std::int32_t>(h0, t_min));
            e_col[k * L + s] = static_cast<T>(std::max<std::int32_t>(h0 - sc.gap_open - sc.gap_extend, t_min));
        }

    // Lanes moved up by one (lane s takes lane s - 1), lane 0 takes first: through memory, once per column.
    auto const shift_in = [&](B v, T first) {
        v.store_aligned(lane_buf);
        for (std::size_t s = L; s-- > 1;)
            lane_buf[s] = lane_buf[s - 1];
        lane_buf[0] = first;
        return B::load_aligned(lane_buf);
    };

    B v_max = v_zero;
    for (std::uint32_t j = 1; j <= n; ++j)
    {
        T const * prof = profile + std::size_t{std::min<std::uint8_t>(target[j - 1], code_n)} * seg * L;
        std::int32_t const top = Local ? 0 : boundary_score(c, j - 1, true);  // H(0, j - 1): the diagonal of row 1
        std::int32_t const top_now = Local ? 0 : boundary_score(c, j, true);  // H(0, j)
        B v_f = v_neg;
        B v_h = shift_in(B::load_aligned(h_store + (seg - 1) * L), static_cast<T>(std::max<std::int32_t>(top, t_min)));
        std::swap(h_store, h_load);
        for (std::size_t k = 0; k < seg; ++k)
        {
            v_h = xsimd::sadd(v_h, B::load_aligned(prof + k * L));
            B v_e_k = B::load_aligned(e_col + k * L);
            v_h = xsimd::max(v_h, xsimd::max(v_e_k, v_f));
            if constexpr (Local)
            {
                v_h = xsimd::max(v_h, v_zero);
                v_max = xsimd::max(v_max, v_h);
            }
            v_h.store_aligned(h_store + k * L);
            B const v_open = xsimd::ssub(v_h, v_oe);
            xsimd::max(xsimd::ssub(v_e_k, v_e), v_open).store_aligned(e_col + k * L);
            v_f = xsimd::max(xsimd::ssub(v_f, v_e), v_open);
            v_h = B::load_aligned(h_load + k * L);
        }
        // Lazy F: carry F across lanes until it can no longer raise H (nor the F that the first pass derived).
        T const f_top = static_cast<T>(std::max<std::int32_t>(top_now - sc.gap_open - sc.gap_extend, t_min));
        v_f = shift_in(v_f, Local ? t_min : f_top);
        std::size_t k = 0;
        for (;;)
        {
            B v_hk = B::load_aligned(h_store + k * L);
            if (!xsimd::any(v_f > xsimd::ssub(v_hk, v_oe)))
                break;
            v_hk = xsimd::max(v_hk, v_f);
            if constexpr (Local)
                v_max = xsimd::max(v_max, v_hk);
            v_hk.store_aligned(h_store + k * L);
            B const v_ek = B::load_aligned(e_col + k * L);
            xsimd::max(v_ek, xsimd::ssub(v_hk, v_oe)).store_aligned(e_col + k * L);
            v_f = xsimd::ssub(v_f, v_e);
            if (++k == seg)
            {
                k = 0;
                v_f = shift_in(v_f, t_min);
            }
        }
    }

    lane_score r;
    if constexpr (Local)
    {
        v_max.store_aligned(lane_buf);
        T best = 0;
        for (std::size_t s = 0; s < L; ++s)
            best = std::max(best, lane_buf[s]);
        r.result.score = best;
        r.overflow = best >= t_max;
    }
    else
    {
        std::size_t const p = m - 1;
        r.result.score = h_store[(p % seg) * L + p / seg];
    }
    return r;
}
} // namespace striped_body

template <class Arch>
std::size_t striped_kernel<Arch>::lanes() noexcept
{
    return xsimd::batch<std::int16_t, Arch>::size;
}

template <class Arch>
std::size_t striped_kernel<Arch>::workspace_bytes(std::size_t m, std::size_t) noexcept
{
    std::size_t const seg = (m + lanes() - 1) / lanes();
    return 8 * seg * lanes() * sizeof(std::int16_t);
}

template <class Arch>
lane_score striped_kernel<Arch>::score(std::uint8_t const * query, std::uint32_t m, std::uint8_t const * target,
                                       std::uint32_t n, alignment_config const & c, void * workspace) noexcept
{
    if (c.mode == alignment_mode::local)
        return striped_body::run<Arch, true>(query, m, target, n, c, workspace);
    return striped_body::run<Arch, false>(query, m, target, n, c, workspace);
}

} // namespace wgskit::align::detail

WGSKIT_DECLARE_KERNEL(wgskit::align::detail::striped_kernel)
