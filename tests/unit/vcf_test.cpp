// VCF block: header and record text, reader/writer round trips (plain and BGZF), .tbi/.csi indexes against
// tabix and bcftools, region queries, malformed input, and the hts-specs conformance suite.
#include "wgskit_test_paths.hpp"
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <wgskit/codec/bgzf/reader.hpp>
#include <wgskit/codec/bgzf/writer.hpp>
#include <wgskit/vcf/all.hpp>

#include "../test_helpers.hpp"

namespace
{
using namespace wgskit;
namespace fs = std::filesystem;

bool have_tool(char const * name)
{
    return std::system((std::string{"command -v "} + name + " >/dev/null 2>&1").c_str()) == 0;
}

//! stdout of a shell command (and its exit status).
std::string run(std::string const & cmd, int * status = nullptr)
{
    std::string out;
    std::FILE * p = ::popen(cmd.c_str(), "r");
    REQUIRE(p != nullptr);
    char buf[4096];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;)
        out.append(buf, n);
    int st = ::pclose(p);
    if (status)
        *status = st;
    return out;
}

vcf::header test_header(std::int64_t chr2_length = 200000)
{
    vcf::header h;
    h.add_contig("chr1", 1000000);
    h.add_contig("chr2", chr2_length);
    h.add_contig("chr3", 5000);
    h.add_meta("##source=wgskit_test");
    h.add_meta("##INFO=<ID=DP,Number=1,Type=Integer,Description=\"Depth\">");
    h.add_meta("##INFO=<ID=END,Number=1,Type=Integer,Description=\"End of the block\">");
    h.add_meta("##FILTER=<ID=LowQual,Description=\"Low quality\">");
    h.add_meta("##FORMAT=<ID=GT,Number=1,Type=String,Description=\"Genotype\">");
    h.add_meta("##FORMAT=<ID=GQ,Number=1,Type=Integer,Description=\"Genotype quality\">");
    h.add_sample("S1");
    h.add_sample("S2");
    return h;
}

//! Sorted random records over the test header's chr1 and chr2 (chr3 stays empty), some with INFO END blocks.
std::vector<vcf::record> random_records(std::uint64_t seed, std::size_t n, std::int64_t chr2_length = 200000)
{
    std::mt19937_64 rng{seed};
    std::vector<vcf::record> out;
    char const bases[] = "ACGT";
    for (std::int32_t c = 0; c < 2; ++c)
    {
        std::int64_t pos = 0;
        std::int64_t const len = c == 0 ? 1000000 : chr2_length;
        for (std::size_t i = 0; i < n / 2; ++i)
        {
            pos += 1 + static_cast<std::int64_t>(rng() % (2 * static_cast<std::uint64_t>(len) / n));
            if (pos >= len - 10)
                break;
            vcf::record r;
            r.contig = c;
            r.pos = pos;
            r.ref = std::string(1 + rng() % 3, bases[rng() % 4]);
            r.alt = {std::string(1, r.ref[0] == 'A' ? 'C' : 'A')};
            if (rng() % 5 == 0)
                r.alt.push_back("<NON_REF>");
            r.qual = rng() % 7 == 0 ? std::numeric_limits<float>::quiet_NaN()
                                    : static_cast<float>(rng() % 100000) / 100.0f;
            r.filter = rng() % 3 == 0 ? std::vector<std::string>{"LowQual"} : std::vector<std::string>{"PASS"};
            r.info = "DP=" + std::to_string(rng() % 100);
            if (rng() % 10 == 0)
            {
                r.ref.resize(1);
                r.alt = {"<*>"};
                r.info += ";END=" + std::to_string(std::min<std::int64_t>(pos + 1 + rng() % 40000, len));
            }
            r.format = "GT:GQ";
            r.samples = {"0/1:" + std::to_string(rng() % 99), "1|1:" + std::to_string(rng() % 99)};
            out.push_back(r);
        }
    }
    return out;
}

std::vector<vcf::record> read_all(std::string const & path, vcf::header * h = nullptr)
{
    vcf::reader in{path};
    if (h)
        *h = in.header();
    std::vector<vcf::record> out;
    vcf::record r;
    while (in.read(r))
        out.push_back(r);
    return out;
}

void write_all(std::string const & path, vcf::header const & h, std::vector<vcf::record> const & recs,
               vcf::writer_options opt = {})
{
    vcf::writer w{path, h, opt};
    for (auto const & r : recs)
        w.write(r);
    w.close();
}

} // namespace

TEST_CASE("format_qual prints compact %g text", "[vcf]")
{
    CHECK(vcf::format_qual(29.4f) == "29.4");
    CHECK(vcf::format_qual(1e-05f) == "1e-05");
    CHECK(vcf::format_qual(100.0f) == "100");
    CHECK(vcf::format_qual(0.0f) == "0");
    CHECK(vcf::format_qual(1234567.0f) == "1.23457e+06");
    CHECK(vcf::format_qual(999.99f) == "999.99");
    CHECK(vcf::format_qual(std::numeric_limits<float>::quiet_NaN()) == ".");
}

TEST_CASE("header text and parse round trip", "[vcf]")
{
    auto h = test_header();
    std::string text = h.text();
    CHECK(text.rfind("##fileformat=VCFv4.3\n##contig=<ID=chr1,length=1000000>\n", 0) == 0);
    CHECK(text.size() > 0);
    CHECK(text.substr(text.size() - 1) == "\n");
    CHECK(text.find("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\tS2\n") != std::string::npos);
    auto back = vcf::header::parse(text, "mem");
    CHECK(back == h);
    CHECK(back.contig_index("chr2") == 1);
    CHECK(!back.contig_index("chrX"));
    CHECK(back.text() == text);
    CHECK_THROWS_AS(h.add_contig("chr1", 5), invalid_argument);
    CHECK_THROWS_AS(h.add_meta("#oops"), invalid_argument);
}

TEST_CASE("record::end uses INFO END", "[vcf]")
{
    vcf::record r;
    r.pos = 99;
    r.ref = "ACG";
    CHECK(r.end() == 102);
    r.info = "DP=3;END=500";
    CHECK(r.end() == 500);
    r.info = "XEND=7";
    CHECK(r.end() == 102);
}

TEST_CASE("plain and BGZF round trips", "[vcf]")
{
    test::temp_dir dir{"wgskit_vcf"};
    auto h = test_header();
    auto recs = random_records(7, 400);
    INFO("seed 7");
    for (std::string name : {"a.vcf", "a.vcf.gz"})
        for (int threads : {1, 3})
        {
            write_all(dir.file(name), h, recs, {threads, 6, vcf::index_kind::automatic});
            vcf::header back_h;
            auto back = read_all(dir.file(name), &back_h);
            CHECK(back_h == h);
            REQUIRE(back.size() == recs.size());
            for (std::size_t i = 0; i < recs.size(); ++i)
                CHECK(back[i] == recs[i]);
        }
    CHECK(fs::exists(dir.file("a.vcf.gz.tbi")));
    // POS 0 (a telomere record) is pos -1; it is written, indexed and read back
    vcf::record telomere = recs.front();
    telomere.pos = -1;
    telomere.ref = "N";
    write_all(dir.file("t.vcf.gz"), h, {telomere});
    CHECK(read_all(dir.file("t.vcf.gz")) == std::vector<vcf::record>{telomere});
    CHECK(vcf::indexed_reader{dir.file("t.vcf.gz")}.query("chr1:1-10").size() == 1);
    CHECK(!fs::exists(dir.file("a.vcf.tbi")));
}

TEST_CASE("a damaged .tbi or .csi: parse_error naming the index", "[vcf]")
{
    test::temp_dir dir{"wgskit_vcf"};
    auto const h = test_header();
    auto const recs = random_records(11, 200);
    write_all(dir.file("a.vcf.gz"), h, recs);
    std::string const tbi = dir.file("a.vcf.gz.tbi");
    std::string const index_bytes = codec::bgzf::reader{tbi}.read_all();
    auto rewrite = [&](std::string const & bytes) { // as BGZF, the way index files are stored
        codec::bgzf::writer w{tbi};
        w.write(bytes);
        w.close();
    };
    auto expect_index_error = [&] {
        try
        {
            vcf::indexed_reader r{dir.file("a.vcf.gz")};
            FAIL("a damaged index was accepted");
        }
        catch (parse_error const & e)
        {
            CHECK(std::string{e.what()}.find("a.vcf.gz.tbi") != std::string::npos);
        }
    };
    SECTION("bad magic")
    {
        rewrite("XYZ\1" + index_bytes.substr(4));
        expect_index_error();
    }
    SECTION("cut short")
    {
        for (std::size_t keep : {std::size_t{2}, std::size_t{6}, index_bytes.size() / 2, index_bytes.size() - 9})
        {
            INFO("kept " << keep << " of " << index_bytes.size() << " bytes");
            rewrite(index_bytes.substr(0, keep));
            expect_index_error();
        }
    }
    SECTION("not BGZF at all")
    {
        test::write_file(tbi, "plain text, not an index");
        expect_index_error();
    }
}

TEST_CASE("writer rejects unsorted and ill-formed records", "[vcf]")
{
    test::temp_dir dir{"wgskit_vcf"};
    auto h = test_header();
    vcf::writer w{dir.file("x.vcf.gz"), h};
    vcf::record r;
    r.contig = 1;
    r.pos = 100;
    r.ref = "A";
    r.format = "GT";
    r.samples = {"0/1", "0/0"};
    w.write(r);
    r.pos = 50;
    try
    {
        w.write(r);
        FAIL("no exception");
    }
    catch (invalid_argument const & e)
    {
        CHECK(std::string{e.what()}.find("chr2:51") != std::string::npos);
    }
    r.contig = 0;
    CHECK_THROWS_AS(w.write(r), invalid_argument);
    r.contig = 7;
    CHECK_THROWS_AS(w.write(r), invalid_argument);
    r.contig = 2;
    r.samples = {"0/1"};
    CHECK_THROWS_AS(w.write(r), invalid_argument);
    r.samples = {"0/1", "0/0"};
    r.alt = {"A,C"};
    CHECK_THROWS_AS(w.write(r), invalid_argument);
}

namespace
{

//! Our region query as the data lines tabix would print.
std::string query_lines(vcf::indexed_reader & idx, std::string const & region)
{
    std::string out;
    for (auto const & r : idx.query(region))
        vcf::detail::format_record(idx.header(), r, out);
    return out;
}

std::vector<std::string> test_regions()
{
    return {"chr1", "chr1:1-1", "chr1:5000-70000", "chr1:16384-16385", "chr1:123456-654321", "chr1:999990-1000000",
            "chr2", "chr2:100000", "chr2:1-16384", "chr3", "chr2:150,000-160,000"};
}

} // namespace

TEST_CASE("BGZF output passes bgzip, bcftools and tabix; region queries equal tabix's", "[vcf]")
{
    if (!have_tool("bgzip") || !have_tool("tabix") || !have_tool("bcftools"))
    {
        WARN("bgzip, tabix or bcftools not installed: skipped");
        return;
    }
    test::temp_dir dir{"wgskit_vcf"};
    auto h = test_header();
    auto recs = random_records(11, 600);
    INFO("seed 11");
    std::string const f = dir.file("t.vcf.gz");
    write_all(f, h, recs, {2, 6, vcf::index_kind::tbi});
    int st = 0;
    run("bgzip -t " + f + " 2>&1", &st);
    CHECK(st == 0);
    std::string err = run("bcftools view " + f + " 2>&1 >/dev/null", &st);
    CHECK(st == 0);
    CHECK(err.empty());
    // bcftools prints the records as we wrote them
    std::string plain = run("bcftools view -H " + f + " 2>/dev/null");
    std::string ours;
    for (auto const & r : recs)
        vcf::detail::format_record(h, r, ours);
    CHECK(plain == ours);
    CHECK(run("tabix -l " + f) == "chr1\nchr2\n");
    vcf::indexed_reader idx{f};
    CHECK(idx.query("chr1").size() == 300);
    CHECK(!query_lines(idx, "chr1:5000-70000").empty());
    CHECK(!idx.index().csi);
    for (auto const & reg : test_regions())
    {
        INFO(reg);
        CHECK(query_lines(idx, reg) == run("tabix " + f + " " + reg));
    }
    // bcftools' own index of our file answers the same queries as ours
    run("cp " + f + " " + dir.file("b.vcf.gz") + " && bcftools index -t " + dir.file("b.vcf.gz"), &st);
    REQUIRE(st == 0);
    vcf::indexed_reader theirs{dir.file("b.vcf.gz")};
    for (auto const & reg : test_regions())
    {
        INFO(reg);
        CHECK(query_lines(theirs, reg) == query_lines(idx, reg));
    }
}

TEST_CASE("reading VCF made by bgzip/tabix and bcftools", "[vcf]")
{
    if (!have_tool("bgzip") || !have_tool("tabix") || !have_tool("bcftools"))
    {
        WARN("bgzip, tabix or bcftools not installed: skipped");
        return;
    }
    test::temp_dir dir{"wgskit_vcf"};
    auto h = test_header();
    auto recs = random_records(3, 200);
    write_all(dir.file("p.vcf"), h, recs);
    int st = 0;
    run("bgzip -c " + dir.file("p.vcf") + " > " + dir.file("p.vcf.gz") + " && tabix -p vcf " + dir.file("p.vcf.gz"),
        &st);
    REQUIRE(st == 0);
    CHECK(read_all(dir.file("p.vcf.gz")) == recs);
    vcf::indexed_reader idx{dir.file("p.vcf.gz")};
    for (auto const & reg : test_regions())
    {
        INFO(reg);
        CHECK(query_lines(idx, reg) == run("tabix " + dir.file("p.vcf.gz") + " " + reg));
    }
    // bcftools rewrites the header (adds its own lines) but the records read back equal
    run("bcftools view -Oz -o " + dir.file("c.vcf.gz") + " " + dir.file("p.vcf") + " && bcftools index -c " +
            dir.file("c.vcf.gz"),
        &st);
    REQUIRE(st == 0);
    CHECK(read_all(dir.file("c.vcf.gz")) == recs);
    vcf::indexed_reader csi{dir.file("c.vcf.gz")};
    CHECK(csi.index().csi);
    for (auto const & reg : test_regions())
    {
        INFO(reg);
        CHECK(query_lines(csi, reg) == query_lines(idx, reg));
    }
}

TEST_CASE("CSI for a contig longer than 2^29", "[vcf]")
{
    std::int64_t const long_len = (std::int64_t{1} << 30) + 12345;
    auto h = test_header(long_len);
    std::vector<vcf::record> recs = random_records(5, 300, long_len);
    test::temp_dir dir{"wgskit_vcf"};
    std::string const f = dir.file("long.vcf.gz");
    {
        vcf::writer w{f, h};
        CHECK(w.index() == vcf::index_kind::csi);
        for (auto const & r : recs)
            w.write(r);
        w.close();
    }
    REQUIRE(fs::exists(f + ".csi"));
    CHECK(!fs::exists(f + ".tbi"));
    vcf::indexed_reader idx{f};
    CHECK(idx.index().csi);
    CHECK(idx.index().bins.scheme.depth == 6);
    std::vector<std::string> regions = {"chr2:600000000-900000000", "chr2:1073741000-1073754000", "chr2:1-1000000",
                                        "chr1:1000-400000", "chr2"};
    // the expected records by a linear scan
    for (auto const & reg : regions)
    {
        INFO(reg);
        auto parsed = codec::bgzf::parse_region(reg, [&](std::string const & n) { return !!h.contig_index(n); });
        std::string expected;
        for (auto const & r : recs)
            if (h.contigs()[static_cast<std::size_t>(r.contig)].name == parsed.name && r.pos < parsed.end &&
                r.end() > parsed.beg)
                vcf::detail::format_record(h, r, expected);
        CHECK(query_lines(idx, reg) == expected);
        if (have_tool("bcftools"))
        {
            int st = 0;
            CHECK(run("bcftools view -H -r " + reg + " " + f + " 2>&1", &st) == expected);
            CHECK(st == 0);
        }
    }
    if (!have_tool("bcftools"))
        WARN("bcftools not installed: CSI not checked against bcftools");
}

namespace
{

//! The message of the parse_error that reading path throws ("" if none).
std::string read_error(std::string const & path, vcf::reader_options opt = {})
{
    try
    {
        vcf::reader in{path, opt};
        vcf::record r;
        while (in.read(r))
        {
        }
    }
    catch (parse_error const & e)
    {
        return e.what();
    }
    return {};
}

} // namespace

TEST_CASE("malformed VCF: parse_error with file, line and reason", "[vcf]")
{
    test::temp_dir dir{"wgskit_vcf"};
    std::string const head = "##fileformat=VCFv4.3\n##contig=<ID=chr1,length=1000>\n"
                             "##FORMAT=<ID=GT,Number=1,Type=String,Description=\"Genotype\">\n"
                             "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\n";
    std::string const good = "chr1\t10\t.\tA\tC\t50\tPASS\t.\tGT\t0/1\n";
    struct bad_case
    {
        std::string name, body, reason;
    };
    std::vector<bad_case> cases = {
        {"truncated", good + "chr1\t20\t.\tA\tC\t50\tPA", "does not end with a newline"},
        {"columns", good + "chr1\t20\t.\tA\tC\t50\tPASS\t.\tGT\n", "expected 10 tab-separated columns, found 9"},
        {"pos", good + "chr1\t2x0\t.\tA\tC\t50\tPASS\t.\tGT\t0/1\n", "POS '2x0'"},
        {"pos_negative", good + "chr1\t-5\t.\tA\tC\t50\tPASS\t.\tGT\t0/1\n", "POS '-5'"},
        {"contig", good + "chr9\t20\t.\tA\tC\t50\tPASS\t.\tGT\t0/1\n", "contig 'chr9' is not declared"},
        {"qual", good + "chr1\t20\t.\tA\tC\thigh\tPASS\t.\tGT\t0/1\n", "QUAL 'high' is not a number"},
        {"ref", good + "chr1\t20\t.\tAXZ\tC\t50\tPASS\t.\tGT\t0/1\n", "REF 'AXZ'"},
        {"genotype", good + "chr1\t20\t.\tA\tC\t50\tPASS\t.\tGT\t0/2\n", "allele 2"},
        {"unsorted", good + "chr1\t5\t.\tA\tC\t50\tPASS\t.\tGT\t0/1\n", "must be sorted"},
    };
    for (auto const & c : cases)
    {
        INFO(c.name);
        std::string const f = dir.file(c.name + ".vcf");
        test::write_file(f, head + c.body);
        std::string const what = read_error(f);
        CHECK(what.find(f) != std::string::npos);
        CHECK(what.find("line 6: ") != std::string::npos);
        CHECK(what.find(c.reason) != std::string::npos);
    }
    test::write_file(dir.file("ok.vcf"), head + good);
    CHECK(read_error(dir.file("ok.vcf")).empty());
    test::write_file(dir.file("empty.vcf"), "");
    CHECK(read_error(dir.file("empty.vcf")).find("empty file") != std::string::npos);
    test::write_file(dir.file("hdr.vcf"), "##fileformat=VCFv4.3\n##INFO=<ID=DP,Number=1,Type=Integer>\n" + head.substr(21));
    CHECK(read_error(dir.file("hdr.vcf")).find("header line 2: ##INFO=<ID=DP> without Description") != std::string::npos);
    // unsorted input reads with the order check off
    test::write_file(dir.file("unsorted.vcf"), head + good + "chr1\t5\t.\tA\tC\t50\tPASS\t.\tGT\t0/1\n");
    CHECK(read_error(dir.file("unsorted.vcf"), {false, true}).empty());
}

TEST_CASE("hts-specs VCF conformance suite", "[vcf]")
{
    fs::path const root = fs::path{WGSKIT_SHARED_DATA_DIR} / "format_conformance/hts-specs/vcf";
    if (!fs::exists(root))
    {
        WARN("conformance data absent: " << root);
        return;
    }
    // Failing-set files we read without error, on purpose (docs/vcf.md says why).
    std::set<std::string> const accepted = {
        "4.2/failed/failed_body_format_003.vcf",   // G_S: '_' in a FORMAT key (4.3 allows it; 4.2 files use it)
        "4.2/failed/failed_meta_alt_000.vcf",      // ALT ID without a DEL/INS/... prefix (GATK's NON_REF has none)
        "4.2/failed/failed_meta_alt_005.vcf",      // same
        "4.3/failed/failed_meta_alt_005.vcf",      // same
        "4.2/failed/failed_meta_assembly_001.vcf", // URLs are not validated
        "4.3/failed/failed_meta_assembly_001.vcf",
        "4.2/failed/failed_meta_pedigreedb_002.vcf",
        "4.3/failed/failed_meta_pedigreedb_002.vcf",
        "4.2/failed/failed_meta_sample_000.vcf",   // 4.2 SAMPLE fields (Genomes/Mixture) are not checked
        "4.2/failed/failed_meta_sample_001.vcf",
        "4.3/failed/failed_meta_pedigree_001.vcf", // ':' in a PEDIGREE value
    };
    // Passing-set files read with the order and final-newline checks off (unsorted, no newline at the end).
    std::set<std::string> const unordered = {"4.5/passed/zero_length_LAA.vcf"};
    std::size_t n_pass = 0, n_fail = 0;
    for (auto const & version : {"4.2", "4.3", "4.5"})
        for (auto const & set : {"passed", "failed"})
        {
            fs::path const dir = root / version / set;
            if (!fs::exists(dir))
                continue;
            for (auto const & e : fs::directory_iterator{dir})
            {
                std::string const rel = std::string{version} + "/" + set + "/" + e.path().filename().string();
                bool const strict = !unordered.count(rel);
                std::string const what = read_error(e.path().string(), {strict, strict});
                INFO(rel << ": " << what);
                if (std::string{set} == "passed" || accepted.count(rel))
                {
                    CHECK(what.empty());
                    ++n_pass;
                }
                else
                {
                    CHECK(!what.empty());
                    CHECK(what.find(e.path().string()) != std::string::npos);
                    ++n_fail;
                }
            }
        }
    CHECK(n_pass == 51 + accepted.size());
    CHECK(n_fail == 414 - accepted.size());
}
