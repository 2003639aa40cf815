// FASTQ input: plain/gzip/multi-member/BGZF input, record parsing, malformed input, paired and interleaved reading.
#include "wgskit_test_paths.hpp"
#include <catch2/catch.hpp>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>
#include <zlib.h>

#include <wgskit/codec/bgzf/detail/block.hpp>
#include <wgskit/codec/gzip/member_inflater.hpp>
#include <wgskit/core/batch_pipeline.hpp>
#include <wgskit/io/fastq.hpp>
#include <wgskit/io/input_file.hpp>
#include <wgskit/io/paired_fastq.hpp>
#include <wgskit/qc/read_stats.hpp>

#include "../test_helpers.hpp"

namespace fs = std::filesystem;
namespace test = wgskit::test;
using wgskit::io::fastq_reader;
using wgskit::io::fastq_record;
using wgskit::io::paired_fastq_reader;
using wgskit::io::read_batch;

namespace
{

using test::write_file;

struct temp_dir : test::temp_dir
{
    temp_dir() : test::temp_dir{"wgskit_io_fastq"} {}
};

std::string gzip_bytes(std::string const & text, int level = 6)
{
    uLongf cap = compressBound(static_cast<uLong>(text.size())) + 64;
    std::string out(cap, '\0');
    z_stream z{};
    REQUIRE(deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK);
    z.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(text.data()));
    z.avail_in = static_cast<uInt>(text.size());
    z.next_out = reinterpret_cast<Bytef *>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    REQUIRE(deflate(&z, Z_FINISH) == Z_STREAM_END);
    out.resize(z.total_out);
    deflateEnd(&z);
    return out;
}

bool have_tool(char const * name)
{
    return std::system((std::string{"command -v "} + name + " >/dev/null 2>&1").c_str()) == 0;
}

std::vector<fastq_record> read_all(std::string const & path, std::size_t buffer = 4u << 20)
{
    fastq_reader in{path, buffer};
    std::vector<fastq_record> out;
    fastq_record r;
    while (in.next(r))
        out.push_back(r);
    return out;
}

std::vector<fastq_record> read_all_batched(std::string const & path, std::size_t max_records,
                                           std::size_t buffer = 4u << 20)
{
    fastq_reader in{path, buffer};
    std::vector<fastq_record> out;
    read_batch b;
    std::uint64_t expected_first = 1;
    while (in.read_batch(b, max_records))
    {
        CHECK(b.first_record() == expected_first);
        expected_first += b.size();
        for (auto v : b)
            out.push_back({std::string{v.name}, std::string{v.comment}, std::string{v.sequence},
                           std::string{v.qualities}});
    }
    CHECK(b.empty());
    return out;
}

// Expects parse_error whose message names the file, the record and contains the reason.
template <typename F>
void expect_parse_error(F && f, std::string const & file, std::uint64_t record, std::string const & reason)
{
    try
    {
        f();
        FAIL("no exception; expected: " << reason);
    }
    catch (wgskit::parse_error const & e)
    {
        std::string msg = e.what();
        INFO(msg);
        CHECK(e.file() == file);
        CHECK(e.record() == record);
        CHECK(msg.find(file) != std::string::npos);
        if (record != 0)
            CHECK(msg.find("record " + std::to_string(record)) != std::string::npos);
        CHECK(msg.find(reason) != std::string::npos);
    }
}

std::string const example_dir = WGSKIT_SOURCE_DIR "/examples/data/";

std::string synthetic_fastq(std::size_t records, unsigned seed = 1)
{
    std::mt19937 rng{seed};
    std::string t;
    for (std::size_t i = 0; i < records; ++i)
    {
        std::size_t len = 1 + rng() % 200;
        t += "@read" + std::to_string(i) + " comment " + std::to_string(i) + "\n";
        for (std::size_t j = 0; j < len; ++j)
            t += "ACGTN"[rng() % 5];
        t += "\n+\n";
        for (std::size_t j = 0; j < len; ++j)
            t += static_cast<char>('!' + rng() % 94);
        t += '\n';
    }
    return t;
}

} // namespace

TEST_CASE("fastq: parses names, comments, sequences and qualities", "[io]")
{
    temp_dir tmp;
    auto p = tmp.file("a.fq");
    write_file(p, "@r1 1:N:0:ACGT extra\nACGTNacgtn\n+\nIIIII#####\n@r2\tc\nRYKMSWBDHV\n+r2\n!!!!!~~~~~\n@r3\n\n+\n\n");
    auto recs = read_all(p);
    REQUIRE(recs.size() == 3);
    CHECK(recs[0] == fastq_record{"r1", "1:N:0:ACGT extra", "ACGTNacgtn", "IIIII#####"});
    CHECK(recs[1] == fastq_record{"r2", "c", "RYKMSWBDHV", "!!!!!~~~~~"});
    CHECK(recs[2] == fastq_record{"r3", "", "", ""});
}

TEST_CASE("fastq: CRLF line ends, no final newline, blank lines, empty file", "[io]")
{
    temp_dir tmp;
    auto lf = tmp.file("lf.fq");
    auto crlf = tmp.file("crlf.fq");
    auto nonl = tmp.file("nonl.fq");
    auto nonl_crlf = tmp.file("nonl_crlf.fq");
    auto empty = tmp.file("empty.fq");
    write_file(lf, "@a x\nACGT\n+\nIIII\n@b\nGG\n+\nII\n");
    write_file(crlf, "@a x\r\nACGT\r\n+\r\nIIII\r\n@b\r\nGG\r\n+\r\nII\r\n");
    write_file(nonl, "@a x\nACGT\n+\nIIII\n\n@b\nGG\n+\nII");
    write_file(nonl_crlf, "@a x\r\nACGT\r\n+\r\nIIII\r\n@b\r\nGG\r\n+\r\nII");
    write_file(empty, "");
    auto ref = read_all(lf);
    REQUIRE(ref.size() == 2);
    CHECK(read_all(crlf) == ref);
    CHECK(read_all(nonl) == ref);
    CHECK(read_all(nonl_crlf) == ref);
    CHECK(read_all(empty).empty());
    fastq_reader in{empty};
    read_batch b;
    CHECK_FALSE(in.read_batch(b));
    CHECK(b.empty());
}

TEST_CASE("fastq: batches and tiny buffers give the same records as next()", "[io]")
{
    temp_dir tmp;
    auto p = tmp.file("syn.fq");
    write_file(p, synthetic_fastq(500));
    auto ref = read_all(p);
    REQUIRE(ref.size() == 500);
    CHECK(read_all(p, 16) == ref);
    CHECK(read_all_batched(p, 1) == ref);
    CHECK(read_all_batched(p, 7, 16) == ref);
    CHECK(read_all_batched(p, 64, 1000) == ref);
    CHECK(read_all_batched(p, 100000) == ref);

    // max_bases stops a batch early
    fastq_reader in{p};
    read_batch b;
    REQUIRE(in.read_batch(b, 1000, 1));
    CHECK(b.size() == 1);
}

TEST_CASE("fastq: the bundled example reads (4,949 pairs of 150 bp, gzip)", "[io]")
{
    paired_fastq_reader in{example_dir + "NA12878.chr22_R1.fastq.gz", example_dir + "NA12878.chr22_R2.fastq.gz"};
    read_batch m1, m2;
    std::uint64_t pairs = 0, bases = 0;
    bool all150 = true;
    while (in.read_batch(m1, m2, 1000))
    {
        REQUIRE(m1.size() == m2.size());
        for (std::size_t i = 0; i < m1.size(); ++i)
        {
            all150 = all150 && m1.sequence(i).size() == 150 && m2.sequence(i).size() == 150 &&
                     m1.qualities(i).size() == 150;
            bases += m1.sequence(i).size() + m2.sequence(i).size();
        }
        pairs += m1.size();
    }
    CHECK(pairs == 4949);
    CHECK(in.pairs_read() == 4949);
    CHECK(bases == 4949u * 300u);
    CHECK(all150);
}

TEST_CASE("fastq: plain, gzip, multi-member gzip and BGZF give identical records", "[io]")
{
    temp_dir tmp;
    std::string text = synthetic_fastq(3000, 7) ; // ~0.6 MB
    auto plain = tmp.file("r.fq");
    auto gz = tmp.file("r.fq.gz");
    auto multi = tmp.file("r.multi.fq.gz");
    write_file(plain, text);
    write_file(gz, gzip_bytes(text));
    // Members split at arbitrary byte positions (even inside records), plus an empty member.
    std::string m = gzip_bytes(text.substr(0, 1000)) + gzip_bytes("") + gzip_bytes(text.substr(1000, 250000), 1) +
                    gzip_bytes(text.substr(251000), 9);
    write_file(multi, m);

    auto ref = read_all(plain);
    REQUIRE(ref.size() == 3000);
    CHECK(wgskit::io::input_file{gz}.is_gzip());
    CHECK_FALSE(wgskit::io::input_file{plain}.is_gzip());
    CHECK(read_all(gz) == ref);
    CHECK(read_all(multi) == ref);
    CHECK(read_all_batched(multi, 333, 100) == ref);

    if (have_tool("bgzip"))
    {
        auto bgz = tmp.file("r.bgz.fq.gz");
        REQUIRE(std::system(("bgzip -c " + plain + " > " + bgz).c_str()) == 0);
        CHECK(read_all(bgz) == ref);
    }
    else
        WARN("bgzip not found: BGZF input not tested");

    // The real example: gzip -dc output read plain equals the gzip input.
    if (have_tool("gzip"))
    {
        auto ex_plain = tmp.file("ex.fq");
        auto src = example_dir + "NA12878.chr22_R1.fastq.gz";
        REQUIRE(std::system(("gzip -dc " + src + " > " + ex_plain).c_str()) == 0);
        auto a = read_all(src);
        CHECK(a.size() == 4949);
        CHECK(read_all(ex_plain) == a);
    }
}

TEST_CASE("fastq: a reader destroyed early stops its decompression thread", "[io]")
{
    temp_dir tmp;
    auto gz = tmp.file("big.fq.gz");
    // ~8 MB decompressed: more than the ring of buffers holds, so the producer is blocked when we stop.
    std::string text = synthetic_fastq(40000, 3);
    write_file(gz, gzip_bytes(text, 1));
    for (int i = 0; i < 3; ++i)
    {
        fastq_reader in{gz};
        fastq_record r;
        REQUIRE(in.next(r));
        CHECK(r.name == "read0");
    }
    {
        wgskit::io::input_file f{gz}; // never read at all
    }
}

TEST_CASE("fastq: missing file", "[io]")
{
    std::string p = "/nonexistent/dir/missing.fq";
    try
    {
        fastq_reader in{p};
        FAIL("no exception");
    }
    catch (wgskit::io_error const & e)
    {
        std::string msg = e.what();
        CHECK(msg.find(p) != std::string::npos);
        CHECK(msg.find("cannot open") != std::string::npos);
    }
}

TEST_CASE("fastq: malformed records are reported with file, record and reason", "[io]")
{
    temp_dir tmp;
    std::string const good = "@r1\nACGT\n+\nIIII\n";
    struct bad_case
    {
        char const * what;
        std::string text;
        std::uint64_t record;
        std::string reason;
    };
    std::vector<bad_case> cases{
        {"truncated record", good + "@r2\nACGT\n", 2, "truncated record: file ends inside it"},
        {"truncated after +", good + good + "@r3\nACGT\n+\n", 3, "truncated record: file ends inside it"},
        {"missing +", good + "@r2\nACGT\nIIII\n@r3\nACGT\n+\nIIII\n", 2, "missing '+' line"},
        {"missing + at end", good + "@r2\nACGT\nIIII\n", 2, "missing '+' line"},
        {"length mismatch", good + "@r2\nACGT\n+\nIII\n", 2,
         "sequence and quality lengths differ (sequence 4, quality 3)"},
        {"non-IUPAC", good + good + "@r3\nACXT\n+\nIIII\n", 3, "invalid nucleotide 'X' at sequence position 3"},
        {"dot is not a base", "@r1\nAC.T\n+\nIIII\n", 1, "invalid nucleotide '.' at sequence position 3"},
        {"bad quality", good + "@r2\nACGT\n+\nII I\n", 2, "invalid quality character ' ' at position 3"},
        {"no @", good + "r2\nACGT\n+\nIIII\n", 2, "header does not start with '@'"},
        {"empty name", "@ x\nACGT\n+\nIIII\n", 1, "empty read name"},
    };
    for (auto const & c : cases)
    {
        SECTION(c.what)
        {
            auto p = tmp.file("bad.fq");
            write_file(p, c.text);
            expect_parse_error([&] { read_all(p); }, p, c.record, c.reason);
            expect_parse_error([&] { read_all_batched(p, 1000); }, p, c.record, c.reason);
            auto gz = tmp.file("bad.fq.gz");
            write_file(gz, gzip_bytes(c.text));
            expect_parse_error([&] { read_all(gz); }, gz, c.record, c.reason);
        }
    }
}

TEST_CASE("gzip member_inflater: members fed a byte at a time, checked trailers", "[io]")
{
    namespace gz = wgskit::codec::gzip;
    std::string const text = synthetic_fastq(500, 3);
    // The last member is highly compressible: much output from little input.
    std::string const parts[] = {text.substr(0, 700), "", text.substr(700), std::string(100000, 'A')};
    std::string stream;
    for (auto const & p : parts)
        stream += gzip_bytes(p);
    // Inflates stream[0, n) with input chunks of in_step bytes and 7-byte output buffers; the members found.
    auto inflate_all = [](std::string const & z, std::size_t in_step, std::string & out) {
        gz::member_inflater inflater;
        std::uint8_t buf[7];
        std::size_t pos = 0, members = 0;
        bool in_member = false;
        while (pos < z.size())
        {
            if (!in_member)
            {
                inflater.reset();
                in_member = true;
            }
            std::size_t const len = std::min(in_step, z.size() - pos);
            auto const step = inflater.inflate(reinterpret_cast<std::uint8_t const *>(z.data()) + pos, len, buf, sizeof buf);
            if (step.error != 0)
                return std::string{gz::describe(step.error)};
            pos += step.consumed;
            out.append(reinterpret_cast<char const *>(buf), step.produced);
            if (step.member_end)
            {
                in_member = false;
                ++members;
            }
        }
        // The input is used up; the inflater may still hold the end of the last member's output.
        while (in_member)
        {
            auto const step = inflater.inflate(reinterpret_cast<std::uint8_t const *>(z.data()) + z.size(), 0, buf, sizeof buf);
            if (step.error != 0)
                return std::string{gz::describe(step.error)};
            out.append(reinterpret_cast<char const *>(buf), step.produced);
            if (step.member_end)
                return std::to_string(++members) + " members";
            if (step.produced == 0)
                return std::string{"truncated"};
        }
        return std::to_string(members) + " members";
    };
    for (std::size_t in_step : {std::size_t{1}, std::size_t{13}, stream.size()})
    {
        std::string out;
        CHECK(inflate_all(stream, in_step, out) == "4 members");
        CHECK(out == text + parts[3]);
    }
    std::string out;
    CHECK(inflate_all(stream.substr(0, stream.size() - 3), 1, out) == "truncated");
    std::string bad_crc = stream;
    bad_crc[bad_crc.size() - 6] = static_cast<char>(bad_crc[bad_crc.size() - 6] ^ 1); // the last member's CRC-32
    CHECK_THAT(inflate_all(bad_crc, 64, out), Catch::Contains("CRC-32"));
    std::string bad_header = stream;
    bad_header[2] = 7; // compression method
    CHECK(inflate_all(bad_header, 64, out) == gz::describe(ISAL_UNSUPPORTED_METHOD));
}

TEST_CASE("fastq: truncated and corrupt gzip", "[io]")
{
    temp_dir tmp;
    std::string z = gzip_bytes(synthetic_fastq(2000, 5));
    SECTION("truncated")
    {
        auto p = tmp.file("trunc.fq.gz");
        write_file(p, z.substr(0, z.size() / 2));
        expect_parse_error([&] { read_all(p); }, p, 0, "truncated gzip stream");
        write_file(p, z.substr(0, z.size() - 4)); // only the trailer's size field is missing
        expect_parse_error([&] { read_all(p); }, p, 0, "truncated gzip stream");
    }
    SECTION("corrupt")
    {
        auto p = tmp.file("corrupt.fq.gz");
        std::string c = z;
        for (std::size_t i = c.size() / 3; i < c.size() / 3 + 64; ++i)
            c[i] = static_cast<char>(c[i] ^ 0x5a);
        write_file(p, c);
        expect_parse_error([&] { read_all(p); }, p, 0, "corrupt gzip data: ");
    }
}

TEST_CASE("fastq: BGZF blocks (through libdeflate) mixed with plain gzip members, truncated and corrupt", "[io]")
{
    namespace bd = wgskit::codec::bgzf::detail;
    temp_dir tmp;
    std::string const text = synthetic_fastq(3000, 11);
    auto const plain = tmp.file("r.fq");
    write_file(plain, text);
    auto const ref = read_all(plain);
    auto const bgzf = [](std::string_view part) {
        std::string out;
        for (std::size_t i = 0; i < part.size(); i += bd::default_block_data)
            bd::compress_block(part.substr(i, bd::default_block_data), 6, out);
        return out;
    };
    // BGZF blocks, a plain gzip member between them (zlib's), BGZF again and the empty end block.
    std::string const first = bgzf(std::string_view{text}.substr(0, 200000));
    std::string const mixed = first + gzip_bytes(text.substr(200000, 100000)) + bgzf(std::string_view{text}.substr(300000)) +
                              std::string(bd::eof_block.begin(), bd::eof_block.end());
    auto const p = tmp.file("mixed.fq.gz");
    write_file(p, mixed);
    CHECK(read_all(p) == ref);
    CHECK(read_all_batched(p, 333, 100) == ref);
    SECTION("truncated inside a block")
    {
        write_file(p, mixed.substr(0, first.size() / 2));
        expect_parse_error([&] { read_all(p); }, p, 0, "truncated gzip stream");
    }
    SECTION("a corrupt block is named by its compressed offset")
    {
        std::size_t const second = bd::load_u16(reinterpret_cast<unsigned char const *>(first.data()) + 16) + 1u;
        std::string c = mixed;
        for (std::size_t i = second + 40; i < second + 60; ++i)
            c[i] = static_cast<char>(c[i] ^ 0x5a);
        write_file(p, c);
        expect_parse_error([&] { read_all(p); }, p, 0, "corrupt BGZF block at compressed offset " + std::to_string(second));
    }
}

TEST_CASE("fastq: paired files", "[io]")
{
    temp_dir tmp;
    auto r1 = tmp.file("r_1.fq");
    auto r2 = tmp.file("r_2.fq");
    auto rec = [](std::string const & name, std::string const & seq) {
        return "@" + name + " c\n" + seq + "\n+\n" + std::string(seq.size(), 'I') + "\n";
    };

    SECTION("names agree, /1 /2 suffixes ignored, lengths may differ")
    {
        write_file(r1, rec("a/1", "ACGT") + rec("b/1", "ACG") + rec("c", "A"));
        write_file(r2, rec("a/2", "TTTTTT") + rec("b/2", "TT") + rec("c", "G"));
        paired_fastq_reader in{r1, r2};
        fastq_record a, b;
        int n = 0;
        while (in.next(a, b))
            ++n;
        CHECK(n == 3);
    }
    SECTION("mate names differ")
    {
        write_file(r1, rec("a/1", "ACGT") + rec("b/1", "ACGT"));
        write_file(r2, rec("a/2", "ACGT") + rec("x/2", "ACGT"));
        std::string reason = "mate names differ: 'b/1' in " + r1 + " vs 'x/2' in " + r2;
        expect_parse_error([&] {
            paired_fastq_reader in{r1, r2};
            read_batch m1, m2;
            while (in.read_batch(m1, m2)) {}
        }, r1, 2, reason);
        expect_parse_error([&] {
            paired_fastq_reader in{r1, r2};
            fastq_record a, b;
            while (in.next(a, b)) {}
        }, r1, 2, reason);
    }
    SECTION("R2 has fewer records")
    {
        write_file(r1, rec("a", "ACGT") + rec("b", "ACGT") + rec("c", "ACGT"));
        write_file(r2, rec("a", "ACGT") + rec("b", "ACGT"));
        std::string reason = r2 + " has fewer records than " + r1 + " (ends at record 2)";
        expect_parse_error([&] {
            paired_fastq_reader in{r1, r2};
            read_batch m1, m2;
            while (in.read_batch(m1, m2, 2)) {}
        }, r2, 3, reason);
        expect_parse_error([&] {
            paired_fastq_reader in{r1, r2};
            fastq_record a, b;
            while (in.next(a, b)) {}
        }, r2, 3, reason);
    }
    SECTION("R1 has fewer records")
    {
        write_file(r1, rec("a", "ACGT"));
        write_file(r2, rec("a", "ACGT") + rec("b", "ACGT"));
        std::string reason = r1 + " has fewer records than " + r2 + " (ends at record 1)";
        expect_parse_error([&] {
            paired_fastq_reader in{r1, r2};
            read_batch m1, m2;
            while (in.read_batch(m1, m2, 1)) {}
        }, r1, 2, reason);
        expect_parse_error([&] {
            paired_fastq_reader in{r1, r2};
            read_batch m1, m2;
            while (in.read_batch(m1, m2)) {}
        }, r1, 2, reason);
    }
}

TEST_CASE("fastq: interleaved", "[io]")
{
    temp_dir tmp;
    auto p = tmp.file("il.fq");
    auto rec = [](std::string const & name, std::string const & seq) {
        return "@" + name + "\n" + seq + "\n+\n" + std::string(seq.size(), 'I') + "\n";
    };
    SECTION("good, with odd batch boundaries")
    {
        std::string t;
        for (int i = 0; i < 11; ++i)
            t += rec("p" + std::to_string(i) + "/1", "ACGT") + rec("p" + std::to_string(i) + "/2", "GG");
        write_file(p, t);
        for (std::size_t pairs : {1u, 3u, 100u})
        {
            paired_fastq_reader in{p, wgskit::io::interleaved};
            CHECK(in.is_interleaved());
            read_batch m1, m2;
            int n = 0;
            // max_bases of 5 makes the underlying batch stop after an odd number of records
            while (in.read_batch(m1, m2, pairs, 5))
            {
                for (std::size_t i = 0; i < m1.size(); ++i, ++n)
                {
                    std::string base = std::to_string(n); // (not "p" + ...: a g++ 12 -Wrestrict false positive)
                    CHECK(m1.name(i) == std::string{"p"}.append(base).append("/1"));
                    CHECK(m2.name(i) == std::string{"p"}.append(base).append("/2"));
                    CHECK(m2.sequence(i) == "GG");
                }
            }
            CHECK(n == 11);
        }
    }
    SECTION("odd number of records")
    {
        write_file(p, rec("a/1", "A") + rec("a/2", "C") + rec("b/1", "G"));
        std::string reason = "odd number of records in interleaved file: record 3 has no mate";
        expect_parse_error([&] {
            paired_fastq_reader in{p, wgskit::io::interleaved};
            read_batch m1, m2;
            while (in.read_batch(m1, m2)) {}
        }, p, 3, reason);
        expect_parse_error([&] {
            paired_fastq_reader in{p, wgskit::io::interleaved};
            fastq_record a, b;
            while (in.next(a, b)) {}
        }, p, 3, reason);
    }
    SECTION("mate names differ")
    {
        write_file(p, rec("a/1", "A") + rec("a/2", "C") + rec("b/1", "G") + rec("c/2", "G"));
        expect_parse_error([&] {
            paired_fastq_reader in{p, wgskit::io::interleaved};
            read_batch m1, m2;
            while (in.read_batch(m1, m2)) {}
        }, p, 4, "mate names differ: 'b/1' in " + p + " vs 'c/2' in " + p);
    }
}

TEST_CASE("read_stats: identical through the pipeline for any thread count", "[io][pipeline]")
{
    auto compute = [](std::size_t threads) {
        paired_fastq_reader in{example_dir + "NA12878.chr22_R1.fastq.gz",
                               example_dir + "NA12878.chr22_R2.fastq.gz"};
        struct batch { read_batch r1, r2; };
        struct result { wgskit::qc::read_stats s1, s2; };
        wgskit::qc::read_stats t1, t2;
        wgskit::run_ordered_pipeline<batch, result>(
            {threads, 0}, [&](batch & b) { return in.read_batch(b.r1, b.r2, 300); },
            [](batch & b, result & r) {
                r.s1.reset();
                r.s2.reset();
                r.s1.add(b.r1);
                r.s2.add(b.r2);
            },
            [&](batch &, result & r) {
                t1.merge(r.s1);
                t2.merge(r.s2);
            });
        return std::pair{t1, t2};
    };
    auto [a1, a2] = compute(0);
    CHECK(a1.records() == 4949);
    CHECK(a2.records() == 4949);
    CHECK(a1.bases() == 4949u * 150u);
    CHECK(a1.min_length() == 150);
    CHECK(a1.max_length() == 150);
    CHECK(a1.per_cycle_mean_quality().size() == 150);
    CHECK(a1.gc_percent() > 30.0);
    CHECK(a1.gc_percent() < 70.0);
    CHECK(a1.mean_quality() > 20.0);
    CHECK(a1.q30_fraction() <= a1.q20_fraction());
    for (std::size_t t : {1u, 4u})
    {
        auto [b1, b2] = compute(t);
        CHECK(b1.per_cycle_mean_quality() == a1.per_cycle_mean_quality());
        CHECK(b2.per_cycle_mean_quality() == a2.per_cycle_mean_quality());
        CHECK(b1.mean_quality() == a1.mean_quality());
        CHECK(b2.gc_percent() == a2.gc_percent());
        CHECK(b2.n_percent() == a2.n_percent());
        CHECK(b1.q30_fraction() == a1.q30_fraction());
    }
}

TEST_CASE("read_stats: hand-checked values", "[io]")
{
    wgskit::qc::read_stats s;
    s.add("ACGN", "!+5?");  // Q 0 10 20 30
    s.add("GG", "II");      // Q 40 40
    CHECK(s.records() == 2);
    CHECK(s.bases() == 6);
    CHECK(s.min_length() == 2);
    CHECK(s.max_length() == 4);
    CHECK(s.mean_length() == 3.0);
    CHECK(s.gc_percent() == Approx(100.0 * 4 / 6));
    CHECK(s.n_percent() == Approx(100.0 / 6));
    CHECK(s.mean_quality() == Approx(140.0 / 6));
    CHECK(s.q20_fraction() == Approx(4.0 / 6));
    CHECK(s.q30_fraction() == Approx(3.0 / 6));
    auto c = s.per_cycle_mean_quality();
    REQUIRE(c.size() == 4);
    CHECK(c[0] == Approx(20.0));
    CHECK(c[1] == Approx(25.0));
    CHECK(c[2] == Approx(20.0));
    CHECK(c[3] == Approx(30.0));
}
