// Lossless FASTQ codec (.wfq): exact round trips on real and odd FASTQ, pairs, random access to blocks, identical
// output for any thread count and for plain or gzip input, the models' counts, and clean errors on mismatched
// pairs and on corrupted or truncated files.
#include "wgskit_test_paths.hpp"
#include <catch2/catch.hpp>

#include <cstdint>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <libdeflate.h>

#include <wgskit/codec/fastq/fastq_codec.hpp>
#include <wgskit/io/input_file.hpp>

#include "../test_helpers.hpp"

namespace fq = wgskit::codec::fastq;
namespace test = wgskit::test;

namespace
{

std::string read_all(std::string const & path) // gzip or plain
{
    wgskit::io::input_file in{path};
    std::string s, buf(1 << 16, '\0');
    while (std::size_t n = in.read(buf.data(), buf.size()))
        s.append(buf.data(), n);
    return s;
}

std::vector<std::uint8_t> read_bytes(std::string const & path)
{
    std::string const s = read_all(path);
    return {s.begin(), s.end()};
}

std::string const data_dir = WGSKIT_SOURCE_DIR "/examples/data/";

//! Compresses text (one file) and checks decompression gives it back; returns the .wfq size.
std::size_t round_trip(std::string const & text, fq::compress_options opt = {})
{
    test::temp_dir dir{"wgskit_fqcodec"};
    test::write_file(dir.file("in.fq"), text);
    fq::compress({dir.file("in.fq")}, dir.file("x.wfq"), opt);
    fq::decompress(dir.file("x.wfq"), {dir.file("out.fq")}, {.threads = 2});
    CHECK(read_all(dir.file("out.fq")) == text);
    auto const bytes = read_bytes(dir.file("x.wfq"));
    auto const mem = fq::decompress_bytes(bytes);
    REQUIRE(mem.size() == 1);
    CHECK(mem[0] == text);
    return bytes.size();
}

std::string record(std::string const & name, std::string const & seq, std::string const & qual,
                   std::string const & plus = "", std::string const & eol = "\n")
{
    return "@" + name + eol + seq + eol + "+" + plus + eol + qual + eol;
}

//! The first n records (4 lines each) of a file without blank lines.
std::string first_records(std::string const & text, std::size_t n)
{
    std::size_t pos = 0;
    for (std::size_t l = 0; l < 4 * n && pos < text.size(); ++l)
        pos = text.find('\n', pos) + 1;
    return text.substr(0, pos);
}

//! Records [first, first + n) of a file without blank lines.
std::string record_slice(std::string const & text, std::size_t first, std::size_t n)
{
    std::size_t const a = first_records(text, first).size();
    return first_records(text.substr(a), n);
}

} // namespace

TEST_CASE("fastq codec: edge cases round trip exactly", "[fqcodec]")
{
    SECTION("empty file") { round_trip(""); }
    SECTION("one record") { round_trip(record("r1", "ACGTN", "IIII#")); }
    SECTION("no final newline") { round_trip("@r1\nACGT\n+\nIIII"); }
    SECTION("CRLF line ends, also mixed") { round_trip(record("a b", "ACGT", "IIII", "", "\r\n") + record("c", "GG", "##") + "@d\r\nA\n+\r\n#\r"); }
    SECTION("'+' repeats the name, or holds something else")
    {
        round_trip(record("read/1 x", "ACGT", "IIII", "read/1 x") + record("read/2", "AC", "II", "other") +
                   record("read/3", "A", "I"));
    }
    SECTION("blank lines between and after records") { round_trip("\n\r\n" + record("a", "AC", "II") + "\n\n" + record("b", "A", "I") + "\n\r\n\n"); }
    SECTION("only blank lines") { round_trip("\n\n"); }
    SECTION("N-only reads, IUPAC, lower case, odd bytes")
    {
        round_trip(record("n", std::string(150, 'N'), std::string(150, '#')) + record("m", "acgtNNRYacgtAC-.*", "IIIIIIIIIIIIIIIII") +
                   record("e", "", "") + record("z", std::string("A\x01G\xff", 4), "!!!!"));
    }
    SECTION("variable lengths and every quality value 33..126")
    {
        std::mt19937 rng{7};
        std::string text;
        for (int i = 0; i < 300; ++i)
        {
            std::size_t const len = rng() % 300;
            std::string seq, qual;
            for (std::size_t k = 0; k < len; ++k)
            {
                seq += "ACGTN"[rng() % (k % 17 == 0 ? 5 : 4)];
                qual += static_cast<char>(33 + rng() % 94);
            }
            text += record("SRR" + std::to_string(1000 + i * (rng() % 3)) + "." + std::to_string(i) + " len=" + std::to_string(len), seq, qual);
        }
        round_trip(text, {.threads = 2, .block_records = 64});
    }
    SECTION("a 1 Mb read")
    {
        std::mt19937 rng{3};
        std::string seq, qual;
        for (int k = 0; k < 1'000'000; ++k)
        {
            seq += "ACGT"[rng() % 4];
            qual += static_cast<char>('!' + rng() % 41);
        }
        round_trip(record("long", seq, qual) + record("short", "A", "I"));
    }
    SECTION("names with long numbers, leading zeros and many tokens")
    {
        std::string text;
        for (int i = 0; i < 50; ++i)
            text += record("x:" + std::to_string(4000000000u + i) + ":007:" + std::to_string(i * 300) +
                               ":a:b:c:d:e:f:g:h:i:j:k:l:m:n:o:p:q:r:s:t:u:v:w:x:y:z:" + std::to_string(i),
                           "ACGT", "IIII");
        round_trip(text);
    }
}

TEST_CASE("fastq codec: real reads, pairs, random access, thread counts", "[fqcodec]")
{
    test::temp_dir dir{"wgskit_fqcodec"};
    std::string const r1 = data_dir + "NA12878.chr22_R1.fastq.gz", r2 = data_dir + "NA12878.chr22_R2.fastq.gz";
    std::string const text1 = read_all(r1), text2 = read_all(r2);

    fq::compress({r1, r2}, dir.file("p1.wfq"), {.threads = 1, .block_records = 700});
    fq::compress({r1, r2}, dir.file("p2.wfq"), {.threads = 2, .block_records = 700});
    auto const bytes = read_bytes(dir.file("p1.wfq"));
    CHECK(bytes == read_bytes(dir.file("p2.wfq")));
    CHECK(bytes.size() < (text1.size() + text2.size()) / 8);

    fq::decompress(dir.file("p1.wfq"), {dir.file("o1.fq"), dir.file("o2.fq")}, {.threads = 2});
    CHECK(read_all(dir.file("o1.fq")) == text1);
    CHECK(read_all(dir.file("o2.fq")) == text2);

    auto const info = fq::read_info(dir.file("p1.wfq"));
    CHECK(info.paired);
    CHECK(info.records == 4949);
    REQUIRE(info.blocks.size() == 8);
    for (std::size_t k : {0u, 3u, 7u})
    {
        auto const part = fq::decompress_bytes(bytes, {.first_block = k, .block_count = 1});
        REQUIRE(part.size() == 2);
        CHECK(part[0] == record_slice(text1, k * 700, 700));
        CHECK(part[1] == record_slice(text2, k * 700, 700));
    }
    fq::decompress(dir.file("p1.wfq"), {dir.file("s1.fq"), dir.file("s2.fq")}, {.first_block = 2, .block_count = 2});
    CHECK(read_all(dir.file("s1.fq")) == record_slice(text1, 1400, 1400));
    CHECK_THROWS_AS(fq::decompress(dir.file("p1.wfq"), {dir.file("s1.fq"), dir.file("s2.fq")}, {.first_block = 9}),
                    wgskit::invalid_argument);
    CHECK_THROWS_AS(fq::decompress(dir.file("p1.wfq"), {dir.file("s1.fq")}), wgskit::invalid_argument);

    fq::compress({r1}, dir.file("single.wfq"), {.threads = 2});
    fq::decompress(dir.file("single.wfq"), {dir.file("single.fq")});
    CHECK(read_all(dir.file("single.fq")) == text1);
}

TEST_CASE("fastq codec: plain files (parsed in place) and gzip files give the same archive", "[fqcodec]")
{
    // Plain files are parsed through a mapping, gzip through a buffer. Mate 1 ends without a final newline at a
    // block boundary while mate 2 still has blank lines: those are appended to mate 2's last block (a view that
    // grows in place, or a copy).
    test::temp_dir dir{"wgskit_fqcodec"};
    std::string text1 = first_records(read_all(data_dir + "NA12878.chr22_R1.fastq.gz"), 1400);
    text1.pop_back();
    std::string const text2 = first_records(read_all(data_dir + "NA12878.chr22_R2.fastq.gz"), 1400) + "\n\r\n";
    auto write_gzip = [&](std::string const & path, std::string const & text) {
        libdeflate_compressor * c = libdeflate_alloc_compressor(1);
        std::string out(libdeflate_gzip_compress_bound(c, text.size()), '\0');
        out.resize(libdeflate_gzip_compress(c, text.data(), text.size(), out.data(), out.size()));
        libdeflate_free_compressor(c);
        test::write_file(path, out);
    };
    test::write_file(dir.file("1.fq"), text1);
    test::write_file(dir.file("2.fq"), text2);
    write_gzip(dir.file("1.fq.gz"), text1);
    write_gzip(dir.file("2.fq.gz"), text2);
    fq::compress({dir.file("1.fq"), dir.file("2.fq")}, dir.file("plain.wfq"), {.threads = 2, .block_records = 700});
    fq::compress({dir.file("1.fq.gz"), dir.file("2.fq.gz")}, dir.file("gzip.wfq"), {.threads = 1, .block_records = 700});
    auto const bytes = read_bytes(dir.file("plain.wfq"));
    CHECK(bytes == read_bytes(dir.file("gzip.wfq")));
    CHECK(fq::read_info(dir.file("plain.wfq")).blocks.size() == 2);
    auto const mem = fq::decompress_bytes(bytes);
    REQUIRE(mem.size() == 2);
    CHECK(mem[0] == text1);
    CHECK(mem[1] == text2);
}

TEST_CASE("fastq codec: context models keep the counts they specify", "[fqcodec]")
{
    // The encoder and decoder share the models, so a round trip cannot see a wrong update (only a worse size).
    // Reference: each symbol's count starts at 1 and grows by the step when coded; when the total before an update
    // exceeds max_model_total - 1 - 2 step, every count is halved, rounding up. Symbols skewed to the top (as
    // qualities are) and to the bottom, so that both the last two groups and the ones below are updated.
    namespace d = fq::detail;
    std::mt19937 rng{7};
    for (unsigned symbols : {2u, 4u, 7u, 8u, 15u, 16u, 23u, 41u, 64u, 255u})
        for (unsigned step : {8u, 16u})
        {
            CAPTURE(symbols, step);
            d::context_models m;
            m.reset(2, symbols, step);
            std::vector<std::vector<std::uint32_t>> count(2, std::vector<std::uint32_t>(symbols, 1));
            std::vector<std::uint8_t> sink;
            d::range_encoder rc{sink};
            bool all_match = true;
            for (int i = 0; i < 20000 && all_match; ++i)
            {
                std::size_t const ctx = rng() % 2;
                unsigned const r = rng() % symbols;
                unsigned const sym = rng() % 4 == 0 ? r : (i % 7 == 0 ? r / 4 : symbols - 1 - r / 8);
                std::uint32_t total = 0;
                for (auto c : count[ctx])
                    total += c;
                m.encode(rc, ctx, sym);
                count[ctx][sym] += step;
                if (total > d::context_models::max_model_total - 1 - 2 * step)
                    for (auto & c : count[ctx])
                        c = (c + 1) / 2;
                auto const row = m.row(ctx);
                std::uint32_t below = 0;
                for (unsigned k = 0; k < row.size(); ++k)
                {
                    all_match = all_match && static_cast<std::uint32_t>(row[k]) == below;
                    if (k < symbols)
                        below += count[ctx][k];
                }
            }
            CHECK(all_match);
        }
}

TEST_CASE("fastq codec: mismatched pair files are rejected", "[fqcodec]")
{
    test::temp_dir dir{"wgskit_fqcodec"};
    test::write_file(dir.file("a.fq"), record("r1/1", "AC", "II") + record("r2/1", "AC", "II") + record("r3/1", "A", "I"));
    test::write_file(dir.file("b.fq"), record("r1/2", "AC", "II") + record("r2/2", "AC", "II"));
    test::write_file(dir.file("c.fq"), record("r1/2", "AC", "II") + record("rX/2", "AC", "II") + record("r3/2", "A", "I"));
    for (std::uint32_t block : {1u, 2u, 100u})
    {
        INFO("block " << block);
        CHECK_THROWS_WITH(fq::compress({dir.file("a.fq"), dir.file("b.fq")}, dir.file("x.wfq"), {.block_records = block}),
                          Catch::Contains("fewer records"));
        CHECK_THROWS_WITH(fq::compress({dir.file("b.fq"), dir.file("a.fq")}, dir.file("x.wfq"), {.block_records = block}),
                          Catch::Contains("fewer records"));
    }
    CHECK_THROWS_WITH(fq::compress({dir.file("a.fq"), dir.file("c.fq")}, dir.file("x.wfq")), Catch::Contains("mate names differ"));
    CHECK_FALSE(std::ifstream{dir.file("x.wfq")}.good()); // nothing left under the final name
    test::write_file(dir.file("bad.fq"), record("r1", "ACG", "II"));
    CHECK_THROWS_AS(fq::compress({dir.file("bad.fq")}, dir.file("x.wfq")), wgskit::parse_error);
    test::write_file(dir.file("bad.fq"), "@r1\nACG\n");
    CHECK_THROWS_AS(fq::compress({dir.file("bad.fq")}, dir.file("x.wfq")), wgskit::parse_error);
}

TEST_CASE("fastq codec: corrupted and truncated files fail cleanly", "[fqcodec]")
{
    test::temp_dir dir{"wgskit_fqcodec"};
    std::string const text = first_records(read_all(data_dir + "NA12878.chr22_R1.fastq.gz"), 60) + "@odd\r\nACNNT\n+odd\nIIIII";
    test::write_file(dir.file("in.fq"), text);
    fq::compress({dir.file("in.fq")}, dir.file("x.wfq"), {.block_records = 20});
    auto const good = read_bytes(dir.file("x.wfq"));
    REQUIRE(fq::decompress_bytes(good)[0] == text);

    auto outcome = [&](std::vector<std::uint8_t> const & bad) {
        try
        {
            auto const out = fq::decompress_bytes(bad, {.max_block_bytes = 1 << 20}, "bad.wfq");
            return out.size() == 1 && out[0] == text ? 1 : 2; // 2: wrong output accepted silently
        }
        catch (wgskit::parse_error const & e)
        {
            CHECK(std::string{e.what()}.find("bad.wfq") != std::string::npos);
            return 0;
        }
    };
    std::mt19937 rng{11};
    for (std::size_t pos = 0; pos < good.size(); pos += 1 + pos / 64)
    {
        auto bad = good;
        bad[pos] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
        int const r = outcome(bad);
        INFO("flipped byte " << pos);
        CHECK(r != 2);
    }
    for (std::size_t len = 0; len < good.size(); len += 1 + len / 16)
    {
        INFO("truncated to " << len);
        CHECK(outcome({good.begin(), good.begin() + static_cast<std::ptrdiff_t>(len)}) == 0);
    }
    auto bad = good;
    bad[0] = 'X';
    CHECK_THROWS_WITH(fq::decompress_bytes(bad, {}, "bad.wfq"), Catch::Contains("bad magic"));
    bad = good;
    bad[6] = 1; // files of format version 1 (one coder stream per block) are no longer read
    CHECK_THROWS_WITH(fq::decompress_bytes(bad, {}, "bad.wfq"), Catch::Contains("unsupported .wfq version 1"));
    bad[6] = 2; // nor those of version 2 (other base and quality model updates)
    CHECK_THROWS_WITH(fq::decompress_bytes(bad, {}, "bad.wfq"), Catch::Contains("unsupported .wfq version 2"));
    test::write_file(dir.file("bad.wfq"), std::string(bad.begin(), bad.end()));
    CHECK_THROWS_WITH(fq::decompress(dir.file("bad.wfq"), {dir.file("o.fq")}), Catch::Contains("bad.wfq"));
    // A corrupted block payload is reported with the block number.
    auto const info = fq::read_info(dir.file("x.wfq"));
    bad = good;
    bad[info.blocks[2].offset + info.blocks[2].size / 2] ^= 0x55;
    CHECK_THROWS_WITH(fq::decompress_bytes(bad, {}, "bad.wfq"), Catch::Contains("block 2"));
}
