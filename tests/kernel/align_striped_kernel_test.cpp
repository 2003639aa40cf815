// Differential test of the striped (intra-pair) kernel: every architecture against the 32-bit scalar reference,
// local and global, on random pairs of lengths around the lane counts, chr22 pairs with edits, a general
// substitution matrix, N runs, saturation and a 10 kb pair.
#include <catch2/catch.hpp>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <wgskit/align/detail/striped_kernel.hpp>
#include <wgskit/align/pairwise.hpp>

#include "../support/align_pairs.hpp"

namespace
{
using namespace wgskit;
using namespace wgskit::align;
using test_support::code_pair;

void check_striped(std::vector<code_pair> const & pairs, alignment_config const & c, bool best_only = false)
{
    for (auto const & p : pairs)
    {
        auto const m = static_cast<std::uint32_t>(p.query.size()), n = static_cast<std::uint32_t>(p.target.size());
        if (m == 0 || n == 0 || (c.mode == alignment_mode::global && !detail::fits_16bit(c, m, n)))
            continue;
        std::int32_t const expected = detail::score_scalar(p.query.data(), m, p.target.data(), n, c).score;
        for (simd::isa arch : simd::available_isas())
        {
            if (best_only && arch != simd::best_isa() && arch != simd::isa::scalar)
                continue;
            INFO("arch " << simd::isa_name(arch) << ", mode " << int(c.mode) << ", " << m << " x " << n);
            simd::dispatch_to<detail::striped_kernel>(arch, [&](auto kernel) {
                std::vector<std::uint64_t> ws(kernel.workspace_bytes(m, n) / 8 + 9);
                void * aligned = reinterpret_cast<void *>((reinterpret_cast<std::uintptr_t>(ws.data()) + 63) & ~std::uintptr_t{63});
                auto const r = kernel.score(p.query.data(), m, p.target.data(), n, c, aligned);
                if (r.overflow)
                    CHECK(expected >= 32767);
                else
                    CHECK(r.result.score == expected);
            });
        }
    }
}

std::vector<alignment_config> striped_configs()
{
    std::vector<alignment_config> v;
    for (auto mode : {alignment_mode::local, alignment_mode::global})
    {
        alignment_config c;
        c.mode = mode;
        v.push_back(c);
        c.scoring = scoring_scheme::simple(1, -4, 6, 1, -1);
        v.push_back(c);
        c.scoring = scoring_scheme::from_matrix({{{2, -3, -1, -3}, {-3, 2, -3, -1}, {-1, -3, 2, -3}, {-3, -1, -3, 2}}}, 4, 1, -2);
        v.push_back(c);
    }
    return v;
}
} // namespace

TEST_CASE("striped kernel agrees with the reference on random and edited pairs", "[kernel][align]")
{
    std::uint64_t const seed = GENERATE(take(2, random(std::uint64_t{1}, std::uint64_t{1} << 40)));
    INFO("seed " << seed);
    std::mt19937_64 rng{seed};
    std::vector<code_pair> pairs;
    for (std::size_t m : {1u, 2u, 7u, 8u, 9u, 15u, 16u, 17u, 31u, 32u, 33u, 63u, 64u, 65u, 150u, 301u})
    {
        auto t = test_support::random_codes(rng, 1 + rng() % 200, 0.01);
        pairs.push_back({test_support::random_codes(rng, m, 0.01), t});
        auto q = test_support::mutate(t, rng, 0.03, 0.02);
        q.resize(m, 1);
        pairs.push_back({q, t});
    }
    std::string const ref = test_support::read_fasta_sequence(test_support::chr22_path());
    auto const real = test_support::real_pairs(ref, 10, 150, 250, seed);
    pairs.insert(pairs.end(), real.begin(), real.end());
    pairs.push_back({std::vector<std::uint8_t>(40, 4), std::vector<std::uint8_t>(70, 4)});
    for (auto const & c : striped_configs())
        check_striped(pairs, c);
}

TEST_CASE("striped kernel: saturation and long pairs", "[kernel][align]")
{
    alignment_config c;
    c.scoring = scoring_scheme::simple(127, -3, 5, 2);
    check_striped({{std::vector<std::uint8_t>(300, 1), std::vector<std::uint8_t>(300, 1)},
                   {std::vector<std::uint8_t>(250, 2), std::vector<std::uint8_t>(250, 2)}},
                  c);
    std::string const ref = test_support::read_fasta_sequence(test_support::chr22_path());
    c = {};
    check_striped(test_support::real_pairs(ref, 1, 10000, 10000, 3), c, true);
    c.mode = alignment_mode::global;
    check_striped(test_support::real_pairs(ref, 1, 2000, 2000, 4), c, true);
}

TEST_CASE("align::score equals the reference in every mode", "[align]")
{
    std::mt19937_64 rng{8};
    for (auto mode : {alignment_mode::local, alignment_mode::global, alignment_mode::semi_global, alignment_mode::extension})
        for (int k = 0; k < 10; ++k)
        {
            alignment_config c;
            c.mode = mode;
            c.band = k % 3 == 0 ? 5 : -1;
            c.free_ends = {true, false, false, true};
            auto const q = test_support::random_codes(rng, rng() % 100), t = test_support::random_codes(rng, rng() % 100);
            auto const r = align::score(q, t, c);
            auto const o = detail::score_scalar(q.data(), static_cast<std::uint32_t>(q.size()), t.data(),
                                                static_cast<std::uint32_t>(t.size()), c);
            CHECK(r == detail::to_lane_score(o, mode).result);
        }
}
