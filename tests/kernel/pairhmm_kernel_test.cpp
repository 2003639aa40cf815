// Differential test of the pair-HMM forward kernel: every architecture this CPU supports against the scalar
// reference, all read likelihoods compared bit for bit, on random and edge-case inputs (including reads that
// underflow float and take the double fallback).
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include <wgskit/call/pairhmm.hpp>

namespace
{
using namespace wgskit;
using call::detail::pairhmm_kernel;
using call::detail::pairhmm_read;

struct read_set
{
    std::vector<std::vector<std::uint8_t>> bases, quals;
    std::vector<pairhmm_read> views() const
    {
        std::vector<pairhmm_read> v;
        for (std::size_t i = 0; i < bases.size(); ++i)
            v.push_back({bases[i].data(), quals[i].data(), static_cast<std::uint32_t>(bases[i].size())});
        return v;
    }
};

std::vector<std::uint8_t> random_codes(std::mt19937_64 & rng, std::size_t n, int n_percent)
{
    std::vector<std::uint8_t> s(n);
    std::uniform_int_distribution<int> base(0, 3), pct(0, 99);
    for (auto & c : s)
        c = static_cast<std::uint8_t>(pct(rng) < n_percent ? 4 : base(rng));
    return s;
}

//! Reads drawn from the haplotype (with errors and small indels), or random, with random qualities.
read_set random_reads(std::mt19937_64 & rng, std::vector<std::uint8_t> const & hap, std::size_t n, std::size_t max_len)
{
    read_set rs;
    std::uniform_int_distribution<std::size_t> len(0, max_len);
    std::uniform_int_distribution<int> q(2, 45), pct(0, 99), base(0, 3);
    for (std::size_t r = 0; r < n; ++r)
    {
        std::size_t l = len(rng);
        std::vector<std::uint8_t> b;
        if (pct(rng) < 20 || hap.empty())
            b = random_codes(rng, l, 2);
        else
        {
            std::size_t start = std::uniform_int_distribution<std::size_t>(0, hap.size() - 1)(rng);
            for (std::size_t i = start; i < hap.size() && b.size() < l; ++i)
            {
                int e = pct(rng);
                if (e < 2)
                    b.push_back(static_cast<std::uint8_t>(base(rng)));
                else if (e < 3)
                    continue; // deletion
                else if (e < 4)
                    b.push_back(static_cast<std::uint8_t>(base(rng))), b.push_back(hap[i]);
                else
                    b.push_back(hap[i]);
            }
        }
        std::vector<std::uint8_t> qs(b.size());
        for (auto & x : qs)
            x = static_cast<std::uint8_t>(q(rng));
        rs.bases.push_back(std::move(b));
        rs.quals.push_back(std::move(qs));
    }
    return rs;
}

void check_all(std::vector<std::uint8_t> const & hap, read_set const & rs, call::pairhmm_params p = {})
{
    auto reads = rs.views();
    std::size_t max_len = 0;
    for (auto const & r : reads)
        max_len = std::max<std::size_t>(max_len, r.length);
    call::pairhmm_workspace ws;
    float * w = ws.get(call::detail::pairhmm_workspace_floats(hap.size(), max_len));
    std::vector<double> expected(reads.size() + 1, 123.0);
    call::detail::pairhmm_forward_scalar(hap.data(), static_cast<std::uint32_t>(hap.size()), reads.data(), reads.size(),
                                         p, w, expected.data());
    for (std::size_t i = 0; i < reads.size(); ++i)
        CHECK(expected[i] <= 0.1); // a probability (free start: up to (H + 1) / H)
    for (simd::isa arch : simd::available_isas())
    {
        INFO("arch " << simd::isa_name(arch) << ", hap " << hap.size() << ", reads " << reads.size());
        std::vector<double> got(reads.size() + 1, 123.0); // sentinel past the end must stay
        simd::dispatch_to<pairhmm_kernel>(arch, [&](auto k) {
            k.forward(hap.data(), static_cast<std::uint32_t>(hap.size()), reads.data(), reads.size(), p, w, got.data());
        });
        CHECK(std::memcmp(got.data(), expected.data(), got.size() * sizeof(double)) == 0);
    }
}
} // namespace

TEST_CASE("pairhmm kernel agrees with the scalar reference on random inputs", "[kernel][call]")
{
    std::uint64_t const seed = GENERATE(take(12, random(std::uint64_t{1}, std::uint64_t{1} << 40)));
    INFO("seed " << seed);
    std::mt19937_64 rng{seed};
    auto hap = random_codes(rng, std::uniform_int_distribution<std::size_t>{1, 160}(rng), 1);
    std::size_t n = std::uniform_int_distribution<std::size_t>{0, 40}(rng);
    auto reads = random_reads(rng, hap, n, 150);
    check_all(hap, reads);
    // Per-position gap open probabilities (as repeat_gap_open gives them), from Q45 to Q3.
    std::vector<float> go(hap.size());
    std::uniform_real_distribution<float> q(3.0f, 45.0f);
    for (auto & x : go)
        x = std::pow(10.0f, -q(rng) / 10.0f);
    call::pairhmm_params p;
    p.gap_open_at = go.data();
    check_all(hap, reads, p);
}

TEST_CASE("pairhmm kernel edge cases: lane counts, empty reads and haplotypes, underflow", "[kernel][call]")
{
    std::mt19937_64 rng{20261129};
    auto hap = random_codes(rng, 90, 0);
    for (std::size_t n : {0u, 1u, 3u, 4u, 5u, 7u, 8u, 9u, 15u, 16u, 17u, 33u})
        check_all(hap, random_reads(rng, hap, n, 120));
    // Empty haplotype; reads of length 0 and 1; a one-base haplotype.
    check_all({}, random_reads(rng, hap, 5, 10));
    check_all({2}, random_reads(rng, hap, 9, 3));
    read_set empties;
    empties.bases = {{}, {1}, {}, {0, 1, 2}};
    empties.quals = {{}, {30}, {}, {30, 30, 30}};
    check_all(hap, empties);
    // Long random reads against a random haplotype: float underflows, the double fallback answers.
    read_set far;
    for (int i = 0; i < 9; ++i)
    {
        far.bases.push_back(random_codes(rng, 300, 0));
        far.quals.push_back(std::vector<std::uint8_t>(300, 40));
    }
    auto long_hap = random_codes(rng, 200, 0);
    check_all(long_hap, far);
    // All N, other gap penalties.
    read_set ns;
    ns.bases = {std::vector<std::uint8_t>(50, 4)};
    ns.quals = {std::vector<std::uint8_t>(50, 0)};
    check_all(std::vector<std::uint8_t>(60, 4), ns, {1e-3f, 0.3f});
    // Per-position gap opens with the double fallback and a one-base haplotype.
    std::vector<float> go(200, 0.01f);
    for (std::size_t j = 50; j < 70; ++j)
        go[j] = 0.2f;
    call::pairhmm_params p;
    p.gap_open_at = go.data();
    check_all(long_hap, far, p);
    check_all({2}, random_reads(rng, hap, 9, 3), p);
}

TEST_CASE("pairhmm: per-position gap opens equal to the constant give the same likelihoods; higher ones favour gaps there", "[call]")
{
    std::mt19937_64 rng{99};
    auto hap = random_codes(rng, 80, 0);
    std::vector<std::uint8_t> del(hap.begin() + 10, hap.begin() + 70), q(59, 30);
    del.erase(del.begin() + 30); // hap position 40 deleted
    std::vector<pairhmm_read> reads{{del.data(), q.data(), 59}};
    call::pairhmm_workspace ws;
    std::vector<double> plain, same, high, elsewhere;
    call::pairhmm_params p;
    call::pairhmm_forward(hap, reads, p, ws, plain);
    std::vector<float> go(hap.size(), p.gap_open);
    p.gap_open_at = go.data();
    call::pairhmm_forward(hap, reads, p, ws, same);
    CHECK(same[0] == plain[0]);
    go[39] = 0.01f; // the M state at base 39 opens the deletion of base 40
    call::pairhmm_forward(hap, reads, p, ws, high);
    CHECK(high[0] > plain[0] + 2); // Q45 -> Q20: 2.5 log10 units
    go[39] = p.gap_open, go[10] = 0.01f;
    call::pairhmm_forward(hap, reads, p, ws, elsewhere);
    CHECK(elsewhere[0] == Approx(plain[0]).margin(0.05));
    go[5] = 0.7f;
    CHECK_THROWS_AS(call::pairhmm_forward(hap, reads, p, ws, high), invalid_argument);
}

TEST_CASE("pairhmm: a read equal to the haplotype is far likelier than with an indel; float matches double", "[call]")
{
    std::mt19937_64 rng{7};
    auto hap = random_codes(rng, 100, 0);
    std::vector<std::uint8_t> same(hap.begin() + 20, hap.begin() + 80), q(60, 30);
    std::vector<std::uint8_t> del = same;
    del.erase(del.begin() + 30, del.begin() + 33);
    std::vector<std::uint8_t> qd(del.size(), 30);
    std::vector<pairhmm_read> reads{{same.data(), q.data(), 60}, {del.data(), qd.data(), static_cast<std::uint32_t>(del.size())}};
    call::pairhmm_workspace ws;
    std::vector<double> out;
    call::pairhmm_forward(hap, reads, {}, ws, out);
    REQUIRE(out.size() == 2);
    CHECK(out[0] > out[1] + 4); // a gap open is Q45
    std::vector<double> dbl(6 * 101);
    double d = call::detail::pairhmm_double_scalar(hap.data(), 100, reads[0], {}, dbl.data());
    CHECK(out[0] == Approx(d).epsilon(1e-5));
    // Bad input is rejected.
    std::vector<std::uint8_t> bad{0, 9};
    CHECK_THROWS_AS(call::pairhmm_forward(bad, reads, {}, ws, out), invalid_argument);
    CHECK_THROWS_AS(call::pairhmm_forward(hap, reads, {0.7f, 0.1f}, ws, out), invalid_argument);
}
