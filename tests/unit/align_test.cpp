// Public API of wgskit::align: the scalar references (scores against SeqAn3 and hand-computed answers),
// traceback consistency (CIGAR spans and rescoring), tie-breaking rules, validation.
#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

#include <seqan3/alignment/configuration/all.hpp>
#include <seqan3/alignment/pairwise/align_pairwise.hpp>
#include <seqan3/alignment/scoring/nucleotide_scoring_scheme.hpp>
#include <seqan3/alphabet/nucleotide/dna4.hpp>

#include <wgskit/align/all.hpp>

#include "../support/align_pairs.hpp"

namespace
{
using namespace wgskit;
using namespace wgskit::align;

alignment_config make(alignment_mode m)
{
    alignment_config c;
    c.mode = m;
    return c;
}

std::vector<seqan3::dna4> to_dna4(std::vector<std::uint8_t> const & s)
{
    std::vector<seqan3::dna4> v(s.size());
    for (std::size_t i = 0; i < s.size(); ++i)
        v[i].assign_rank(s[i] & 3);
    return v;
}

void check_consistent(std::vector<std::uint8_t> const & q, std::vector<std::uint8_t> const & t,
                      alignment_config const & c)
{
    alignment_result const r = align::align(q, t, c);
    auto const o = detail::score_scalar(q.data(), static_cast<std::uint32_t>(q.size()), t.data(),
                                        static_cast<std::uint32_t>(t.size()), c);
    INFO("mode " << int(c.mode) << " band " << c.band << " q " << q.size() << " t " << t.size() << " cigar "
                 << to_string(r.path) << " score " << r.score);
    REQUIRE(r.score == o.score);
    if (r.score == unreachable_score)
        return;
    CHECK(consistent(r, q, t, c));
    if (c.mode == alignment_mode::global)
        CHECK((r.query_begin == 0 && r.target_begin == 0 && r.query_end == q.size() && r.target_end == t.size()));
    if (c.mode == alignment_mode::extension)
        CHECK((r.query_begin == 0 && r.target_begin == 0));
}
} // namespace

TEST_CASE("encode maps ASCII to codes", "[align]")
{
    CHECK(encode("ACGTacgtNnRU-") == std::vector<std::uint8_t>{0, 1, 2, 3, 0, 1, 2, 3, 4, 4, 4, 3, 4});
    CHECK(encode("").empty());
}

TEST_CASE("hand-computed scores and CIGARs", "[align]")
{
    alignment_config c = make(alignment_mode::global);
    c.scoring = scoring_scheme::simple(2, -3, 5, 2);
    auto r = align::align(encode("ACGTACGT"), encode("ACGTACGT"), c);
    CHECK(r.score == 16);
    CHECK(to_string(r.path) == "8M");
    r = align::align(encode("ACGTTACGT"), encode("ACGTACGT"), c); // one inserted T: 16 - 7
    CHECK(r.score == 9);
    CHECK(to_string(r.path) == "3M1I5M"); // diagonal preferred first walking back: the gap sits leftmost
    c.extended_cigar = true;
    r = align::align(encode("ACGAACGT"), encode("ACGTACGT"), c);
    CHECK(r.score == 14 - 3);
    CHECK(to_string(r.path) == "3=1X4=");

    c = make(alignment_mode::local);
    r = align::align(encode("TTTTACGTACGTTTTT"), encode("GGACGTACGGG"), c);
    CHECK(r.score == 14);
    CHECK((r.query_begin == 4 && r.query_end == 11 && r.target_begin == 2 && r.target_end == 9));
    CHECK(to_string(r.path) == "7M");
    r = align::align(encode("AAAA"), encode("CCCC"), c); // nothing scores: the empty alignment
    CHECK((r.score == 0 && r.path.empty() && r.query_end == 0));

    c = make(alignment_mode::global);
    r = align::align(encode(""), encode("ACG"), c);
    CHECK((r.score == -(5 + 3 * 2) && to_string(r.path) == "3D"));
    r = align::align(encode(""), encode(""), c);
    CHECK((r.score == 0 && r.path.empty()));
    c.band = 1;
    r = align::align(encode("A"), encode("ACG"), c); // the end cell (1, 3) is outside the band
    CHECK(r.score == unreachable_score);

    c = make(alignment_mode::semi_global);
    c.free_ends = {false, false, true, true};
    r = align::align(encode("ACGTACGT"), encode("TTTTACGTACGTTTT"), c);
    CHECK((r.score == 16 && r.target_begin == 4 && r.target_end == 12 && to_string(r.path) == "8M"));

    c = make(alignment_mode::extension);
    c.initial_score = 10;
    r = align::align(encode("ACGTACGTTTTTTTTT"), encode("ACGTACGTGGGGGGGG"), c);
    CHECK((r.score == 26 && r.query_end == 8 && r.target_end == 8 && !r.to_query_end));
    c.end_bonus = 100;
    r = align::align(encode("ACGTACGTTTTTTTTT"), encode("ACGTACGTGGGGGGGG"), c);
    CHECK((r.to_query_end && r.query_end == 16 && r.end_to_end_score == 26 - (5 + 8 * 2) && r.target_end == 8));
    CHECK(consistent(r, encode("ACGTACGTTTTTTTTT"), encode("ACGTACGTGGGGGGGG"), c));
    c.end_bonus = 0;
    c.zdrop = 5;
    r = align::align(encode("ACGTACGTTTTTTTTT"), encode("ACGTACGTGGGGGGGG"), c);
    CHECK((r.zdropped && r.score == 26 && r.end_to_end_score == unreachable_score));
}

TEST_CASE("local and global scores equal SeqAn3's", "[align]")
{
    std::mt19937_64 rng{99};
    std::string const ref = test_support::read_fasta_sequence(test_support::chr22_path());
    auto pairs = test_support::real_pairs(ref, 20, 150, 150, 5);
    for (int k = 0; k < 20; ++k)
        pairs.push_back({test_support::random_codes(rng, 1 + rng() % 80), test_support::random_codes(rng, 1 + rng() % 80)});
    auto const scheme = seqan3::align_cfg::scoring_scheme{
                            seqan3::nucleotide_scoring_scheme{seqan3::match_score{2}, seqan3::mismatch_score{-3}}} |
                        seqan3::align_cfg::gap_cost_affine{seqan3::align_cfg::open_score{-5},
                                                           seqan3::align_cfg::extension_score{-2}} |
                        seqan3::align_cfg::output_score{};
    for (auto const & p : pairs)
    {
        auto const q = to_dna4(p.query), t = to_dna4(p.target);
        for (auto && res : seqan3::align_pairwise(std::tie(q, t), seqan3::align_cfg::method_local{} | scheme))
            CHECK(align::align(p.query, p.target, make(alignment_mode::local)).score == res.score());
        for (auto && res : seqan3::align_pairwise(std::tie(q, t), seqan3::align_cfg::method_global{} | scheme))
            CHECK(align::align(p.query, p.target, make(alignment_mode::global)).score == res.score());
    }
}

TEST_CASE("traceback: CIGAR spans and rescoring match the score in every mode", "[align]")
{
    std::uint64_t const seed = GENERATE(take(3, random(std::uint64_t{1}, std::uint64_t{1} << 40)));
    INFO("seed " << seed);
    std::mt19937_64 rng{seed};
    std::vector<alignment_config> cs;
    for (auto m : {alignment_mode::local, alignment_mode::global, alignment_mode::semi_global, alignment_mode::extension})
        for (int band : {-1, 3, 12})
        {
            alignment_config c = make(m);
            c.band = band;
            c.extended_cigar = band == 3;
            if (m == alignment_mode::semi_global)
                c.free_ends = {bool(rng() & 1), bool(rng() & 1), bool(rng() & 1), bool(rng() & 1)};
            if (m == alignment_mode::extension)
            {
                c.initial_score = static_cast<int>(rng() % 30);
                c.zdrop = band == 12 ? 20 : -1;
                c.end_bonus = static_cast<int>(rng() % 10);
            }
            if (band == 12)
                c.scoring = scoring_scheme::simple(1, -4, 6, 1, -2);
            cs.push_back(c);
        }
    for (int k = 0; k < 40; ++k)
    {
        auto t = test_support::random_codes(rng, rng() % 70, 0.02);
        auto q = k % 2 ? test_support::mutate(t, rng, 0.05, 0.05) : test_support::random_codes(rng, rng() % 70);
        for (auto const & c : cs)
            check_consistent(q, t, c);
    }
}

TEST_CASE("alignment validates its input", "[align]")
{
    alignment_config c;
    std::vector<std::uint8_t> q{0, 1, 7};
    CHECK_THROWS_AS(align::align(q, q, c), wgskit::invalid_argument);
    c.scoring.gap_extend = 0;
    CHECK_THROWS_AS(align::align(encode("A"), encode("A"), c), wgskit::invalid_argument);
    c = {};
    c.scoring.matrix[4][0] = 3; // N must be one score
    CHECK_THROWS_AS(align::align(encode("A"), encode("A"), c), wgskit::invalid_argument);
    c = make(alignment_mode::extension);
    c.initial_score = -1;
    CHECK_THROWS_AS(align::align(encode("A"), encode("A"), c), wgskit::invalid_argument);
}
