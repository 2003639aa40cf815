// BGZF compression and decompression of the example reads (uncompressed FASTQ), file to file:
//   wgskit            bgzf::writer / bgzf::reader on the calling thread
//   wgskit_threads2   the same with 2 worker threads
//   libdeflate_single a plain loop over 0xff00-byte blocks with libdeflate, what bgzip -l 6 does single-threaded
//                     (htslib maps bgzip level 6 to libdeflate level 7)
//   zlib              the same loop with zlib's deflate level 6 / inflate (htslib without libdeflate)
// Names: codec/bgzf_compress/<implementation>, codec/bgzf_decompress/<implementation>; MBps = uncompressed
// bytes per second / 1e6.
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include <libdeflate.h>
#include <unistd.h>
#include <zlib.h>

#include <wgskit/codec/bgzf/all.hpp>

#include "bench_common.hpp"

namespace
{
using namespace wgskit;
namespace bgzf = wgskit::codec::bgzf;
namespace fs = std::filesystem;

std::string const & input()
{
    static std::string const text = [] {
        bgzf::reader r{std::string{WGSKIT_SOURCE_DIR} + "/examples/data/NA12878.chr22_R1.fastq.gz"};
        std::string s = r.read_all();
        if (bench::smoke())
            s.resize(std::min<std::size_t>(s.size(), 300000));
        return s;
    }();
    return text;
}

std::string scratch(std::string const & name)
{
    fs::path dir = fs::exists("/dev/shm") ? fs::path{"/dev/shm"} : fs::temp_directory_path();
    return (dir / ("wgskit_bgzf_bench_" + std::to_string(::getpid()) + "_" + name)).string();
}

std::string slurp(std::string const & path)
{
    std::ifstream in{path, std::ios::binary};
    return {std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
}

// The BGZF framing around a raw DEFLATE body, as every implementation here writes it.
void frame(std::string & out, std::size_t body, std::string_view data)
{
    auto * p = reinterpret_cast<unsigned char *>(out.data());
    std::memcpy(p, bgzf::detail::eof_block.data(), bgzf::detail::header_size);
    bgzf::detail::store_u16(p + 16, static_cast<std::uint16_t>(body + 25));
    bgzf::detail::store_u32(p + 18 + body, libdeflate_crc32(0, data.data(), data.size()));
    bgzf::detail::store_u32(p + 22 + body, static_cast<std::uint32_t>(data.size()));
    out.resize(body + 26);
}

template <typename CompressBody>
void compress_loop(std::string const & path, CompressBody && body)
{
    std::FILE * f = std::fopen(path.c_str(), "wb");
    std::string block;
    for (std::size_t i = 0; i < input().size(); i += bgzf::detail::default_block_data)
    {
        std::string_view const data = std::string_view{input()}.substr(i, bgzf::detail::default_block_data);
        block.resize(bgzf::detail::max_block_size);
        std::size_t const n = body(data, reinterpret_cast<unsigned char *>(block.data()) + 18, block.size() - 26);
        frame(block, n, data);
        std::fwrite(block.data(), 1, block.size(), f);
    }
    std::fwrite(bgzf::detail::eof_block.data(), 1, bgzf::detail::eof_block.size(), f);
    std::fclose(f);
}

// Runs write_file(path) once to verify the round trip, then times it; MBps and the compression ratio.
template <typename WriteFile>
void time_compression(benchmark::State & state, std::string const & name, WriteFile && write_file)
{
    std::string const path = scratch(name);
    write_file(path);
    if (bgzf::reader{path}.read_all() != input())
        throw std::runtime_error{"bgzf bench: round trip failed for " + name};
    for (auto _ : state)
        write_file(path);
    state.counters["MBps"] = bench::rate(static_cast<double>(input().size()), 6);
    state.counters["ratio"] = static_cast<double>(fs::file_size(path)) / static_cast<double>(input().size());
    fs::remove(path);
}

void compress_wgskit(benchmark::State & state, std::size_t threads)
{
    time_compression(state, "wgskit.gz", [&](std::string const & path) {
        bgzf::writer w{path, {6, threads}};
        w.write(input());
        w.close();
    });
}

void compress_libdeflate(benchmark::State & state)
{
    libdeflate_compressor * c = libdeflate_alloc_compressor(7); // what htslib uses for bgzip -l 6
    time_compression(state, "libdeflate.gz", [&](std::string const & path) {
        compress_loop(path, [&](std::string_view d, unsigned char * out, std::size_t room) {
            return libdeflate_deflate_compress(c, d.data(), d.size(), out, room);
        });
    });
    libdeflate_free_compressor(c);
}

void compress_zlib(benchmark::State & state)
{
    time_compression(state, "zlib.gz", [&](std::string const & path) {
        compress_loop(path, [&](std::string_view d, unsigned char * out, std::size_t room) {
            z_stream zs{};
            deflateInit2(&zs, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY);
            zs.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(d.data()));
            zs.avail_in = static_cast<uInt>(d.size());
            zs.next_out = out;
            zs.avail_out = static_cast<uInt>(room);
            deflate(&zs, Z_FINISH);
            std::size_t const n = zs.total_out;
            deflateEnd(&zs);
            return n;
        });
    });
}

//! The compressed test file, written once by bgzip-equivalent settings.
std::string const & compressed_path()
{
    struct removed_at_exit
    {
        std::string path = scratch("input.gz");
        removed_at_exit()
        {
            bgzf::writer w{path, {6, 0}};
            w.write(input());
            w.close();
        }
        ~removed_at_exit() { fs::remove(path); }
    };
    static removed_at_exit const file;
    return file.path;
}

void decompress_wgskit(benchmark::State & state, std::size_t threads)
{
    std::string out(input().size() + 1, '\0');
    for (auto _ : state)
    {
        bgzf::reader r{compressed_path(), {threads}};
        if (r.read(out.data(), out.size()) != input().size())
            state.SkipWithError("wrong size");
    }
    state.counters["MBps"] = bench::rate(static_cast<double>(input().size()), 6);
}

// Reads the whole file, then walks the blocks (BSIZE) inflating each into one output buffer.
template <typename InflateBody>
void decompress_loop(benchmark::State & state, InflateBody && body)
{
    std::string out;
    for (auto _ : state)
    {
        std::string const file = slurp(compressed_path());
        out.resize(input().size());
        std::size_t pos = 0;
        std::size_t at = 0;
        auto const * p = reinterpret_cast<unsigned char const *>(file.data());
        while (at + 28 <= file.size())
        {
            std::size_t const bsize = bgzf::detail::load_u16(p + at + 16) + 1u;
            std::uint32_t const isize = bgzf::detail::load_u32(p + at + bsize - 4);
            body(p + at + 18, bsize - 26, reinterpret_cast<unsigned char *>(out.data() + pos), isize);
            if (bgzf::detail::load_u32(p + at + bsize - 8) != crc32(0, reinterpret_cast<Bytef const *>(out.data() + pos), isize))
                state.SkipWithError("CRC mismatch");
            pos += isize;
            at += bsize;
        }
        if (pos != input().size())
            state.SkipWithError("wrong size");
    }
    state.counters["MBps"] = bench::rate(static_cast<double>(input().size()), 6);
}

void decompress_libdeflate(benchmark::State & state)
{
    libdeflate_decompressor * d = libdeflate_alloc_decompressor();
    decompress_loop(state, [&](unsigned char const * in, std::size_t n, unsigned char * out, std::size_t isize) {
        libdeflate_deflate_decompress(d, in, n, out, isize, nullptr);
    });
    libdeflate_free_decompressor(d);
}

void decompress_zlib(benchmark::State & state)
{
    decompress_loop(state, [&](unsigned char const * in, std::size_t n, unsigned char * out, std::size_t isize) {
        z_stream zs{};
        inflateInit2(&zs, -15);
        zs.next_in = const_cast<unsigned char *>(in);
        zs.avail_in = static_cast<uInt>(n);
        zs.next_out = out;
        zs.avail_out = static_cast<uInt>(isize);
        inflate(&zs, Z_FINISH);
        inflateEnd(&zs);
    });
}

// The input as one gzip member (zlib, level 6: what gzip makes).
std::string const & gzip_member()
{
    static std::string const z = [] {
        std::string out(compressBound(static_cast<uLong>(input().size())) + 64, '\0');
        z_stream zs{};
        deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
        zs.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(input().data()));
        zs.avail_in = static_cast<uInt>(input().size());
        zs.next_out = reinterpret_cast<Bytef *>(out.data());
        zs.avail_out = static_cast<uInt>(out.size());
        deflate(&zs, Z_FINISH);
        out.resize(zs.total_out);
        deflateEnd(&zs);
        return out;
    }();
    return z;
}

constexpr std::size_t stream_chunk = std::size_t{1} << 20;

void gzip_inflate_wgskit(benchmark::State & state)
{
    std::string out(stream_chunk, '\0');
    auto const & z = gzip_member();
    for (auto _ : state)
    {
        codec::gzip::member_inflater inflater;
        std::size_t at = 0, total = 0;
        bool ended = false;
        while (!ended)
        {
            auto const step = inflater.inflate(reinterpret_cast<std::uint8_t const *>(z.data()) + at,
                                               std::min(stream_chunk, z.size() - at),
                                               reinterpret_cast<std::uint8_t *>(out.data()), out.size());
            if (step.error != 0 || (step.consumed == 0 && step.produced == 0 && !step.member_end))
            {
                state.SkipWithError("inflate failed");
                break;
            }
            at += step.consumed, total += step.produced, ended = step.member_end;
        }
        if (total != input().size())
            state.SkipWithError("wrong size");
    }
    state.counters["MBps"] = bench::rate(static_cast<double>(input().size()), 6);
}

void gzip_inflate_zlib(benchmark::State & state)
{
    std::string out(stream_chunk, '\0');
    auto const & z = gzip_member();
    for (auto _ : state)
    {
        z_stream zs{};
        inflateInit2(&zs, 15 + 16);
        std::size_t at = 0, total = 0;
        int r = Z_OK;
        while (r == Z_OK)
        {
            std::size_t const n = std::min(stream_chunk, z.size() - at);
            zs.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(z.data() + at));
            zs.avail_in = static_cast<uInt>(n);
            zs.next_out = reinterpret_cast<Bytef *>(out.data());
            zs.avail_out = static_cast<uInt>(out.size());
            r = inflate(&zs, Z_NO_FLUSH);
            at += n - zs.avail_in;
            total += out.size() - zs.avail_out;
        }
        inflateEnd(&zs);
        if (r != Z_STREAM_END || total != input().size())
            state.SkipWithError("inflate failed");
    }
    state.counters["MBps"] = bench::rate(static_cast<double>(input().size()), 6);
}

BENCHMARK_CAPTURE(compress_wgskit, wgskit, 0)->Name("codec/bgzf_compress/wgskit")->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(compress_wgskit, threads2, 2)->Name("codec/bgzf_compress/wgskit_threads2")->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(compress_libdeflate)->Name("codec/bgzf_compress/libdeflate_single")->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(compress_zlib)->Name("codec/bgzf_compress/zlib")->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(decompress_wgskit, wgskit, 0)->Name("codec/bgzf_decompress/wgskit")->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(decompress_wgskit, threads2, 2)->Name("codec/bgzf_decompress/wgskit_threads2")->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(decompress_libdeflate)->Name("codec/bgzf_decompress/libdeflate_single")->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(decompress_zlib)->Name("codec/bgzf_decompress/zlib")->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(gzip_inflate_wgskit)->Name("codec/gzip_inflate/wgskit")->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(gzip_inflate_zlib)->Name("codec/gzip_inflate/zlib")->Unit(benchmark::kMillisecond)->UseRealTime();

} // namespace

BENCHMARK_MAIN();
