// Differential test of the 32-way order-0 rANS decoding kernel: every architecture this CPU supports against
// the scalar reference, on streams from our encoder (incompressible and skewed data, so that the lanes needing
// renormalisation vary from none to all), with the states, input position and output compared exactly.
#include <catch2/catch.hpp>

#include <cstdint>
#include <random>
#include <vector>

#include <wgskit/codec/rans/detail/entropy_coder.hpp>
#include <wgskit/codec/rans/detail/rans_x32_kernel.hpp>

namespace
{
using namespace wgskit;
namespace rd = codec::rans::detail;

struct decoded
{
    std::vector<std::uint8_t> out;
    std::vector<std::uint32_t> states;
    std::size_t consumed{0};
    std::size_t symbols{0};
    friend bool operator==(decoded const &, decoded const &) = default;
};

// Encodes data order-0 with 32 states, then runs one decoder over the whole-round part of the stream.
template <typename Decode>
decoded run(std::vector<std::uint8_t> const & data, std::size_t input_cut, Decode && decode)
{
    std::vector<std::uint8_t> stream;
    rd::encode_order0(data, 32, stream);
    rd::byte_reader in{stream};
    rd::frequencies f;
    REQUIRE(rd::read_frequencies0(in, f, rd::order0_bits) == rd::decode_status::ok);
    std::vector<std::uint32_t> table(4096);
    rd::build_decoder_table(f, table.data());
    decoded d;
    d.states.resize(32);
    REQUIRE(rd::read_states(in, d.states.data(), 32) == rd::decode_status::ok);
    std::uint8_t const * p = in.position();
    std::uint8_t const * const end = p + in.remaining() - std::min(input_cut, in.remaining());
    d.out.assign(data.size(), 0xAA);
    d.symbols = decode(table.data(), d.states.data(), p, end, data.size(), d.out.data());
    d.consumed = static_cast<std::size_t>(p - in.position());
    return d;
}
} // namespace

TEST_CASE("rans x32 order-0 decoding kernel matches the scalar reference", "[kernel][rans]")
{
    std::uint64_t const seed = std::random_device{}();
    INFO("seed " << seed);
    std::mt19937_64 rng{seed};
    for (simd::isa isa : simd::available_isas())
    {
        INFO("isa " << simd::isa_name(isa));
        for (std::size_t n : {1u, 31u, 32u, 33u, 63u, 64u, 65u, 1000u, 4096u, 20011u}) // empty data has no stream
            for (int skew : {0, 1, 2, 3}) // 0: uniform bytes (renormalise often) ... 3: nearly constant
                for (std::size_t cut : {0u, 7u, 100u})
                {
                    std::vector<std::uint8_t> data(n);
                    for (auto & c : data)
                        c = skew == 0 ? static_cast<std::uint8_t>(rng())
                          : skew == 1 ? static_cast<std::uint8_t>(rng() % 7)
                          : skew == 2 ? static_cast<std::uint8_t>(rng() % 100 < 90 ? 'F' : ':')
                                      : static_cast<std::uint8_t>(rng() % 1000 ? '#' : 'A');
                    INFO("n " << n << " skew " << skew << " cut " << cut);
                    decoded const ref = run(data, cut, [](auto... a) { return rd::decode_x32_rounds_scalar(a...); });
                    decoded const got = run(data, cut, [&](auto... a) {
                        return simd::dispatch_to<rd::rans_x32_kernel>(isa, [&](auto k) { return k.decode_order0(a...); });
                    });
                    CHECK(got == ref);
                    CHECK(ref.symbols % 32 == 0);
                }
    }
}
