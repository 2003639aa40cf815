// Differential test of the inter-pair alignment kernel: every architecture this CPU supports against the 32-bit
// scalar reference, per lane (score, ends, end-to-end score, z-drop flag), on random pairs, pairs cut from
// chr22 with realistic edits, and edge cases; then the batch_aligner (8-bit pass, 16-bit fallback, scalar
// fallback) on whole batches.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <wgskit/align/batch.hpp>
#include <wgskit/align/pairwise.hpp>
#include <wgskit/align/detail/inter_pair_kernel.hpp>

#include "../support/align_pairs.hpp"

namespace
{
using namespace wgskit;
using namespace wgskit::align;
using align::detail::inter_pair_kernel;
using test_support::code_pair;

std::vector<alignment_config> configs()
{
    std::vector<alignment_config> v;
    alignment_config c;
    c.mode = alignment_mode::local;
    v.push_back(c);
    c.scoring = scoring_scheme::simple(1, -4, 6, 1, -1); // bwa defaults, N != mismatch
    v.push_back(c);
    c.band = 7;
    v.push_back(c);
    c = {};
    c.mode = alignment_mode::global;
    v.push_back(c);
    c.band = 5;
    v.push_back(c);
    c = {};
    c.mode = alignment_mode::semi_global;
    c.free_ends = {false, false, true, true};
    v.push_back(c);
    c.free_ends = {true, true, false, false};
    c.scoring = scoring_scheme::simple(1, -4, 6, 1, -1);
    v.push_back(c);
    c.free_ends = {true, false, false, true};
    c.band = 9;
    v.push_back(c);
    c = {};
    c.mode = alignment_mode::extension;
    c.initial_score = 20;
    v.push_back(c);
    c.zdrop = 30;
    c.scoring = scoring_scheme::simple(1, -4, 6, 1, -1);
    v.push_back(c);
    c.band = 10;
    v.push_back(c);
    c.zdrop = 5;
    c.band = -1;
    v.push_back(c);
    return v;
}

char const * mode_name(alignment_mode m)
{
    switch (m)
    {
        case alignment_mode::local: return "local";
        case alignment_mode::global: return "global";
        case alignment_mode::semi_global: return "semi_global";
        case alignment_mode::extension: return "extension";
    }
    return "?";
}

// Runs the kernel of every architecture on the pairs, in groups of its lane count, and compares every lane
// that did not overflow with the reference; overflowing lanes must really exceed the narrow type.
void check_kernel(std::vector<code_pair> const & pairs, alignment_config const & c, int only_bits = 0,
                  bool best_only = false)
{
    std::vector<detail::lane_score> ref(pairs.size());
    for (std::size_t k = 0; k < pairs.size(); ++k)
        ref[k] = detail::to_lane_score(detail::score_scalar(pairs[k].query.data(),
                                                            static_cast<std::uint32_t>(pairs[k].query.size()),
                                                            pairs[k].target.data(),
                                                            static_cast<std::uint32_t>(pairs[k].target.size()), c),
                                       c.mode);
    for (simd::isa arch : simd::available_isas())
        for (int bits : {8, 16})
        {
            if (best_only && arch != simd::best_isa())
                continue;
            if ((bits == 8 && c.mode != alignment_mode::local) || (only_bits != 0 && bits != only_bits))
                continue;
            simd::dispatch_to<inter_pair_kernel>(arch, [&](auto kernel) {
                std::size_t const lanes = kernel.lanes(bits);
                for (std::size_t g = 0; g < pairs.size(); g += lanes)
                {
                    std::size_t const count = std::min(lanes, pairs.size() - g);
                    std::vector<detail::lane_pair> lp;
                    std::size_t mm = 0, mn = 0;
                    bool eligible = true;
                    for (std::size_t l = 0; l < count; ++l)
                    {
                        auto const & p = pairs[g + l];
                        lp.push_back({p.query.data(), static_cast<std::uint32_t>(p.query.size()), p.target.data(),
                                      static_cast<std::uint32_t>(p.target.size())});
                        mm = std::max(mm, p.query.size());
                        mn = std::max(mn, p.target.size());
                        eligible = eligible && !p.query.empty() && !p.target.empty() &&
                                   (c.mode == alignment_mode::local ||
                                    (c.band < 0 && c.mode != alignment_mode::extension) ||
                                    detail::fits_16bit(c, static_cast<std::uint32_t>(p.query.size()),
                                                       static_cast<std::uint32_t>(p.target.size())));
                    }
                    if (!eligible)
                        continue;
                    std::vector<std::uint64_t> ws(kernel.workspace_bytes(bits, mm, mn) / 8 + 16);
                    void * aligned = reinterpret_cast<void *>((reinterpret_cast<std::uintptr_t>(ws.data()) + 63) & ~std::uintptr_t{63});
                    std::vector<detail::lane_score> out(count);
                    kernel.score(lp.data(), count, c, bits, aligned, out.data());
                    for (std::size_t l = 0; l < count; ++l)
                    {
                        INFO("arch " << simd::isa_name(arch) << ", bits " << bits << ", mode " << mode_name(c.mode)
                                     << ", band " << c.band << ", zdrop " << c.zdrop << ", pair " << g + l << " ("
                                     << pairs[g + l].query.size() << " x " << pairs[g + l].target.size() << ")");
                        if (out[l].overflow)
                        {
                            if (c.mode == alignment_mode::local)
                                CHECK(ref[g + l].result.score >= (bits == 8 ? 127 : 32767));
                            continue;
                        }
                        CHECK(out[l] == ref[g + l]);
                    }
                }
            });
        }
}

void check_batch(std::vector<code_pair> const & pairs, alignment_config const & c)
{
    std::vector<sequence_pair> sp;
    for (auto const & p : pairs)
        sp.push_back({p.query, p.target});
    std::vector<batch_score> ref;
    {
        simd::scoped_isa force{simd::isa::scalar};
        ref = batch_aligner{c}.score(sp);
    }
    for (std::size_t k = 0; k < pairs.size(); ++k) // the scalar path is the reference itself
    {
        auto const o = detail::score_scalar(pairs[k].query.data(), static_cast<std::uint32_t>(pairs[k].query.size()),
                                            pairs[k].target.data(), static_cast<std::uint32_t>(pairs[k].target.size()), c);
        REQUIRE(ref[k].score == o.score);
    }
    for (simd::isa arch : simd::available_isas())
        for (auto policy : {eight_bit_policy::when_bounded, eight_bit_policy::try_first, eight_bit_policy::never})
        {
            INFO("arch " << simd::isa_name(arch) << ", mode " << mode_name(c.mode) << ", policy " << int(policy));
            simd::scoped_isa force{arch};
            batch_aligner aligner{c, policy};
            auto const & got = aligner.score(sp);
            for (std::size_t k = 0; k < sp.size(); ++k)
            {
                INFO("pair " << k << ": " << got[k].score << " vs reference " << ref[k].score);
                CHECK(got[k] == ref[k]);
            }
        }
}

std::vector<code_pair> random_pairs(std::mt19937_64 & rng, std::size_t count, std::size_t max_len, double n_rate)
{
    std::vector<code_pair> v;
    std::uniform_int_distribution<std::size_t> len(1, max_len);
    std::uniform_int_distribution<int> kind(0, 2);
    for (std::size_t k = 0; k < count; ++k)
    {
        code_pair p;
        p.target = test_support::random_codes(rng, len(rng), n_rate);
        if (kind(rng) == 0)
            p.query = test_support::random_codes(rng, len(rng), n_rate);
        else // related: an edited copy of a piece of the target
        {
            p.query = test_support::mutate(p.target, rng, 0.05, 0.03);
            if (p.query.empty())
                p.query.push_back(0);
        }
        v.push_back(std::move(p));
    }
    return v;
}
} // namespace

TEST_CASE("inter-pair kernel agrees with the reference on random pairs", "[kernel][align]")
{
    std::uint64_t const seed = GENERATE(take(3, random(std::uint64_t{1}, std::uint64_t{1} << 40)));
    INFO("seed " << seed);
    std::mt19937_64 rng{seed};
    for (auto const & c : configs())
        for (double n_rate : {0.0, 0.02}) // with and without N: every run checks the kernel's N test
            check_kernel(random_pairs(rng, 70, 60, n_rate), c);
}

TEST_CASE("inter-pair kernel agrees with the reference on chr22 pairs with edits", "[kernel][align]")
{
    std::string const ref = test_support::read_fasta_sequence(test_support::chr22_path());
    REQUIRE(ref.size() > 10000);
    auto const p150 = test_support::real_pairs(ref, 40, 150, 150, 7);
    auto const p250 = test_support::real_pairs(ref, 40, 150, 250, 8);
    for (auto const & c : configs())
    {
        check_kernel(p150, c);
        check_kernel(p250, c);
    }
}

TEST_CASE("inter-pair kernel edge cases", "[kernel][align]")
{
    std::mt19937_64 rng{42};
    std::vector<code_pair> edge;
    edge.push_back({{0}, {0}});
    edge.push_back({{0}, {3}});
    edge.push_back({{4}, {4}});
    edge.push_back({std::vector<std::uint8_t>(50, 4), std::vector<std::uint8_t>(60, 4)}); // all N
    edge.push_back({std::vector<std::uint8_t>(300, 2), std::vector<std::uint8_t>(300, 2)}); // saturates 8 bits
    edge.push_back({test_support::random_codes(rng, 1), test_support::random_codes(rng, 200)});
    edge.push_back({test_support::random_codes(rng, 200), test_support::random_codes(rng, 1)});
    for (std::size_t k = 0; k < 70; ++k) // lane counts +-1 for every width
        edge.push_back({test_support::random_codes(rng, 1 + k % 5), test_support::random_codes(rng, 1 + k % 7)});
    for (auto const & c : configs())
        check_kernel(edge, c);

    // 16-bit local saturation: 300 identical bases at match 127 score 38100 and overflow to the scalar path;
    // 250 (31750) just fit.
    std::vector<code_pair> big{{std::vector<std::uint8_t>(300, 1), std::vector<std::uint8_t>(300, 1)},
                               {std::vector<std::uint8_t>(250, 1), std::vector<std::uint8_t>(250, 1)}};
    alignment_config c;
    c.scoring = scoring_scheme::simple(127, -3, 5, 2);
    check_kernel(big, c);
    check_batch(big, c);
}

TEST_CASE("inter-pair kernel on long pairs, score only", "[kernel][align]")
{
    std::string const ref = test_support::read_fasta_sequence(test_support::chr22_path());
    auto const p1k = test_support::real_pairs(ref, 3, 1000, 1000, 11);
    auto const p3k = test_support::real_pairs(ref, 1, 2100, 2100, 13);
    auto const p10k = test_support::real_pairs(ref, 1, 10000, 10000, 12);
    alignment_config c;
    check_kernel(p1k, c);
    check_kernel(p10k, c, 16, true); // local 10 kb x 10 kb fits 16 bits (1e8 cells: best architecture only)
    c.mode = alignment_mode::global;
    check_kernel(p1k, c);
    REQUIRE(!detail::fits_16bit(c, 2100, 2100));
    check_batch(p3k, c); // global 2.1 kb is beyond the 16-bit bound: 16 bits with saturation detection
    // Random pairs of very different lengths fall below -32768 in 16 bits (detected: scalar fallback) or stay
    // above it; either way the scores are the reference's. Best architecture only: these are 2e7 cells each.
    std::mt19937_64 rng{5};
    std::vector<code_pair> drift{{test_support::random_codes(rng, 20000), test_support::random_codes(rng, 1000)},
                                 {test_support::random_codes(rng, 1000), test_support::random_codes(rng, 12000)}};
    std::vector<sequence_pair> drift_spans{{drift[0].query, drift[0].target}, {drift[1].query, drift[1].target}};
    for (auto mode : {alignment_mode::global, alignment_mode::semi_global})
    {
        alignment_config d = c;
        d.mode = mode;
        d.free_ends = {true, false, false, true};
        batch_aligner aligner{d};
        simd::scoped_isa force{simd::best_isa()};
        auto const & got = aligner.score(drift_spans);
        for (std::size_t k = 0; k < drift.size(); ++k)
            CHECK(got[k].score == detail::score_scalar(drift[k].query.data(),
                                                       static_cast<std::uint32_t>(drift[k].query.size()),
                                                       drift[k].target.data(),
                                                       static_cast<std::uint32_t>(drift[k].target.size()), d)
                                      .score);
    }
    c.mode = alignment_mode::extension;
    c.zdrop = 100;
    check_kernel(p1k, c);
}

TEST_CASE("batch_aligner: every policy and architecture gives the reference scores", "[kernel][align]")
{
    std::mt19937_64 rng{2026};
    std::string const ref = test_support::read_fasta_sequence(test_support::chr22_path());
    auto pairs = test_support::real_pairs(ref, 90, 150, 250, 3);
    auto more = random_pairs(rng, 90, 120, 0.01);
    pairs.insert(pairs.end(), more.begin(), more.end());
    pairs.push_back({{}, {1, 2, 3}});
    pairs.push_back({{1, 2}, {}});
    pairs.push_back({{}, {}});
    for (auto const & c : configs())
        check_batch(pairs, c);
    // A non-match/mismatch matrix takes the scalar path.
    alignment_config c;
    c.scoring = scoring_scheme::from_matrix({{{2, -3, -1, -3}, {-3, 2, -3, -1}, {-1, -3, 2, -3}, {-3, -1, -3, 2}}}, 5, 2);
    check_batch(pairs, c);
}

TEST_CASE("batch_aligner rejects bad codes naming the pair", "[align]")
{
    std::vector<std::uint8_t> good{0, 1}, bad{0, 9};
    std::vector<sequence_pair> sp{{good, good}, {good, bad}};
    batch_aligner aligner{alignment_config{}};
    CHECK_THROWS_WITH(aligner.score(sp), Catch::Contains("pair 1") && Catch::Contains("code 9"));
}

TEST_CASE("batch_aligner traceback equals the scalar full-DP alignment on every architecture", "[kernel][align]")
{
    std::mt19937_64 rng{77};
    std::string const ref = test_support::read_fasta_sequence(test_support::chr22_path());
    auto pairs = test_support::real_pairs(ref, 40, 150, 250, 21);
    auto p150 = test_support::real_pairs(ref, 20, 150, 150, 22);
    auto more = random_pairs(rng, 50, 60, 0.02);
    pairs.insert(pairs.end(), p150.begin(), p150.end());
    pairs.insert(pairs.end(), more.begin(), more.end());
    pairs.push_back({{}, {1, 2}});
    std::vector<sequence_pair> sp;
    for (auto const & p : pairs)
        sp.push_back({p.query, p.target});
    auto cs = configs();
    cs[0].extended_cigar = true;
    alignment_config e = cs.back();
    e.end_bonus = 5;
    cs.push_back(e);
    for (auto const & c : cs)
    {
        std::vector<alignment_result> expected;
        for (auto const & p : pairs)
            expected.push_back(detail::align_scalar(p.query.data(), static_cast<std::uint32_t>(p.query.size()),
                                                    p.target.data(), static_cast<std::uint32_t>(p.target.size()), c));
        for (simd::isa arch : simd::available_isas())
        {
            simd::scoped_isa force{arch};
            batch_aligner aligner{c};
            auto const & got = aligner.align(sp);
            for (std::size_t k = 0; k < pairs.size(); ++k)
            {
                INFO("arch " << simd::isa_name(arch) << ", mode " << mode_name(c.mode) << ", band " << c.band
                             << ", pair " << k << ": " << to_string(got[k].path) << " vs " << to_string(expected[k].path));
                CHECK(got[k] == expected[k]);
                if (got[k].score != unreachable_score)
                    CHECK(consistent(got[k], pairs[k].query, pairs[k].target, c));
            }
        }
    }
}

namespace
{
// Every architecture's batch traceback against the full-DP reference, pair by pair (CIGAR included).
void check_traceback(std::vector<code_pair> const & pairs, alignment_config const & c)
{
    std::vector<sequence_pair> sp;
    for (auto const & p : pairs)
        sp.push_back({p.query, p.target});
    for (simd::isa arch : simd::available_isas())
    {
        simd::scoped_isa force{arch};
        batch_aligner aligner{c};
        auto const & got = aligner.align(sp);
        for (std::size_t k = 0; k < pairs.size(); ++k)
        {
            auto const expected = detail::align_scalar(pairs[k].query.data(), static_cast<std::uint32_t>(pairs[k].query.size()),
                                                       pairs[k].target.data(), static_cast<std::uint32_t>(pairs[k].target.size()), c);
            INFO("arch " << simd::isa_name(arch) << ", mode " << mode_name(c.mode) << ", pair " << k << ": "
                         << to_string(got[k].path) << " vs " << to_string(expected.path));
            CHECK(got[k] == expected);
            CHECK(consistent(got[k], pairs[k].query, pairs[k].target, c));
        }
    }
}

std::optional<detail::traceback_band> band_of(code_pair const & p, alignment_config const & c)
{
    auto const m = static_cast<std::uint32_t>(p.query.size()), n = static_cast<std::uint32_t>(p.target.size());
    auto const o = detail::score_scalar(p.query.data(), m, p.target.data(), n, c);
    return detail::band_for(c, m, n, score_result{o.score, o.end_i, o.end_j});
}
} // namespace

TEST_CASE("batch traceback in a band: long gaps, repeats, low identity and fallbacks equal the full DP", "[kernel][align]")
{
    std::mt19937_64 rng{4242};
    alignment_config local, global;
    global.mode = alignment_mode::global;
    std::vector<code_pair> pairs;
    auto const t150 = test_support::random_codes(rng, 150);
    pairs.push_back({t150, t150}); // identical: the narrowest band
    {
        // A 40-base deletion in the middle: the band must reach past it, or the pair takes the full traceback.
        std::vector<std::uint8_t> q;
        for (std::size_t k = 0; k < t150.size(); ++k)
            if (k < 55 || k >= 95)
                q.push_back(t150[k]);
        pairs.push_back({q, t150});
        auto const b = band_of(pairs.back(), global); // (local leaves the gap out: 95 matches beat it)
        if (b)
            CHECK(b->diagonals.high >= 40);
    }
    {
        // A 12-base insertion near the start (a gap beyond a narrow band at one end).
        auto q = t150;
        auto const ins = test_support::random_codes(rng, 12);
        q.insert(q.begin() + 10, ins.begin(), ins.end());
        pairs.push_back({q, t150});
    }
    {
        // Tandem repeats with an indel: many optimal paths tie; the band's must be the reference's.
        std::vector<std::uint8_t> rep, rep2;
        for (int k = 0; k < 75; ++k)
            rep.push_back(0), rep.push_back(1);
        for (int k = 0; k < 40; ++k)
            rep2.push_back(2), rep2.push_back(2), rep2.push_back(3);
        auto q = rep;
        q.erase(q.begin() + 60, q.begin() + 64);
        pairs.push_back({q, rep});
        auto q2 = rep2;
        q2.insert(q2.begin() + 50, {2, 2, 3});
        q2[10] = 0;
        pairs.push_back({q2, rep2});
    }
    // Unrelated pairs: no band pays (fallback); low identity; the read inside a longer window (local).
    auto const unrelated = code_pair{test_support::random_codes(rng, 150), test_support::random_codes(rng, 150)};
    CHECK(!band_of(unrelated, global));
    pairs.push_back(unrelated);
    pairs.push_back({test_support::mutate(t150, rng, 0.15, 0.03), t150});
    auto const t400 = test_support::random_codes(rng, 400);
    pairs.push_back({test_support::mutate(std::vector<std::uint8_t>(t400.begin() + 200, t400.begin() + 350), rng), t400});
    pairs.push_back({test_support::mutate(std::vector<std::uint8_t>(t400.begin() + 5, t400.begin() + 155), rng), t400});
    pairs.push_back({std::vector<std::uint8_t>(t400.begin() + 300, t400.end()), t400}); // ends at the last column
    pairs.push_back({{3}, {3}});
    pairs.push_back({{0, 1}, {2, 3}}); // local score 0: the empty alignment
    pairs.push_back({std::vector<std::uint8_t>(60, 4), std::vector<std::uint8_t>(60, 4)}); // all N
    auto const b = band_of(pairs[0], global);
    REQUIRE(b);
    CHECK(b->diagonals.low >= -1);
    CHECK(b->diagonals.high <= 1);
    std::string const ref = test_support::read_fasta_sequence(test_support::chr22_path());
    auto const p1k = test_support::real_pairs(ref, 2, 1000, 1000, 31);
    pairs.insert(pairs.end(), p1k.begin(), p1k.end());
    for (auto c : {local, global})
    {
        check_traceback(pairs, c);
        c.extended_cigar = true;
        c.scoring = scoring_scheme::simple(1, -4, 6, 1, -1);
        check_traceback(pairs, c);
    }
}

namespace
{
// The kernel's directions in the band, lane by lane, against the scalar reference's: score and end cell, the
// H source bits of every cell in the band, and each gap bit whose neighbour (left for E, above for F) is in
// the band (otherwise both of its candidates are -inf: unspecified).
void check_directions(std::vector<code_pair> const & pairs, alignment_config const & c, detail::diagonal_band band)
{
    using scalar_kernel = inter_pair_kernel<simd::scalar>;
    for (simd::isa arch : simd::available_isas())
        simd::dispatch_to<inter_pair_kernel>(arch, [&](auto kernel) {
            std::size_t const lanes = kernel.lanes(16);
            for (std::size_t g = 0; g < pairs.size(); g += lanes)
            {
                std::size_t const count = std::min(lanes, pairs.size() - g);
                std::vector<detail::lane_pair> lp;
                std::size_t mm = 0, mn = 0;
                for (std::size_t l = 0; l < count; ++l)
                {
                    auto const & p = pairs[g + l];
                    lp.push_back({p.query.data(), static_cast<std::uint32_t>(p.query.size()), p.target.data(),
                                  static_cast<std::uint32_t>(p.target.size())});
                    mm = std::max(mm, p.query.size());
                    mn = std::max(mn, p.target.size());
                }
                std::size_t const width = detail::packed_width(mn);
                std::vector<std::uint64_t> ws(kernel.workspace_bytes(16, mm, mn) / 8 + 16);
                std::vector<std::int16_t> dirs((mm + 1) * width * lanes + 64);
                auto const align64 = [](auto * p) {
                    return reinterpret_cast<decltype(p)>((reinterpret_cast<std::uintptr_t>(p) + 63) & ~std::uintptr_t{63});
                };
                std::vector<detail::lane_score> out(count);
                kernel.directions(lp.data(), count, c, band, align64(ws.data()), align64(dirs.data()), out.data());
                for (std::size_t l = 0; l < count; ++l)
                {
                    auto const & p = lp[l];
                    std::vector<std::int32_t> rws(2 * (p.target_length + 1));
                    std::vector<std::int16_t> rdirs((p.query_length + 1) * detail::packed_width(p.target_length));
                    detail::lane_score rout;
                    scalar_kernel::directions(&p, 1, c, band, rws.data(), rdirs.data(), &rout);
                    INFO("arch " << simd::isa_name(arch) << ", mode " << mode_name(c.mode) << ", band " << band.low
                                 << ".." << band.high << ", pair " << g + l << " (" << p.query_length << " x "
                                 << p.target_length << ")");
                    CHECK(out[l] == rout);
                    std::size_t bad = 0;
                    for (std::uint32_t i = 1; i <= p.query_length; ++i)
                        for (std::uint32_t j = 1; j <= p.target_length; ++j)
                        {
                            if (!band.contains(i, j))
                                continue;
                            unsigned mask = detail::h_source_mask;
                            if (band.contains(i, j - 1))
                                mask |= detail::e_extends;
                            if (band.contains(i - 1, j))
                                mask |= detail::f_extends;
                            auto const got = detail::packed_direction(align64(dirs.data()) + l, width, lanes, i, j);
                            auto const want = detail::packed_direction(rdirs.data(), detail::packed_width(p.target_length), 1, i, j);
                            bad += (got & mask) != (want & mask);
                        }
                    CHECK(bad == 0);
                }
            }
        });
}

code_pair swapped(code_pair p)
{
    std::swap(p.query, p.target);
    return p;
}
} // namespace

TEST_CASE("inter-pair directions in asymmetric bands agree with the reference", "[kernel][align]")
{
    std::uint64_t const seed = GENERATE(take(2, random(std::uint64_t{1}, std::uint64_t{1} << 40)));
    INFO("seed " << seed);
    std::mt19937_64 rng{seed};
    auto pairs = random_pairs(rng, 40, 60, 0.02);
    pairs.push_back({test_support::random_codes(rng, 5), test_support::random_codes(rng, 60)});
    pairs.push_back({test_support::random_codes(rng, 60), test_support::random_codes(rng, 5)});
    pairs.push_back({test_support::random_codes(rng, 1), test_support::random_codes(rng, 40)});
    pairs.push_back({test_support::random_codes(rng, 40), test_support::random_codes(rng, 1)});
    std::uniform_int_distribution<std::int64_t> side(0, 70);
    std::vector<detail::diagonal_band> bands{{}, {0, 0}, {-2, 5}, {-5, 2}, {-1, 30}, {-30, 1}, {0, 62}, {-62, 0},
                                             {-side(rng), side(rng)}};
    alignment_config local, global;
    global.mode = alignment_mode::global;
    for (auto c : {local, global})
        for (int scheme = 0; scheme < 2; ++scheme)
        {
            if (scheme == 1)
                c.scoring = scoring_scheme::simple(1, -4, 6, 1, -1);
            for (auto const & b : bands)
                check_directions(pairs, c, b);
        }
}

TEST_CASE("batch traceback in asymmetric bands: pairs of very different lengths equal the full DP", "[kernel][align]")
{
    std::mt19937_64 rng{515};
    std::string const ref = test_support::read_fasta_sequence(test_support::chr22_path());
    alignment_config local, global, semi;
    global.mode = alignment_mode::global;
    semi.mode = alignment_mode::semi_global;
    semi.free_ends = {false, false, true, true};
    std::vector<code_pair> pairs;
    for (auto const & p : test_support::real_pairs(ref, 20, 150, 250, 41)) // both directions
    {
        pairs.push_back(p);
        pairs.push_back(swapped(p));
    }
    for (auto const & p : test_support::real_pairs(ref, 6, 100, 400, 42))
    {
        pairs.push_back(p);
        pairs.push_back(swapped(p));
    }
    // The nw150x250 pairs have a band: the forced 100 diagonals plus a few.
    auto const b250 = band_of(pairs[0], global);
    REQUIRE(b250);
    CHECK(b250->diagonals.low <= 0);
    CHECK(b250->diagonals.high >= 100);
    CHECK(b250->diagonals.high - b250->diagonals.low <= 110);
    auto const b250q = band_of(pairs[1], global);
    REQUIRE(b250q);
    CHECK(b250q->diagonals.low <= -100);
    CHECK(b250q->diagonals.high >= 0);
    // The band is exactly the length difference (w = 0): the query is the target's prefix (global) or is
    // inside it with no edit (local: one diagonal).
    auto const t250 = test_support::random_codes(rng, 250);
    code_pair const prefix{std::vector<std::uint8_t>(t250.begin(), t250.begin() + 150), t250};
    auto const bp = band_of(prefix, global);
    REQUIRE(bp);
    CHECK(bp->diagonals == detail::diagonal_band{0, 100});
    code_pair const inside{std::vector<std::uint8_t>(t250.begin() + 60, t250.begin() + 210), t250};
    auto const bi = band_of(inside, local);
    REQUIRE(bi);
    CHECK(bi->diagonals == detail::diagonal_band{0, 0});
    pairs.push_back(prefix);
    pairs.push_back(swapped(prefix));
    pairs.push_back(inside);
    pairs.push_back(swapped(inside));
    // At the pay-off limit: 50 diagonals pay off on 51 x 100 (half the row), not on 50 x 99.
    code_pair const limit{std::vector<std::uint8_t>(t250.begin(), t250.begin() + 51),
                          std::vector<std::uint8_t>(t250.begin(), t250.begin() + 100)};
    code_pair const beyond{std::vector<std::uint8_t>(t250.begin(), t250.begin() + 50),
                           std::vector<std::uint8_t>(t250.begin(), t250.begin() + 99)};
    CHECK(band_of(limit, global));
    CHECK(!band_of(beyond, global));
    pairs.push_back(limit);
    pairs.push_back(beyond);
    pairs.push_back(swapped(limit));
    // Random related pairs of very different lengths, both ways; one empty sequence; length 1.
    for (int k = 0; k < 12; ++k)
    {
        std::uniform_int_distribution<std::size_t> len(10, 90), extra(20, 200);
        auto const q = test_support::random_codes(rng, len(rng));
        auto t = test_support::random_codes(rng, extra(rng));
        std::uniform_int_distribution<std::size_t> at(0, t.size());
        auto const m = test_support::mutate(q, rng, 0.03, 0.02);
        t.insert(t.begin() + static_cast<std::ptrdiff_t>(at(rng)), m.begin(), m.end());
        pairs.push_back({q, t});
        pairs.push_back({t, q});
    }
    pairs.push_back({{}, t250});
    pairs.push_back({t250, {}});
    pairs.push_back({{2}, t250});
    pairs.push_back({t250, {2}});
    for (auto c : {global, local, semi})
    {
        check_traceback(pairs, c);
        c.scoring = scoring_scheme::simple(1, -4, 6, 1, -1);
        c.extended_cigar = true;
        check_traceback(pairs, c);
    }
}

TEST_CASE("a global band proven by its own banded score holds the optimal score", "[kernel][align]")
{
    // band_proven's claim, checked with the reference: if the banded DP's score proves the band, the full DP
    // scores the same. Related pairs (usually proven), unrelated and gapped ones (usually not), both ways.
    std::mt19937_64 rng{616};
    std::string const ref = test_support::read_fasta_sequence(test_support::chr22_path());
    std::vector<code_pair> pairs = test_support::real_pairs(ref, 30, 150, 250, 44);
    for (int k = 0; k < 30; ++k)
    {
        auto t = test_support::random_codes(rng, 60 + rng() % 200);
        auto q = test_support::mutate(t, rng, 0.02 * (k % 4), 0.01 * (k % 3));
        if (k % 5 == 0)
            q.erase(q.begin() + 10, q.begin() + 10 + static_cast<std::ptrdiff_t>(rng() % 30));
        if (k % 7 == 0)
            q = test_support::random_codes(rng, t.size() / 2 + 1);
        pairs.push_back({q, t});
    }
    alignment_config global;
    global.mode = alignment_mode::global;
    std::size_t proven = 0, guessed = 0;
    for (auto p : pairs)
        for (int way = 0; way < 2; ++way, p = swapped(p))
        {
            auto const m = static_cast<std::uint32_t>(p.query.size()), n = static_cast<std::uint32_t>(p.target.size());
            auto const b = detail::guessed_band(m, n);
            if (!b)
                continue;
            ++guessed;
            std::vector<std::int32_t> hf(2 * (std::size_t{n} + 1));
            auto const banded = detail::run_dp(p.query.data(), m, p.target.data(), n, global, b->diagonals, hf.data(),
                                               hf.data() + n + 1);
            auto const full = detail::score_scalar(p.query.data(), m, p.target.data(), n, global);
            INFO(m << " x " << n << ": banded " << banded.score << ", full " << full.score);
            CHECK(banded.score <= full.score);
            if (detail::band_proven(global, m, n, *b, banded.score))
            {
                ++proven;
                CHECK(banded.score == full.score);
            }
        }
    CHECK(proven >= guessed / 2); // the edited reads
    CHECK(proven < guessed);      // and some that are not
}

TEST_CASE("batch traceback in asymmetric bands: groups of lane count +-1", "[kernel][align]")
{
    std::string const ref = test_support::read_fasta_sequence(test_support::chr22_path());
    auto const p250 = test_support::real_pairs(ref, 80, 150, 250, 43);
    alignment_config global;
    global.mode = alignment_mode::global;
    for (simd::isa arch : simd::available_isas())
        simd::dispatch_to<inter_pair_kernel>(arch, [&](auto kernel) {
            std::size_t const lanes = kernel.lanes(16);
            for (std::size_t count : {lanes - 1, lanes, lanes + 1, 2 * lanes + 1})
            {
                // Mixed directions: the first half longer targets, the rest longer queries.
                std::vector<code_pair> pairs(p250.begin(), p250.begin() + static_cast<std::ptrdiff_t>(count));
                for (std::size_t k = count / 2; k < count; ++k)
                    pairs[k] = swapped(pairs[k]);
                std::vector<sequence_pair> sp;
                for (auto const & p : pairs)
                    sp.push_back({p.query, p.target});
                for (auto const & c : {global, alignment_config{}})
                {
                    simd::scoped_isa force{arch};
                    batch_aligner aligner{c};
                    auto const & got = aligner.align(sp);
                    for (std::size_t k = 0; k < pairs.size(); ++k)
                    {
                        auto const expected = detail::align_scalar(
                            pairs[k].query.data(), static_cast<std::uint32_t>(pairs[k].query.size()),
                            pairs[k].target.data(), static_cast<std::uint32_t>(pairs[k].target.size()), c);
                        INFO("arch " << simd::isa_name(arch) << ", mode " << mode_name(c.mode) << ", " << count
                                     << " pairs, pair " << k);
                        CHECK(got[k] == expected);
                    }
                }
            }
        });
}

TEST_CASE("extension pairs on or near their diagonal: the shortcut and the narrowed band equal the full DP",
          "[kernel][align]")
{
    std::mt19937_64 rng{4242};
    std::uniform_int_distribution<int> base(0, 3);
    std::vector<code_pair> pairs;
    std::vector<bool> bwa_diagonal; // provably the diagonal under bwa's scores (deficit < 7: one mismatch or N)
    for (std::uint32_t m : {1u, 2u, 6u, 40u, 151u})
    {
        std::vector<std::uint8_t> t(m + 12);
        for (auto & b : t)
            b = static_cast<std::uint8_t>(base(rng));
        std::vector<std::uint8_t> q(t.begin(), t.begin() + m);
        pairs.push_back({q, t});
        bwa_diagonal.push_back(true);
        for (std::uint32_t at : {0u, m / 2, m > 3 ? m - 3 : 0u, m - 1})
        {
            auto q1 = q;
            q1[at] = static_cast<std::uint8_t>((q1[at] + 1) % 4);
            pairs.push_back({q1, t});
            bwa_diagonal.push_back(true);
            if (m > 1)
            {
                auto q2 = q1;
                std::uint32_t const other = at == 0 ? m - 1 : 0;
                q2[other] = static_cast<std::uint8_t>((q2[other] + 1) % 4);
                pairs.push_back({q2, t}); // two mismatches: the DP decides
                bwa_diagonal.push_back(false);
            }
            auto qn = q;
            qn[at] = 4; // an N in the read costs 2 against a match
            pairs.push_back({qn, t});
            bwa_diagonal.push_back(true);
        }
        std::vector<std::uint8_t> short_target(t.begin(), t.begin() + m - 1); // target shorter than the query
        pairs.push_back({q, short_target});
        bwa_diagonal.push_back(false);
    }
    // A read whose end matches the target after a 1-base deletion: the DP finds the gap, the shortcut declines.
    std::vector<std::uint8_t> t(80), q;
    for (auto & b : t)
        b = static_cast<std::uint8_t>(base(rng));
    q.assign(t.begin(), t.begin() + 30);
    q.insert(q.end(), t.begin() + 31, t.begin() + 71);
    pairs.push_back({q, t});
    bwa_diagonal.push_back(false);

    // Read ends with up to six edits (mismatches, 1-3 base indels): the DP runs in the band their deficit needs.
    std::size_t const hand_made = pairs.size();
    std::uniform_int_distribution<int> kind(0, 2), indel(1, 3);
    for (int r = 0; r < 600; ++r)
    {
        std::uint32_t const m = r % 3 == 0 ? 20 : r % 3 == 1 ? 70 : 150;
        std::vector<std::uint8_t> target(m + 100);
        for (auto & b : target)
            b = static_cast<std::uint8_t>(base(rng));
        std::vector<std::uint8_t> query(target.begin(), target.begin() + m);
        for (int e = 0; e < r % 7; ++e)
        {
            std::size_t const at = std::uniform_int_distribution<std::size_t>(0, query.size() - 1)(rng);
            int const len = indel(rng);
            switch (kind(rng))
            {
                case 0: query[at] = static_cast<std::uint8_t>((query[at] + 1 + base(rng) % 3) % 4); break;
                case 1: query.insert(query.begin() + static_cast<std::ptrdiff_t>(at), static_cast<std::size_t>(len), std::uint8_t{2}); break;
                default: query.erase(query.begin() + static_cast<std::ptrdiff_t>(at),
                                     query.begin() + static_cast<std::ptrdiff_t>(std::min(query.size(), at + len)));
            }
            if (query.empty())
                query.push_back(0);
        }
        pairs.push_back({query, target});
    }

    std::vector<alignment_config> cs;
    alignment_config c;
    c.mode = alignment_mode::extension;
    c.scoring = scoring_scheme::simple(1, -4, 6, 1, -1); // bwa mem
    c.band = 100;
    c.zdrop = 100;
    c.clip_penalty = 5;
    cs.push_back(c);
    c.end_bonus = 5;
    c.initial_score = 30;
    c.extended_cigar = true;
    cs.push_back(c);
    c.zdrop = 2; // a mismatch stops the extension
    c.band = -1;
    cs.push_back(c);
    c = {};
    c.mode = alignment_mode::extension;
    c.scoring = scoring_scheme::simple(1, -2, 5, 2, -1); // deficit 3 a mismatch: two allowed, Ns too
    c.clip_penalty = 2;
    cs.push_back(c);

    std::vector<sequence_pair> sp;
    for (auto const & p : pairs)
        sp.push_back({p.query, p.target});
    for (std::size_t ci = 0; ci < cs.size(); ++ci)
    {
        auto const & cfg = cs[ci];
        std::size_t taken = 0;
        for (std::size_t k = 0; k < pairs.size(); ++k)
        {
            auto const m = static_cast<std::uint32_t>(pairs[k].query.size());
            auto const n = static_cast<std::uint32_t>(pairs[k].target.size());
            bool const shortcut = detail::diagonal_extension(pairs[k].query.data(), m, pairs[k].target.data(), n, cfg)
                                      .has_value();
            taken += shortcut;
            if (ci < 3 && k < hand_made)
                CHECK(shortcut == bwa_diagonal[k]);
            INFO("config " << ci << ", pair " << k);
            auto const want = detail::align_scalar(pairs[k].query.data(), m, pairs[k].target.data(), n, cfg);
            auto const want_score = detail::to_lane_score(
                detail::score_scalar(pairs[k].query.data(), m, pairs[k].target.data(), n, cfg), cfg.mode).result;
            CHECK(align::align(pairs[k].query, pairs[k].target, cfg) == want);
            CHECK(align::score(pairs[k].query, pairs[k].target, cfg) == want_score);
        }
        CHECK(taken >= 20);
        if (cfg.band == 100) // narrower bands for some of the others
        {
            std::size_t narrowed = 0;
            for (std::size_t k = hand_made; k < pairs.size(); ++k)
                narrowed += detail::plan_diagonal_extension(pairs[k].query.data(),
                                                            static_cast<std::uint32_t>(pairs[k].query.size()),
                                                            pairs[k].target.data(),
                                                            static_cast<std::uint32_t>(pairs[k].target.size()), cfg)
                                .band < 30;
            CHECK(narrowed >= 100);
        }
        if (ci == 2)
            CHECK(std::count_if(pairs.begin(), pairs.end(), [&](code_pair const & p) {
                      auto const o = detail::diagonal_extension(p.query.data(), static_cast<std::uint32_t>(p.query.size()),
                                                                p.target.data(), static_cast<std::uint32_t>(p.target.size()),
                                                                cfg);
                      return o && o->zdropped;
                  }) > 0);
        for (simd::isa arch : simd::available_isas())
        {
            simd::scoped_isa force{arch};
            batch_aligner aligner{cfg};
            auto const & got = aligner.align(sp);
            std::vector<alignment_result> aligned(got.begin(), got.end());
            auto const & scored = aligner.score(sp);
            for (std::size_t k = 0; k < pairs.size(); ++k)
            {
                auto const m = static_cast<std::uint32_t>(pairs[k].query.size());
                auto const n = static_cast<std::uint32_t>(pairs[k].target.size());
                INFO("arch " << simd::isa_name(arch) << ", config " << ci << ", pair " << k);
                CHECK(aligned[k] == detail::align_scalar(pairs[k].query.data(), m, pairs[k].target.data(), n, cfg));
                CHECK(scored[k] == detail::to_lane_score(detail::score_scalar(pairs[k].query.data(), m,
                                                                              pairs[k].target.data(), n, cfg),
                                                         cfg.mode).result);
            }
        }
    }
}
