// Diploid genotype likelihoods, priors and the figures of a call (GT, PL, GQ, QUAL).
//
// SNP model (documented in docs/call.md): each base observation b with model quality q (min(BQ, MAPQ)) has error
// e = 10^(-q/10); P(b | allele a) = 1 - e if b == a, e / 3 otherwise; a diploid genotype {a1, a2} gives
// P(b | g) = (P(b | a1) + P(b | a2)) / 2, and reads are independent given the genotype. Error dependence (as
// samtools' errmod): within one position, the observations of one base on one strand are taken in decreasing
// quality and the k-th (0-based) has its quality scaled by f_k = eta + (1 - eta) * (1 - dep)^k (dep = 0.17,
// eta = 0.03), so a systematic error repeated on many reads does not count as many independent ones.
//
// Genotype order (VCF): for alleles 0..n-1, (j, k) with j <= k in order k * (k + 1) / 2 + j.
// Priors: heterozygosity theta; P(0/i) = theta, P(i/i) = theta / 2, P(i/j) = theta^2 (i != j, both alt),
// P(0/0) = 1 - the sum of the others.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include <wgskit/call/pileup.hpp>

namespace wgskit::call
{

inline constexpr double error_dependence = 0.17, error_dependence_floor = 0.03;

inline std::size_t genotype_count(std::size_t alleles) noexcept { return alleles * (alleles + 1) / 2; }
inline std::size_t genotype_index(std::size_t j, std::size_t k) noexcept
{
    if (j > k)
        std::swap(j, k);
    return k * (k + 1) / 2 + j;
}

//! log10 terms of one observation for quality q (0..99): matching a homozygous genotype, not matching, and
//! matching one allele of a heterozygous one.
struct observation_terms
{
    std::array<double, 100> match{}, mismatch{}, half{};
};
inline observation_terms const & terms() noexcept
{
    static observation_terms const t = [] {
        observation_terms o;
        for (int q = 0; q < 100; ++q)
        {
            double e = std::min(0.75, std::pow(10.0, -q / 10.0));
            o.match[q] = std::log10(1 - e);
            o.mismatch[q] = std::log10(e / 3);
            o.half[q] = std::log10(0.5 * (1 - e) + 0.5 * e / 3);
        }
        return o;
    }();
    return t;
}

//! The quality scale f_k of the k-th observation of one base on one strand.
inline double dependence_factor(std::size_t k) noexcept
{
    return error_dependence_floor + (1 - error_dependence_floor) * std::pow(1 - error_dependence, static_cast<double>(k));
}

//! Per-base sums of the log10 terms over the observations of a position (after the dependence scaling).
struct base_sums
{
    std::array<double, 4> match{}, mismatch{}, half{};
    std::array<std::uint32_t, 4> count{};
};

//! Effective qualities with the error dependence: observations grouped by (base, strand), sorted by decreasing
//! quality, the k-th scaled by f_k and rounded. Scratch holds the sorted copy. Qualities are first capped at
//! qual_cap (positions whose alignment is uncertain, e.g. next to an indel).
inline base_sums sum_observations(base_observation const * obs, std::size_t n, std::vector<base_observation> & scratch,
                                  std::uint8_t qual_cap = 99)
{
    base_sums s;
    scratch.assign(obs, obs + n);
    for (auto & o : scratch)
        o.qual = std::min(o.qual, qual_cap);
    std::sort(scratch.begin(), scratch.end(), [](auto const & a, auto const & b) {
        if (a.base != b.base) return a.base < b.base;
        if (a.reverse != b.reverse) return a.reverse < b.reverse;
        return a.qual > b.qual;
    });
    auto const & t = terms();
    std::size_t k = 0;
    for (std::size_t i = 0; i < scratch.size(); ++i)
    {
        if (i > 0 && (scratch[i].base != scratch[i - 1].base || scratch[i].reverse != scratch[i - 1].reverse))
            k = 0;
        int q = static_cast<int>(std::lround(scratch[i].qual * dependence_factor(k)));
        q = std::clamp(q, 0, 99);
        auto b = scratch[i].base;
        s.match[b] += t.match[q];
        s.mismatch[b] += t.mismatch[q];
        s.half[b] += t.half[q];
        ++s.count[b];
        ++k;
    }
    return s;
}

//! log10 P(observations | genotype) for every genotype of the alleles (base codes 0..3), in VCF order.
inline std::vector<double> snp_genotype_likelihoods(base_sums const & s, std::vector<std::uint8_t> const & alleles)
{
    std::size_t const n = alleles.size();
    std::vector<double> gl(genotype_count(n));
    for (std::size_t k = 0; k < n; ++k)
        for (std::size_t j = 0; j <= k; ++j)
        {
            double v = 0;
            for (std::uint8_t b = 0; b < 4; ++b)
            {
                bool in_j = alleles[j] == b, in_k = alleles[k] == b;
                if (in_j && in_k)
                    v += s.match[b];
                else if (in_j || in_k)
                    v += s.half[b];
                else
                    v += s.mismatch[b];
            }
            gl[genotype_index(j, k)] = v;
        }
    return gl;
}

//! log10 P(reads | genotype) from per-read log10 likelihoods of each allele (ll[r * n + a]).
inline std::vector<double> read_genotype_likelihoods(std::vector<double> const & ll, std::size_t n_alleles)
{
    std::vector<double> gl(genotype_count(n_alleles), 0.0);
    std::size_t const reads = n_alleles == 0 ? 0 : ll.size() / n_alleles;
    for (std::size_t r = 0; r < reads; ++r)
    {
        double const * x = ll.data() + r * n_alleles;
        for (std::size_t k = 0; k < n_alleles; ++k)
            for (std::size_t j = 0; j <= k; ++j)
            {
                double hi = std::max(x[j], x[k]), lo = std::min(x[j], x[k]);
                gl[genotype_index(j, k)] += hi + std::log10(0.5 + 0.5 * std::pow(10.0, lo - hi));
            }
    }
    return gl;
}

//! log10 prior of each genotype (see the file comment).
inline std::vector<double> genotype_priors(std::size_t n_alleles, double theta)
{
    std::vector<double> p(genotype_count(n_alleles));
    double others = 0;
    for (std::size_t k = 0; k < n_alleles; ++k)
        for (std::size_t j = 0; j <= k; ++j)
        {
            double v = k == 0 ? 0 : j == 0 ? theta : j == k ? theta / 2 : theta * theta;
            p[genotype_index(j, k)] = v;
            others += v;
        }
    p[0] = std::max(1e-12, 1 - others);
    for (auto & v : p)
        v = std::log10(v);
    return p;
}

//! The figures of a genotyped site.
struct genotype_call
{
    std::size_t allele1{0}, allele2{0}; //!< called genotype, allele1 <= allele2
    double qual{0};                     //!< -10 log10 P(0/0 | data)
    int gq{0};                          //!< -10 log10 (1 - P(called | data)), capped at 99
    std::vector<int> pl;                //!< phred-scaled likelihoods normalised to the best, VCF order
};

inline genotype_call call_genotype(std::vector<double> const & gl, std::vector<double> const & prior, std::size_t n_alleles)
{
    genotype_call c;
    std::size_t const g = gl.size();
    std::vector<double> post(g);
    double best_gl = -std::numeric_limits<double>::infinity();
    for (std::size_t i = 0; i < g; ++i)
    {
        post[i] = gl[i] + prior[i];
        best_gl = std::max(best_gl, gl[i]);
    }
    std::size_t best = 0;
    for (std::size_t i = 1; i < g; ++i)
        if (post[i] > post[best])
            best = i;
    double const top = post[best];
    double total = 0;
    for (double v : post)
        total += std::pow(10.0, v - top);
    double const log_total = top + std::log10(total);
    // P(0/0 | data) and 1 - P(best | data), in log10.
    double const p_ref = post[0] - log_total;
    double rest = 0;
    for (std::size_t i = 0; i < g; ++i)
        if (i != best)
            rest += std::pow(10.0, post[i] - top);
    double const p_wrong = rest > 0 ? std::log10(rest) + top - log_total : -100;
    c.qual = std::max(0.0, std::min(9999.0, -10 * p_ref));
    c.gq = static_cast<int>(std::min(99.0, std::floor(-10 * p_wrong)));
    if (c.gq < 0)
        c.gq = 0;
    c.pl.resize(g);
    for (std::size_t i = 0; i < g; ++i)
        c.pl[i] = static_cast<int>(std::min(99999.0, std::lround(-10 * (gl[i] - best_gl)) * 1.0));
    for (std::size_t k = 0; k < n_alleles; ++k)
        for (std::size_t j = 0; j <= k; ++j)
            if (genotype_index(j, k) == best)
                c.allele1 = j, c.allele2 = k;
    return c;
}

} // namespace wgskit::call
