// Mapper: chaining, MD/NM, insert-size statistics and TLEN on small synthetic cases; single-end and paired
// mapping of reads cut from a random reference (positions, strands, FLAG bits, mate fields, CIGAR lengths,
// supplementary parts with SA).
#include <random>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <wgskit/fm/fmd_index.hpp>
#include <wgskit/map/bam_output.hpp>
#include <wgskit/map/mapper.hpp>

using namespace wgskit;

namespace
{
std::string random_dna(std::mt19937_64 & rng, std::size_t n)
{
    std::string s(n, 'A');
    for (auto & c : s)
        c = "ACGT"[rng() % 4];
    return s;
}

std::string revcomp(std::string s)
{
    std::reverse(s.begin(), s.end());
    for (auto & c : s)
        c = c == 'A' ? 'T' : c == 'C' ? 'G' : c == 'G' ? 'C' : c == 'T' ? 'A' : 'N';
    return s;
}

struct fixture
{
    std::string contig0, contig1;
    fm::fmd_index index;
    explicit fixture(std::uint64_t seed)
    {
        std::mt19937_64 rng{seed};
        contig0 = random_dna(rng, 30000);
        contig1 = random_dna(rng, 8000);
        std::vector<fm::reference_sequence> refs{{"c0", contig0}, {"c1", contig1}};
        index = fm::fmd_index::build(refs);
    }
};

void add(io::read_batch & b, std::string const & name, std::string const & seq)
{
    std::string const qual(seq.size(), 'I');
    b.push_back(io::fastq_record_view{name, "", seq, qual});
}
} // namespace

TEST_CASE("chaining joins colinear seeds and filters contained weak chains", "[map]")
{
    using map::detail::placed_seed;
    std::vector<placed_seed> seeds{
        {0, false, 1000, 0, 30},  {0, false, 1040, 40, 25}, // one chain (same diagonal)
        {0, false, 1082, 80, 20},                           // diagonal shift 2: same chain
        {0, false, 5000, 10, 20},                           // elsewhere, weak: dropped
        {0, true, 1000, 0, 40},                             // other strand: own chain, strong enough to stay
    };
    map::detail::chain_options opt;
    auto chains = map::detail::build_chains(seeds, opt);
    REQUIRE(chains.size() == 3);
    map::detail::filter_chains(chains, opt);
    REQUIRE(chains.size() == 2);
    CHECK(chains[0].seeds.size() == 3);
    CHECK(chains[0].weight == 75);
    CHECK(chains[0].query_begin == 0);
    CHECK(chains[0].query_end == 100);
    CHECK(chains[1].reverse);
}

TEST_CASE("MD and NM of mismatches, insertions and deletions", "[map]")
{
    std::uint32_t nm = 0;
    std::string md;
    // read ACGTTACGA vs ref ACCTTAGGCGA: M3 (1 mismatch) I0 ... build: 3M 1I 2M 2D 3M
    align::cigar const path{{3, 'M'}, {1, 'I'}, {2, 'M'}, {2, 'D'}, {3, 'M'}};
    std::string const read = "ACGATTCGA";
    std::string const ref = "ACCTTGGCGA";
    map::detail::edit_tags(path, read, 0, ref, nm, md);
    CHECK(nm == 1 + 1 + 2);
    CHECK(md == "2C2^GG3");
    map::detail::edit_tags({{4, 'M'}}, "NACG", 0, "AACG", nm, md);
    CHECK(nm == 1);
    CHECK(md == "0A3");
}

TEST_CASE("insert-size statistics, FR inserts and TLEN", "[map]")
{
    std::vector<std::int64_t> v;
    for (int i = 0; i < 200; ++i)
        v.push_back(400 + (i % 21) - 10);
    v.push_back(100000); // outlier
    auto const s = map::detail::estimate_insert_size(v);
    REQUIRE(s.valid);
    CHECK(s.mean == Approx(400).margin(1));
    CHECK(s.sd < 10);
    CHECK(s.low < 390);
    CHECK(s.high > 410);
    CHECK(s.high < 1000);
    CHECK_FALSE(map::detail::estimate_insert_size({400, 410}).valid);
    CHECK(map::detail::fr_insert(false, 100, 250, true, 350, 500) == 400);
    CHECK(map::detail::fr_insert(true, 350, 500, false, 100, 250) == 400);
    CHECK(map::detail::fr_insert(false, 100, 250, false, 350, 500) == -1);
    CHECK(map::detail::fr_insert(true, 100, 250, false, 350, 500) == -1); // facing away
    CHECK(map::detail::template_length(100, 250, 350, 500, true) == 400);
    CHECK(map::detail::template_length(350, 500, 100, 250, false) == -400);
    CHECK(map::detail::template_length(100, 250, 100, 250, true) == 150);
    CHECK(map::detail::template_length(100, 250, 100, 250, false) == -150);
}

TEST_CASE("single-end reads map to their origin with exact CIGARs, NM and MD", "[map]")
{
    fixture const f{7};
    map::mapper const m{f.index, {}};
    map::workspace ws;
    io::read_batch reads;
    std::string r0 = f.contig0.substr(1000, 150);
    r0[70] = r0[70] == 'A' ? 'C' : 'A';                                  // one mismatch
    std::string r1 = revcomp(f.contig0.substr(5000, 60) + f.contig0.substr(5063, 90)); // 3-base deletion
    std::string r2 = f.contig1.substr(200, 75) + "TTT" + f.contig1.substr(275, 72);   // 3-base insertion
    std::mt19937_64 rng{3};
    std::string const junk = random_dna(rng, 150);
    add(reads, "r0", r0);
    add(reads, "r1", r1);
    add(reads, "r2", r2);
    add(reads, "junk", junk);
    std::vector<map::alignment> out;
    m.map_single(reads, out, ws);
    REQUIRE(out.size() == 4);
    CHECK(out[0].contig == 0);
    CHECK(out[0].pos == 1000);
    CHECK(align::to_string(out[0].cigar) == "150M");
    CHECK(out[0].nm == 1);
    CHECK(out[0].md == "70" + std::string{f.contig0[1070]} + "79");
    CHECK(out[0].mapq == 60);
    CHECK(out[1].pos == 5000);
    CHECK(out[1].flag == map::flag::reverse);
    CHECK(align::to_string(out[1].cigar) == "60M3D90M");
    CHECK(out[1].nm == 3);
    CHECK(out[2].contig == 1);
    CHECK(out[2].nm == 3);
    CHECK(map::detail::query_length(out[2].cigar) == 150);
    CHECK(out[3].flag == map::flag::unmapped);
    CHECK(out[3].contig == -1);
    for (auto const & a : out)
        if (!a.cigar.empty())
            CHECK(map::detail::query_length(a.cigar) == a.seq.size());
}

TEST_CASE("a chimeric read gets a supplementary record and SA tags", "[map]")
{
    fixture const f{9};
    map::mapper const m{f.index, {}};
    map::workspace ws;
    io::read_batch reads;
    add(reads, "chim", f.contig0.substr(2000, 80) + f.contig0.substr(20000, 70));
    std::vector<map::alignment> out;
    m.map_single(reads, out, ws);
    REQUIRE(out.size() == 2);
    CHECK(out[0].pos == 2000);
    CHECK(align::to_string(out[0].cigar) == "80M70S");
    CHECK(out[1].flag == map::flag::supplementary);
    CHECK(out[1].pos == 20000);
    CHECK(align::to_string(out[1].cigar) == "80S70M");
    CHECK(out[0].sa == "c0,20001,+,80S70M," + std::to_string(out[1].mapq) + ",0;");
    CHECK(out[1].sa.rfind("c0,2001,+,80M70S,", 0) == 0);
}

TEST_CASE("pairs: proper FR pairs, flags, mate fields, TLEN, rescue and unmapped mates", "[map]")
{
    fixture const f{11};
    map::mapper const m{f.index, {}};
    map::workspace ws;
    io::read_batch a, b;
    std::mt19937_64 rng{5};
    std::vector<std::uint64_t> starts;
    for (int i = 0; i < 60; ++i) // enough pairs to estimate the insert size
    {
        std::uint64_t const s = 100 + rng() % 29000;
        std::uint64_t const ins = 380 + rng() % 41;
        if (s + ins > f.contig0.size())
        {
            --i;
            continue;
        }
        starts.push_back(s);
        std::string const name = "p" + std::to_string(i);
        std::string m1 = f.contig0.substr(s, 150), m2 = revcomp(f.contig0.substr(s + ins - 150, 150));
        if (i % 2 == 1)
            std::swap(m1, m2); // mate 1 on the reverse strand
        if (i == 7)
            m2 = m2.substr(0, 40) + random_dna(rng, 110); // only rescue finds (part of) it
        add(a, name + "/1", m1);
        add(b, name + "/2", i == 9 ? random_dna(rng, 150) : m2);
    }
    std::vector<map::alignment> out;
    m.map_paired(a, b, out, ws);
    REQUIRE(ws.insert_stats.valid);
    CHECK(ws.insert_stats.mean == Approx(400).margin(15));
    std::size_t k = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
    {
        INFO("pair " << i);
        REQUIRE(k + 1 < out.size());
        auto const & r1 = out[k];
        auto const & r2 = out[k + 1];
        k += 2;
        CHECK(r1.qname == "p" + std::to_string(i));
        CHECK(r2.qname == r1.qname);
        CHECK((r1.flag & (map::flag::paired | map::flag::first)) == (map::flag::paired | map::flag::first));
        CHECK((r2.flag & (map::flag::paired | map::flag::second)) == (map::flag::paired | map::flag::second));
        if (i == 9)
        {
            CHECK((r2.flag & map::flag::unmapped));
            CHECK((r1.flag & map::flag::mate_unmapped));
            CHECK_FALSE((r1.flag & map::flag::proper_pair));
            CHECK(r2.pos == r1.pos);
            CHECK(r2.contig == r1.contig);
            CHECK(r1.mate_pos == r1.pos);
            CHECK(r1.tlen == 0);
            continue;
        }
        CHECK((r1.flag & map::flag::proper_pair));
        CHECK((r2.flag & map::flag::proper_pair));
        bool const r1_rev = i % 2 == 1;
        CHECK(bool(r1.flag & map::flag::reverse) == r1_rev);
        CHECK(bool(r2.flag & map::flag::reverse) == !r1_rev);
        CHECK(bool(r1.flag & map::flag::mate_reverse) == !r1_rev);
        CHECK(static_cast<std::uint64_t>(r1_rev ? r2.pos : r1.pos) == starts[i]);
        CHECK(r1.mate_pos == r2.pos);
        CHECK(r2.mate_pos == r1.pos);
        CHECK(r1.tlen == -r2.tlen);
        CHECK((r1_rev ? r2.tlen : r1.tlen) > 0);
        CHECK(map::detail::query_length(r1.cigar) == 150);
        CHECK(map::detail::query_length(r2.cigar) == 150);
        CHECK(r1.mc == align::to_string(r2.cigar)); // MC: the mate's CIGAR
        CHECK(r2.mc == align::to_string(r1.cigar));
    }
    CHECK(k == out.size());
    auto const rec = map::to_record(out[0]); // the tag reaches the BAM/SAM record
    REQUIRE(rec.tag_string("MC"));
    CHECK(*rec.tag_string("MC") == out[0].mc);
}

TEST_CASE("XA lists the competing placements of a read (bwa format), none for a unique read", "[map]")
{
    // c0 holds a 300-base segment at 1000 and a copy with one substitution at 12000, reverse complemented.
    std::mt19937_64 rng{21};
    std::string c0 = random_dna(rng, 20000);
    std::string const seg = c0.substr(1000, 300);
    std::string copy = seg;
    copy[190] = copy[190] == 'A' ? 'C' : 'A';
    c0.replace(12000, 300, revcomp(copy));
    std::vector<fm::reference_sequence> refs{{"c0", c0}};
    auto const index = fm::fmd_index::build(refs);
    map::mapper const m{index, {}};
    map::workspace ws;
    io::read_batch reads;
    add(reads, "dup", seg.substr(50, 150)); // the copy differs at read base 140: exact only at 1050
    add(reads, "uniq", c0.substr(5000, 150));
    std::vector<map::alignment> out;
    m.map_single(reads, out, ws);
    REQUIRE(out.size() == 2);
    CHECK(out[0].pos == 1050);
    // The copy: one mismatch, on the reverse strand at 12000 + 300 - 200 = 12100 (1-based 12101).
    CHECK(out[0].xa.rfind("c0,-12101,", 0) == 0);
    CHECK(out[0].xa.back() == ';');
    CHECK(out[0].xs > 0);
    CHECK(out[1].xa.empty());
    auto const rec = map::to_record(out[0]);
    REQUIRE(rec.tag_string("XA"));
    CHECK(rec.tag_string("XA")->rfind("c0,-12101,", 0) == 0);
}

TEST_CASE("seeds inside a longer seed occurring as often take their hits from it", "[map]")
{
    using fm::smem;
    std::vector<smem> seeds{{0, 150, {10, 20, 1}}, {0, 40, {11, 21, 1}}, {30, 60, {12, 22, 3}}, {100, 130, {13, 23, 1}}};
    std::vector<std::int32_t> src;
    map::detail::seed_sources(seeds, 500, src);
    CHECK(src == std::vector<std::int32_t>{-1, 0, -1, 0});
    map::detail::seed_sources(seeds, 0, src); // nothing located in full: nothing derived
    CHECK(src == std::vector<std::int32_t>{-1, -1, -1, -1});
    CHECK(map::detail::inner_hit({0, 1000, false}, 0, 150, 100, 130).pos == 1100);
    CHECK(map::detail::inner_hit({0, 1000, true}, 0, 150, 100, 130).pos == 1020);
}
