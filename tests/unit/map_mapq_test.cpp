// Mapper MAPQ rules (bwa mem's model) on constructed cases: what each rule changes against the rule before it.
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <wgskit/fm/fmd_index.hpp>
#include <wgskit/map/mapper.hpp>

using namespace wgskit;

TEST_CASE("pair MAPQ counts the pairings within a mismatch of the runner-up, not of the best", "[map]")
{
    int const near = 7; // max(match + mismatch, gap open + extend) with bwa's scores
    // Best pairing 10 points ahead of three near-equal runners-up (a segmental duplication): all three compete.
    std::vector<std::int64_t> const crowd{290, 300, 288, 290, 270};
    CHECK(map::detail::competing_pairings(crowd, near) == 3);
    int const q = map::detail::pair_quality(300 - 290, map::detail::competing_pairings(crowd, near), 0, 0, 1);
    CHECK(q == 60 - 6); // 6.02 * 10 less 4.343 ln 4; counting near the best (none) would give 60
    // A single runner-up: nothing more to count.
    CHECK(map::detail::competing_pairings({300, 290, 250}, near) == 1);
    CHECK(map::detail::competing_pairings({300}, near) == 0);
    CHECK(map::detail::competing_pairings({}, near) == 0);
    // A tie with the best: the runner-up is the best's score, as in bwa.
    CHECK(map::detail::competing_pairings({300, 300, 294, 292}, near) == 2);
}

TEST_CASE("a mate placed by pairing where a better copy exists reports that copy's score as XS, with MAPQ from "
          "the pair",
          "[map]")
{
    std::mt19937_64 rng{31};
    auto dna = [&](std::size_t n) {
        std::string x(n, 'A');
        for (auto & c : x)
            c = "ACGT"[rng() % 4];
        return x;
    };
    auto revcomp = [](std::string x) {
        std::reverse(x.begin(), x.end());
        for (auto & c : x)
            c = c == 'A' ? 'T' : c == 'C' ? 'G' : c == 'G' ? 'C' : 'A';
        return x;
    };
    // Pair 0's mate 1 is the segment at 1000 of the genome it came from; the reference has an exact copy of it at
    // 20000 and one substitution at 1000 + 75 (mate 1 aligns there with 145, at the copy with 150). Mate 2 lies
    // 400 bases downstream of 1000 only, so the pair is placed at 1000.
    std::string ref = dna(30000);
    std::string const mate1 = ref.substr(1000, 150);
    ref.replace(20000, 150, mate1);
    ref[1075] = ref[1075] == 'A' ? 'C' : 'A';
    std::vector<fm::reference_sequence> refs{{"c0", ref}};
    auto const index = fm::fmd_index::build(refs);
    map::mapper const m{index, {}};
    map::workspace ws;
    io::read_batch a, b;
    auto add = [](io::read_batch & batch, std::string const & name, std::string const & seq) {
        std::string const qual(seq.size(), 'I');
        batch.push_back(io::fastq_record_view{name, "", seq, qual});
    };
    add(a, "dup/1", mate1);
    add(b, "dup/2", revcomp(ref.substr(1000 + 400 - 150, 150)));
    for (int i = 1; i < 60; ++i) // other pairs, for the insert-size distribution
    {
        std::uint64_t const s = 2000 + rng() % 17000;
        std::uint64_t const ins = 380 + rng() % 41;
        std::string name = "p"; // appended, not "p" + to_string(i): GCC 12 warns falsely (-Wrestrict) on that
        name += std::to_string(i);
        add(a, name + "/1", ref.substr(s, 150));
        add(b, name + "/2", revcomp(ref.substr(s + ins - 150, 150)));
    }
    std::vector<map::alignment> out;
    m.map_paired(a, b, out, ws);
    REQUIRE(ws.insert_stats.valid);
    REQUIRE(out.size() >= 2);
    auto const & r1 = out[0];
    CHECK((r1.flag & map::flag::proper_pair));
    CHECK(r1.pos == 1000);
    CHECK(r1.as == 145);
    CHECK(r1.xs == 150); // the exact copy at 20000 (was: no XS)
    // Its own MAPQ is 0 (a better placement exists); the pair lifts it by at most 40.
    CHECK(r1.mapq <= 40);
    CHECK(out[1].pos == 1250);
}
