// Differential test of the 2-bit kernels: every architecture this CPU supports against the scalar reference,
// whole outputs compared bit for bit, on random and edge-case inputs.
#include <catch2/catch.hpp>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <wgskit/codec/twobit/detail/twobit_kernel.hpp>

namespace
{
using namespace wgskit;
using codec::twobit::detail::twobit_kernel;
namespace tb = codec::twobit::detail;

// Lengths around every lane count (16, 32, 64 bytes; 2, 4, 8 words) and the 64-base block.
std::vector<std::size_t> edge_lengths()
{
    std::vector<std::size_t> lengths{0, 1, 2, 3, 7, 8, 9};
    for (std::size_t l : {16u, 32u, 64u, 128u, 256u, 512u, 2048u})
        for (std::size_t d : {l - 1, l, l + 1})
            lengths.push_back(d);
    return lengths;
}

// ACGT with, depending on the flavour, lower case, N runs and other IUPAC letters sprinkled in.
std::string random_dna(std::mt19937_64 & rng, std::size_t n, int flavour)
{
    static constexpr char acgt[] = "ACGT";
    static constexpr char iupac[] = "NRYKMSWBDHVacgtn";
    std::string s(n, 'A');
    std::uniform_int_distribution<int> base(0, 3), odd(0, 15), pct(0, 99);
    for (std::size_t i = 0; i < n; ++i)
    {
        s[i] = acgt[base(rng)];
        if (flavour == 1 && pct(rng) < 5)
            s[i] = iupac[odd(rng)];
        if (flavour == 2 && pct(rng) < 2) // an N run
            for (std::size_t j = i; j < n && j < i + 40; ++j)
                s[j] = 'N';
    }
    return s;
}

std::vector<simd::isa> isas_under_test()
{
    auto v = simd::available_isas();
    INFO("architectures under test: " << v.size());
    REQUIRE(v.back() == simd::isa::scalar);
    return v;
}

void check_all_kernels(std::string const & text, std::size_t offset)
{
    std::string_view const seq = std::string_view{text}.substr(offset);
    std::size_t const n = seq.size();
    std::vector<std::uint64_t> ref_words(tb::words_for(n) + 1, 0xdeadbeefull), ref_dirty(tb::dirty_words_for(n) + 1, 7);
    tb::pack_scalar(seq.data(), n, ref_words.data(), ref_dirty.data());
    std::string ref_letters(n + 1, '#');
    tb::unpack_scalar(ref_words.data(), n, ref_letters.data());
    std::vector<std::uint64_t> ref_rc(tb::words_for(n) + 1, 0xfeedull);
    tb::reverse_complement_scalar(ref_words.data(), n, ref_rc.data());

    for (simd::isa arch : isas_under_test())
    {
        INFO("arch " << simd::isa_name(arch) << ", length " << n << ", offset " << offset);
        std::vector<std::uint64_t> words(ref_words.size(), 0xdeadbeefull), dirty(ref_dirty.size(), 7);
        std::string letters(n + 1, '#');
        std::vector<std::uint64_t> rc(ref_rc.size(), 0xfeedull);
        simd::dispatch_to<twobit_kernel>(arch, [&](auto k) {
            k.pack(seq.data(), n, words.data(), dirty.data());
            k.unpack(ref_words.data(), n, letters.data());
            k.reverse_complement(ref_words.data(), n, rc.data());
        });
        CHECK(words == ref_words); // the sentinel past the end must be untouched too
        CHECK(dirty == ref_dirty);
        CHECK(letters == ref_letters);
        CHECK(rc == ref_rc);
    }
}
} // namespace

TEST_CASE("twobit kernels agree with the scalar reference on edge lengths and offsets", "[kernel][twobit]")
{
    std::mt19937_64 rng{20261129};
    for (int flavour : {0, 1, 2})
        for (std::size_t n : edge_lengths())
            for (std::size_t offset : {0u, 1u, 3u, 7u})
                check_all_kernels(random_dna(rng, n + offset, flavour), offset);
}

TEST_CASE("twobit kernels agree with the scalar reference on random inputs", "[kernel][twobit]")
{
    std::uint64_t const seed = GENERATE(take(20, random(std::uint64_t{1}, std::uint64_t{1} << 40)));
    INFO("seed " << seed);
    std::mt19937_64 rng{seed};
    std::size_t const n = std::uniform_int_distribution<std::size_t>{0, 20000}(rng);
    check_all_kernels(random_dna(rng, n, static_cast<int>(seed % 3)), seed % 8 > n ? 0 : seed % 8);
}

TEST_CASE("twobit kernels on special inputs", "[kernel][twobit]")
{
    check_all_kernels(std::string(1000, 'N'), 0);
    check_all_kernels(std::string(1000, 'n'), 3);
    check_all_kernels(std::string(129, 'T'), 0);             // all codes 3: complement gives 0 everywhere
    check_all_kernels(std::string(4096, '\0'), 0);           // bytes that are not letters at all are flagged dirty
    std::string all_bytes;
    for (int rep = 0; rep < 3; ++rep)
        for (int c = 0; c < 256; ++c)
            all_bytes.push_back(static_cast<char>(c));
    check_all_kernels(all_bytes, 0);
}

TEST_CASE("the test hook really changes the architecture", "[kernel][simd]")
{
    for (simd::isa arch : simd::available_isas())
    {
        simd::scoped_isa force{arch};
        CHECK(simd::active_isa() == arch);
    }
    // An architecture the CPU lacks (or that is not compiled in) is a clear error.
    for (simd::isa arch : {simd::isa::sse4_2, simd::isa::avx2, simd::isa::avx512bw, simd::isa::neon64})
        if (!simd::cpu_supports(arch) || !simd::compiled_in(arch))
            CHECK_THROWS_AS(simd::force_isa(arch), unsupported_architecture);
}
