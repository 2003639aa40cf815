// rANS Nx16: round trips for every order/flag combination, interoperability with htscodecs in both
// directions, and corrupt streams (truncated, flipped bytes, bad frequency tables) giving parse_error.
#include "wgskit_test_paths.hpp"
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include <wgskit/codec/bgzf/reader.hpp>
#include <wgskit/codec/rans/all.hpp>

#if defined(WGSKIT_HAVE_HTSCODECS)
#include <htscodecs/rANS_static4x16.h>
#endif

namespace
{
using namespace wgskit;
namespace rans = wgskit::codec::rans;
using bytes = std::vector<std::uint8_t>;

//! Every flag combination htscodecs' rans_compress_4x16 accepts (STRIPE on its own, as the format says).
std::vector<unsigned> const & all_flag_sets()
{
    static std::vector<unsigned> const sets = [] {
        std::vector<unsigned> v;
        for (unsigned order : {0u, rans::order1})
            for (unsigned n32 : {0u, rans::x32})
                for (unsigned rle : {0u, rans::rle})
                    for (unsigned pack : {0u, rans::pack})
                        for (unsigned cat : {0u, rans::cat})
                            v.push_back(order | n32 | rle | pack | cat);
        for (unsigned sub : {0u, rans::order1, rans::x32, rans::order1 | rans::x32, rans::rle})
            v.push_back(rans::stripe | sub);
        return v;
    }();
    return sets;
}

//! Line 4k + which of the example reads, concatenated (with their newlines for names, which == 0): quality
//! strings (3) are the data the codec is for; names are high-entropy data with many order-1 contexts.
std::string example_lines(std::size_t which)
{
    codec::bgzf::reader r{std::string{WGSKIT_SOURCE_DIR} + "/examples/data/NA12878.chr22_R1.fastq.gz"};
    std::string const text = r.read_all();
    std::string out;
    std::size_t line = 0;
    for (std::size_t pos = 0; pos < text.size() && out.size() < 200000; ++line)
    {
        std::size_t const end = text.find('\n', pos);
        if (line % 4 == which)
            out.append(text, pos, end - pos + (which == 0));
        pos = end == std::string::npos ? text.size() : end + 1;
    }
    return out;
}

std::string const & example_qualities()
{
    static std::string const q = example_lines(3);
    return q;
}

std::string const & example_names()
{
    static std::string const q = example_lines(0);
    return q;
}

bytes sample(std::string const & kind, std::size_t n, std::uint64_t seed)
{
    std::mt19937_64 rng{seed};
    bytes v(n);
    if (kind == "qualities" || kind == "names")
    {
        std::string const & q = kind == "names" ? example_names() : example_qualities();
        std::size_t const start = q.size() > n ? rng() % (q.size() - n) : 0;
        for (std::size_t i = 0; i < n; ++i)
            v[i] = static_cast<std::uint8_t>(q[(start + i) % q.size()]);
    }
    else if (kind == "runs") // few symbols in long runs: RLE and PACK territory
    {
        for (std::size_t i = 0; i < n;)
        {
            std::uint8_t const c = static_cast<std::uint8_t>("ACGTN"[rng() % 5]);
            std::size_t const run = 1 + rng() % 40;
            for (std::size_t k = 0; k < run && i < n; ++k)
                v[i++] = c;
        }
    }
    else if (kind == "bytes") // all 256 symbols, skewed
    {
        std::geometric_distribution<int> g{0.05};
        for (auto & c : v)
            c = static_cast<std::uint8_t>(std::min(255, g(rng)));
    }
    else // "constant"
        std::fill(v.begin(), v.end(), std::uint8_t{'#'});
    return v;
}

std::vector<std::size_t> const sizes{0, 1, 2, 3, 4, 5, 31, 32, 33, 127, 128, 129, 1000, 65537};
std::vector<std::string> const kinds{"qualities", "names", "runs", "bytes", "constant"};

} // namespace

TEST_CASE("rans nx16 round trips every flag combination", "[rans]")
{
    for (unsigned flags : all_flag_sets())
        for (auto const & kind : kinds)
            for (std::size_t n : sizes)
            {
                INFO("flags " << flags << " kind " << kind << " n " << n);
                bytes const in = sample(kind, n, n * 31 + flags);
                bytes const c = rans::compress(in, flags);
                REQUIRE(rans::decompress(c) == in);
            }
    // Other stripe widths, and NOSZ with the size given.
    bytes const in = sample("qualities", 10007, 1);
    for (unsigned ways : {2u, 3u, 8u, 255u})
        CHECK(rans::decompress(rans::compress(in, rans::stripe | rans::stripe_ways(ways))) == in);
    bytes const nosz = rans::compress(in, rans::no_size | rans::order1);
    CHECK(rans::decompress(nosz, {in.size()}) == in);
    CHECK_THROWS_AS(rans::compress(in, rans::stripe | rans::stripe_ways(1)), invalid_argument);
}

TEST_CASE("rans nx16 order-1 4-way decoding with and without a table for every context", "[rans]")
{
    // The 4-way order-1 decoder has a fast loop for complete table sets and a checked one for a symbol that never
    // precedes another (here the final 'z': no table), each with branch-free renormalisation (over a bit a
    // symbol) and with a branch (well-compressed data), with 10-bit tables (which we write when they cost at
    // most 1% more) and 12-bit ones (a tail of rare symbols, which 10-bit tables overweigh).
    std::mt19937_64 rng{17};
    for (int data : {0, 1, 2}) // high entropy, high entropy with a rare tail, low entropy
        for (bool final_symbol_alone : {false, true})
        {
            INFO("data " << data << " final symbol alone " << final_symbol_alone);
            bytes in(data == 1 ? 200001 : 20001);
            for (auto & c : in)
                c = static_cast<std::uint8_t>(data == 2                        ? (rng() % 50 ? 'A' : 'B')
                                              : data == 1 && rng() % 100 == 0 ? 96 + rng() % 150
                                                                              : 'A' + rng() % 16);
            if (final_symbol_alone)
                in.back() = 'z';
            bytes const ours = rans::compress(in, rans::order1);
            // flags, the size (3 bytes of uint7 here), then the table's bits in the high nibble
            CHECK((ours[4] >> 4) == (data == 1 ? 12 : 10));
            REQUIRE(rans::decompress(ours) == in);
#if defined(WGSKIT_HAVE_HTSCODECS)
            unsigned size = 0;
            unsigned char * c = rans_compress_4x16(in.data(), static_cast<unsigned>(in.size()), &size, 1);
            REQUIRE(c != nullptr);
            bytes const theirs(c, c + size);
            std::free(c);
            CHECK(rans::decompress(theirs) == in);
#endif
        }
}

TEST_CASE("rans nx16 order-1 counts are the plain counts, call after call", "[rans]")
{
    // Large inputs are counted into four tables kept (zeroed) between calls and the alphabet found by a search
    // over the counted pairs: checked against a plain count, one input after another of different alphabets.
    namespace rd = rans::detail;
    for (std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{4095}, std::size_t{4096}, std::size_t{4099},
                          std::size_t{65537}, std::size_t{200003}})
        for (auto const & kind : kinds)
            for (unsigned n_states : {4u, 32u})
            {
                INFO("kind " << kind << " n " << n << " states " << n_states);
                bytes in = sample(kind, n, n + n_states);
                if (kind == "bytes" && n > 10)
                    in[n / 2] = 255; // a symbol seen once, deep in the input
                std::vector<rd::frequencies> counts(256, rd::frequencies{});
                rd::frequencies alphabet;
                rd::count_order1(in, n_states, counts.data(), alphabet);
                std::vector<rd::frequencies> expected(256, rd::frequencies{});
                rd::frequencies expected_alphabet{};
                expected_alphabet[0] = 1;
                std::size_t const region = n / n_states;
                for (std::size_t p = 0; p < n; ++p)
                {
                    bool const region_start = p == 0 || (region > 0 && p % region == 0 && p / region < n_states);
                    ++expected[region_start ? 0 : in[p - 1]][in[p]];
                    expected_alphabet[in[p]] = 1;
                }
                CHECK(alphabet == expected_alphabet);
                CHECK(counts == expected);
            }
}

TEST_CASE("rans nx16 encoders' 64-bit and 32-bit reciprocals both give rANS's coded state", "[rans]")
{
    // Both symbol layouts must code every state the encoder can meet (below f * 2^19 after renormalisation)
    // identically: every frequency of 10- and 12-bit tables, the states at and around multiples of f and the top.
    namespace rd = rans::detail;
    std::mt19937_64 rng{29};
    for (unsigned bits : {10u, 12u})
        for (std::uint32_t f = 1; f <= (1u << bits); ++f)
        {
            std::uint32_t const start = (1u << bits) - f;
            rd::encoder_symbol const a = rd::make_encoder_symbol(start, f, bits);
            rd::scalar_encoder_symbol const b = rd::make_scalar_encoder_symbol(start, f, bits);
            REQUIRE(a.renorm_above == b.renorm_above);
            std::uint32_t const top = f * (1u << 19) - 1; // the largest state left after renormalisation
            std::vector<std::uint32_t> xs{1, 2, top, top - 1, rd::state_lower_bound};
            for (int k = 0; k < 24; ++k)
            {
                std::uint32_t const m = static_cast<std::uint32_t>(rng() % (top / f + 1)) * f;
                for (std::uint32_t x : {m, m + 1, m + f - 1})
                    if (x >= 1 && x <= top)
                        xs.push_back(x);
                xs.push_back(static_cast<std::uint32_t>(1 + rng() % top));
            }
            // The coded state: rANS's C(s, x) = (x / f) * 2^bits + x mod f + start, by either reciprocal (for f = 1
            // the quotient is x - 1 and the bias makes up for it).
            auto const code = [](auto const & sym, std::uint32_t x) {
                return x + sym.bias + rd::encoder_quotient(x, sym) * sym.cmpl_freq;
            };
            for (std::uint32_t x : xs)
            {
                INFO("bits " << bits << " f " << f << " x " << x);
                std::uint32_t const expected = ((x / f) << bits) + x % f + start;
                REQUIRE(code(a, x) == expected);
                REQUIRE(code(b, x) == expected);
            }
        }
}

TEST_CASE("rans nx16 decoders' renormalisation thresholds agree with the new state", "[rans]")
{
    // The 4-way decoders decide whether a state needs a word before its new state is there: order-0 from the
    // quotient and a per-slot threshold, order-1 (ranked tables) from the old state and a per-entry threshold.
    // Both must agree with "new state < L" for every slot of tables with every frequency from 1 to 2^bits, at
    // the quotients around the threshold and at random ones (decoding states are in [L, 2^31)).
    namespace rd = rans::detail;
    std::mt19937_64 rng{31};
    for (unsigned bits : {10u, 12u})
    {
        std::uint32_t const total = 1u << bits;
        std::vector<rd::frequencies> tables;
        for (std::uint32_t f0 = 1; f0 <= total; f0 += f0 < 64 ? 1 : 61) // symbol 1 takes f0, the rest by turns
        {
            rd::frequencies f{};
            f[1] = f0;
            for (std::uint32_t left = total - f0, s = 2; left > 0; s = s == 255 ? 2 : s + 1)
            {
                std::uint32_t const take = std::min<std::uint32_t>(left, 1 + static_cast<std::uint32_t>(rng() % 97));
                f[s] += take;
                left -= take;
            }
            tables.push_back(f);
        }
        tables.push_back([&] { rd::frequencies f{}; f[7] = total; return f; }());
        auto const quotients = [&](std::uint32_t around) {
            std::vector<std::uint32_t> qs;
            for (std::uint32_t q = around > 3 ? around - 3 : 0; q <= around + 3; ++q)
                qs.push_back(q);
            for (int k = 0; k < 4; ++k)
                qs.push_back(static_cast<std::uint32_t>(rng() % ((std::uint32_t{1} << 31) >> bits)));
            std::erase_if(qs, [&](std::uint32_t q) { return (std::uint64_t{q} << bits) < rd::state_lower_bound ||
                                                            (std::uint64_t{q} << bits) >= (std::uint64_t{1} << 31); });
            return qs;
        };
        if (bits == 12) // order-0 tables are 12-bit
            for (auto const & f : tables)
            {
                rd::split_slot_storage<4096, true> const storage;
                auto const t = storage.view();
                t.build(0, f);
                for (std::uint32_t slot = 0; slot < total; ++slot)
                    for (std::uint32_t q : quotients(t.threshold(slot)))
                    {
                        std::uint32_t x = (q << bits) | slot;
                        std::uint32_t const old_q = x >> bits;
                        t.step(x, slot, bits);
                        INFO("order-0 slot " << slot << " q " << q);
                        REQUIRE((x < rd::state_lower_bound) == (old_q < t.threshold(slot)));
                    }
            }
        // Order-1: the tables as contexts 0, 1, ... of one ranked set.
        std::vector<std::pair<std::uint32_t, rd::frequencies>> contexts;
        for (std::uint32_t c = 0; c < tables.size() && c < 256; ++c)
            contexts.emplace_back(c, tables[c]);
        rd::ranked_slot_storage const storage;
        auto const t = storage.view();
        t.build(bits, contexts);
        for (auto const & [ctx, f] : contexts)
        {
            std::size_t const c = t.context_of(static_cast<std::uint8_t>(ctx));
            for (std::uint32_t slot = 0; slot < total; ++slot)
            {
                std::uint32_t const threshold = t.threshold(c, t.rank_at(c, slot));
                for (std::uint32_t q : quotients(threshold >> bits))
                {
                    std::uint32_t const old = (q << bits) | slot;
                    std::uint32_t x = old;
                    t.step_ranked(x, c, bits);
                    INFO("order-1 context " << ctx << " slot " << slot << " q " << q);
                    REQUIRE((x < rd::state_lower_bound) == (old < threshold));
                }
            }
        }
    }
}

TEST_CASE("rans nx16 compresses real qualities", "[rans]")
{
    bytes const q = sample("qualities", 100000, 3);
    for (unsigned flags : {0u, rans::order1, rans::x32, rans::order1 | rans::x32})
    {
        std::size_t const size = rans::compress(q, flags).size();
        INFO("flags " << flags << ": " << size << " bytes");
        CHECK(size < q.size() * 6 / 10); // ~3.4 bits per quality at order-0, less at order-1
    }
}

TEST_CASE("rans nx16 streams interoperate with htscodecs both ways", "[rans]")
{
#if !defined(WGSKIT_HAVE_HTSCODECS)
    WARN("htscodecs not found at build time (libhtscodecs-dev): skipped");
#else
    std::size_t identical = 0, compared = 0;
    for (unsigned flags : all_flag_sets())
        for (auto const & kind : kinds)
            for (std::size_t n : sizes)
            {
                INFO("flags " << flags << " kind " << kind << " n " << n);
                bytes in = sample(kind, n, n * 7 + flags);
                // ours -> htscodecs
                bytes c = rans::compress(in, flags);
                unsigned out_size = 0;
                unsigned char * theirs = rans_uncompress_4x16(c.data(), static_cast<unsigned>(c.size()), &out_size);
                REQUIRE(theirs != nullptr);
                CHECK(bytes(theirs, theirs + out_size) == in);
                std::free(theirs);
                // htscodecs -> ours
                unsigned c_size = 0;
                unsigned char * h = rans_compress_4x16(in.data(), static_cast<unsigned>(in.size()), &c_size,
                                                       static_cast<int>(flags));
                REQUIRE(h != nullptr);
                bytes const hc(h, h + c_size);
                std::free(h);
                CHECK(rans::decompress(hc) == in);
                ++compared;
                identical += hc == c;
            }
    // htscodecs normalises frequencies with its own heuristics (and picks CAT/PACK/10-bit tables by size), so
    // most streams differ while decoding to the same bytes; CAT streams are identical.
    bytes const text = sample("qualities", 5000, 9);
    unsigned c_size = 0;
    unsigned char * h = rans_compress_4x16(const_cast<std::uint8_t *>(text.data()), 5000, &c_size, rans::cat);
    CHECK(bytes(h, h + c_size) == rans::compress(text, rans::cat));
    std::free(h);
    WARN("rANS streams byte-identical to htscodecs': " << identical << " of " << compared);
#endif
}

TEST_CASE("rans nx16 rejects corrupt streams with parse_error", "[rans]")
{
    bytes const in = sample("qualities", 3000, 5);
    std::mt19937_64 rng{11};
    for (unsigned flags : {0u, rans::order1, rans::x32, rans::order1 | rans::x32, rans::rle | rans::pack,
                           rans::stripe, rans::rle, rans::cat})
    {
        INFO("flags " << flags);
        bytes const c = rans::compress(in, flags);
        // Every strict prefix is truncated.
        for (std::size_t len = 0; len < c.size(); len += 1 + len / 8)
            CHECK_THROWS_AS(rans::decompress({c.data(), len}), parse_error);
        // Flipped bytes: an error or (rarely, e.g. inside CAT data) other bytes; never a crash.
        for (int trial = 0; trial < 200; ++trial)
        {
            bytes bad = c;
            bad[rng() % bad.size()] ^= static_cast<std::uint8_t>(1 + rng() % 255);
            try
            {
                bytes const out = rans::decompress(bad);
                CHECK(out.size() <= in.size() * 2 + 16);
            }
            catch (parse_error const &)
            {
            }
        }
    }
    // A hand-made order-0 stream whose frequencies sum to 3000, not a power of two.
    bytes bad{0x00, 0x05, 'A', 'C', 0x00, 0x8b, 0x68 /* 1512 */, 0x8b, 0x60 /* 1504 */};
    bad.insert(bad.end(), 16, 0x80);
    try
    {
        rans::decompress(bad, {.source = "test block 7"});
        FAIL("no error");
    }
    catch (parse_error const & e)
    {
        CHECK(std::string{e.what()}.find("test block 7") != std::string::npos);
        CHECK(e.reason().find("frequency table") != std::string::npos);
    }
    // Sizes beyond max_size, and NOSZ without a size.
    bytes const big = rans::compress(sample("constant", 100000, 1), 0);
    CHECK_THROWS_AS(rans::decompress(big, {.max_size = 1000}), parse_error);
    bytes const nosz = rans::compress(in, rans::no_size);
    CHECK_THROWS_AS(rans::decompress(nosz), parse_error);
}
