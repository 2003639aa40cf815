// k-mer encoding, counting against a naive hash map, thread/memory independence, database round trip.
#include <catch2/catch.hpp>

#include <cstdint>
#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include <wgskit/kmer/counter.hpp>
#include <wgskit/kmer/database.hpp>
#include <wgskit/kmer/kmer.hpp>
#include <wgskit/kmer/minimizer.hpp>

#include "../test_helpers.hpp"

namespace
{
using namespace wgskit;
using kmer::uint128_t;

std::string revcomp(std::string s)
{
    std::reverse(s.begin(), s.end());
    for (char & c : s)
        switch (c)
        {
            case 'A': c = 'T'; break;
            case 'C': c = 'G'; break;
            case 'G': c = 'C'; break;
            case 'T': c = 'A'; break;
            default: break;
        }
    return s;
}

std::string upper(std::string s)
{
    for (char & c : s)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

// Reads with lower case, N runs and a few IUPAC letters; some repeats so that counts above 1 are common.
std::vector<std::string> random_reads(std::mt19937_64 & rng, std::size_t count, std::size_t max_len)
{
    std::string genome(4000, 'A');
    for (char & c : genome)
        c = "ACGT"[rng() & 3];
    std::vector<std::string> reads;
    for (std::size_t r = 0; r < count; ++r)
    {
        std::size_t const len = 1 + rng() % max_len;
        std::size_t const at = rng() % (genome.size() - len);
        std::string s = genome.substr(at, len);
        for (char & c : s)
        {
            auto const p = rng() % 100;
            if (p < 3)
                c = static_cast<char>(std::tolower(c));
            else if (p < 4)
                c = "NnRY"[rng() & 3];
            else if (p < 6)
                c = "ACGT"[rng() & 3]; // an error
        }
        if (rng() % 2)
            s = revcomp(s);
        reads.push_back(s);
    }
    return reads;
}

// The oracle: every window of k letters without a non-ACGT letter, canonical as the smaller string.
std::map<std::string, std::uint32_t> naive_counts(std::vector<std::string> const & reads, unsigned k)
{
    std::unordered_map<std::string, std::uint32_t> counts;
    for (auto const & read : reads)
    {
        std::string const r = upper(read);
        for (std::size_t i = 0; i + k <= r.size(); ++i)
        {
            std::string const w = r.substr(i, k);
            if (w.find_first_not_of("ACGT") != std::string::npos)
                continue;
            std::string const rc = revcomp(w);
            ++counts[std::min(w, rc)];
        }
    }
    return {counts.begin(), counts.end()};
}

std::string write_fastq(test::temp_dir const & dir, std::vector<std::string> const & reads, std::string name)
{
    std::string text;
    for (std::size_t i = 0; i < reads.size(); ++i)
        text += "@r" + std::to_string(i) + "\n" + reads[i] + "\n+\n" + std::string(reads[i].size(), 'I') + "\n";
    test::write_file(dir.file(name), text);
    return dir.file(name);
}

template <kmer::kmer_word W>
std::map<std::string, std::uint32_t> as_map(kmer::kmer_counts<W> const & c)
{
    std::map<std::string, std::uint32_t> out;
    W previous{};
    bool first = true;
    c.for_each_sorted([&](W x, std::uint32_t n) {
        REQUIRE((first || previous < x));
        first = false;
        previous = x;
        out.emplace(kmer::decode(x, c.k), n);
    });
    return out;
}

template <kmer::kmer_word W>
void check_against_naive(unsigned k, std::uint64_t seed)
{
    INFO("k " << k << ", seed " << seed);
    std::mt19937_64 rng{seed};
    auto const reads = random_reads(rng, 400, 150);
    test::temp_dir dir{"kmer_count"};
    auto const path = write_fastq(dir, reads, "reads.fq");
    auto const expected = naive_counts(reads, k);

    kmer::count_options opt;
    opt.k = k;
    opt.temp_dir = dir.path.string();
    opt.bins = 64;
    auto const one = kmer::count_kmers<W>({path}, opt);
    CHECK(as_map(one) == expected);
    std::uint64_t total = 0;
    for (auto const & [s, n] : expected)
        total += n;
    CHECK(one.stats.total_kmers == total);
    CHECK(one.stats.distinct_kmers == expected.size());
    CHECK(one.stats.spills == 0);

    opt.threads = 4;
    opt.memory_budget = 512; // forces spilling many times
    auto const spilled = kmer::count_kmers<W>({path}, opt);
    CHECK(spilled.stats.spills > 1);
    CHECK(as_map(spilled) == expected);
    CHECK(spilled.histogram == one.histogram);
    // The spill folder is gone.
    for (auto const & e : std::filesystem::directory_iterator(dir.path))
        CHECK(e.path().filename().string().rfind("wgskit-count", 0) != 0);

    // Count filters.
    opt.min_count = 2;
    opt.max_count = 3;
    auto const filtered = kmer::count_kmers<W>({path}, opt);
    auto expected_filtered = expected;
    std::erase_if(expected_filtered, [](auto const & e) { return e.second < 2 || e.second > 3; });
    CHECK(as_map(filtered) == expected_filtered);
    CHECK(filtered.histogram == one.histogram);
}
} // namespace

TEST_CASE("k-mer words: encode, decode, reverse complement, canonical", "[kmer]")
{
    using kmer::encode;
    CHECK(encode<std::uint64_t>("ACGT") == 0b00011011u);
    CHECK(kmer::decode<std::uint64_t>(0b00011011u, 4) == "ACGT");
    std::mt19937_64 rng{11};
    for (unsigned k : {1u, 5u, 21u, 31u, 32u, 33u, 63u})
        for (int rep = 0; rep < 50; ++rep)
        {
            std::string s(k, 'A');
            for (char & c : s)
                c = "ACGT"[rng() & 3];
            std::string const rc = revcomp(s);
            if (k <= 32)
            {
                auto const x = encode<std::uint64_t>(s);
                REQUIRE(kmer::decode(kmer::reverse_complement(x, k), k) == rc);
                REQUIRE(kmer::decode(kmer::canonical(x, k), k) == std::min(s, rc));
            }
            auto const y = encode<uint128_t>(s);
            REQUIRE(kmer::decode(kmer::reverse_complement(y, k), k) == rc);
            REQUIRE(kmer::decode(kmer::canonical(y, k), k) == std::min(s, rc));
        }
    CHECK_THROWS_AS(encode<std::uint64_t>(std::string(33, 'A')), invalid_argument);
    CHECK_THROWS_AS(encode<std::uint64_t>("ACNT"), invalid_argument);
    CHECK_THROWS_AS(kmer::check_k<uint128_t>(64), invalid_argument);
}

TEST_CASE("kmer_roller: forward, reverse complement, Ns restart", "[kmer]")
{
    kmer::kmer_roller<std::uint64_t> roll{3};
    std::string const seq = "ACgTNACGa";
    std::vector<std::string> got;
    for (char c : seq)
        if (roll.push(c))
            got.push_back(kmer::decode(roll.forward(), 3) + "/" + kmer::decode(roll.reverse(), 3));
    CHECK(got == std::vector<std::string>{"ACG/CGT", "CGT/ACG", "ACG/CGT", "CGA/TCG"});
}

TEST_CASE("count_kmers equals a naive hash map (k = 5, 21, 31, 32, 33, 63)", "[kmer]")
{
    auto const seed = std::random_device{}();
    check_against_naive<std::uint64_t>(5, seed);
    check_against_naive<std::uint64_t>(21, seed + 1);
    check_against_naive<std::uint64_t>(31, seed + 2);
    check_against_naive<std::uint64_t>(32, seed + 3);
    check_against_naive<uint128_t>(33, seed + 4);
    check_against_naive<uint128_t>(63, seed + 5);
    check_against_naive<uint128_t>(21, seed + 6); // a short k in the wide word
}

// The oracle of a sampled count: the k-mers whose minimizer (smallest mix32 of its canonical m-mers) falls in a
// counted bin, and their histogram.
std::uint32_t naive_minimizer(std::string const & kmer, unsigned m)
{
    auto const code = [](std::string const & s) {
        std::uint32_t x = 0;
        for (char c : s)
            x = x << 2 | static_cast<std::uint32_t>(std::string_view{"ACGT"}.find(c));
        return x;
    };
    std::uint32_t best = 0xFFFFFFFFu;
    for (std::size_t i = 0; i + m <= kmer.size(); ++i)
    {
        std::string const w = kmer.substr(i, m);
        best = std::min(best, kmer::mix32(std::min(code(w), code(revcomp(w)))));
    }
    return best;
}

TEST_CASE("a sampled count is the exact count of the k-mers in the sampled minimizer bins", "[kmer]")
{
    auto const seed = std::random_device{}();
    INFO("seed " << seed);
    std::mt19937_64 rng{seed};
    auto const reads = random_reads(rng, 400, 150);
    test::temp_dir dir{"kmer_sample"};
    auto const path = write_fastq(dir, reads, "reads.fq");
    unsigned const k = 21, m = kmer::default_minimizer_length(k), bins = 64;
    for (unsigned sample : {2u, 4u, 16u})
    {
        INFO("1 in " << sample);
        std::vector<std::uint64_t> expected_hist(2, 0);
        std::uint64_t expected_sampled = 0, expected_total = 0, expected_distinct = 0;
        for (auto const & [s, n] : naive_counts(reads, k))
        {
            expected_total += n;
            if (!kmer::detail::bin_in_sample(kmer::detail::bin_of(naive_minimizer(s, m), bins), sample))
                continue;
            expected_sampled += n;
            ++expected_distinct;
            if (expected_hist.size() <= n)
                expected_hist.resize(n + 1, 0);
            ++expected_hist[n];
        }
        REQUIRE(expected_distinct > 0);
        kmer::count_options opt;
        opt.k = k;
        opt.bins = bins;
        opt.keep_kmers = false;
        opt.sample_one_in = sample;
        opt.threads = 2;
        auto const c = kmer::count_kmers<std::uint64_t>({path}, opt);
        CHECK(c.histogram == expected_hist);
        CHECK(c.stats.total_kmers == expected_total);
        CHECK(c.stats.sampled_kmers == expected_sampled);
        CHECK(c.stats.distinct_kmers == expected_distinct);
        CHECK(kmer::sampled_fraction(c.stats) == Approx(static_cast<double>(expected_sampled) / expected_total));
    }
    kmer::count_options opt;
    opt.k = k;
    opt.sample_one_in = 4;
    CHECK_THROWS_AS(kmer::count_kmers<std::uint64_t>({path}, opt), invalid_argument); // keeps k-mers
    opt.keep_kmers = false;
    opt.sample_one_in = opt.bins + 1;
    CHECK_THROWS_AS(kmer::count_kmers<std::uint64_t>({path}, opt), invalid_argument);
    opt.sample_one_in = 0;
    CHECK_THROWS_AS(kmer::count_kmers<std::uint64_t>({path}, opt), invalid_argument);

    CHECK(kmer::sample_one_in_for(40'000) == 1);
    CHECK(kmer::sample_one_in_for(79'999'999) == 1);
    CHECK(kmer::sample_one_in_for(80'000'000) == 2);
    CHECK(kmer::sample_one_in_for(1'000'000'000) == 16);
    CHECK(kmer::sample_one_in_for(3'100'000'000) == 64);
    CHECK(kmer::sample_one_in_for(100'000'000'000) == 64);
}

TEST_CASE("count_kmers reads FASTA and gzip-less multi-file input; database round trip", "[kmer]")
{
    test::temp_dir dir{"kmer_db"};
    test::write_file(dir.file("a.fa"), ">one\nACGTACGTTT\nGGNNACGTA\n>two\n\n>three\nacgtacgttt\n");
    test::write_file(dir.file("empty.fq"), "");
    kmer::count_options opt;
    opt.k = 4;
    auto const c = kmer::count_kmers<std::uint64_t>({dir.file("a.fa"), dir.file("empty.fq")}, opt);
    std::vector<std::string> reads{"ACGTACGTTTGGNNACGTA", "", "acgtacgttt"};
    auto const expected = naive_counts(reads, 4);
    CHECK(as_map(c) == expected);
    CHECK(c.stats.sequences == 3);

    kmer::write_database(c, dir.file("db.kmers"));
    auto const db = kmer::kmer_database<std::uint64_t>::load(dir.file("db.kmers"));
    CHECK(db.k() == 4);
    CHECK(db.size() == expected.size());
    std::map<std::string, std::uint32_t> round;
    for (auto [x, n] : db)
        round.emplace(kmer::decode(x, 4), n);
    CHECK(round == expected);
    for (auto const & [s, n] : expected)
    {
        CHECK(db.count(s) == n);
        CHECK(db.count(revcomp(s)) == n);
    }
    CHECK(db.count("AAAA") == expected.count("AAAA"));
    CHECK_THROWS_AS(db.count("ACG"), invalid_argument);
    CHECK_THROWS_AS(kmer::kmer_database<uint128_t>::load(dir.file("db.kmers")), invalid_argument);

    // A truncated database is refused.
    std::filesystem::resize_file(dir.file("db.kmers"), std::filesystem::file_size(dir.file("db.kmers")) - 3);
    CHECK_THROWS_AS(kmer::kmer_database<std::uint64_t>::load(dir.file("db.kmers")), parse_error);

    kmer::write_dump(c, dir.file("dump.tsv"));
    kmer::write_histogram(c.histogram, dir.file("hist.tsv"));
    std::ifstream dump{dir.file("dump.tsv")};
    std::string line;
    std::getline(dump, line);
    CHECK(line == expected.begin()->first + "\t" + std::to_string(expected.begin()->second));
}

TEST_CASE("count_kmers rejects bad options and inputs", "[kmer]")
{
    test::temp_dir dir{"kmer_bad"};
    test::write_file(dir.file("x.txt"), "hello\n");
    kmer::count_options opt;
    opt.k = 33;
    CHECK_THROWS_AS(kmer::count_kmers<std::uint64_t>({dir.file("x.txt")}, opt), invalid_argument);
    opt.k = 0;
    CHECK_THROWS_AS(kmer::count_kmers<uint128_t>({dir.file("x.txt")}, opt), invalid_argument);
    opt.k = 21;
    CHECK_THROWS_AS(kmer::count_kmers<std::uint64_t>({dir.file("x.txt")}, opt), parse_error);
    CHECK_THROWS_AS(kmer::count_kmers<std::uint64_t>({dir.file("missing.fq")}, opt), io_error);
    opt.min_count = 5;
    opt.max_count = 4;
    CHECK_THROWS_AS(kmer::count_kmers<std::uint64_t>({dir.file("x.txt")}, opt), invalid_argument);
}

TEST_CASE("minimizer wrappers validate their arguments", "[kmer]")
{
    std::vector<std::uint8_t> codes(40, 1);
    std::vector<std::uint32_t> out(40);
    CHECK_THROWS_AS(kmer::mmer_hashes(codes, 0, out), invalid_argument);
    CHECK_THROWS_AS(kmer::mmer_hashes(codes, 17, out), invalid_argument);
    CHECK_THROWS_AS(kmer::mmer_hashes(codes, 5, std::span{out}.first(10)), invalid_argument);
    CHECK_THROWS_AS(kmer::window_minima(out, 0, out), invalid_argument);
    CHECK_THROWS_AS(kmer::window_minima(out, 3, std::span{out}.first(5)), invalid_argument);
    kmer::mmer_hashes(codes, 5, out);
    CHECK(out[0] == kmer::mix32(std::min(0b0101010101u, 0b1010101010u))); // CCCCC vs GGGGG
    std::vector<std::uint32_t> mins(38);
    kmer::window_minima(std::span{out}.first(36), 3, mins);
    CHECK(mins[0] == out[0]);
}
