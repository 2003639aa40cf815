// Reading the example BAM (inflate + decode, one thread) and formatting its records as SAM (records held in memory):
// wgskit's bam codec beside htslib (libhts).
// Names: bam/<case>/<implementation>; counter MBps = uncompressed BAM bytes per second / 1e6.
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <htslib/sam.h>

#include <wgskit/bam/detail/bam_codec.hpp>
#include <wgskit/bam/reader.hpp>
#include <wgskit/bam/sam.hpp>

#include "bench_common.hpp"

namespace
{
using namespace wgskit;

struct corpus
{
    bam::header header;
    std::string records; // block_size-prefixed BAM records
    std::size_t count{0};
};

corpus const & input()
{
    static corpus const c = [] {
        corpus c;
        bam::reader in{std::string{WGSKIT_SHARED_DATA} + "/giab_hg001_chr22_grch38_nfcore/reads/NA12878.chr22.bam"};
        c.header = in.header();
        std::vector<bam::record> one;
        bam::record r;
        while (in.read(r))
            one.push_back(r);
        int copies = bench::smoke() ? 1 : 20;
        for (int k = 0; k < copies; ++k)
            for (auto const & x : one)
            {
                bam::detail::encode_record(x, c.records);
                ++c.count;
            }
        return c;
    }();
    return c;
}

// The fixed fields and data of a record into htslib's bam1_t (what bam_read1 does after reading), so that the
// formatting benchmark times sam_format1 alone.
bool htslib_decode(char const * p, bam1_t * b)
{
    std::uint32_t size;
    std::memcpy(&size, p, 4);
    bam1_core_t & c = b->core;
    std::int32_t x[8];
    std::memcpy(x, p + 4, 32);
    c.tid = x[0];
    c.pos = x[1];
    std::uint32_t bmq = static_cast<std::uint32_t>(x[2]);
    c.bin = bmq >> 16;
    c.qual = bmq >> 8 & 0xff;
    c.l_qname = bmq & 0xff;
    std::uint32_t fnc = static_cast<std::uint32_t>(x[3]);
    c.flag = fnc >> 16;
    c.n_cigar = fnc & 0xffff;
    c.l_qseq = x[4];
    c.mtid = x[5];
    c.mpos = x[6];
    c.isize = x[7];
    c.l_extranul = 0;
    std::size_t data = size - 32;
    if (b->m_data < data)
    {
        b->data = static_cast<std::uint8_t *>(std::realloc(b->data, data));
        b->m_data = static_cast<std::uint32_t>(data);
    }
    std::memcpy(b->data, p + 36, data);
    b->l_data = static_cast<int>(data);
    return true;
}

std::string const & bam_path()
{
    static std::string const p = std::string{WGSKIT_SHARED_DATA} + "/giab_hg001_chr22_grch38_nfcore/reads/NA12878.chr22.bam";
    return p;
}

// Whole-file reading (BGZF inflate on the calling thread + decode), as a program reads a BAM.
void read_wgskit(benchmark::State & state)
{
    std::uint64_t bytes = 0;
    for (auto _ : state)
    {
        bam::reader in{bam_path()};
        bam::record r;
        std::uint64_t check = 0;
        while (in.read(r))
        {
            check += static_cast<std::uint64_t>(r.pos());
            bytes += 4 + 32 + r.variable_data().size();
        }
        benchmark::DoNotOptimize(check);
    }
    state.counters["MBps"] = benchmark::Counter(static_cast<double>(bytes) / 1e6, benchmark::Counter::kIsRate);
}

void read_htslib(benchmark::State & state)
{
    std::uint64_t bytes = 0;
    for (auto _ : state)
    {
        samFile * f = sam_open(bam_path().c_str(), "r");
        sam_hdr_t * h = sam_hdr_read(f);
        bam1_t * b = bam_init1();
        std::uint64_t check = 0;
        while (sam_read1(f, h, b) >= 0)
        {
            check += static_cast<std::uint64_t>(b->core.pos);
            bytes += 4 + 32 + static_cast<std::uint64_t>(b->l_data);
        }
        benchmark::DoNotOptimize(check);
        bam_destroy1(b);
        sam_hdr_destroy(h);
        sam_close(f);
    }
    state.counters["MBps"] = benchmark::Counter(static_cast<double>(bytes) / 1e6, benchmark::Counter::kIsRate);
}

void format_wgskit(benchmark::State & state)
{
    auto const & c = input();
    bam::record r;
    std::string out;
    for (auto _ : state)
    {
        for (std::size_t at = 0; at < c.records.size();)
        {
            auto size = bam::detail::load<std::uint32_t>(c.records.data() + at);
            bam::detail::decode_record({c.records.data() + at + 4, size}, c.header.reference_count(), r, "bench", 0);
            out.clear();
            bam::format_sam_record(r, c.header, out);
            benchmark::DoNotOptimize(out.data());
            at += 4 + size;
        }
    }
    state.counters["MBps"] = bench::rate(static_cast<double>(c.records.size()), 6);
}

void format_htslib(benchmark::State & state)
{
    auto const & c = input();
    std::string text = c.header.text();
    sam_hdr_t * h = sam_hdr_parse(text.size(), text.c_str());
    bam1_t * b = bam_init1();
    kstring_t ks{0, 0, nullptr};
    for (auto _ : state)
    {
        for (std::size_t at = 0; at < c.records.size();)
        {
            std::uint32_t size;
            std::memcpy(&size, c.records.data() + at, 4);
            htslib_decode(c.records.data() + at, b);
            ks.l = 0;
            if (sam_format1(h, b, &ks) < 0)
                state.SkipWithError("sam_format1 failed");
            benchmark::DoNotOptimize(ks.s);
            at += 4 + size;
        }
    }
    std::free(ks.s);
    bam_destroy1(b);
    sam_hdr_destroy(h);
    state.counters["MBps"] = bench::rate(static_cast<double>(c.records.size()), 6);
}

// The two formatters agree on every record before anything is timed.
bool verify()
{
    auto const & c = input();
    std::string text = c.header.text();
    sam_hdr_t * h = sam_hdr_parse(text.size(), text.c_str());
    bam1_t * b = bam_init1();
    kstring_t ks{0, 0, nullptr};
    bam::record r;
    bool same = true;
    for (std::size_t at = 0; at < c.records.size() && same;)
    {
        auto size = bam::detail::load<std::uint32_t>(c.records.data() + at);
        bam::detail::decode_record({c.records.data() + at + 4, size}, c.header.reference_count(), r, "bench", 0);
        std::string ours;
        bam::format_sam_record(r, c.header, ours);
        htslib_decode(c.records.data() + at, b);
        ks.l = 0;
        same = sam_format1(h, b, &ks) >= 0 && ours == std::string{ks.s, ks.l} + "\n";
        at += 4 + size;
    }
    std::free(ks.s);
    bam_destroy1(b);
    sam_hdr_destroy(h);
    return same;
}

} // namespace

int main(int argc, char ** argv)
{
    // The input is the real NA12878 BAM of ../shared/data; a checkout without it has nothing to measure (ctest: skip).
    if (!std::filesystem::exists(bam_path()))
    {
        std::fprintf(stderr, "bam_bench: skipped, %s is absent\n", bam_path().c_str());
        return 77;
    }
    if (!verify())
    {
        std::fprintf(stderr, "bam_bench: wgskit and htslib format records differently\n");
        return 1;
    }
    benchmark::RegisterBenchmark("bam/read/wgskit", read_wgskit);
    benchmark::RegisterBenchmark("bam/read/htslib", read_htslib);
    benchmark::RegisterBenchmark("bam/sam_format/wgskit", format_wgskit);
    benchmark::RegisterBenchmark("bam/sam_format/htslib", format_htslib);
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    return 0;
}
