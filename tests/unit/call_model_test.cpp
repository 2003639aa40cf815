// The caller's model and pileup: genotype likelihoods equal to the formula, PL/GQ/QUAL arithmetic, read filters,
// overlapping mates, and calls on synthetic reads (het SNP, hom SNP, het deletion placed differently by the
// "mapper": both placements must give the same call).
#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include <wgskit/call/genotype.hpp>
#include <wgskit/call/pileup.hpp>
#include <wgskit/call/region_caller.hpp>

#include "../support/call_synthetic.hpp"

namespace
{
using namespace wgskit;
using namespace wgskit::call;
using namespace wgskit::test_support;

double p_base(int b, int allele, int q)
{
    double e = std::pow(10.0, -q / 10.0);
    return b == allele ? 1 - e : e / 3;
}

} // namespace

TEST_CASE("call: SNP genotype likelihoods equal the per-read formula", "[call]")
{
    // Observations on distinct (base, strand) groups, so the dependence factor is 1 for each.
    std::vector<base_observation> obs{{0, 30, false, 60}, {0, 20, true, 60}, {2, 25, false, 60}, {1, 10, true, 60}};
    std::vector<base_observation> scratch;
    auto s = sum_observations(obs.data(), obs.size(), scratch);
    std::vector<std::uint8_t> alleles{0, 2}; // REF A, ALT G
    auto gl = snp_genotype_likelihoods(s, alleles);
    REQUIRE(gl.size() == 3);
    for (std::size_t k = 0; k < 2; ++k)
        for (std::size_t j = 0; j <= k; ++j)
        {
            double expect = 0;
            for (auto const & o : obs)
                expect += std::log10(0.5 * p_base(o.base, alleles[j], o.qual) + 0.5 * p_base(o.base, alleles[k], o.qual));
            CHECK(gl[genotype_index(j, k)] == Approx(expect).epsilon(1e-12));
        }
    // Error dependence: the second observation of a base on one strand counts with quality * f_1.
    std::vector<base_observation> two{{2, 30, false, 60}, {2, 30, false, 60}};
    auto s2 = sum_observations(two.data(), two.size(), scratch);
    int q1 = static_cast<int>(std::lround(30 * dependence_factor(1)));
    CHECK(q1 < 30);
    CHECK(s2.mismatch[2] == Approx(std::log10(p_base(2, 0, 30)) + std::log10(p_base(2, 0, q1))));
    // Quality cap (positions next to a candidate indel): every observation counts with min(qual, cap).
    auto s3 = sum_observations(obs.data(), obs.size(), scratch, 12);
    CHECK(s3.mismatch[2] == Approx(std::log10(p_base(2, 0, 12))));
    CHECK(s3.mismatch[1] == Approx(std::log10(p_base(1, 0, 10))));
    CHECK(s3.count == s.count);
}

TEST_CASE("call: priors, PL, GQ and QUAL", "[call]")
{
    auto prior = genotype_priors(2, 1e-3);
    CHECK(std::pow(10.0, prior[1]) == Approx(1e-3));
    CHECK(std::pow(10.0, prior[2]) == Approx(5e-4));
    CHECK(std::pow(10.0, prior[0]) == Approx(1 - 1.5e-3));
    std::vector<double> gl{-10.0, -2.0, -12.0};
    auto c = call_genotype(gl, prior, 2);
    CHECK(c.allele1 == 0);
    CHECK(c.allele2 == 1);
    CHECK(c.pl == std::vector<int>{80, 0, 100});
    // QUAL = -10 log10 P(0/0 | data), posterior with the priors.
    double p0 = std::pow(10.0, -10.0 + prior[0]), p1 = std::pow(10.0, -2.0 + prior[1]), p2 = std::pow(10.0, -12.0 + prior[2]);
    double tot = p0 + p1 + p2;
    CHECK(c.qual == Approx(-10 * std::log10(p0 / tot)));
    CHECK(c.gq == static_cast<int>(std::min(99.0, std::floor(-10 * std::log10((p0 + p2) / tot)))));
    // Multi-allelic genotype order: 0/0 0/1 1/1 0/2 1/2 2/2.
    CHECK(genotype_index(1, 2) == 4);
    CHECK(genotype_index(2, 0) == 3);
    // Read-based likelihoods: one read certain of allele 1.
    auto rgl = read_genotype_likelihoods({-5.0, 0.0}, 2);
    CHECK(rgl[0] == Approx(-5.0));
    CHECK(rgl[2] == Approx(0.0));
    CHECK(rgl[1] == Approx(std::log10(0.5 * 1e-5 + 0.5)));
}

TEST_CASE("call: read bases decoded two a byte from BAM's 4-bit codes, odd lengths and ambiguity codes", "[call]")
{
    for (std::string const seq : {"ACGTNRYA", "ACGTN", "T", "GATTACAMKW"})
    {
        std::vector<bam::record> recs;
        recs.push_back(make_read("r", 100, {M(static_cast<std::uint32_t>(seq.size()))}, seq, 0, 60, 30));
        auto reads = prepare_reads(recs, {});
        REQUIRE(reads.size() == 1);
        REQUIRE(reads[0].bases.size() == seq.size());
        for (std::size_t i = 0; i < seq.size(); ++i)
            CHECK(reads[0].bases[i] == hmm_code(seq[i]));
        CHECK(reads[0].quals == std::vector<std::uint8_t>(seq.size(), 30));
        CHECK(recs[0].packed_sequence().size() == (seq.size() + 1) / 2);
    }
}

TEST_CASE("call: read filters, base quality capped by MAPQ, overlapping mates counted once", "[call]")
{
    std::string seq(50, 'A');
    std::vector<bam::record> recs;
    recs.push_back(make_read("a", 100, {M(50)}, seq, bam::flag::paired, 60, 30));
    recs.push_back(make_read("dup", 100, {M(50)}, seq, bam::flag::duplicate));
    recs.push_back(make_read("sec", 100, {M(50)}, seq, bam::flag::secondary));
    recs.push_back(make_read("qc", 100, {M(50)}, seq, bam::flag::qc_fail));
    recs.push_back(make_read("lowmq", 100, {M(50)}, seq, 0, 5));
    recs.push_back(make_read("capped", 100, {M(50)}, seq, 0, 20, 35));
    auto mate = make_read("a", 120, {M(50)}, seq, bam::flag::paired | bam::flag::reverse, 60, 25);
    recs[0].set_mate(0, 120, 70);
    mate.set_mate(0, 100, -70);
    recs.push_back(mate);
    pileup_options o;
    auto reads = prepare_reads(recs, o);
    REQUIRE(reads.size() == 3); // a, capped, a's mate
    columns c;
    build_columns(reads, 100, 170, o, c);
    CHECK(c.depth(110) == 2);
    CHECK(c.depth(130) == 2); // overlap [120, 150): one of the mates only
    CHECK(c.depth(160) == 1);
    bool capped_seen = false;
    for (std::size_t i = 0; i < c.depth(110); ++i)
        capped_seen |= c.at(110)[i].qual == 20;
    CHECK(capped_seen);
    // At 130 the kept mate base is the higher-quality one (30).
    int q30 = 0;
    for (std::size_t i = 0; i < c.depth(130); ++i)
        q30 += c.at(130)[i].qual == 30;
    CHECK(q30 == 1);
}

TEST_CASE("call: het SNP, hom SNP and a het deletion, whatever the mapper's gap placement", "[call]")
{
    synthetic s;
    std::vector<std::vector<called_record>> runs;
    for (int placement : {0, 1, 2})
    {
        auto recs = synthetic_reads(s, placement);
        auto reads = prepare_reads(recs, {});
        region_caller caller{calling_thresholds{}};
        runs.push_back(caller.call(reads, s.ref, 0, 0, 2000, false));
    }
    for (auto const & calls : runs)
    {
        REQUIRE(calls.size() == 3);
        CHECK(calls[0].pos == 500);
        CHECK(calls[0].ref == "A");
        CHECK(calls[0].alt == std::vector<std::string>{"G"});
        CHECK((calls[0].gt1 == 0 && calls[0].gt2 == 1));
        CHECK(calls[1].pos == 700);
        CHECK(calls[1].alt == std::vector<std::string>{"T"});
        CHECK((calls[1].gt1 == 1 && calls[1].gt2 == 1));
        CHECK(calls[2].indel);
        CHECK(calls[2].pos == 999);
        CHECK(calls[2].ref == "GAC");
        CHECK(calls[2].alt == std::vector<std::string>{"G"});
        CHECK((calls[2].gt1 == 0 && calls[2].gt2 == 1));
        CHECK(calls[2].qual > 50);
        CHECK_FALSE(calls[2].low_qual);
    }
    // Realignment makes the deletion's likelihoods independent of the placement.
    CHECK(runs[0][2].qual == runs[1][2].qual);
    CHECK(runs[0][2].pl == runs[2][2].pl);
    CHECK(runs[0][2].ad == runs[1][2].ad);
}

TEST_CASE("call: gVCF blocks cover the region around the variants", "[call]")
{
    synthetic s;
    auto recs = synthetic_reads(s, 2);
    auto reads = prepare_reads(recs, {});
    region_caller caller{calling_thresholds{}};
    auto out = caller.call(reads, s.ref, 0, 0, 2000, true);
    std::int64_t next = 0;
    int variants = 0;
    for (auto const & r : out)
    {
        CHECK(r.pos >= next - 2); // sorted; blocks never overlap what came before (the deletion's REF excepted)
        if (r.block)
        {
            CHECK(r.alt == std::vector<std::string>{"<*>"});
            CHECK(r.block_end > r.pos);
            next = r.block_end;
        }
        else
        {
            ++variants;
            CHECK(r.alt.back() == "<*>");
            CHECK(r.pl.size() == genotype_count(r.alt.size() + 1));
            next = r.pos + static_cast<std::int64_t>(r.ref.size());
        }
    }
    CHECK(variants == 3);
    CHECK(next == 2000);
}

TEST_CASE("call: soft clips imply insertions and deletions", "[call]")
{
    std::mt19937_64 rng{7};
    std::string ref(300, 'A');
    for (auto & c : ref)
        c = "ACGT"[rng() & 3];
    std::string const ins = "TTGACCATGGTACCAGTTGA"; // 20 bp, not in the reference around 150
    auto codes = [](std::string const & s) {
        std::vector<std::uint8_t> v;
        for (char c : s)
            v.push_back(hmm_code(c));
        return v;
    };
    indel_observation e{0, 0, {}};
    // Tail clip at 150: the inserted bases, then the reference from 150.
    auto tail = codes(ins + ref.substr(150, 25));
    REQUIRE(call::detail::clip_event(tail.data(), tail.size(), true, 150, ref, 0, e));
    CHECK(e.anchor == 149);
    CHECK(e.length == 20);
    CHECK(e.inserted == ins);
    // Head clip of a read aligned from 150: the reference before 150, then the inserted bases.
    auto head = codes(ref.substr(130, 20) + ins);
    REQUIRE(call::detail::clip_event(head.data(), head.size(), false, 150, ref, 0, e));
    CHECK(e.anchor == 149);
    CHECK(e.length == 20);
    CHECK(e.inserted == ins);
    // Tail clip at 150 continuing at 162: a 12-bp deletion; head clip of a read aligned from 162 likewise.
    auto del_tail = codes(ref.substr(162, 20));
    REQUIRE(call::detail::clip_event(del_tail.data(), del_tail.size(), true, 150, ref, 0, e));
    CHECK((e.anchor == 149 && e.length == -12));
    auto del_head = codes(ref.substr(130, 20));
    REQUIRE(call::detail::clip_event(del_head.data(), del_head.size(), false, 162, ref, 0, e));
    CHECK((e.anchor == 149 && e.length == -12));
    // Too short, or matching nothing near: no event.
    auto short_clip = codes("ACGT");
    CHECK_FALSE(call::detail::clip_event(short_clip.data(), short_clip.size(), true, 150, ref, 0, e));
    auto poly = codes(std::string(25, 'N'));
    CHECK_FALSE(call::detail::clip_event(poly.data(), poly.size(), true, 150, ref, 0, e));
}

TEST_CASE("call: a 30-bp insertion the mapper shows only as soft clips is called", "[call]")
{
    synthetic s;
    s.ref[1499] = 'C'; // not the insertion's last base: the call stays at 1499 after left alignment
    std::string const ins = "GATTACAGATTACATTTGGCCAAGTCGTCA";
    std::string hap = s.ref;
    hap.insert(1500, ins);
    auto S = [](std::uint32_t n) { return bam::cigar_op(bam::cigar_code::S, n); };
    std::vector<bam::record> recs;
    int n = 0;
    for (std::int64_t start = 1300; start + 150 <= 1700; start += 4)
        for (int h = 0; h < 2; ++h, ++n)
        {
            std::string name = std::to_string(n);
            name.insert(0, 1, 'r');
            if (h == 1)
            {
                recs.push_back(make_read(name, start, {M(150)}, s.ref.substr(static_cast<std::size_t>(start), 150)));
                continue;
            }
            std::string seq = hap.substr(static_cast<std::size_t>(start), 150);
            std::int64_t const ins_end = 1500 + static_cast<std::int64_t>(ins.size());
            if (start + 150 <= 1500)
                recs.push_back(make_read(name, start, {M(150)}, seq));
            else if (start >= ins_end)
                recs.push_back(make_read(name, start - static_cast<std::int64_t>(ins.size()), {M(150)}, seq));
            else if (1500 - start >= 75) // mostly before the insertion: clipped tail
            {
                auto a = static_cast<std::uint32_t>(1500 - start);
                recs.push_back(make_read(name, start, {M(a), S(150 - a)}, seq));
            }
            else // clipped head, aligned from 1500
            {
                auto c = static_cast<std::uint32_t>(std::min<std::int64_t>(150, ins_end - start));
                if (c < 150)
                    recs.push_back(make_read(name, 1500, {S(c), M(150 - c)}, seq));
            }
        }
    std::stable_sort(recs.begin(), recs.end(), [](auto const & a, auto const & b) { return a.pos() < b.pos(); });
    auto reads = prepare_reads(recs, {});
    region_caller caller{calling_thresholds{}};
    auto calls = caller.call(reads, s.ref, 0, 1000, 2000, false);
    REQUIRE(calls.size() == 1);
    CHECK(calls[0].indel);
    CHECK(calls[0].pos == 1499);
    CHECK(calls[0].alt == std::vector<std::string>{s.ref.substr(1499, 1) + ins});
    CHECK((calls[0].gt1 == 0 && calls[0].gt2 == 1));
    CHECK_FALSE(calls[0].low_qual);
}

TEST_CASE("call: reads ending next to an insertion they carry unaligned give no SNP past the repeat", "[call]")
{
    // (CTGT)4 (CTAT)4 at [1300, 1332) and a hom 8-bp CTGT insertion at its start (chr20:7,287,789 in small): reads
    // that end a few bases past the CTGT tract, aligned without the insertion, are shifted by 8 bases there and
    // show G for A at 1318 (inside the near-indel span) and 1322 (outside it).
    synthetic s;
    s.ref.replace(1299, 33, "ACTGTCTGTCTGTCTGTCTATCTATCTATCTAT");
    std::string hap = s.ref;
    hap.insert(1300, "CTGTCTGT");
    auto I = [](std::uint32_t n) { return bam::cigar_op(bam::cigar_code::I, n); };
    std::vector<bam::record> recs;
    int n = 0;
    for (std::int64_t start = 1182; start <= 1290; start += 4, ++n) // spanning, gap in the CIGAR
    {
        auto a = static_cast<std::uint32_t>(1300 - start);
        recs.push_back(make_read(std::string{"s"}.append(std::to_string(n)), start, {M(a), I(8), M(142 - a)},
                                 hap.substr(static_cast<std::size_t>(start), 150)));
    }
    for (std::int64_t start = 1177; start < 1182; ++start, ++n) // ending at 1326, no gap: mismatches at 1318, 1322
        recs.push_back(make_read(std::string{"e"}.append(std::to_string(n)), start, {M(static_cast<std::uint32_t>(1326 - start))},
                                 hap.substr(static_cast<std::size_t>(start), static_cast<std::size_t>(1326 - start))));
    std::stable_sort(recs.begin(), recs.end(), [](auto const & a, auto const & b) { return a.pos() < b.pos(); });
    auto reads = prepare_reads(recs, {});
    auto snp_at = [](std::vector<called_record> const & calls, std::int64_t p) {
        for (auto const & c : calls)
            if (!c.indel && c.pos == p && !c.low_qual)
                return true;
        return false;
    };
    calling_thresholds off;
    off.read_end_margin = -1;
    auto const before = region_caller{off}.call(reads, s.ref, 0, 1000, 2000, false);
    CHECK(snp_at(before, 1322)); // the shifted reads' G passes without the read-end cap
    auto const calls = region_caller{calling_thresholds{}}.call(reads, s.ref, 0, 1000, 2000, false);
    CHECK_FALSE(snp_at(calls, 1318));
    CHECK_FALSE(snp_at(calls, 1322));
    bool insertion = false;
    for (auto const & c : calls)
        insertion |= c.indel && c.gt1 == 1 && c.gt2 == 1;
    CHECK(insertion);
}
