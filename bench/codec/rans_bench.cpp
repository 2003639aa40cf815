// rANS Nx16 encode and decode, wgskit beside htscodecs (rans_compress_4x16 / rans_uncompress_4x16 with the
// same flags), on the quality strings and on the read names of the example reads, each concatenated.
// Names: codec/rans_<o0|o1>[x32]_<encode|decode>[_names]/<wgskit|htscodecs>; MBps = uncompressed bytes / s / 1e6;
// "ratio" = compressed / uncompressed size.
#include <array>
#include <cstdlib>
#include <string>
#include <vector>

#include <htscodecs/rANS_static4x16.h>

#include <wgskit/codec/bgzf/reader.hpp>
#include <wgskit/codec/rans/all.hpp>

#include "bench_common.hpp"

namespace
{
using namespace wgskit;
namespace rans = wgskit::codec::rans;
using bytes = std::vector<std::uint8_t>;

//! Line 4k+1 (names, with their newline) or 4k+3 (qualities) of the example FASTQ, concatenated.
bytes const & field(int which)
{
    static std::array<bytes, 2> const fields = [] {
        codec::bgzf::reader r{std::string{WGSKIT_SOURCE_DIR} + "/examples/data/NA12878.chr22_R1.fastq.gz"};
        std::string const text = r.read_all();
        bytes names, quals;
        std::size_t line = 0;
        for (std::size_t pos = 0; pos < text.size(); ++line)
        {
            std::size_t end = text.find('\n', pos);
            if (end == std::string::npos)
                end = text.size();
            if (line % 4 == 0)
                names.insert(names.end(), text.begin() + static_cast<std::ptrdiff_t>(pos),
                             text.begin() + static_cast<std::ptrdiff_t>(std::min(end + 1, text.size())));
            else if (line % 4 == 3)
                quals.insert(quals.end(), text.begin() + static_cast<std::ptrdiff_t>(pos),
                             text.begin() + static_cast<std::ptrdiff_t>(end));
            pos = end + 1;
        }
        std::size_t const cap = bench::smoke() ? 65536 : ~std::size_t{0};
        names.resize(std::min(names.size(), cap));
        quals.resize(std::min(quals.size(), cap));
        return std::array<bytes, 2>{quals, names};
    }();
    return fields[which];
}

bytes htscodecs_compress(bytes const & in, unsigned flags)
{
    unsigned size = 0;
    unsigned char * c = rans_compress_4x16(const_cast<std::uint8_t *>(in.data()), static_cast<unsigned>(in.size()),
                                           &size, static_cast<int>(flags));
    bytes out(c, c + size);
    std::free(c);
    return out;
}

bytes htscodecs_decompress(bytes const & c)
{
    unsigned size = 0;
    unsigned char * d = rans_uncompress_4x16(const_cast<std::uint8_t *>(c.data()), static_cast<unsigned>(c.size()), &size);
    bytes out(d, d + size);
    std::free(d);
    return out;
}

void counters(benchmark::State & state, bytes const & in, std::size_t compressed)
{
    state.counters["MBps"] = bench::rate(static_cast<double>(in.size()), 6);
    state.counters["ratio"] = static_cast<double>(compressed) / static_cast<double>(in.size());
}

void encode(benchmark::State & state, int data, unsigned flags, bool wgskit)
{
    bytes const & in = field(data);
    // Verify once: each side's stream decodes to the input with the other side's decoder.
    bytes const c = wgskit ? rans::compress(in, flags) : htscodecs_compress(in, flags);
    if ((wgskit ? htscodecs_decompress(c) : rans::decompress(c)) != in)
    {
        state.SkipWithError("cross-decoding failed");
        return;
    }
    for (auto _ : state)
    {
        bytes out = wgskit ? rans::compress(in, flags) : htscodecs_compress(in, flags);
        benchmark::DoNotOptimize(out.data());
    }
    counters(state, in, c.size());
}

void decode(benchmark::State & state, int data, unsigned flags, bool wgskit)
{
    bytes const & in = field(data);
    // Both decode the same stream (htscodecs'), so only the decoders differ.
    bytes const c = htscodecs_compress(in, flags);
    if (rans::decompress(c) != in || htscodecs_decompress(c) != in)
    {
        state.SkipWithError("decoding failed");
        return;
    }
    for (auto _ : state)
    {
        bytes out = wgskit ? rans::decompress(c) : htscodecs_decompress(c);
        benchmark::DoNotOptimize(out.data());
    }
    counters(state, in, c.size());
}

void register_all()
{
    struct variant
    {
        char const * name;
        unsigned flags;
    };
    for (auto [name, flags] : {variant{"o0", 0u}, variant{"o1", rans::order1}, variant{"o0x32", rans::x32},
                               variant{"o1x32", rans::order1 | rans::x32}})
        for (int data : {0, 1})
            for (bool wgskit : {true, false})
            {
                std::string const suffix = std::string{data == 1 ? "_names" : ""} + "/" + (wgskit ? "wgskit" : "htscodecs");
                benchmark::RegisterBenchmark(("codec/rans_" + std::string{name} + "_encode" + suffix).c_str(),
                                             [=](benchmark::State & s) { encode(s, data, flags, wgskit); })
                    ->Unit(benchmark::kMicrosecond);
                benchmark::RegisterBenchmark(("codec/rans_" + std::string{name} + "_decode" + suffix).c_str(),
                                             [=](benchmark::State & s) { decode(s, data, flags, wgskit); })
                    ->Unit(benchmark::kMicrosecond);
            }
}

} // namespace

int main(int argc, char ** argv)
{
    benchmark::Initialize(&argc, argv);
    register_all();
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
