// The public 2-bit API: lossless round trips, ambiguity letters, soft-masking, reverse complement, errors.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <string>

#include <wgskit/codec/twobit/packed_dna.hpp>

namespace
{
using namespace wgskit;
using namespace wgskit::codec::twobit;

std::string reverse_complement_string(std::string s)
{
    std::reverse(s.begin(), s.end());
    for (char & c : s)
    {
        bool const lower = c >= 'a' && c <= 'z';
        char const u = complement_letter(lower ? static_cast<char>(c - 32) : c);
        c = lower ? static_cast<char>(u + 32) : u;
    }
    return s;
}

std::string random_iupac(std::mt19937_64 & rng, std::size_t n)
{
    static constexpr char letters[] = "ACGTACGTACGTACGTacgtNNNNnRYKMSWBDHVrykmswbdhv";
    std::uniform_int_distribution<std::size_t> pick(0, sizeof(letters) - 2);
    std::string s(n, 'A');
    for (char & c : s)
        c = letters[pick(rng)];
    return s;
}
} // namespace

TEST_CASE("pack and unpack are lossless for IUPAC text in either case", "[twobit]")
{
    auto const arch = GENERATE(from_range(simd::available_isas()));
    simd::scoped_isa force{arch};
    std::mt19937_64 rng{42};
    for (std::size_t n : {0u, 1u, 31u, 32u, 33u, 63u, 64u, 65u, 1000u, 10007u})
    {
        std::string const s = random_iupac(rng, n);
        packed_dna const p = pack(s);
        CHECK(p.size() == n);
        CHECK(unpack(p) == s);
    }
}

TEST_CASE("packed_dna records ambiguity runs and soft-masked runs", "[twobit]")
{
    packed_dna const p = pack("ACGTNNNNacgtRYnnA");
    REQUIRE(p.size() == 17);
    CHECK(p.ambiguous() == std::vector<ambiguity_run>{{4, 4, 'N'}, {12, 1, 'R'}, {13, 1, 'Y'}, {14, 2, 'N'}});
    CHECK(p.soft_masked() == std::vector<mask_run>{{8, 4}, {14, 2}});
    CHECK(p.code_at(0) == 0);
    CHECK(p.code_at(1) == 1);
    CHECK(p.code_at(2) == 2);
    CHECK(p.code_at(3) == 3);
    CHECK(p.code_at(5) == 0); // ambiguous positions hold code 0
    CHECK(p.code_at(11) == 3); // 't'
    CHECK(p.words().size() == 1);
}

TEST_CASE("reverse complement of packed DNA equals the reverse complement of the text", "[twobit]")
{
    auto const arch = GENERATE(from_range(simd::available_isas()));
    simd::scoped_isa force{arch};
    std::mt19937_64 rng{7};
    for (std::size_t n : {0u, 1u, 2u, 31u, 32u, 33u, 64u, 65u, 255u, 256u, 257u, 4099u})
    {
        std::string const s = random_iupac(rng, n);
        packed_dna const rc = reverse_complement(pack(s));
        INFO("length " << n);
        CHECK(unpack(rc) == reverse_complement_string(s));
        CHECK(rc == pack(reverse_complement_string(s)));
        CHECK(reverse_complement(rc) == pack(s));
    }
}

TEST_CASE("pack rejects characters that are not IUPAC nucleotides, naming the position", "[twobit]")
{
    CHECK_THROWS_WITH(pack("ACGTX"), Catch::Contains("position 4") && Catch::Contains("'X'"));
    CHECK_THROWS_WITH(pack(std::string(100, 'A') + "-"), Catch::Contains("position 100"));
    CHECK_THROWS_WITH(pack(std::string("AC\0G", 4)), Catch::Contains("byte 0"));
    CHECK_THROWS_AS(pack("ACGU"), invalid_argument); // RNA is not DNA
}
