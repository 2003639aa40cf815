// Mapper output as bam::record (converter, mate tags), alignment statistics, the coverage counter on a sorted
// stream, the SVG/HTML report and MultiQC content, and the workflow's rerun checks (BGZF EOF, state file).
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <wgskit/bam/sam.hpp>
#include <wgskit/map/bam_output.hpp>
#include <wgskit/qc/alignment_stats.hpp>
#include <wgskit/qc/report.hpp>
#include <wgskit/workflow/state.hpp>

using namespace wgskit;

namespace
{
map::alignment mapped(std::string name, std::uint16_t flag, std::int64_t pos, std::int64_t mate_pos, std::int64_t tlen)
{
    map::alignment a;
    a.qname = std::move(name);
    a.flag = flag;
    a.contig = 0;
    a.pos = pos;
    a.mapq = 60;
    a.cigar = {{2, 'S'}, {8, 'M'}};
    a.mate_contig = 0;
    a.mate_pos = mate_pos;
    a.tlen = tlen;
    a.seq = "ACGTACGTAC";
    a.qual = "IIIIIIIII#";
    a.nm = 1;
    a.md = "3A4";
    a.as = 5;
    a.read_group = "rg";
    return a;
}

bam::header one_contig(std::uint32_t length)
{
    return bam::header::from_text("@HD\tVN:1.6\tSO:coordinate\n@SQ\tSN:c\tLN:" + std::to_string(length) + "\n");
}
} // namespace

TEST_CASE("mapper alignments become BAM records that format as the mapper's SAM", "[map][qc]")
{
    auto const hdr = one_contig(1000);
    std::vector<map::alignment> in{
        mapped("p", map::flag::paired | map::flag::proper_pair | map::flag::first | map::flag::mate_reverse, 99, 199, 110),
        mapped("p", map::flag::paired | map::flag::proper_pair | map::flag::second | map::flag::reverse, 199, 99, -110)};
    std::vector<bam::record> out;
    map::to_records(in, out);
    REQUIRE(out.size() == 2);
    std::string sam;
    bam::format_sam_record(out[0], hdr, sam);
    CHECK(sam == "p\t99\tc\t100\t60\t2S8M\t=\t200\t110\tACGTACGTAC\tIIIIIIIII#\tNM:i:1\tMD:Z:3A4\tAS:i:5\tRG:Z:rg\n");
    CHECK(static_cast<int>(out[0].qualities()[9]) == 2);

    map::add_mate_tags(out);
    CHECK(out[0].tag_string("MC") == std::optional<std::string_view>{"2S8M"});
    CHECK(out[1].tag_string("MC") == std::optional<std::string_view>{"2S8M"});
    CHECK(out[0].tag_int("ms") == 9 * 40);

    in[0].qual[0] = ' ';
    CHECK_THROWS_AS(map::to_records(in, out), invalid_argument);
}

TEST_CASE("alignment statistics: flagstat-like counts and FR insert sizes", "[qc]")
{
    std::vector<map::alignment> in{
        mapped("a", map::flag::paired | map::flag::proper_pair | map::flag::first | map::flag::mate_reverse, 99, 199, 110),
        mapped("a", map::flag::paired | map::flag::proper_pair | map::flag::second | map::flag::reverse, 199, 99, -110),
        mapped("b", map::flag::paired | map::flag::first | map::flag::mate_unmapped, 10, 10, 0),
        mapped("b", map::flag::paired | map::flag::second | map::flag::unmapped, 10, 10, 0),
        mapped("b", map::flag::paired | map::flag::first | map::flag::supplementary, 500, 10, 0)};
    in[3].cigar.clear();
    std::vector<bam::record> recs;
    map::to_records(in, recs);
    qc::alignment_stats s, half1, half2;
    for (std::size_t i = 0; i < recs.size(); ++i)
    {
        s.add(recs[i]);
        (i < 2 ? half1 : half2).add(recs[i]);
    }
    half1.merge(half2);
    auto const j = s.to_json();
    CHECK(j == half1.to_json());
    CHECK(j["primary_reads"] == 4);
    CHECK(j["supplementary"] == 1);
    CHECK(j["mapped_primary"] == 3);
    CHECK(j["properly_paired"] == 2);
    CHECK(j["singletons"] == 1);
    CHECK(s.insert_sizes().size() == 111);
    CHECK(s.insert_sizes()[110] == 1);
    CHECK(j["insert_size"]["median"] == 110);
}

TEST_CASE("coverage counter: depth histogram over the whole reference, duplicates skipped, records passed on", "[qc]")
{
    auto const hdr = one_contig(100);
    bam::vector_sink downstream;
    qc::coverage_counter cov{hdr, downstream};
    auto rec = [](std::int64_t pos, std::uint16_t flag) {
        bam::record_fields f;
        f.qname = "r";
        f.flag = flag;
        f.tid = 0;
        f.pos = pos;
        f.cigar = {bam::cigar_op(bam::cigar_code::M, 5), bam::cigar_op(bam::cigar_code::D, 2),
                   bam::cigar_op(bam::cigar_code::M, 5)};
        f.seq = "ACGTACGTAC";
        return bam::record::from_fields(f);
    };
    cov.write(rec(10, 0));                       // 10-14, 17-21
    cov.write(rec(12, 0));                       // 12-16, 19-23
    cov.write(rec(12, bam::flag::duplicate));    // not counted for depth
    cov.write(rec(95, 0));                       // 95-99 (the rest runs past the end)
    cov.close();
    CHECK(downstream.records.size() == 4);
    CHECK(cov.duplicates() == 1);
    auto const & h = cov.histogram();
    std::uint64_t total = 0;
    for (auto x : h)
        total += x;
    CHECK(total == 100);
    REQUIRE(h.size() >= 3);
    CHECK(h[2] == 6);  // 12,13,14,19,20,21
    CHECK(h[1] == 8 + 5); // 10,11,15,16,17,18,22,23 and 95-99
    CHECK(h[0] == 100 - 6 - 13);
}

TEST_CASE("report: inline SVG plots with axes, self-contained HTML, MultiQC custom content", "[qc]")
{
    qc::line_plot p{"cov", "Coverage <depth>", "depth", "positions", {{"s", {{0, 5}, {1, 10}, {2, 3}}}}, false};
    std::string const svg = qc::render_svg(p);
    CHECK(svg.rfind("<svg id=\"cov\"", 0) == 0);
    CHECK(svg.find("<polyline") != std::string::npos);
    CHECK(svg.find("Coverage &lt;depth&gt;") != std::string::npos);
    CHECK(svg.find(">depth</text>") != std::string::npos);
    qc::line_plot empty{"e", "Empty", "x", "y", {}, true};
    CHECK(qc::render_svg(empty).find("no data") != std::string::npos);

    std::string const html = qc::render_html_report("T", {{"Reads", "10"}}, {p, empty}, "footer");
    CHECK(html.find("<script") == std::string::npos);
    CHECK(html.find("href=") == std::string::npos);
    CHECK(html.find("<td>Reads</td><td>10</td>") != std::string::npos);

    auto const mqc = qc::multiqc_custom_content("S", {{"Reads", 10}}, {p});
    REQUIRE(mqc.size() == 2);
    CHECK(mqc[0]["plot_type"] == "table");
    CHECK(mqc[0]["data"]["S"]["Reads"] == 10);
    CHECK(mqc[1]["plot_type"] == "linegraph");
    CHECK(mqc[1]["data"]["S"]["1"] == 10.0);
}

TEST_CASE("rerun state: BGZF EOF check and step records invalidated by changed outputs or keys", "[workflow]")
{
    auto const dir = std::filesystem::temp_directory_path() / ("wgskit_state_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    std::string const f = (dir / "x.gz").string();
    static constexpr unsigned char eof[28] = {0x1f, 0x8b, 0x08, 0x04, 0, 0, 0, 0, 0, 0xff, 0x06, 0, 0x42, 0x43,
                                              0x02, 0,    0x1b, 0,    0x03, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    {
        std::ofstream o{f, std::ios::binary};
        o << "payload";
        o.write(reinterpret_cast<char const *>(eof), 28);
    }
    CHECK(workflow::has_bgzf_eof(f));
    CHECK_FALSE(workflow::has_bgzf_eof((dir / "missing").string()));
    std::filesystem::resize_file(f, 20);
    CHECK_FALSE(workflow::has_bgzf_eof(f));

    nlohmann::ordered_json const key = {{"a", 1}};
    {
        workflow::run_state s{dir / "state.json"};
        CHECK(s.reusable("step", key, true) == nullptr);
        s.record("step", key, {f}, {{"n", 5}});
    }
    workflow::run_state s{dir / "state.json"};
    REQUIRE(s.reusable("step", key, true) != nullptr);
    CHECK((*s.reusable("step", key, true))["n"] == 5);
    CHECK(s.reusable("step", {{"a", 2}}, true) == nullptr);
    CHECK(s.reusable("step", key, false) == nullptr);
    std::filesystem::resize_file(f, 10); // the output changed since
    CHECK(s.reusable("step", key, true) == nullptr);
    std::filesystem::remove_all(dir);
}
