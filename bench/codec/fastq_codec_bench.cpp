// The lossless FASTQ codec on the example pairs (NA12878 R1 + R2, uncompressed FASTQ files), file to file:
//   codec/fastq_compress/wgskit, codec/fastq_decompress/wgskit              1 worker thread
//   codec/fastq_compress/wgskit_threads2, codec/fastq_decompress/wgskit_threads2
// MBps = uncompressed FASTQ bytes (both mates) per second / 1e6; ratio = FASTQ bytes / .wfq bytes. Peers (gzip,
// bgzip, zstd, xz, CRAM 3.1) are command-line tools: bench/scripts/fastq_codec.sh measures them in one run.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

#include <wgskit/codec/fastq/fastq_codec.hpp>
#include <wgskit/io/input_file.hpp>

#include "bench_common.hpp"

namespace
{
using namespace wgskit;
namespace fq = wgskit::codec::fastq;
namespace fs = std::filesystem;

std::string scratch(std::string const & name)
{
    fs::path dir = fs::exists("/dev/shm") ? fs::path{"/dev/shm"} : fs::temp_directory_path();
    return (dir / ("wgskit_fqcodec_bench_" + std::to_string(::getpid()) + "_" + name)).string();
}

std::string slurp(std::string const & path)
{
    io::input_file in{path};
    std::string s, buf(1 << 16, '\0');
    while (std::size_t n = in.read(buf.data(), buf.size()))
        s.append(buf.data(), n);
    return s;
}

//! The two mate files, uncompressed, in scratch space (the smoke run keeps the first 2000 records).
struct inputs
{
    std::string mate[2];
    std::size_t bytes{0};
    inputs()
    {
        for (int m = 0; m < 2; ++m)
        {
            std::string text = slurp(std::string{WGSKIT_SOURCE_DIR} + "/examples/data/NA12878.chr22_R" +
                                     std::to_string(m + 1) + ".fastq.gz");
            if (bench::smoke())
            {
                std::size_t pos = 0;
                for (int l = 0; l < 8000 && pos < text.size(); ++l)
                    pos = text.find('\n', pos) + 1;
                text.resize(pos);
            }
            mate[m] = scratch("r" + std::to_string(m + 1) + ".fq");
            std::ofstream{mate[m], std::ios::binary} << text;
            bytes += text.size();
        }
    }
    ~inputs()
    {
        for (auto const & p : mate)
            std::remove(p.c_str());
    }
};

inputs const & data()
{
    static inputs const d;
    return d;
}

void compress(benchmark::State & state, std::size_t threads)
{
    auto const & d = data();
    std::string const out = scratch("c.wfq");
    for (auto _ : state)
        fq::compress({d.mate[0], d.mate[1]}, out, {.threads = threads});
    state.counters["MBps"] = bench::rate(static_cast<double>(d.bytes), 6);
    state.counters["ratio"] = static_cast<double>(d.bytes) / static_cast<double>(fs::file_size(out));
    std::remove(out.c_str());
}

void decompress(benchmark::State & state, std::size_t threads)
{
    auto const & d = data();
    std::string const in = scratch("d.wfq"), o1 = scratch("o1.fq"), o2 = scratch("o2.fq");
    fq::compress({d.mate[0], d.mate[1]}, in, {.threads = threads});
    fq::decompress(in, {o1, o2}, {.threads = threads}); // verify once before timing
    if (slurp(o1) != slurp(d.mate[0]) || slurp(o2) != slurp(d.mate[1]))
        state.SkipWithError("round trip differs");
    for (auto _ : state)
        fq::decompress(in, {o1, o2}, {.threads = threads});
    state.counters["MBps"] = bench::rate(static_cast<double>(d.bytes), 6);
    for (auto const & p : {in, o1, o2})
        std::remove(p.c_str());
}

BENCHMARK_CAPTURE(compress, 1, 1)->Name("codec/fastq_compress/wgskit")->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(compress, 2, 2)->Name("codec/fastq_compress/wgskit_threads2")->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(decompress, 1, 1)->Name("codec/fastq_decompress/wgskit")->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(decompress, 2, 2)->Name("codec/fastq_decompress/wgskit_threads2")->Unit(benchmark::kMillisecond)->UseRealTime();

} // namespace

BENCHMARK_MAIN();
