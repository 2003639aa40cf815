// Differential test of the 32-way rANS encoding kernels (order-0 and order-1): every architecture this CPU
// supports against the scalar reference, with the final states, the output pointer and every byte written above
// it compared exactly. Inputs: empty, 1, 31, 32, 33 ... bytes; uniform, skewed and constant data; all 256
// symbols; frequency tables with the extremes (f = 1, f = 4096, one symbol taking all but 255); random valid
// starting states; real qualities and names. Then the whole encoder on each architecture against the scalar one.
#include "../support/fastq_fields.hpp"
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <wgskit/codec/rans/all.hpp>
#include <wgskit/codec/rans/detail/entropy_coder.hpp>
#include <wgskit/codec/rans/detail/rans_x32_encode_kernel.hpp>

namespace
{
using namespace wgskit;
namespace rd = codec::rans::detail;

struct encoded
{
    std::vector<std::uint8_t> bytes; // everything above the final pointer
    std::vector<std::uint32_t> states;
    friend bool operator==(encoded const &, encoded const &) = default;
};

//! Runs one encoder over a fresh buffer (room for a word per symbol, and 64 bytes below for the kernels' spill).
template <typename Encode>
encoded run(std::size_t symbols, std::vector<std::uint32_t> states, Encode && encode)
{
    std::vector<std::uint8_t> buf(2 * symbols + 64, 0xAA);
    std::uint8_t * const end = buf.data() + buf.size();
    std::uint8_t * ptr = end;
    encode(states.data(), ptr);
    REQUIRE(ptr >= buf.data() + 16);
    return {std::vector<std::uint8_t>(ptr, end), std::move(states)};
}

//! Valid encoder states: L at the start, anything in [L, 2^31) later.
std::vector<std::uint32_t> some_states(std::mt19937_64 & rng, bool at_start)
{
    std::vector<std::uint32_t> x(32, rd::state_lower_bound);
    if (!at_start)
        for (auto & s : x)
            s = rd::state_lower_bound + static_cast<std::uint32_t>(rng() % ((1u << 31) - rd::state_lower_bound));
    return x;
}

//! Frequencies summing to 4096 in the shapes the tests need.
rd::frequencies table_of(int shape, std::mt19937_64 & rng)
{
    rd::frequencies f{};
    switch (shape)
    {
        case 0: // one symbol takes everything
            f['Q'] = 4096;
            break;
        case 1: // all 256 symbols, equal
            f.fill(16);
            break;
        case 2: // one symbol takes all but 255, every other symbol has 1
            f.fill(1);
            f[200] = 4096 - 255;
            break;
        case 3: // two symbols, 1 and 4095
            f[3] = 1;
            f[250] = 4095;
            break;
        default: // random counts over a random alphabet
        {
            rd::frequencies counts{};
            std::size_t const symbols = 1 + rng() % 256;
            for (std::size_t k = 0; k < symbols; ++k)
                counts[rng() % 256] += 1 + static_cast<std::uint32_t>(rng() % (k % 3 == 0 ? 100000 : 50));
            f = rd::normalise(counts, rd::order0_bits);
        }
    }
    return f;
}

//! n symbols drawn from f's alphabet (uniformly, or mostly the most frequent one).
std::vector<std::uint8_t> data_of(rd::frequencies const & f, std::size_t n, bool skewed, std::mt19937_64 & rng)
{
    std::vector<std::uint8_t> alphabet;
    for (int s = 0; s < 256; ++s)
        if (f[s])
            alphabet.push_back(static_cast<std::uint8_t>(s));
    auto const top = static_cast<std::uint8_t>(std::max_element(f.begin(), f.end()) - f.begin());
    std::vector<std::uint8_t> d(n);
    for (auto & c : d)
        c = skewed && rng() % 8 ? top : alphabet[rng() % alphabet.size()];
    return d;
}

using test_support::example_fastq_field;

constexpr std::size_t edge_sizes[] = {0, 1, 31, 32, 33, 63, 64, 65, 1000, 4096, 20011};
} // namespace

TEST_CASE("rans x32 order-0 encoding kernel matches the scalar reference", "[kernel][rans]")
{
    std::uint64_t const seed = std::random_device{}();
    INFO("seed " << seed);
    std::mt19937_64 rng{seed};
    for (simd::isa isa : simd::available_isas())
    {
        INFO("isa " << simd::isa_name(isa));
        for (int shape = 0; shape < 8; ++shape)
        {
            rd::frequencies const f = table_of(shape, rng);
            std::vector<rd::encoder_symbol> table(256);
            rd::make_encoder_table(f, rd::order0_bits, table.data());
            for (std::size_t n : edge_sizes)
                for (bool skewed : {false, true})
                    for (bool at_start : {true, false})
                    {
                        INFO("shape " << shape << " n " << n << " skewed " << skewed << " at_start " << at_start);
                        auto const data = data_of(f, n, skewed, rng);
                        auto const states = some_states(rng, at_start);
                        std::size_t const rounds = n / 32;
                        for (bool branchless : {false, true})
                        {
                            encoded const ref = run(n, states, [&](std::uint32_t * x, std::uint8_t *& p) {
                                rd::encode_x32_order0_rounds_scalar(table.data(), data.data(), rounds, x, p, branchless);
                            });
                            encoded const got = run(n, states, [&](std::uint32_t * x, std::uint8_t *& p) {
                                simd::dispatch_to<rd::rans_x32_encode_kernel>(isa, [&](auto k) {
                                    k.encode_order0(table.data(), data.data(), rounds, x, p, branchless);
                                });
                            });
                            CHECK(got == ref);
                        }
                    }
        }
    }
}

TEST_CASE("rans x32 order-1 encoding kernel matches the scalar reference", "[kernel][rans]")
{
    std::uint64_t const seed = std::random_device{}();
    INFO("seed " << seed);
    std::mt19937_64 rng{seed};
    std::vector<std::vector<std::uint8_t>> inputs;
    for (std::size_t n : edge_sizes)
        for (int skew : {0, 1, 2, 3, 4})
        {
            std::vector<std::uint8_t> data(n);
            std::uint8_t prev = 0;
            for (std::size_t i = 0; i < n; ++i) // skew 1, 2: depends on the previous byte, as order-1 data should
                prev = data[i] = skew == 0 ? static_cast<std::uint8_t>(rng())
                               : skew == 1 ? static_cast<std::uint8_t>((prev + rng() % 5) % 40)
                               : skew == 2 ? static_cast<std::uint8_t>(rng() % 100 < 90 ? prev : ':' + rng() % 8)
                               : skew == 3 ? std::uint8_t{'#'}                  // one symbol: f = 4096 everywhere
                                           : static_cast<std::uint8_t>(i % 256); // every symbol and context
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
            // The encoder's own tables for these data, with 32 states.
            std::vector<rd::frequencies> counts(256);
            rd::frequencies alphabet;
            rd::count_order1(data, 32, counts.data(), alphabet);
            std::vector<rd::encoder_symbol> tables(rd::order1_encoder_entries);
            for (int ctx = 0; ctx < 256; ++ctx)
                if (std::any_of(counts[ctx].begin(), counts[ctx].end(), [](std::uint32_t c) { return c != 0; }))
                    rd::make_encoder_table(rd::normalise(counts[ctx], rd::order1_bits), rd::order1_bits,
                                           tables.data() + ctx * 256);
            for (bool at_start : {true, false})
            {
                INFO("input " << k << " n " << data.size() << " at_start " << at_start);
                auto const states = some_states(rng, at_start);
                std::size_t const region = data.size() / 32;
                for (bool branchless : {false, true})
                {
                    encoded const ref = run(data.size(), states, [&](std::uint32_t * x, std::uint8_t *& p) {
                        rd::encode_x32_order1_rounds_scalar(tables.data(), data.data(), region, x, p, branchless);
                    });
                    encoded const got = run(data.size(), states, [&](std::uint32_t * x, std::uint8_t *& p) {
                        simd::dispatch_to<rd::rans_x32_encode_kernel>(isa, [&](auto kern) {
                            kern.encode_order1(tables.data(), data.data(), region, x, p, branchless);
                        });
                    });
                    CHECK(got == ref);
                }
            }
        }
    }
}

TEST_CASE("rans encoding gives the same stream on every architecture", "[kernel][rans]")
{
    namespace rans = codec::rans;
    std::uint64_t const seed = std::random_device{}();
    INFO("seed " << seed);
    std::mt19937_64 rng{seed};
    std::vector<std::vector<std::uint8_t>> inputs;
    for (std::size_t n : edge_sizes)
        for (int skew : {0, 1, 2})
        {
            std::vector<std::uint8_t> data(n);
            for (auto & c : data)
                c = skew == 0 ? static_cast<std::uint8_t>(rng())
                  : skew == 1 ? static_cast<std::uint8_t>('A' + rng() % 7)
                              : std::uint8_t{'F'};
            inputs.push_back(std::move(data));
        }
    inputs.push_back(example_fastq_field(0, 50000));
    inputs.push_back(example_fastq_field(1, 50000));
    for (unsigned flags : {0u, rans::order1, rans::x32, rans::x32 | rans::order1, rans::x32 | rans::rle,
                           rans::x32 | rans::order1 | rans::pack, rans::x32 | rans::stripe})
        for (std::size_t k = 0; k < inputs.size(); ++k)
        {
            INFO("flags " << flags << " input " << k << " n " << inputs[k].size());
            std::vector<std::uint8_t> ref;
            {
                simd::scoped_isa scalar{simd::isa::scalar};
                ref = rans::compress(inputs[k], flags);
            }
            CHECK(rans::decompress(ref) == inputs[k]);
            for (simd::isa isa : simd::available_isas())
            {
                INFO("isa " << simd::isa_name(isa));
                simd::scoped_isa forced{isa};
                CHECK(rans::compress(inputs[k], flags) == ref);
            }
        }
}
