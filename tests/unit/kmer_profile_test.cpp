// Genome profile on a simulated diploid genome: 1 Mb, 1% heterozygous SNPs on the second haplotype, 150 bp reads
// at 30x from both haplotypes and both strands, 0.5% substitution errors.
#include <catch2/catch.hpp>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <wgskit/kmer/counter.hpp>
#include <wgskit/kmer/profile.hpp>

#include "../test_helpers.hpp"

namespace
{
using namespace wgskit;

std::string simulate_reads_fasta(std::mt19937_64 & rng, std::size_t genome_size, double het, double coverage,
                                 std::size_t read_len, double error)
{
    static constexpr char acgt[] = "ACGT";
    std::string hap1(genome_size, 'A');
    for (char & c : hap1)
        c = acgt[rng() & 3];
    std::string hap2 = hap1;
    std::geometric_distribution<std::size_t> snp_gap{het}, error_gap{error};
    for (std::size_t i = snp_gap(rng); i < genome_size; i += 1 + snp_gap(rng))
        hap2[i] = acgt[(kmer::base_code(hap2[i]) + 1 + rng() % 3) & 3];
    std::size_t const reads = static_cast<std::size_t>(coverage * static_cast<double>(genome_size) / static_cast<double>(read_len));
    std::string out;
    out.reserve(reads * (read_len + 8));
    std::string read;
    for (std::size_t r = 0; r < reads; ++r)
    {
        std::string const & hap = (rng() & 1) ? hap1 : hap2;
        read.assign(hap, rng() % (genome_size - read_len + 1), read_len);
        if (rng() & 1)
        {
            std::reverse(read.begin(), read.end());
            for (char & c : read)
                c = acgt[3 - kmer::base_code(c)];
        }
        for (std::size_t i = error_gap(rng); i < read_len; i += 1 + error_gap(rng))
            read[i] = acgt[(kmer::base_code(read[i]) + 1 + rng() % 3) & 3];
        out += ">r\n";
        out += read;
        out += '\n';
    }
    return out;
}
} // namespace

TEST_CASE("genome profile of a simulated diploid genome: size within 10%", "[kmer]")
{
    std::uint64_t const seed = std::random_device{}();
    INFO("seed " << seed);
    std::mt19937_64 rng{seed};
    std::size_t const genome = 1'000'000;
    test::temp_dir dir{"kmer_profile"};
    test::write_file(dir.file("reads.fa"), simulate_reads_fasta(rng, genome, 0.01, 30, 150, 0.005));

    kmer::count_options opt;
    opt.k = 21;
    opt.threads = 2;
    opt.keep_kmers = false;
    auto const counts = kmer::count_kmers<std::uint64_t>({dir.file("reads.fa")}, opt);
    auto const g = kmer::fit_genome_profile(counts.histogram, 21);
    INFO("size " << g.genome_size << ", het " << g.heterozygosity << ", L " << g.haploid_kmer_coverage
                 << ", error fraction " << g.error_kmer_fraction << ", r2 " << g.model_r2);
    REQUIRE(g.fitted);
    CHECK(g.genome_size > 0.9 * genome);
    CHECK(g.genome_size < 1.1 * genome);
    CHECK(g.heterozygosity > 0.006);
    CHECK(g.heterozygosity < 0.014);
    // 15x a haplotype, (150 - 21 + 1) / 150 of bases start k-mers, (1 - 0.005)^21 of those are error-free.
    double const expected_l = 15.0 * 130 / 150 * std::pow(0.995, 21);
    CHECK(g.haploid_kmer_coverage == Approx(expected_l).epsilon(0.1));
    // Each error ruins up to k k-mers: about 1 - 0.995^21 of instances.
    CHECK(g.error_kmer_fraction == Approx(1 - std::pow(0.995, 21)).epsilon(0.35));
    CHECK(g.model_r2 > 0.95);

    // A 1 in 4 sample by minimizer hash: the size scaled back up by the sampled share, the same coverage.
    opt.sample_one_in = 4;
    auto const sampled = kmer::count_kmers<std::uint64_t>({dir.file("reads.fa")}, opt);
    double const fraction = kmer::sampled_fraction(sampled.stats);
    CHECK(fraction > 0.15);
    CHECK(fraction < 0.35);
    auto const s = kmer::fit_genome_profile(sampled.histogram, 21, fraction);
    INFO("sampled: size " << s.genome_size << ", het " << s.heterozygosity << ", L " << s.haploid_kmer_coverage);
    REQUIRE(s.fitted);
    CHECK(s.sampled_fraction == fraction);
    CHECK(s.genome_size > 0.9 * genome);
    CHECK(s.genome_size < 1.1 * genome);
    CHECK(s.haploid_kmer_coverage == Approx(g.haploid_kmer_coverage).epsilon(0.05));
    CHECK(s.heterozygosity > 0.006);
    CHECK(s.heterozygosity < 0.014);
    // Unscaled, the sample's size would be about a quarter.
    CHECK(kmer::fit_genome_profile(sampled.histogram, 21).genome_size < 0.4 * genome);
    CHECK_FALSE(kmer::fit_genome_profile(sampled.histogram, 21, 0.0).fitted);
}

TEST_CASE("genome profile: a spectrum without a peak is not fitted", "[kmer]")
{
    std::vector<std::uint64_t> h{0, 1000, 100, 10, 1};
    auto const g = kmer::fit_genome_profile(h, 21);
    CHECK_FALSE(g.fitted);
    CHECK_FALSE(g.message.empty());
    CHECK(kmer::to_json(g, h)["fitted"] == false);
}
