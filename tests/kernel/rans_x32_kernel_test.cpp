// Differential test of the 32-way rANS decoding kernels (order-0 and order-1): every architecture this CPU
// supports against the scalar reference, on streams from our encoder (incompressible and skewed data, so that
// the lanes needing renormalisation vary from none to all), on real qualities and names, and on corrupted
// streams (flipped bytes, wild initial states, contexts without a table), with the states, contexts, input
// position and output compared exactly.
#include "../support/fastq_fields.hpp"
#include <catch2/catch.hpp>

#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>
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

namespace
{
struct decoded1
{
    std::vector<std::uint8_t> out, last;
    std::vector<std::uint32_t> states;
    std::size_t consumed{0};
    std::size_t rounds{0};
    friend bool operator==(decoded1 const &, decoded1 const &) = default;
};

//! How an order-1 stream is damaged before decoding.
struct damage
{
    std::size_t flips{0};        // random bytes of the data (after the states) replaced
    bool wild_states{false};     // initial states anywhere in [L, 2^32)
    int drop_context{-1};        // a context whose table is removed
    std::size_t input_cut{0};
    std::uint64_t seed{0};
};

template <typename Decode>
decoded1 run1(std::vector<std::uint8_t> const & data, damage const & d, Decode && decode)
{
    std::vector<std::uint8_t> stream;
    rd::encode_order1(data, 32, stream);
    rd::byte_reader in{stream};
    unsigned bits = 0;
    std::vector<std::uint32_t> slots(rd::order1_slots);
    std::array<std::uint32_t, 256> context_base;
    bool complete = false;
    REQUIRE(rd::read_frequencies1(in, bits, rd::packed_slots{slots.data()}, context_base, complete) == rd::decode_status::ok);
    if (d.drop_context >= 0)
    {
        context_base[static_cast<std::size_t>(d.drop_context)] = rd::no_context_table;
        complete = false;
    }
    decoded1 r;
    r.states.resize(32);
    REQUIRE(rd::read_states(in, r.states.data(), 32) == rd::decode_status::ok);
    std::mt19937_64 rng{d.seed};
    if (d.wild_states)
        for (auto & x : r.states)
            x = rd::state_lower_bound + static_cast<std::uint32_t>(rng() % (0x100000000ull - rd::state_lower_bound));
    std::vector<std::uint8_t> body(in.position(), in.position() + in.remaining());
    for (std::size_t k = 0; k < d.flips && !body.empty(); ++k)
        body[rng() % body.size()] = static_cast<std::uint8_t>(rng());
    std::uint8_t const * p = body.data();
    std::uint8_t const * const end = p + body.size() - std::min(d.input_cut, body.size());
    r.out.assign(data.size(), 0xAA);
    r.last.assign(32, 0);
    r.rounds = decode(slots.data(), context_base.data(), !complete, bits, r.states.data(), r.last.data(), p, end,
                      data.size() / 32, r.out.data());
    r.consumed = static_cast<std::size_t>(p - body.data());
    return r;
}

using test_support::example_fastq_field;
} // namespace

TEST_CASE("rans x32 order-1 decoding kernel matches the scalar reference", "[kernel][rans]")
{
    std::uint64_t const seed = std::random_device{}();
    INFO("seed " << seed);
    std::mt19937_64 rng{seed};
    std::vector<std::vector<std::uint8_t>> inputs;
    for (std::size_t n : {1u, 31u, 32u, 33u, 64u, 65u, 1000u, 4096u, 20011u})
        for (int skew : {0, 1, 2, 3})
        {
            std::vector<std::uint8_t> data(n);
            std::uint8_t prev = 0;
            for (auto & c : data) // skew 1, 2: depends on the previous byte, as order-1 data should
                prev = c = skew == 0 ? static_cast<std::uint8_t>(rng())
                         : skew == 1 ? static_cast<std::uint8_t>((prev + rng() % 5) % 40)
                         : skew == 2 ? static_cast<std::uint8_t>(rng() % 100 < 90 ? prev : ':' + rng() % 8)
                                     : static_cast<std::uint8_t>(rng() % 1000 ? '#' : 'A');
            inputs.push_back(std::move(data));
        }
    inputs.push_back(example_fastq_field(0, 30000));
    inputs.push_back(example_fastq_field(1, 30000));
    for (simd::isa isa : simd::available_isas())
    {
        INFO("isa " << simd::isa_name(isa));
        for (std::size_t k = 0; k < inputs.size(); ++k)
        {
            auto const & data = inputs[k];
            std::vector<damage> damages{{}, {0, false, -1, 7, 0}, {0, false, -1, 100, 0}};
            for (int t = 0; t < 3; ++t)
            {
                damages.push_back({1 + rng() % 8, false, -1, 0, rng()});
                damages.push_back({0, true, -1, 0, rng()});
                damages.push_back({0, false, data[rng() % data.size()], 0, rng()});
            }
            damages.push_back({0, false, 0, 0, 0}); // every state starts there
            for (auto const & d : damages)
            {
                INFO("input " << k << " n " << data.size() << " flips " << d.flips << " wild " << d.wild_states
                              << " drop " << d.drop_context << " cut " << d.input_cut << " seed " << d.seed);
                decoded1 const ref = run1(data, d, [](auto... a) { return rd::decode_x32_order1_rounds_scalar(a...); });
                decoded1 const got = run1(data, d, [&](auto... a) {
                    return simd::dispatch_to<rd::rans_x32_kernel>(isa, [&](auto kernel) { return kernel.decode_order1(a...); });
                });
                CHECK(got == ref);
            }
        }
    }
}

TEST_CASE("rans x32 order-0 decoding kernel on real data and wild states", "[kernel][rans]")
{
    std::uint64_t const seed = std::random_device{}();
    INFO("seed " << seed);
    std::mt19937_64 rng{seed};
    for (simd::isa isa : simd::available_isas())
    {
        INFO("isa " << simd::isa_name(isa));
        for (int which : {0, 1})
        {
            auto const data = example_fastq_field(which, 30000);
            decoded const ref = run(data, 0, [](auto... a) { return rd::decode_x32_rounds_scalar(a...); });
            decoded const got = run(data, 0, [&](auto... a) {
                return simd::dispatch_to<rd::rans_x32_kernel>(isa, [&](auto k) { return k.decode_order0(a...); });
            });
            CHECK(got == ref);
            // Corrupt streams: states anywhere in [L, 2^32) and random bytes decode the same everywhere.
            std::vector<std::uint32_t> table(4096);
            for (std::size_t s = 0, pos = 0; s < 256; ++s)
            {
                std::size_t const f = s < 255 ? rng() % 17 : 4096 - pos;
                for (std::size_t k = 0; k < f && pos < 4096; ++k, ++pos)
                    table[pos] = static_cast<std::uint32_t>(s | (k << 8) | ((f - 1) << 20));
            }
            std::vector<std::uint8_t> noise(5000);
            for (auto & c : noise)
                c = static_cast<std::uint8_t>(rng());
            auto wild = [&](auto && decode) {
                decoded d;
                d.states.resize(32);
                std::mt19937_64 r2{seed + 1};
                for (auto & x : d.states)
                    x = rd::state_lower_bound + static_cast<std::uint32_t>(r2() % (0x100000000ull - rd::state_lower_bound));
                std::uint8_t const * p = noise.data();
                d.out.assign(3000, 0);
                d.symbols = decode(table.data(), d.states.data(), p, noise.data() + noise.size(), d.out.size(), d.out.data());
                d.consumed = static_cast<std::size_t>(p - noise.data());
                return d;
            };
            CHECK(wild([](auto... a) { return rd::decode_x32_rounds_scalar(a...); }) ==
                  wild([&](auto... a) {
                      return simd::dispatch_to<rd::rans_x32_kernel>(isa, [&](auto k) { return k.decode_order0(a...); });
                  }));
        }
    }
}
