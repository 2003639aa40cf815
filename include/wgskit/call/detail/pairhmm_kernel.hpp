// Pair-HMM forward algorithm (read against haplotype): the probability of a read given a candidate haplotype,
// summed over every alignment, global in the read and local in the haplotype (free start and end), as in GATK's
// PairHMM. States M (match/mismatch, emission from the base quality), I (read base not in the haplotype) and D
// (haplotype base skipped); the gap extend probability is constant per call, the gap open probability is constant
// or given per haplotype position (the column of the M state the gap leaves: a deletion of base j + 1 or an
// insertion after base j opens with gap_open_at[j], 0-based), which is how a tandem repeat's higher slippage
// rate enters (repeat_model.hpp).
//
// Float with a scaling constant (2^120 / haplotype length) for speed; a read whose float result falls below
// min_float_result (underflow threatens precision) is recomputed in double (scale 2^1020 / length).
//
// SIMD body: one read per lane (reads of a batch share the haplotype), rows = read positions, the DP row of every
// lane held as batches. Operations are done in the same order as the scalar reference, so every lane's result is
// bit-identical to it (the dispatch flags disable floating-point contraction).
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>

#include <wgskit/simd/arch.hpp>

namespace wgskit::call::detail
{

//! Base codes for the HMM: A=0, C=1, G=2, T=3, anything else 4 (never matches a read base; an N in a read
//! gets equal match and mismatch probabilities, so it carries no information).
inline constexpr std::uint8_t hmm_n = 4;

//! Transition probabilities (linear space).
struct pairhmm_params
{
    float gap_open{3.1622776e-5f}; //!< M -> I and M -> D (Q45)
    float gap_extend{0.1f};        //!< I -> I and D -> D (Q10)
    //! Per haplotype position (hap_len values, each in (0, 0.5)): the gap open probability out of the M state at
    //! that base; nullptr: gap_open everywhere.
    float const * gap_open_at{nullptr};
};

//! One read: codes (0..4) and phred base qualities, length bases.
struct pairhmm_read
{
    std::uint8_t const * bases{nullptr};
    std::uint8_t const * quals{nullptr};
    std::uint32_t length{0};
};

inline constexpr std::size_t pairhmm_max_lanes = 16; // float lanes of AVX-512
inline constexpr float min_float_result = 1e-28f;
inline constexpr int min_hmm_qual = 6, max_hmm_qual = 60;

//! Floats at the start of the workspace for the per-column gap open and match-continue probabilities (a multiple
//! of 16, so what follows stays 64-byte aligned).
constexpr std::size_t column_floats(std::size_t hap_len) noexcept { return (2 * (hap_len + 1) + 15) / 16 * 16; }

//! Floats of workspace the kernels need for a haplotype of hap_len and reads up to max_read_len bases.
constexpr std::size_t pairhmm_workspace_floats(std::size_t hap_len, std::size_t max_read_len) noexcept
{
    return column_floats(hap_len) + pairhmm_max_lanes * (6 * (hap_len + 1) + 3 * (max_read_len + 1) + 4);
}

//! The gap open probability out of the M state at DP column j (1..hap_len; column 0 has no M state).
inline float gap_open_of(pairhmm_params const & p, std::size_t j) noexcept
{
    return p.gap_open_at != nullptr && j > 0 ? p.gap_open_at[j - 1] : p.gap_open;
}

//! Fills go[j] (gap open out of M at column j) and mm[j] = 1 - 2 go[j] (M -> M) for j = 0..hap_len.
inline void fill_columns(pairhmm_params const & p, std::uint32_t hap_len, float * go, float * mm) noexcept
{
    for (std::size_t j = 0; j <= hap_len; ++j)
    {
        go[j] = gap_open_of(p, j);
        mm[j] = 1.0f - 2.0f * go[j];
    }
}

//! Match and mismatch emission probabilities by phred quality (clamped to [min_hmm_qual, max_hmm_qual]).
struct emission_table
{
    std::array<float, 256> match{}, mismatch{};
    std::array<double, 256> match_d{}, mismatch_d{};
};
inline emission_table const & emissions() noexcept
{
    static emission_table const t = [] {
        emission_table e;
        for (int q = 0; q < 256; ++q)
        {
            int c = std::clamp(q, min_hmm_qual, max_hmm_qual);
            double err = std::pow(10.0, -c / 10.0);
            e.match_d[q] = 1.0 - err;
            e.mismatch_d[q] = err / 3.0;
            e.match[q] = static_cast<float>(e.match_d[q]);
            e.mismatch[q] = static_cast<float>(e.mismatch_d[q]);
        }
        return e;
    }();
    return t;
}

//! Emission pair for a read base: N gives (0.25, 0.25).
inline void emission_of(std::uint8_t base, std::uint8_t qual, float & m, float & x) noexcept
{
    auto const & e = emissions();
    if (base >= hmm_n)
        m = x = 0.25f;
    else
        m = e.match[qual], x = e.mismatch[qual];
}

inline float float_scale(std::uint32_t hap_len) noexcept { return std::ldexp(1.0f, 120) / static_cast<float>(hap_len); }
inline double double_scale(std::uint32_t hap_len) noexcept { return std::ldexp(1.0, 1020) / static_cast<double>(hap_len); }

//! The double-precision forward pass of one read (the fallback); returns log10 P(read | haplotype).
//! Workspace: 6 * (hap_len + 1) doubles.
inline double pairhmm_double_scalar(std::uint8_t const * hap, std::uint32_t hap_len, pairhmm_read const & r,
                                    pairhmm_params const & p, double * ws) noexcept
{
    if (r.length == 0 || hap_len == 0)
        return 0.0;
    double const ge = p.gap_extend, gm = 1.0 - double{p.gap_extend};
    std::size_t const w = hap_len + 1;
    double *mp = ws, *ip = ws + w, *dp = ws + 2 * w, *mc = ws + 3 * w, *ic = ws + 4 * w, *dc = ws + 5 * w;
    double const init = double_scale(hap_len);
    for (std::size_t j = 0; j < w; ++j)
        mp[j] = 0, ip[j] = 0, dp[j] = init;
    auto const & e = emissions();
    for (std::uint32_t i = 0; i < r.length; ++i)
    {
        std::uint8_t const b = r.bases[i];
        double const pm = b >= hmm_n ? 0.25 : e.match_d[r.quals[i]];
        double const px = b >= hmm_n ? 0.25 : e.mismatch_d[r.quals[i]];
        mc[0] = ic[0] = dc[0] = 0;
        for (std::size_t j = 1; j < w; ++j)
        {
            double const prior = b == hap[j - 1] ? pm : px;
            double const go = gap_open_of(p, j), go_left = gap_open_of(p, j - 1);
            mc[j] = prior * (((1.0 - 2.0 * go_left) * mp[j - 1] + gm * ip[j - 1]) + gm * dp[j - 1]);
            ic[j] = go * mp[j] + ge * ip[j];
            dc[j] = go_left * mc[j - 1] + ge * dc[j - 1];
        }
        std::swap(mp, mc), std::swap(ip, ic), std::swap(dp, dc);
    }
    double acc = 0;
    for (std::size_t j = 1; j < w; ++j)
        acc = acc + (mp[j] + ip[j]);
    return std::log10(acc) - 1020 * std::log10(2.0); // the 1 / hap_len of the start is part of the probability
}

//! log10 of a float forward result, or nothing (NaN) when the double fallback is needed.
inline double finish_float(float acc, std::uint32_t hap_len) noexcept
{
    if (!(acc >= min_float_result))
        return std::nan("");
    (void)hap_len;
    return std::log10(static_cast<double>(acc)) - 120 * std::log10(2.0);
}

// ---------------------------------------------------------------------------------------------------------------
// Scalar reference: one read at a time, float, with the double fallback.
// ---------------------------------------------------------------------------------------------------------------

//! out[r] = log10 P(reads[r] | hap) for r < n. Workspace: pairhmm_workspace_floats(hap_len, max read length).
inline void pairhmm_forward_scalar(std::uint8_t const * hap, std::uint32_t hap_len, pairhmm_read const * reads,
                                   std::size_t n, pairhmm_params const & p, float * ws, double * out) noexcept
{
    float const ge = p.gap_extend, gm = 1.0f - p.gap_extend;
    std::size_t const w = hap_len + 1;
    float * const go = ws;
    float * const mm = ws + w;
    fill_columns(p, hap_len, go, mm);
    ws += column_floats(hap_len);
    for (std::size_t r = 0; r < n; ++r)
    {
        pairhmm_read const & rd = reads[r];
        if (rd.length == 0 || hap_len == 0)
        {
            out[r] = 0.0;
            continue;
        }
        float *mp = ws, *ip = ws + w, *dp = ws + 2 * w, *mc = ws + 3 * w, *ic = ws + 4 * w, *dc = ws + 5 * w;
        float const init = float_scale(hap_len);
        for (std::size_t j = 0; j < w; ++j)
            mp[j] = 0, ip[j] = 0, dp[j] = init;
        for (std::uint32_t i = 0; i < rd.length; ++i)
        {
            std::uint8_t const b = rd.bases[i];
            float pm, px;
            emission_of(b, rd.quals[i], pm, px);
            mc[0] = ic[0] = dc[0] = 0;
            for (std::size_t j = 1; j < w; ++j)
            {
                float const prior = b == hap[j - 1] ? pm : px;
                mc[j] = prior * ((mm[j - 1] * mp[j - 1] + gm * ip[j - 1]) + gm * dp[j - 1]);
                ic[j] = go[j] * mp[j] + ge * ip[j];
                dc[j] = go[j - 1] * mc[j - 1] + ge * dc[j - 1];
            }
            std::swap(mp, mc), std::swap(ip, ic), std::swap(dp, dc);
        }
        float acc = 0;
        for (std::size_t j = 1; j < w; ++j)
            acc = acc + (mp[j] + ip[j]);
        double v = finish_float(acc, hap_len);
        out[r] = std::isnan(v) ? pairhmm_double_scalar(hap, hap_len, rd, p, reinterpret_cast<double *>(ws)) : v;
    }
}

// ---------------------------------------------------------------------------------------------------------------
// The kernel.
// ---------------------------------------------------------------------------------------------------------------

template <class Arch>
struct pairhmm_kernel
{
    static void forward(std::uint8_t const * hap, std::uint32_t hap_len, pairhmm_read const * reads, std::size_t n,
                        pairhmm_params const & p, float * ws, double * out) noexcept;
};

template <>
struct pairhmm_kernel<simd::scalar>
{
    static void forward(std::uint8_t const * hap, std::uint32_t hap_len, pairhmm_read const * reads, std::size_t n,
                        pairhmm_params const & p, float * ws, double * out) noexcept
    {
        pairhmm_forward_scalar(hap, hap_len, reads, n, p, ws, out);
    }
};

template <class Arch>
void pairhmm_kernel<Arch>::forward(std::uint8_t const * hap, std::uint32_t hap_len, pairhmm_read const * reads,
                                   std::size_t n, pairhmm_params const & p, float * ws, double * out) noexcept
{
    using fb = xsimd::batch<float, Arch>;
    constexpr std::size_t L = fb::size;
    if (hap_len == 0)
    {
        std::fill_n(out, n, 0.0);
        return;
    }
    float const ge = p.gap_extend, gm = 1.0f - p.gap_extend;
    fb const vge(ge), vgm(gm);
    std::size_t const w = hap_len + 1;
    float * const go = ws;
    float * const mm = ws + w;
    fill_columns(p, hap_len, go, mm);
    fb const vgo(p.gap_open), vmm(mm[0]); // mm[0] = 1 - 2 gap_open: the constant case's M -> M, as fill_columns has it
    ws += column_floats(hap_len);
    float const init = float_scale(hap_len);

    for (std::size_t first = 0; first < n; first += L)
    {
        std::size_t const lanes = std::min(L, n - first);
        std::uint32_t rows = 0;
        for (std::size_t l = 0; l < lanes; ++l)
            rows = std::max(rows, reads[first + l].length);
        // Workspace: 6 rows of w batches, then per read position the lanes' base code, match and mismatch
        // probabilities (interleaved), then one flag per row: does a lane end there.
        float * row = ws;
        float * base_at = ws + 6 * w * L;
        float * pm_at = base_at + (std::size_t{rows} + 1) * L;
        float * px_at = pm_at + (std::size_t{rows} + 1) * L;
        for (std::uint32_t i = 0; i < rows; ++i)
            for (std::size_t l = 0; l < L; ++l)
            {
                float b = -1.0f, pm = 0.25f, px = 0.25f; // padding: never matches, no information
                if (l < lanes && i < reads[first + l].length)
                {
                    pairhmm_read const & rd = reads[first + l];
                    emission_of(rd.bases[i], rd.quals[i], pm, px);
                    b = rd.bases[i] >= hmm_n ? -1.0f : static_cast<float>(rd.bases[i]);
                }
                base_at[i * L + l] = b;
                pm_at[i * L + l] = pm;
                px_at[i * L + l] = px;
            }
        float *mp = row, *ip = row + w * L, *dp = row + 2 * w * L;
        float *mc = row + 3 * w * L, *ic = row + 4 * w * L, *dc = row + 5 * w * L;
        fb const zero(0.0f), vinit(init);
        for (std::size_t j = 0; j < w; ++j)
        {
            zero.store_aligned(mp + j * L);
            zero.store_aligned(ip + j * L);
            vinit.store_aligned(dp + j * L);
        }
        alignas(64) float result[pairhmm_max_lanes] = {};
        for (std::uint32_t i = 0; i < rows; ++i)
        {
            fb const b = fb::load_aligned(base_at + i * L);
            fb const pm = fb::load_aligned(pm_at + i * L);
            fb const px = fb::load_aligned(px_at + i * L);
            zero.store_aligned(mc);
            zero.store_aligned(ic);
            zero.store_aligned(dc);
            // One row. Constant gap open (the common case): the probabilities stay in registers; per position:
            // two broadcasts a column, the left column's values carried (three loads a column cost ~10%).
            auto const row_cells = [=]<bool PerPosition>() {
                fb m_diag = fb::load_aligned(mp), i_diag = fb::load_aligned(ip), d_diag = fb::load_aligned(dp);
                fb m_left = zero, d_left = zero;
                fb go_left = vgo, mm_left = vmm;
                if constexpr (PerPosition)
                    go_left = fb(go[0]), mm_left = fb(mm[0]);
                for (std::size_t j = 1; j < w; ++j)
                {
                    fb const go_here = PerPosition ? fb(go[j]) : vgo;
                    fb const m_up = fb::load_aligned(mp + j * L), i_up = fb::load_aligned(ip + j * L);
                    fb const d_up = fb::load_aligned(dp + j * L);
                    fb const prior = xsimd::select(b == fb(static_cast<float>(hap[j - 1])), pm, px);
                    fb const m = prior * ((mm_left * m_diag + vgm * i_diag) + vgm * d_diag);
                    fb const ins = go_here * m_up + vge * i_up;
                    fb const del = go_left * m_left + vge * d_left;
                    m.store_aligned(mc + j * L);
                    ins.store_aligned(ic + j * L);
                    del.store_aligned(dc + j * L);
                    m_diag = m_up, i_diag = i_up, d_diag = d_up;
                    m_left = m, d_left = del;
                    if constexpr (PerPosition)
                        go_left = go_here, mm_left = fb(mm[j]);
                }
            };
            if (p.gap_open_at != nullptr)
                row_cells.template operator()<true>();
            else
                row_cells.template operator()<false>();
            std::swap(mp, mc), std::swap(ip, ic), std::swap(dp, dc);
            bool any_ends = false;
            for (std::size_t l = 0; l < lanes; ++l)
                any_ends |= reads[first + l].length == i + 1;
            if (any_ends)
            {
                fb acc = zero;
                for (std::size_t j = 1; j < w; ++j)
                    acc = acc + (fb::load_aligned(mp + j * L) + fb::load_aligned(ip + j * L));
                alignas(64) float sums[pairhmm_max_lanes];
                acc.store_aligned(sums);
                for (std::size_t l = 0; l < lanes; ++l)
                    if (reads[first + l].length == i + 1)
                        result[l] = sums[l];
            }
        }
        for (std::size_t l = 0; l < lanes; ++l)
        {
            pairhmm_read const & rd = reads[first + l];
            if (rd.length == 0)
            {
                out[first + l] = 0.0;
                continue;
            }
            double v = finish_float(result[l], hap_len);
            out[first + l] = std::isnan(v) ? pairhmm_double_scalar(hap, hap_len, rd, p, reinterpret_cast<double *>(ws)) : v;
        }
    }
}

} // namespace wgskit::call::detail

WGSKIT_DECLARE_KERNEL(wgskit::call::detail::pairhmm_kernel)
