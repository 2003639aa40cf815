// Mapper MAPQ rules (bwa mem's model) on constructed cases: what each rule changes against the rule before it.
#include <cstdint>
#include <vector>

#include <catch2/catch.hpp>

#include <wgskit/map/detail/region.hpp>

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
