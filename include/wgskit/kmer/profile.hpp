// A GenomeScope-like genome profile from a k-mer spectrum (histogram of k-mer counts).
//
// Model, for counts above the error trough: het k-mers (one haplotype) around the haploid k-mer coverage L and
// homozygous k-mers around 2L, each a negative binomial with variance d times its mean:
//     h(c) ~ a_het * NB(c; L, d) + a_hom * NB(c; 2L, d)
// Fit: grid search over L (around the main peak, covering both "the peak is homozygous" and "the peak is
// heterozygous") and d, with the two amplitudes by non-negative least squares at each grid point; a tie between
// the two readings of a single peak goes to "homozygous" (a het peak must explain a second peak at twice its
// coverage). Then
//     genome size       = (k-mer instances - error instances) / 2L        (haploid length, repeats included)
//     heterozygosity r  from (1 - r)^k = a_hom / (a_hom + a_het / 2)
//     error k-mers      = the excess of the spectrum over the model below the trough.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace wgskit::kmer
{

struct genome_profile
{
    bool fitted = false;
    std::string message;              //!< why no fit, when fitted is false
    unsigned k = 0;
    double haploid_kmer_coverage = 0; //!< L: the heterozygous peak
    double homozygous_kmer_coverage = 0;
    double dispersion = 1;            //!< d: variance / mean of each peak
    double genome_size = 0;           //!< haploid bases
    double sampled_fraction = 1;      //!< share of the k-mer occurrences the histogram covers (count_options::sample_one_in)
    double heterozygosity = 0;        //!< per-base rate
    double error_kmer_fraction = 0;   //!< of k-mer instances
    double error_distinct_fraction = 0; //!< of distinct k-mers
    std::uint64_t error_trough = 0;   //!< first count after the error decline
    double het_kmers = 0, hom_kmers = 0; //!< fitted distinct k-mers of each peak
    double model_r2 = 0;              //!< of the fit over the fitted range
    std::uint64_t fit_first = 0, fit_last = 0;
    std::vector<double> model;        //!< model[c] for c in [0, fit_last]
};

namespace detail
{
//! Negative binomial pmf at c with mean mu and variance d * mu (Poisson when d <= 1).
inline double nb_pmf(std::uint64_t c, double mu, double d)
{
    double const x = static_cast<double>(c);
    if (d <= 1.0 + 1e-9)
        return std::exp(x * std::log(mu) - mu - std::lgamma(x + 1));
    double const r = mu / (d - 1), p = 1 / d;
    return std::exp(std::lgamma(x + r) - std::lgamma(r) - std::lgamma(x + 1) + r * std::log(p) + x * std::log1p(-p));
}
} // namespace detail

//! Fits the diploid model to histogram (histogram[c] = distinct k-mers seen c times). For a sampled histogram,
//! sampled_fraction (sampled / all k-mer occurrences) scales the genome size and the peaks' k-mers up to the
//! whole; coverages, rates and the model (for plotting beside the histogram) stay the sample's.
inline genome_profile fit_genome_profile(std::vector<std::uint64_t> const & histogram, unsigned k,
                                         double sampled_fraction = 1.0)
{
    genome_profile g;
    g.k = k;
    if (!(sampled_fraction > 0 && sampled_fraction <= 1))
    {
        g.message = "no k-mers in the sample";
        return g;
    }
    g.sampled_fraction = sampled_fraction;
    std::size_t const top = histogram.size();
    auto h = [&](std::size_t c) { return c < top ? static_cast<double>(histogram[c]) : 0.0; };
    double instances = 0, distinct = 0;
    for (std::size_t c = 1; c < top; ++c)
    {
        instances += static_cast<double>(c) * h(c);
        distinct += h(c);
    }
    // The trough: the first count where the spectrum stops falling.
    std::size_t trough = 0;
    for (std::size_t c = 1; c + 1 < top; ++c)
        if (h(c + 1) > h(c))
        {
            trough = c;
            break;
        }
    if (trough == 0)
    {
        g.message = "the spectrum has no coverage peak (only the error decline): too little coverage?";
        return g;
    }
    std::size_t peak = trough;
    for (std::size_t c = trough; c < top; ++c)
        if (h(c) > h(peak))
            peak = c;
    if (peak < 3)
    {
        g.message = "the coverage peak is at count " + std::to_string(peak) + ": too little coverage to fit";
        return g;
    }
    std::size_t const first = std::max<std::size_t>(trough, 2);
    std::size_t const last = std::min<std::size_t>(top - 1, static_cast<std::size_t>(2.6 * static_cast<double>(peak)) + 2);
    double const p = static_cast<double>(peak);

    struct fit
    {
        double sse = std::numeric_limits<double>::infinity();
        double lambda = 0, d = 1, a_het = 0, a_hom = 0;
    };
    auto const fit_at = [&](double lambda, double d) {
        // Non-negative least squares for the two amplitudes.
        double s11 = 0, s22 = 0, s12 = 0, b1 = 0, b2 = 0, yy = 0;
        std::vector<double> f1(last + 1), f2(last + 1);
        for (std::size_t c = first; c <= last; ++c)
        {
            f1[c] = detail::nb_pmf(c, lambda, d);
            f2[c] = detail::nb_pmf(c, 2 * lambda, d);
            s11 += f1[c] * f1[c];
            s22 += f2[c] * f2[c];
            s12 += f1[c] * f2[c];
            b1 += f1[c] * h(c);
            b2 += f2[c] * h(c);
            yy += h(c) * h(c);
        }
        fit r;
        r.lambda = lambda;
        r.d = d;
        double const det = s11 * s22 - s12 * s12;
        double a1 = det > 0 ? (b1 * s22 - b2 * s12) / det : -1;
        double a2 = det > 0 ? (b2 * s11 - b1 * s12) / det : -1;
        if (a1 < 0 || a2 < 0)
        {
            // One component alone: the better of the two.
            double const only2 = s22 > 0 ? std::max(0.0, b2 / s22) : 0, only1 = s11 > 0 ? std::max(0.0, b1 / s11) : 0;
            double const sse2 = yy - 2 * only2 * b2 + only2 * only2 * s22;
            double const sse1 = yy - 2 * only1 * b1 + only1 * only1 * s11;
            if (sse2 <= sse1)
                a1 = 0, a2 = only2;
            else
                a1 = only1, a2 = 0;
        }
        r.a_het = a1;
        r.a_hom = a2;
        r.sse = yy - 2 * (a1 * b1 + a2 * b2) + a1 * a1 * s11 + a2 * a2 * s22 + 2 * a1 * a2 * s12;
        return r;
    };

    fit hom_reading, het_reading; // the peak read as 2L, or as L
    for (double d : {1.0, 1.1, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0, 4.0, 6.0, 10.0})
        for (int i = 0; i <= 240; ++i)
        {
            double const lambda = p * (0.3 + 0.9 * i / 240.0);
            fit const r = fit_at(lambda, d);
            fit & slot = lambda <= 0.75 * p ? hom_reading : het_reading;
            if (r.sse < slot.sse)
                slot = r;
        }
    fit const best = het_reading.sse < 0.8 * hom_reading.sse ? het_reading : hom_reading;

    g.fitted = true;
    g.error_trough = trough;
    g.fit_first = first;
    g.fit_last = last;
    g.haploid_kmer_coverage = best.lambda;
    g.homozygous_kmer_coverage = 2 * best.lambda;
    g.dispersion = best.d;
    g.het_kmers = best.a_het / sampled_fraction;
    g.hom_kmers = best.a_hom / sampled_fraction;
    g.model.assign(last + 1, 0.0);
    double ss_tot = 0, mean = 0;
    for (std::size_t c = first; c <= last; ++c)
        mean += h(c);
    mean /= static_cast<double>(last - first + 1);
    for (std::size_t c = 1; c <= last; ++c)
    {
        g.model[c] = best.a_het * detail::nb_pmf(c, best.lambda, best.d) +
                     best.a_hom * detail::nb_pmf(c, 2 * best.lambda, best.d);
        if (c >= first)
            ss_tot += (h(c) - mean) * (h(c) - mean);
    }
    g.model_r2 = ss_tot > 0 ? 1 - best.sse / ss_tot : 0;
    double error_instances = 0, error_distinct = 0;
    for (std::size_t c = 1; c < trough; ++c)
    {
        double const excess = std::max(0.0, h(c) - g.model[c]);
        error_instances += static_cast<double>(c) * excess;
        error_distinct += excess;
    }
    g.error_kmer_fraction = instances > 0 ? error_instances / instances : 0;
    g.error_distinct_fraction = distinct > 0 ? error_distinct / distinct : 0;
    g.genome_size = (instances - error_instances) / (2 * best.lambda) / sampled_fraction;
    double const positions = best.a_hom + best.a_het / 2;
    g.heterozygosity = positions > 0 ? 1 - std::pow(best.a_hom / positions, 1.0 / k) : 0;
    return g;
}

//! The profile as JSON, with the spectrum and the fitted model for plotting.
inline nlohmann::ordered_json to_json(genome_profile const & g, std::vector<std::uint64_t> const & histogram)
{
    nlohmann::ordered_json j;
    j["k"] = g.k;
    j["fitted"] = g.fitted;
    if (!g.fitted)
        j["message"] = g.message;
    j["genome_size"] = std::llround(g.genome_size);
    j["sampled_fraction"] = g.sampled_fraction;
    j["heterozygosity"] = g.heterozygosity;
    j["haploid_kmer_coverage"] = g.haploid_kmer_coverage;
    j["homozygous_kmer_coverage"] = g.homozygous_kmer_coverage;
    j["dispersion"] = g.dispersion;
    j["error_kmer_fraction"] = g.error_kmer_fraction;
    j["error_distinct_kmer_fraction"] = g.error_distinct_fraction;
    j["error_trough"] = g.error_trough;
    j["het_kmers"] = std::llround(g.het_kmers);
    j["hom_kmers"] = std::llround(g.hom_kmers);
    j["model_r2"] = g.model_r2;
    j["fit_range"] = {g.fit_first, g.fit_last};
    auto & spectrum = j["spectrum"] = nlohmann::ordered_json::array();
    for (std::size_t c = 1; c < histogram.size(); ++c)
        if (histogram[c] != 0 || c < g.model.size())
            spectrum.push_back({{"count", c}, {"kmers", histogram[c]},
                                {"model", c < g.model.size() ? g.model[c] : 0.0}});
    return j;
}

} // namespace wgskit::kmer
