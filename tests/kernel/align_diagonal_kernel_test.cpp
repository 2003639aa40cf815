// Differential test of the anti-diagonal (intra-pair) kernel: every architecture against the 32-bit scalar
// reference, global, semi-global (every combination of free ends) and extension (z-drop, initial score, end
// bonus), banded or not: the whole DP outcome (score, end cell, end-to-end score, z-drop) and, with directions,
// the whole alignment (positions and CIGAR equal to the reference's, and consistent: rescoring gives the score).
// The local 16-bit anti-diagonal kernel likewise (banded or not). Random pairs around the lane counts, chr22
// pairs with edits, N runs, length 1, very unequal lengths, 10 kb.
#include <catch2/catch.hpp>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <wgskit/align/detail/diagonal_kernel.hpp>
#include <wgskit/align/detail/local_diagonal_kernel.hpp>
#include <wgskit/align/pairwise.hpp>

#include "../support/align_pairs.hpp"

namespace
{
using namespace wgskit;
using namespace wgskit::align;
using test_support::code_pair;

void check_outcome(detail::dp_outcome const & got, detail::dp_outcome const & want)
{
    CHECK(got.score == want.score);
    CHECK(got.end_i == want.end_i);
    CHECK(got.end_j == want.end_j);
    CHECK(got.end_to_end_score == want.end_to_end_score);
    CHECK(got.end_to_end_j == want.end_to_end_j);
    CHECK(got.zdropped == want.zdropped);
}

void check_diagonal(std::vector<code_pair> const & pairs, alignment_config const & c, bool best_only = false,
                    bool trace = true)
{
    REQUIRE(detail::diagonal_fits(c.scoring));
    for (auto const & p : pairs)
    {
        auto const m = static_cast<std::uint32_t>(p.query.size()), n = static_cast<std::uint32_t>(p.target.size());
        if (m == 0 || n == 0)
            continue;
        auto const want = detail::score_scalar(p.query.data(), m, p.target.data(), n, c);
        auto const want_aln = trace ? detail::align_scalar(p.query.data(), m, p.target.data(), n, c) : alignment_result{};
        for (simd::isa arch : simd::available_isas())
        {
            if (best_only && arch != simd::best_isa() && arch != simd::isa::scalar)
                continue;
            INFO("arch " << simd::isa_name(arch) << ", mode " << int(c.mode) << ", band " << c.band << ", zdrop "
                         << c.zdrop << ", free ends " << c.free_ends.query_prefix << c.free_ends.query_suffix
                         << c.free_ends.target_prefix << c.free_ends.target_suffix << ", " << m << " x " << n);
            simd::dispatch_to<detail::diagonal_kernel>(arch, [&](auto kernel) {
                std::vector<std::uint64_t> ws(kernel.workspace_bytes(m, n) / 8 + 9);
                void * aligned = reinterpret_cast<void *>((reinterpret_cast<std::uintptr_t>(ws.data()) + 63) & ~std::uintptr_t{63});
                check_outcome(kernel.run(p.query.data(), m, p.target.data(), n, c, aligned, nullptr, nullptr), want);
                if (!trace)
                    return;
                std::vector<std::int64_t> base(std::size_t{m} + n + 1);
                std::vector<std::uint8_t> dirs(detail::direction_layout(m, n, c.band, base.data()));
                auto const o = kernel.run(p.query.data(), m, p.target.data(), n, c, aligned, dirs.data(), base.data());
                check_outcome(o, want);
                auto const got = detail::finish_alignment(p.query.data(), m, p.target.data(), c, o,
                                                          [&](std::uint32_t i, std::uint32_t j) {
                                                              return detail::direction_at(dirs.data(), base.data(), i, j);
                                                          });
                CHECK(got == want_aln);
                if (got.score != unreachable_score)
                    CHECK(align::consistent(got, p.query, p.target, c));
            });
        }
    }
}

// The local (16-bit, absolute scores) anti-diagonal kernel, likewise.
void check_local(std::vector<code_pair> const & pairs, alignment_config const & c, bool best_only = false,
                 bool trace = true)
{
    for (auto const & p : pairs)
    {
        auto const m = static_cast<std::uint32_t>(p.query.size()), n = static_cast<std::uint32_t>(p.target.size());
        if (m == 0 || n == 0 || !detail::local_diagonal_fits(c, m, n))
            continue;
        auto const want = detail::score_scalar(p.query.data(), m, p.target.data(), n, c);
        auto const want_aln = trace ? detail::align_scalar(p.query.data(), m, p.target.data(), n, c) : alignment_result{};
        for (simd::isa arch : simd::available_isas())
        {
            if (best_only && arch != simd::best_isa() && arch != simd::isa::scalar)
                continue;
            INFO("arch " << simd::isa_name(arch) << ", local, band " << c.band << ", " << m << " x " << n);
            simd::dispatch_to<detail::local_diagonal_kernel>(arch, [&](auto kernel) {
                std::vector<std::uint64_t> ws(kernel.workspace_bytes(m, n) / 8 + 9);
                void * aligned = reinterpret_cast<void *>((reinterpret_cast<std::uintptr_t>(ws.data()) + 63) & ~std::uintptr_t{63});
                check_outcome(kernel.run(p.query.data(), m, p.target.data(), n, c, aligned, nullptr, nullptr), want);
                if (!trace)
                    return;
                std::vector<std::int64_t> base(std::size_t{m} + n + 1);
                std::vector<std::uint16_t> dirs(detail::direction_layout(m, n, c.band, base.data()));
                auto const o = kernel.run(p.query.data(), m, p.target.data(), n, c, aligned, dirs.data(), base.data());
                check_outcome(o, want);
                auto const got = detail::finish_alignment(p.query.data(), m, p.target.data(), c, o,
                                                          [&](std::uint32_t i, std::uint32_t j) {
                                                              return static_cast<std::uint8_t>(dirs[base[i + j] + j]);
                                                          });
                CHECK(got == want_aln);
                CHECK(align::consistent(got, p.query, p.target, c));
            });
        }
    }
}

std::vector<alignment_config> local_configs()
{
    std::vector<alignment_config> v;
    for (auto const & sc : {scoring_scheme::simple(2, -3, 5, 2, -1), scoring_scheme::simple(1, -4, 6, 1, -4)})
        for (int band : {-1, 0, 3, 20})
        {
            alignment_config c;
            c.scoring = sc;
            c.band = band;
            v.push_back(c);
        }
    return v;
}

std::vector<alignment_config> diagonal_configs()
{
    std::vector<alignment_config> v;
    for (auto const & sc : {scoring_scheme::simple(2, -3, 5, 2, -1), scoring_scheme::simple(1, -4, 6, 1, -4)})
    {
        alignment_config c;
        c.scoring = sc;
        c.mode = alignment_mode::global;
        for (int band : {-1, 0, 1, 6, 33})
        {
            c.band = band;
            v.push_back(c);
        }
        c.mode = alignment_mode::semi_global;
        for (int ends = 1; ends < 16; ++ends)
        {
            c.free_ends = {(ends & 1) != 0, (ends & 2) != 0, (ends & 4) != 0, (ends & 8) != 0};
            c.band = ends % 3 == 0 ? 7 : -1;
            v.push_back(c);
        }
        c = {};
        c.scoring = sc;
        c.mode = alignment_mode::extension;
        c.initial_score = 20;
        v.push_back(c);
        c.zdrop = 30;
        v.push_back(c);
        c.band = 10;
        c.end_bonus = 5;
        v.push_back(c);
        c.zdrop = 4;
        c.band = -1;
        v.push_back(c);
        c.band = 0;
        v.push_back(c);
    }
    return v;
}
} // namespace

TEST_CASE("diagonal kernel agrees with the reference on random and edited pairs", "[kernel][align]")
{
    std::uint64_t const seed = GENERATE(take(2, random(std::uint64_t{1}, std::uint64_t{1} << 40)));
    INFO("seed " << seed);
    std::mt19937_64 rng{seed};
    std::vector<code_pair> pairs;
    for (std::size_t m : {1u, 2u, 15u, 16u, 17u, 63u, 64u, 65u, 129u})
    {
        auto t = test_support::random_codes(rng, 1 + rng() % 150, 0.01);
        pairs.push_back({test_support::random_codes(rng, m, 0.01), t});
        auto q = test_support::mutate(t, rng, 0.03, 0.02);
        q.resize(m, 1);
        pairs.push_back({q, t});
    }
    std::string const ref = test_support::read_fasta_sequence(test_support::chr22_path());
    auto const real = test_support::real_pairs(ref, 4, 150, 250, seed);
    pairs.insert(pairs.end(), real.begin(), real.end());
    pairs.push_back({std::vector<std::uint8_t>(40, 4), std::vector<std::uint8_t>(70, 4)}); // all N
    pairs.push_back({std::vector<std::uint8_t>(1, 2), std::vector<std::uint8_t>(300, 2)});
    pairs.push_back({test_support::random_codes(rng, 200), test_support::random_codes(rng, 3)});
    for (auto const & c : diagonal_configs())
        check_diagonal(pairs, c);
    for (auto const & c : local_configs())
        check_local(pairs, c);
}

TEST_CASE("diagonal kernel: long pairs", "[kernel][align]")
{
    std::string const ref = test_support::read_fasta_sequence(test_support::chr22_path());
    auto const big = test_support::real_pairs(ref, 1, 10000, 10000, 5);
    alignment_config c;
    c.mode = alignment_mode::global;
    check_diagonal(big, c, true, false);
    c.band = 100;
    check_diagonal(big, c, true, true);
    c = {};
    c.mode = alignment_mode::extension;
    c.zdrop = 100;
    check_diagonal(big, c, true, false);
    c.mode = alignment_mode::global;
    check_diagonal(test_support::real_pairs(ref, 1, 1000, 1000, 6), c, false, true);
    check_local(test_support::real_pairs(ref, 1, 1000, 1000, 7), alignment_config{});
    check_local(big, alignment_config{}, true, false);
    // Local scores beyond 16 bits: not for this kernel (the striped kernel and the reference take them).
    alignment_config wide;
    wide.scoring = scoring_scheme::simple(100, -3, 5, 2);
    CHECK(!detail::local_diagonal_fits(wide, 400, 400));
}

TEST_CASE("pairwise_aligner equals the reference in every mode, SIMD or not", "[align]")
{
    std::mt19937_64 rng{11};
    std::vector<alignment_config> configs = diagonal_configs();
    alignment_config wide; // differences beyond 8 bits: the scalar reference
    wide.mode = alignment_mode::global;
    wide.scoring = scoring_scheme::simple(100, -3, 5, 2);
    configs.push_back(wide);
    wide.mode = alignment_mode::local;
    configs.push_back(wide);
    configs.push_back(alignment_config{});
    for (auto const & c : configs)
    {
        pairwise_aligner aligner{c};
        for (int k = 0; k < 4; ++k)
        {
            auto const t = test_support::random_codes(rng, rng() % 120);
            auto q = test_support::mutate(t, rng, 0.05, 0.03);
            if (k == 3)
                q.clear();
            auto const m = static_cast<std::uint32_t>(q.size()), n = static_cast<std::uint32_t>(t.size());
            INFO("mode " << int(c.mode) << ", band " << c.band << ", " << m << " x " << n);
            CHECK(aligner.score(q, t) ==
                  detail::to_lane_score(detail::score_scalar(q.data(), m, t.data(), n, c), c.mode).result);
            auto const a = aligner.align(q, t);
            CHECK(a == detail::align_scalar(q.data(), m, t.data(), n, c));
            if (a.score != unreachable_score)
                CHECK(align::consistent(a, q, t, c));
        }
    }
}

TEST_CASE("local diagonal kernel: ties for the best cell take the reference's row-major first", "[kernel][align]")
{
    // Equal best scores on different anti-diagonals: the same row (the earlier column wins), the same column (the
    // earlier row wins), and a later anti-diagonal holding an earlier row.
    std::vector<code_pair> pairs{
        {encode("ACGT"), encode("ACGTTTTTACGT")},
        {encode("ACGTAAAAAACGT"), encode("ACGT")},
        {encode("GGGGACGTCC"), encode("ACGTCCCCCCCCGGGGACGT")},
        {encode("ACGTTTACGT"), encode("TTACGTGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGACGTTT")},
    };
    for (auto const & c : local_configs())
        check_local(pairs, c);
}
