// Differential test of the minimizer kernels: every architecture this CPU supports against the scalar reference,
// whole outputs (and a sentinel past them) compared bit for bit.
#include <catch2/catch.hpp>

#include <cstdint>
#include <random>
#include <vector>

#include <wgskit/kmer/detail/minimizer_kernel.hpp>

namespace
{
using namespace wgskit;
namespace kd = wgskit::kmer::detail;

std::vector<std::uint8_t> random_codes(std::mt19937_64 & rng, std::size_t n, bool low_complexity)
{
    std::vector<std::uint8_t> c(n);
    for (auto & x : c)
        x = low_complexity ? static_cast<std::uint8_t>((rng() % 8) == 0 ? rng() & 3 : 0) : static_cast<std::uint8_t>(rng() & 3);
    return c;
}

void check(std::vector<std::uint8_t> const & codes, std::size_t offset, unsigned m, std::size_t w)
{
    std::uint8_t const * p = codes.data() + offset;
    std::size_t const n = codes.size() - offset;
    std::vector<std::uint32_t> ref_h(n + 1, 0xabcdu), ref_min(n + 1, 0xabcdu);
    kd::mmer_hashes_scalar(p, n, m, ref_h.data());
    std::size_t const nh = n >= m ? n - m + 1 : 0;
    kd::window_minima_scalar(ref_h.data(), nh, w, ref_min.data());
    for (simd::isa arch : simd::available_isas())
    {
        INFO("arch " << simd::isa_name(arch) << ", n " << n << ", offset " << offset << ", m " << m << ", w " << w);
        std::vector<std::uint32_t> h(n + 1, 0xabcdu), mins(n + 1, 0xabcdu);
        simd::dispatch_to<kd::minimizer_kernel>(arch, [&](auto k) {
            k.mmer_hashes(p, n, m, h.data());
            k.window_minima(ref_h.data(), nh, w, mins.data());
        });
        CHECK(h == ref_h);
        CHECK(mins == ref_min);
    }
}
} // namespace

TEST_CASE("mix32 is a bijection (unmix32 inverts it)", "[kernel][kmer]")
{
    std::mt19937_64 rng{7};
    for (int i = 0; i < 100000; ++i)
    {
        auto const x = static_cast<std::uint32_t>(rng());
        REQUIRE(kd::unmix32(kd::mix32(x)) == x);
    }
    CHECK(kd::unmix32(kd::mix32(0u)) == 0u);
    CHECK(kd::unmix32(kd::mix32(0xFFFFFFFFu)) == 0xFFFFFFFFu);
}

TEST_CASE("minimizer kernels equal the scalar reference on every architecture", "[kernel][kmer]")
{
    auto const seed = std::random_device{}();
    INFO("seed " << seed);
    std::mt19937_64 rng{seed};
    std::vector<std::size_t> lengths{0, 1, 2, 3, 7, 10, 11, 12, 15, 16, 17, 20, 31, 32, 33, 40, 63, 64, 65, 150, 1000};
    for (unsigned m : {1u, 5u, 11u, 15u, 16u})
        for (std::size_t w : {std::size_t{1}, std::size_t{2}, std::size_t{7}, std::size_t{21}, std::size_t{53}})
            for (std::size_t n : lengths)
                for (bool low : {false, true})
                {
                    auto const codes = random_codes(rng, n + 3, low);
                    check(codes, 3, m, w);        // unaligned start
                    if (n % 5 == 0)
                        check(codes, 0, m, w);
                }
}

TEST_CASE("minimizer hashes are strand-symmetric", "[kernel][kmer]")
{
    std::mt19937_64 rng{3};
    auto const codes = random_codes(rng, 200, false);
    std::vector<std::uint8_t> rc(codes.rbegin(), codes.rend());
    for (auto & c : rc)
        c ^= 3u;
    unsigned const m = 11;
    std::vector<std::uint32_t> h(200), hr(200);
    kd::mmer_hashes_scalar(codes.data(), codes.size(), m, h.data());
    kd::mmer_hashes_scalar(rc.data(), rc.size(), m, hr.data());
    std::size_t const n = 200 - m + 1;
    for (std::size_t i = 0; i < n; ++i)
        REQUIRE(h[i] == hr[n - 1 - i]);
}
