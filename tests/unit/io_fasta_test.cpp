// FASTA reading, .fai building (checked against samtools faidx), region parsing and random access.
#include "wgskit_test_paths.hpp"
#include <catch2/catch.hpp>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>
#include <zlib.h>

#include <wgskit/io/faidx.hpp>
#include <wgskit/io/fasta.hpp>

#include "../test_helpers.hpp"

namespace fs = std::filesystem;
namespace test = wgskit::test;
using wgskit::io::fasta_index;
using wgskit::io::fasta_reader;
using wgskit::io::fasta_record;
using wgskit::io::indexed_fasta;

namespace
{

using test::write_file;

struct temp_dir : test::temp_dir
{
    temp_dir() : test::temp_dir{"wgskit_io_fasta"} {}
};

std::string read_file(std::string const & path)
{
    std::ifstream in{path, std::ios::binary};
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

bool have_samtools()
{
    return std::system("command -v samtools >/dev/null 2>&1") == 0;
}

std::string wrap(std::string const & seq, std::size_t width, char const * eol = "\n")
{
    std::string out;
    for (std::size_t i = 0; i < seq.size(); i += width)
        out += seq.substr(i, width) + eol;
    return out;
}

std::string pseudo_sequence(std::size_t n, unsigned seed)
{
    std::string s;
    unsigned x = seed;
    for (std::size_t i = 0; i < n; ++i)
    {
        x = x * 1103515245u + 12345u;
        s += "ACGTNacgt"[(x >> 16) % 9];
    }
    return s;
}

// A multi-record FASTA with odd line widths, a one-line record, a CRLF record, a blank line at a record's end.
struct multi_fasta
{
    std::vector<fasta_record> records{
        {"seq1", "first record", pseudo_sequence(1000, 1)},
        {"seq2", "", pseudo_sequence(77, 2)},
        {"seq3", "x y", pseudo_sequence(13, 3)},
        {"seq4", "", pseudo_sequence(500, 4)},
        {"chrM:1", "name with a colon", pseudo_sequence(61, 5)},
    };
    std::string text()
    {
        return ">seq1 first record\n" + wrap(records[0].sequence, 61) + ">seq2\n" + wrap(records[1].sequence, 7) +
               "\n>seq3\tx y\n" + records[2].sequence + "\n>seq4\r\n" + wrap(records[3].sequence, 33, "\r\n") +
               ">chrM:1 name with a colon\n" + wrap(records[4].sequence, 60);
    }
};

std::vector<fasta_record> read_all(std::string const & path)
{
    fasta_reader in{path};
    std::vector<fasta_record> out;
    fasta_record r;
    while (in.next(r))
        out.push_back(r);
    return out;
}

template <typename F>
std::string error_of(F && f)
{
    try
    {
        f();
    }
    catch (std::exception const & e)
    {
        return e.what();
    }
    return "<no exception>";
}

} // namespace

TEST_CASE("fasta: streaming multi-record reader, plain and gzip", "[io]")
{
    temp_dir tmp;
    multi_fasta m;
    auto p = tmp.file("m.fa");
    write_file(p, m.text());
    auto recs = read_all(p);
    REQUIRE(recs.size() == m.records.size());
    for (std::size_t i = 0; i < recs.size(); ++i)
        CHECK(recs[i] == m.records[i]);

    auto gz = tmp.file("m.fa.gz");
    gzFile g = gzopen(gz.c_str(), "wb");
    std::string t = m.text();
    gzwrite(g, t.data(), static_cast<unsigned>(t.size()));
    gzclose(g);
    CHECK(read_all(gz) == recs);

    auto empty = tmp.file("empty.fa");
    write_file(empty, "");
    CHECK(read_all(empty).empty());

    auto bad = tmp.file("bad.fa");
    write_file(bad, "ACGT\n>x\nAC\n");
    std::string msg = error_of([&] { read_all(bad); });
    CHECK(msg.find(bad + ": record 1: expected a '>' header line") != std::string::npos);
}

TEST_CASE("faidx: .fai identical to samtools on a multi-record FASTA with odd line widths", "[io]")
{
    temp_dir tmp;
    multi_fasta m;
    auto p = tmp.file("m.fa");
    write_file(p, m.text());
    auto idx = fasta_index::build(p);
    REQUIRE(idx.size() == 5);
    CHECK(idx.entries()[0] == wgskit::io::fai_entry{"seq1", 1000, 19, 61, 62});
    CHECK(idx.entries()[3].line_width == 35); // CRLF
    CHECK(idx.entries()[2].line_bases == 13);

    idx.save(p + ".fai");
    auto reloaded = fasta_index::load(p + ".fai");
    CHECK(reloaded.entries() == idx.entries());

    if (have_samtools())
    {
        auto copy = tmp.file("copy.fa");
        fs::copy_file(p, copy);
        REQUIRE(std::system(("samtools faidx " + copy).c_str()) == 0);
        CHECK(read_file(copy + ".fai") == idx.to_string());
    }
    else
        WARN("samtools not found: .fai not compared with samtools");

    indexed_fasta ref{p};
    for (auto const & r : m.records)
    {
        CHECK(ref.fetch(r.name, 0, r.sequence.size()) == r.sequence);
        CHECK(ref.fetch(ref.parse_region(r.name)) == r.sequence);
        for (std::uint64_t s : {0u, 1u, 6u, 7u, 12u, 60u, 61u, 62u})
            for (std::uint64_t len : {0u, 1u, 5u, 33u, 61u, 200u})
            {
                auto expected = s < r.sequence.size() ? r.sequence.substr(s, len) : std::string{};
                CHECK(ref.fetch(r.name, s, s + len) == expected);
            }
    }
}

TEST_CASE("faidx: the example reference and region fetches match samtools", "[io]")
{
    temp_dir tmp;
    auto p = tmp.file("chr22_40k.fa");
    fs::copy_file(WGSKIT_SOURCE_DIR "/examples/data/chr22_40k.fa", p);
    indexed_fasta ref{p};
    REQUIRE(fs::exists(p + ".fai"));
    REQUIRE(ref.index().size() == 1);
    CHECK(ref.index().entries()[0].name == "chr22");
    CHECK(ref.index().entries()[0].length == 40001);

    // whole-sequence fetch equals the streaming reader's sequence
    auto recs = read_all(p);
    REQUIRE(recs.size() == 1);
    CHECK(ref.fetch(ref.parse_region("chr22")) == recs[0].sequence);

    std::vector<std::string> regions{"chr22", "chr22:1-1", "chr22:100-200", "chr22:60-61", "chr22:39950",
                                     "chr22:39990-50000", "chr22:1,001-2,000", "chr22:12345-12345"};
    if (!have_samtools())
    {
        WARN("samtools not found: .fai and regions not compared with samtools");
        return;
    }
    auto copy = tmp.file("copy.fa");
    fs::copy_file(p, copy);
    REQUIRE(std::system(("samtools faidx " + copy).c_str()) == 0);
    CHECK(read_file(copy + ".fai") == read_file(p + ".fai"));
    for (auto const & r : regions)
    {
        INFO(r);
        auto out = tmp.file("region.fa");
        REQUIRE(std::system(("samtools faidx " + copy + " '" + r + "' > " + out).c_str()) == 0);
        auto sam = read_all(out);
        REQUIRE(sam.size() == 1);
        CHECK(sam[0].name == r);
        CHECK(ref.fetch(ref.parse_region(r)) == sam[0].sequence);
    }
}

TEST_CASE("faidx: region parsing", "[io]")
{
    temp_dir tmp;
    auto p = tmp.file("r.fa");
    write_file(p, ">a\nACGTACGTAC\n>b:1\nGG\n");
    indexed_fasta ref{p};
    using wgskit::io::region;
    CHECK(ref.parse_region("a") == region{"a", 0, 10});
    CHECK(ref.parse_region("a:3") == region{"a", 2, 10});
    CHECK(ref.parse_region("a:3-") == region{"a", 2, 10});
    CHECK(ref.parse_region("a:3-5") == region{"a", 2, 5});
    CHECK(ref.parse_region("a:3-500") == region{"a", 2, 10});
    CHECK(ref.parse_region("b:1") == region{"b:1", 0, 2}); // whole name first
    CHECK(ref.parse_region("b:1:2-2") == region{"b:1", 1, 2});
    CHECK(ref.fetch(ref.parse_region("a:3-5")) == "GTA");
    CHECK(ref.fetch(ref.parse_region("a:20-30")).empty()); // past the end: empty, as samtools

    auto msg = error_of([&] { ref.parse_region("zz:1-5"); });
    CHECK(msg.find("unknown sequence name 'zz'") != std::string::npos);
    msg = error_of([&] { ref.parse_region("a:5-3"); });
    CHECK(msg.find("bad region 'a:5-3'") != std::string::npos);
    msg = error_of([&] { ref.parse_region("a:0-3"); });
    CHECK(msg.find("bad region 'a:0-3'") != std::string::npos);
    msg = error_of([&] { ref.parse_region("a:x-3"); });
    CHECK(msg.find("bad region 'a:x-3'") != std::string::npos);
    msg = error_of([&] { ref.fetch("nope", 0, 1); });
    CHECK(msg.find("unknown sequence name 'nope'") != std::string::npos);
    CHECK(msg.find(p) != std::string::npos);
    CHECK_THROWS_AS(ref.fetch("a", 5, 3), wgskit::invalid_argument);
}

TEST_CASE("faidx: malformed FASTA and gzip input", "[io]")
{
    temp_dir tmp;
    auto p = tmp.file("bad.fa");
    SECTION("inconsistent line lengths")
    {
        write_file(p, ">a\nACGT\nACGT\n>b\nACGT\nAC\nACGT\n");
        try
        {
            fasta_index::build(p);
            FAIL("no exception");
        }
        catch (wgskit::parse_error const & e)
        {
            CHECK(e.file() == p);
            CHECK(e.record() == 2);
            CHECK(std::string{e.what()}.find("inconsistent line lengths in sequence 'b'") != std::string::npos);
        }
        write_file(p, ">a\nACGT\nACGTA\n");
        CHECK_THROWS_AS(fasta_index::build(p), wgskit::parse_error);
        write_file(p, ">a\nACGT\n\nACGT\n");
        CHECK_THROWS_AS(fasta_index::build(p), wgskit::parse_error);
    }
    SECTION("duplicate names")
    {
        write_file(p, ">a\nACGT\n>b\nAC\n>a x\nAC\n");
        auto msg = error_of([&] { fasta_index::build(p); });
        CHECK(msg.find(p + ": record 3: duplicate sequence name 'a'") != std::string::npos);
    }
    SECTION("gzip FASTA cannot be indexed yet")
    {
        auto gz = tmp.file("x.fa.gz");
        gzFile g = gzopen(gz.c_str(), "wb");
        gzwrite(g, ">a\nACGT\n", 8);
        gzclose(g);
        auto msg = error_of([&] { indexed_fasta ref{gz}; });
        CHECK(msg.find(gz) != std::string::npos);
        CHECK(msg.find("gzip") != std::string::npos);
        CHECK(read_all(gz).size() == 1); // streaming works
    }
    SECTION("missing file")
    {
        auto msg = error_of([&] { indexed_fasta ref{tmp.file("missing.fa")}; });
        CHECK(msg.find(tmp.file("missing.fa")) != std::string::npos);
    }
    SECTION("zero-length records are left out, as samtools does")
    {
        write_file(p, ">a\nACGT\n>empty\n>b\nAC\n\n");
        auto idx = fasta_index::build(p);
        REQUIRE(idx.size() == 2);
        CHECK(idx.entries()[1] == wgskit::io::fai_entry{"b", 2, 18, 2, 3});
    }
}
