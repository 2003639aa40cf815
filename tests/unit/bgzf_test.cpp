// BGZF reader and writer: round trips at block boundaries and thread counts, interoperability with bgzip and
// samtools in both directions, .gzi against bgzip's, virtual offsets, plain gzip, and corrupted inputs.
#include "wgskit_test_paths.hpp"
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <wgskit/codec/bgzf/all.hpp>

namespace
{
using namespace wgskit;
namespace bgzf = wgskit::codec::bgzf;
namespace fs = std::filesystem;

//! A fresh folder under the system temp dir, removed at scope exit.
struct temp_dir
{
    fs::path path;
    temp_dir()
    {
        static int counter = 0;
        path = fs::temp_directory_path() /
               ("wgskit_bgzf_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
        fs::create_directories(path);
    }
    ~temp_dir() { fs::remove_all(path); }
    std::string operator/(std::string const & name) const { return (path / name).string(); }
};

std::string slurp(std::string const & path)
{
    std::ifstream in{path, std::ios::binary};
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void spit(std::string const & path, std::string const & bytes)
{
    std::ofstream out{path, std::ios::binary};
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

bool have_tool(char const * name)
{
    return std::system((std::string{"command -v "} + name + " >/dev/null 2>&1").c_str()) == 0;
}

int run(std::string const & cmd) { return std::system(cmd.c_str()); }

std::string decompress_with_bgzip(std::string const & path, temp_dir const & dir)
{
    std::string const out = dir / "bgzip_d.out";
    REQUIRE(run("bgzip -dc '" + path + "' > '" + out + "'") == 0);
    return slurp(out);
}

//! The example reads, uncompressed (the file is BGZF; bgzip-independent: read through zlib's gzip path too).
std::string const & example_fastq()
{
    static std::string const text = [] {
        bgzf::reader r{std::string{WGSKIT_SOURCE_DIR} + "/examples/data/NA12878.chr22_R1.fastq.gz"};
        return r.read_all();
    }();
    return text;
}

std::string random_text(std::size_t n, std::uint64_t seed)
{
    std::mt19937_64 rng{seed};
    std::string s(n, 'A');
    for (std::size_t i = 0; i < n; ++i)
        s[i] = (i % 7 == 0) ? static_cast<char>(rng()) : "ACGT\n"[rng() % 5]; // partly incompressible
    return s;
}

void write_file(std::string const & path, std::string_view data, bgzf::writer_options opt, std::size_t piece)
{
    bgzf::writer w{path, opt};
    for (std::size_t i = 0; i < data.size(); i += piece)
        w.write(data.substr(i, piece));
    w.close();
}

std::string read_file(std::string const & path, std::size_t threads, std::size_t piece = 4093)
{
    bgzf::reader r{path, {threads}};
    std::string out;
    std::string buf(piece, '\0');
    while (std::size_t n = r.read(buf.data(), buf.size()))
        out.append(buf.data(), n);
    return out;
}

//! Expects a parse_error from reading path whole, with the given record and a reason containing `reason`.
void expect_parse_error(std::string const & path, std::size_t threads, std::uint64_t record, std::string const & reason)
{
    INFO("threads " << threads);
    try
    {
        bgzf::reader r{path, {threads}};
        r.read_all();
        FAIL("no parse_error for " << path);
    }
    catch (parse_error const & e)
    {
        INFO(e.what());
        CHECK(e.file() == path);
        CHECK(e.record() == record);
        CHECK(e.reason().find(reason) != std::string::npos);
    }
}
} // namespace

TEST_CASE("bgzf round trips at block boundaries, levels and thread counts", "[bgzf]")
{
    temp_dir dir;
    std::size_t const block = 0xff00;
    for (std::size_t n : {std::size_t{0}, std::size_t{1}, block - 1, block, block + 1, 3 * block + 7, std::size_t{700000}})
    {
        std::string const data = random_text(n, n);
        for (std::size_t threads : {0u, 2u})
            for (int level : {0, 1, 6, 9})
            {
                INFO("n " << n << " threads " << threads << " level " << level);
                std::string const path = dir / "rt.gz";
                write_file(path, data, {level, threads, false, block}, 1000);
                CHECK(read_file(path, 0) == data);
                CHECK(read_file(path, 3, 70000) == data);
                bgzf::reader r{path};
                CHECK(r.is_bgzf());
                CHECK_FALSE(r.eof_block_missing());
            }
    }
    // The writer leaves nothing but its output in the folder.
    CHECK(std::distance(fs::directory_iterator{dir.path}, fs::directory_iterator{}) == 1);
}

TEST_CASE("bgzf writer without close removes its temporary file", "[bgzf]")
{
    temp_dir dir;
    for (std::size_t threads : {0u, 2u})
    {
        {
            bgzf::writer w{dir / "never.gz", {6, threads}};
            w.write(random_text(200000, 1));
        }
        CHECK(fs::is_empty(dir.path));
    }
    CHECK_THROWS_AS((bgzf::writer{dir / "x.gz", {10}}), invalid_argument);
    CHECK_THROWS_AS((bgzf::writer{dir / "no/such/folder/x.gz"}), io_error);
}

TEST_CASE("bgzf output is read by bgzip, and matches bgzip -l 6 and its .gzi", "[bgzf]")
{
    if (!have_tool("bgzip"))
    {
        WARN("bgzip not installed: skipped");
        return;
    }
    temp_dir dir;
    std::string const & fq = example_fastq();
    REQUIRE(fq.size() > 1000000);
    spit(dir / "reads.fq", fq);
    REQUIRE(run("bgzip -l 6 -i -c '" + (dir / "reads.fq") + "' > '" + (dir / "theirs.gz") + "' && bgzip -r '" +
                (dir / "theirs.gz") + "'") == 0);
    for (std::size_t threads : {0u, 2u})
    {
        std::string const ours = dir / "ours.gz";
        write_file(ours, fq, {6, threads, true}, 12345);
        CHECK(decompress_with_bgzip(ours, dir) == fq);
        // Same libdeflate, level and block size as bgzip: the same bytes.
        CHECK(slurp(ours) == slurp(dir / "theirs.gz"));
        CHECK(bgzf::gzi_index::read(ours + ".gzi") == bgzf::gzi_index::read(dir / "theirs.gz.gzi"));
        CHECK(slurp(ours + ".gzi") == slurp(dir / "theirs.gz.gzi"));
    }
    CHECK(bgzf::build_gzi_index(dir / "theirs.gz") == bgzf::gzi_index::read(dir / "theirs.gz.gzi"));
    // bgzip's output, read by us.
    CHECK(read_file(dir / "theirs.gz", 0) == fq);
    CHECK(read_file(dir / "theirs.gz", 2) == fq);
    // A .gzi written by us reads back the same.
    bgzf::gzi_index const idx = bgzf::build_gzi_index(dir / "theirs.gz");
    idx.write(dir / "copy.gzi");
    CHECK(bgzf::gzi_index::read(dir / "copy.gzi") == idx);
    // bgzip -b (random access via its .gzi) reads our file too.
    std::string const ours = dir / "ours.gz";
    REQUIRE(run("bgzip -b 100000 -s 200000 -c '" + ours + "' > '" + (dir / "slice") + "'") == 0);
    CHECK(slurp(dir / "slice") == fq.substr(100000, 200000));
}

TEST_CASE("bgzf reads what samtools and htslib wrote", "[bgzf]")
{
    std::string const data = WGSKIT_SHARED_DATA_DIR;
    std::vector<std::string> files{
        data + "/giab_hg001_chr22_grch38_nfcore/reads/NA12878.chr22.bam",
        data + "/giab_hg001_chr22_grch38_nfcore/reads/NA12878.chr22.1X.bam",
        data + "/format_conformance/htslib/test/bgzf_boundaries/bgzf_boundaries1.bam",
        data + "/format_conformance/htslib/test/bgzf_boundaries/bgzf_boundaries2.bam",
        data + "/format_conformance/htslib/test/bgzf_boundaries/bgzf_boundaries3.bam",
        data + "/format_conformance/hts-specs/bam/passed/level-1.bam",
        data + "/format_conformance/hts-specs/bam/passed/level-9.bam",
        data + "/format_conformance/htslib/test/bgziptest.txt.gz",
        std::string{WGSKIT_SOURCE_DIR} + "/examples/data/NA12878_GIAB.chr22_40k.truth.vcf.gz",
    };
    if (!have_tool("bgzip"))
    {
        WARN("bgzip not installed: skipped");
        return;
    }
    temp_dir dir;
    for (auto const & f : files)
    {
        if (!fs::exists(f))
        {
            WARN("missing test file " << f);
            continue;
        }
        INFO(f);
        std::string const expected = decompress_with_bgzip(f, dir);
        CHECK(read_file(f, 0) == expected);
        CHECK(read_file(f, 2) == expected);
        if (f.ends_with(".bam"))
            CHECK(expected.compare(0, 4, "BAM\1") == 0);
    }
    // Our index of htslib's test file equals what bgzip -r writes today. (The .gzi stored beside it comes from an
    // older htslib that also indexed the final EOF block: still readable, and seeking through it works.)
    std::string const gz = data + "/format_conformance/htslib/test/bgziptest.txt.gz";
    if (fs::exists(gz + ".gzi"))
    {
        fs::copy_file(gz, dir / "copy.gz");
        REQUIRE(run("bgzip -r '" + (dir / "copy.gz") + "'") == 0);
        CHECK(bgzf::build_gzi_index(gz) == bgzf::gzi_index::read(dir / "copy.gz.gzi"));
        bgzf::gzi_index const old = bgzf::gzi_index::read(gz + ".gzi");
        std::string const text = read_file(gz, 0);
        bgzf::reader r{gz};
        for (std::uint64_t p = 0; p <= text.size(); ++p)
        {
            r.seek_uncompressed(p, old);
            CHECK(r.read_all() == text.substr(p));
        }
    }
}

TEST_CASE("bgzf output is read by samtools and indexed by tabix", "[bgzf]")
{
    if (!have_tool("samtools") || !have_tool("tabix"))
    {
        WARN("samtools or tabix not installed: skipped");
        return;
    }
    temp_dir dir;
    // A BAM re-compressed by us (blocks cut anywhere, 2 threads): samtools sees the same records.
    std::string const bam = std::string{WGSKIT_SHARED_DATA_DIR} + "/giab_hg001_chr22_grch38_nfcore/reads/NA12878.chr22.1X.bam";
    if (fs::exists(bam))
    {
        write_file(dir / "ours.bam", read_file(bam, 2), {6, 2}, 30011);
        REQUIRE(run("samtools quickcheck '" + (dir / "ours.bam") + "'") == 0);
        REQUIRE(run("samtools view '" + bam + "' > '" + (dir / "theirs.sam") + "' && samtools view '" +
                    (dir / "ours.bam") + "' > '" + (dir / "ours.sam") + "'") == 0);
        CHECK(slurp(dir / "ours.sam") == slurp(dir / "theirs.sam"));
        CHECK(slurp(dir / "ours.sam").size() > 100000);
    }
    // A VCF compressed by us: tabix indexes it and a region query returns what it returns on bgzip's file.
    std::string const vcf = std::string{WGSKIT_SOURCE_DIR} + "/examples/data/NA12878_GIAB.chr22_40k.truth.vcf.gz";
    write_file(dir / "ours.vcf.gz", read_file(vcf, 0), {6, 0}, 777);
    REQUIRE(run("tabix -p vcf '" + (dir / "ours.vcf.gz") + "'") == 0);
    REQUIRE(run("tabix '" + (dir / "ours.vcf.gz") + "' chr22:10000-30000 > '" + (dir / "ours.txt") + "' && tabix '" + vcf +
                "' chr22:10000-30000 > '" + (dir / "theirs.txt") + "'") == 0);
    CHECK(slurp(dir / "ours.txt") == slurp(dir / "theirs.txt"));
    CHECK_FALSE(slurp(dir / "ours.txt").empty());
}

TEST_CASE("bgzf virtual offsets: tell, seek and .gzi random access", "[bgzf]")
{
    temp_dir dir;
    std::string const data = random_text(600000, 7);
    std::string const path = dir / "seek.gz";
    write_file(path, data, {6, 0, true}, 100000);
    for (std::size_t threads : {0u, 2u})
    {
        INFO("threads " << threads);
        bgzf::reader r{path, {threads}};
        std::vector<std::pair<bgzf::virtual_offset, std::size_t>> marks;
        std::string buf(9999, '\0');
        std::size_t pos = 0;
        while (true)
        {
            marks.emplace_back(r.tell(), pos);
            std::size_t const n = r.read(buf.data(), buf.size());
            if (n == 0)
                break;
            pos += n;
        }
        REQUIRE(pos == data.size());
        for (auto it = marks.rbegin(); it != marks.rend(); ++it)
        {
            r.seek(it->first);
            std::size_t const n = r.read(buf.data(), 5000);
            CHECK(std::string_view{buf.data(), n} == std::string_view{data}.substr(it->second, 5000));
        }
        bgzf::gzi_index const idx = bgzf::gzi_index::read(path + ".gzi");
        for (std::uint64_t p : {std::uint64_t{0}, std::uint64_t{65279}, std::uint64_t{65280}, std::uint64_t{333333},
                                std::uint64_t{599999}})
        {
            r.seek_uncompressed(p, idx);
            std::size_t const n = r.read(buf.data(), 100);
            CHECK(std::string_view{buf.data(), n} == std::string_view{data}.substr(p, 100));
        }
        CHECK_THROWS_AS(r.seek(bgzf::make_virtual_offset(1u << 30, 0)), invalid_argument);
    }
    // The writer's tell() gives the offsets the reader seeks to.
    {
        bgzf::writer w{path, {6, 2}};
        std::vector<std::pair<bgzf::virtual_offset, std::size_t>> marks;
        for (std::size_t i = 0; i < data.size(); i += 77777)
        {
            marks.emplace_back(w.tell(), i);
            w.write(std::string_view{data}.substr(i, 77777));
        }
        w.close();
        bgzf::reader r{path};
        for (auto [v, p] : marks)
        {
            r.seek(v);
            std::string got(64, '\0');
            got.resize(r.read(got.data(), got.size()));
            CHECK(got == data.substr(p, 64));
        }
    }
}

TEST_CASE("bgzf reader reads plain gzip, single and multi-member", "[bgzf]")
{
    if (!have_tool("gzip"))
    {
        WARN("gzip not installed: skipped");
        return;
    }
    temp_dir dir;
    std::string const a = random_text(300000, 3);
    std::string const b = random_text(1000, 4);
    spit(dir / "a", a);
    spit(dir / "b", b);
    REQUIRE(run("gzip -c '" + (dir / "a") + "' > '" + (dir / "one.gz") + "'") == 0);
    REQUIRE(run("gzip -c '" + (dir / "a") + "' > '" + (dir / "two.gz") + "' && gzip -c '" + (dir / "b") + "' >> '" +
                (dir / "two.gz") + "'") == 0);
    bgzf::reader one{dir / "one.gz"};
    CHECK_FALSE(one.is_bgzf());
    CHECK(one.read_all() == a);
    CHECK_THROWS_AS(one.tell(), invalid_argument);
    CHECK(read_file(dir / "two.gz", 0) == a + b);
    // Truncated and corrupted gzip.
    std::string const gz = slurp(dir / "one.gz");
    spit(dir / "trunc.gz", gz.substr(0, gz.size() / 2));
    expect_parse_error(dir / "trunc.gz", 0, 1, "truncated gzip member");
    std::string bad = gz;
    bad[gz.size() - 6] ^= 0x55; // inside the CRC32
    spit(dir / "badcrc.gz", bad);
    expect_parse_error(dir / "badcrc.gz", 0, 1, "corrupt gzip member");
}

TEST_CASE("bgzf reports corrupt input with file, block and reason", "[bgzf]")
{
    temp_dir dir;
    std::string const data = random_text(300000, 5);
    std::string const path = dir / "good.gz";
    write_file(path, data, {6, 0}, data.size());
    std::string const good = slurp(path);
    // Block boundaries of the good file.
    bgzf::gzi_index const idx = bgzf::build_gzi_index(path);
    REQUIRE(idx.entries().size() >= 4);
    std::size_t const third = idx.entries()[1].compressed_offset; // the third block starts here
    auto corrupt = [&](std::string const & name, auto && change) {
        std::string bytes = good;
        change(bytes);
        spit(dir / name, bytes);
        return dir / name;
    };
    for (std::size_t threads : {0u, 2u})
    {
        expect_parse_error(corrupt("magic.gz", [](std::string & b) { b[0] = 'X'; }), threads, 1, "bad magic");
        expect_parse_error(corrupt("magic3.gz", [&](std::string & b) { b[third + 1] = 0; }), threads, 3,
                           "bad magic");
        expect_parse_error(corrupt("trunc.gz", [&](std::string & b) { b.resize(third + 100); }), threads, 3,
                           "truncated block");
        expect_parse_error(corrupt("trunc_header.gz", [&](std::string & b) { b.resize(third + 14); }), threads, 3,
                           "truncated block");
        // A flipped byte in the trailer's CRC32: the data inflates fine, the checksum does not match.
        std::size_t const crc_at = third - 8;
        expect_parse_error(corrupt("crc.gz", [&](std::string & b) { b[crc_at] ^= 1; }), threads, 2,
                           "CRC32 mismatch");
        // A flipped byte inside the compressed data: corrupt DEFLATE, wrong size or CRC, always an error.
        expect_parse_error(corrupt("data.gz", [&](std::string & b) { b[third + 500] ^= 0x10; }), threads, 3,
                           "byte offset " + std::to_string(third));
        // BSIZE smaller than the header itself, and BSIZE pointing elsewhere.
        expect_parse_error(corrupt("bsize.gz", [&](std::string & b) { b[third + 16] = 5, b[third + 17] = 0; }),
                           threads, 3, "bad BGZF extra field");
        expect_parse_error(corrupt("bsize2.gz", [&](std::string & b) { b[third + 16] ^= 0x40; }), threads, 3,
                           "byte offset " + std::to_string(third));
        expect_parse_error(corrupt("isize.gz", [&](std::string & b) { b[crc_at + 4] ^= 1; }), threads, 2,
                           "ISIZE mismatch");
        // A plain gzip member in the middle of a BGZF file.
        expect_parse_error(corrupt("notbgzf.gz", [&](std::string & b) { b[third + 3] = 0; }), threads, 3,
                           "without the BGZF 'BC' extra field");
    }
    // Missing EOF block: readable, and reported.
    spit(dir / "noeof.gz", good.substr(0, good.size() - 28));
    bgzf::reader r{dir / "noeof.gz"};
    CHECK(r.eof_block_missing());
    CHECK(r.read_all() == data);
    CHECK(bgzf::reader{path}.eof_block_missing() == false);
    // An empty file has no data and no EOF block.
    spit(dir / "empty.gz", "");
    bgzf::reader e{dir / "empty.gz"};
    CHECK(e.read_all().empty());
    CHECK(e.eof_block_missing());
    CHECK_THROWS_AS(bgzf::reader{dir / "does_not_exist.gz"}, io_error);
    // .gzi with a wrong count.
    spit(dir / "bad.gzi", std::string("\x05\0\0\0\0\0\0\0", 8));
    CHECK_THROWS_AS(bgzf::gzi_index::read(dir / "bad.gzi"), parse_error);
}
