// The tandem-repeat-aware indel error model (repeat_model.hpp): per-position gap open probabilities that rise with
// the homopolymer's length, their effect on the pair-HMM, and calls: reads split over several lengths of a long
// homopolymer (slippage) give no confident het, a clean het insertion in a short repeat and a het in a long
// homopolymer carried by half of the reads are still called.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include <wgskit/call/pairhmm.hpp>
#include <wgskit/call/region_caller.hpp>
#include <wgskit/call/repeat_model.hpp>

#include "../support/call_synthetic.hpp"

namespace
{
using namespace wgskit;
using namespace wgskit::call;
using namespace wgskit::test_support;

std::vector<std::uint8_t> codes(std::string const & s)
{
    std::vector<std::uint8_t> c;
    for (char x : s)
        c.push_back(hmm_code(x));
    return c;
}

//! A random sequence without runs longer than 2 (so the only tract is the one a test puts in).
std::string random_flank(std::mt19937_64 & rng, std::size_t n)
{
    std::string s;
    while (s.size() < n)
    {
        char c = "ACGT"[rng() & 3];
        if (s.size() >= 2 && c == s[s.size() - 1] && c == s[s.size() - 2])
            continue;
        s.push_back(c);
    }
    return s;
}

//! A 2 kb reference with a run of run_len copies of base at [1000, 1000 + run_len) (flanked by C / G).
std::string reference_with_run(char base, std::size_t run_len)
{
    std::mt19937_64 rng{2026};
    std::string ref = random_flank(rng, 2000);
    ref[999] = 'C';
    ref.replace(1000, run_len, std::string(run_len, base));
    ref[1000 + run_len] = 'G';
    return ref;
}

//! Reads of a haplotype = ref with ins inserted before ref position at (del bases removed there when del > 0),
//! 150 bp starting every step bp across [from, to) (haplotype coordinates = reference ones before at), aligned
//! with the event placed at the left of the run (the "mapper"), names prefixed by tag.
void add_reads(std::vector<bam::record> & recs, std::string const & ref, std::int64_t at, std::string const & ins,
               std::uint32_t del, std::int64_t from, std::int64_t to, std::int64_t step, std::string const & tag)
{
    std::string hap = ref;
    hap.erase(static_cast<std::size_t>(at), del);
    hap.insert(static_cast<std::size_t>(at), ins);
    auto const n_ins = static_cast<std::int64_t>(ins.size());
    auto I = [](std::uint32_t n) { return bam::cigar_op(bam::cigar_code::I, n); };
    int n = 0;
    for (std::int64_t start = from; start < to; start += step, ++n)
    {
        std::string seq = hap.substr(static_cast<std::size_t>(start), 150);
        std::string name = tag + std::to_string(n);
        if (start + 150 <= at)
            recs.push_back(make_read(name, start, {M(150)}, seq));
        else if (start >= at + n_ins)
            recs.push_back(make_read(name, start - n_ins + del, {M(150)}, seq));
        else if (start < at)
        {
            auto a = static_cast<std::uint32_t>(at - start);
            if (del > 0)
                recs.push_back(make_read(name, start, {M(a), D(del), M(150 - a)}, seq));
            else if (a + ins.size() < 150)
                recs.push_back(make_read(name, start, {M(a), I(static_cast<std::uint32_t>(ins.size())), M(150 - a - static_cast<std::uint32_t>(ins.size()))}, seq));
        }
    }
}

std::vector<called_record> call_reads(std::vector<bam::record> recs, std::string const & ref, bool repeat_aware)
{
    std::stable_sort(recs.begin(), recs.end(), [](auto const & a, auto const & b) { return a.pos() < b.pos(); });
    auto reads = prepare_reads(recs, {});
    calling_thresholds t;
    t.repeat_aware_gaps = repeat_aware;
    region_caller caller{t};
    return caller.call(reads, ref, 0, 500, 1500, false);
}

std::vector<called_record> indels_of(std::vector<called_record> const & calls)
{
    std::vector<called_record> v;
    for (auto const & c : calls)
        if (c.indel)
            v.push_back(c);
    return v;
}
} // namespace

TEST_CASE("repeat model: calibrated slip rates; the gap open rises with the homopolymer's length, up to the ceiling", "[call]")
{
    repeat_error_model const m;
    pairhmm_params const p;
    // No data: the constant's own rate, so every position keeps the constant gap open.
    slippage_table const none = calibrate_slippage({}, m, p.gap_open, p.gap_extend);
    for (std::size_t len = 1; len <= 40; ++len)
        CHECK(homopolymer_gap_open(none, m, len, p.gap_open, p.gap_extend) == Approx(p.gap_open).epsilon(1e-5));
    // A stuttering sample: slips rise with the length (one bin out of order: made non-decreasing).
    slippage_counts c;
    c.reads = {5000, 3000, 1000, 800, 400, 100};
    c.slips = {5, 9, 10, 4, 30, 30};
    slippage_table const t = calibrate_slippage(c, m, p.gap_open, p.gap_extend);
    for (std::size_t b = 1; b < t.rate.size(); ++b)
        CHECK(t.rate[b] >= t.rate[b - 1]);
    CHECK(t.rate[3] == t.rate[2]); // 4 / 800 < 10 / 1000
    CHECK(t.rate[5] == Approx((30 + 200 * constant_slip_rate(20, p.gap_open, p.gap_extend)) / 300));
    std::mt19937_64 rng{11};
    std::string const left = random_flank(rng, 30), right = random_flank(rng, 30);
    float previous = 0;
    for (std::size_t len = 1; len <= 30; ++len)
    {
        std::string hap = left + "C" + std::string(len, 'A') + "G" + right;
        std::vector<float> go;
        repeat_gap_open(codes(hap), t, m, p.gap_open, p.gap_extend, go);
        REQUIRE(go.size() == hap.size());
        INFO("run of " << len);
        float const mid = go[31 + len / 2];
        float const phred = -10 * std::log10(mid), previous_phred = previous > 0 ? -10 * std::log10(previous) : 99;
        if (len < m.min_length)
            CHECK(mid == p.gap_open);
        else
        {
            CHECK(mid > p.gap_open);
            CHECK(mid <= m.max_gap_open);
            // The per-read slip the run gets is its bin's rate (2 L go (1 - ge)) ...
            CHECK(2.0 * static_cast<double>(len) * mid * (1 - p.gap_extend) == Approx(t.rate[slippage_bin(len)]).epsilon(1e-4));
            // ... and the penalty falls bin after bin
            if (len == 8 || len == 10 || len == 15 || len == 20)
                CHECK(phred < previous_phred);
        }
        for (std::size_t j = 31; j < 31 + len; ++j) // the whole run gets it, the flanks keep the constant
            CHECK(go[j] == mid);
        CHECK(go[5] == p.gap_open);
        CHECK(go[hap.size() - 5] == p.gap_open);
        previous = mid;
    }
    // The ceiling.
    slippage_counts heavy;
    heavy.reads[5] = 1000, heavy.slips[5] = 900;
    CHECK(homopolymer_gap_open(calibrate_slippage(heavy, m, p.gap_open, p.gap_extend), m, 20, p.gap_open, p.gap_extend) == m.max_gap_open);
}

TEST_CASE("repeat model: a one-base slip in a 20-base homopolymer costs the read far less when the sample stutters", "[call]")
{
    pairhmm_params base;
    repeat_error_model const m;
    slippage_counts c;
    c.reads = {5000, 3000, 2000, 1000, 1000, 1000};
    c.slips = {5, 6, 20, 20, 40, 100}; // 10 % at 20 bases
    slippage_table const t = calibrate_slippage(c, m, base.gap_open, base.gap_extend);
    pairhmm_workspace ws;
    std::mt19937_64 rng{5};
    std::string const left = random_flank(rng, 40), right = random_flank(rng, 40);
    auto slip_cost = [&](std::size_t len, bool aware) {
        std::string hap = left + "C" + std::string(len, 'A') + "G" + right;
        std::string longer = left + "C" + std::string(len + 1, 'A') + "G" + right;
        std::string read = longer.substr(10, 41 + len + 1 + 30);
        auto h = codes(hap), hl = codes(longer), r = codes(read);
        std::vector<std::uint8_t> q(r.size(), 30);
        std::vector<pairhmm_read> reads{{r.data(), q.data(), static_cast<std::uint32_t>(r.size())}};
        std::vector<float> go, go_l;
        pairhmm_params p = base, pl = base;
        if (aware)
        {
            repeat_gap_open(h, t, m, base.gap_open, base.gap_extend, go);
            repeat_gap_open(hl, t, m, base.gap_open, base.gap_extend, go_l);
            p.gap_open_at = go.data(), pl.gap_open_at = go_l.data();
        }
        std::vector<double> a, b;
        pairhmm_forward(h, reads, p, ws, a);
        pairhmm_forward(hl, reads, pl, ws, b);
        return 10 * (b[0] - a[0]); // phred: the read of len + 1 against the len haplotype rather than its own
    };
    CHECK(slip_cost(4, true) == Approx(slip_cost(4, false)).margin(0.01)); // a short run: as before (about Q35)
    CHECK(slip_cost(4, true) > 30);
    CHECK(slip_cost(20, false) > 25);
    CHECK(slip_cost(20, true) < 16); // one direction of the 10 % rate: 5 %, Q13 (less the free insertion's share)
    CHECK(slip_cost(20, true) > 8);
    CHECK(slip_cost(14, true) < slip_cost(10, true));
}

TEST_CASE("call: reads split over lengths of a 20-A homopolymer give no confident het; a clean het still calls", "[call]")
{
    std::string const ref = reference_with_run('A', 20);
    SECTION("slippage: 24 reads of the reference length, 4 one A longer, 2 one shorter, 2 three longer")
    {
        std::vector<bam::record> recs;
        add_reads(recs, ref, 1000, "", 0, 850, 994, 6, "ref");       // 24 reads
        add_reads(recs, ref, 1000, "A", 0, 853, 997, 36, "plus1_");  // 4
        add_reads(recs, ref, 1000, "", 1, 869, 997, 72, "minus1_");  // 2
        add_reads(recs, ref, 1000, "AAA", 0, 871, 997, 72, "plus3_"); // 2
        auto aware = indels_of(call_reads(recs, ref, true));
        for (auto const & c : aware)
        {
            INFO("call at " << c.pos << " " << c.ref << " > " << c.alt[0] << " QUAL " << c.qual);
            CHECK(c.qual < 20);
        }
        // Without the model, the 4 reads of +A alone make a het call: the test has teeth.
        auto plain = indels_of(call_reads(recs, ref, false));
        REQUIRE_FALSE(plain.empty());
        CHECK(plain[0].qual >= 15);
        // The two bounds above overlap (a model that changed nothing would pass them), so compare directly: with
        // the model, the best indel QUAL here (0 when nothing is called) is under half of the plain call's.
        double aware_best = 0;
        for (auto const & c : aware)
            aware_best = std::max(aware_best, c.qual);
        CHECK(aware_best < plain[0].qual / 2);
    }
    SECTION("a real het +AAA carried by half of 30 reads")
    {
        std::vector<bam::record> recs;
        add_reads(recs, ref, 1000, "", 0, 850, 994, 10, "ref");      // 15
        add_reads(recs, ref, 1000, "AAA", 0, 855, 997, 10, "alt");   // 15
        auto calls = indels_of(call_reads(recs, ref, true));
        REQUIRE(calls.size() == 1);
        CHECK(calls[0].pos == 999);
        CHECK(calls[0].alt == std::vector<std::string>{"CAAA"});
        CHECK((calls[0].gt1 == 0 && calls[0].gt2 == 1));
        CHECK(calls[0].qual > 50);
    }
}

TEST_CASE("call: a clean het insertion in a short repeat is called as before with the repeat model", "[call]")
{
    std::string const ref = reference_with_run('T', 4);
    std::vector<bam::record> recs;
    add_reads(recs, ref, 1000, "", 0, 850, 994, 10, "ref");  // 15 reads
    add_reads(recs, ref, 1000, "T", 0, 855, 997, 10, "alt"); // 15 reads
    auto aware = indels_of(call_reads(recs, ref, true));
    auto plain = indels_of(call_reads(recs, ref, false));
    REQUIRE(aware.size() == 1);
    REQUIRE(plain.size() == 1);
    CHECK(aware[0].pos == 999);
    CHECK(aware[0].alt == std::vector<std::string>{"CT"});
    CHECK((aware[0].gt1 == 0 && aware[0].gt2 == 1));
    CHECK(aware[0].qual > 100);
    CHECK(aware[0].qual == Approx(plain[0].qual).epsilon(0.1));
}
