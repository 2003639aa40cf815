// FASTQ reading throughput: wgskit::io::fastq_reader vs seqan3::sequence_file_input, on plain and gzip input.
// A synthetic Illumina-like FASTQ (150 bp, random qualities) is generated once: ~64 MB, or ~1 MB when
// WGSKIT_BENCH_SMOKE=1. Counters: MBps (uncompressed FASTQ bytes per second) and records_per_s.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <stdexcept>
#include <string>

#include <unistd.h>
#include <zlib.h>

#include <seqan3/io/sequence_file/input.hpp>

#include <wgskit/io/fastq.hpp>

namespace
{

struct dataset
{
    std::filesystem::path dir;
    std::string plain, gzip;
    std::uint64_t bytes{0};
    std::uint64_t records{0};
    std::uint64_t bases{0};

    dataset()
    {
        bool smoke = std::getenv("WGSKIT_BENCH_SMOKE") != nullptr;
        std::uint64_t target = smoke ? (std::uint64_t{1} << 20) : (std::uint64_t{64} << 20);
        dir = std::filesystem::temp_directory_path() / ("wgskit_fastq_bench_" + std::to_string(::getpid()));
        std::filesystem::create_directories(dir);
        plain = (dir / "reads.fastq").string();
        gzip = (dir / "reads.fastq.gz").string();

        std::mt19937_64 rng{42};
        std::string text;
        text.reserve(target + 1024);
        char const * acgt = "ACGT";
        while (text.size() < target)
        {
            ++records;
            std::uint64_t r = rng();
            char head[128];
            int n = std::snprintf(head, sizeof head, "@A00123:8:H5KGJDSXX:%u:%u:%u:%u %u:N:0:ATCACGTT+GATCTGCA\n",
                                  unsigned(1 + r % 4), unsigned(1101 + (r >> 8) % 2400),
                                  unsigned((r >> 20) % 32000), unsigned((r >> 36) % 37000), unsigned(1 + records % 2));
            text.append(head, static_cast<std::size_t>(n));
            std::string q;
            for (int i = 0; i < 150; ++i)
            {
                std::uint64_t x = rng();
                text += (x % 1000 == 0) ? 'N' : acgt[(x >> 10) & 3];
                unsigned qq = (x >> 20) % 100;
                q += qq < 80 ? 'F' : qq < 92 ? ':' : qq < 97 ? ',' : '#';
            }
            bases += 150;
            text += "\n+\n";
            text += q;
            text += '\n';
        }
        bytes = text.size();
        std::FILE * f = std::fopen(plain.c_str(), "wb");
        if (!f || std::fwrite(text.data(), 1, text.size(), f) != text.size() || std::fclose(f) != 0)
            throw std::runtime_error{"cannot write " + plain};
        gzFile g = gzopen(gzip.c_str(), "wb6");
        if (!g || gzwrite(g, text.data(), static_cast<unsigned>(text.size())) != static_cast<int>(text.size()) ||
            gzclose(g) != Z_OK)
            throw std::runtime_error{"cannot write " + gzip};
    }
    ~dataset()
    {
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
    }
};

dataset & data()
{
    static dataset d;
    return d;
}

std::pair<std::uint64_t, std::uint64_t> count_wgskit(std::string const & path)
{
    wgskit::io::fastq_reader in{path};
    wgskit::io::read_batch batch;
    std::uint64_t records = 0, bases = 0;
    while (in.read_batch(batch))
    {
        records += batch.size();
        bases += batch.bases();
    }
    return {records, bases};
}

std::pair<std::uint64_t, std::uint64_t> count_seqan3(std::string const & path)
{
    seqan3::sequence_file_input fin{path};
    std::uint64_t records = 0, bases = 0;
    for (auto & rec : fin)
    {
        ++records;
        bases += rec.sequence().size();
    }
    return {records, bases};
}

template <typename F>
void run(benchmark::State & state, std::string const & path, F count)
{
    auto & d = data();
    static bool checked = false;
    if (!checked)
    {
        // Once: both implementations must see the same records.
        auto a = count_wgskit(d.plain);
        auto b = count_seqan3(d.plain);
        auto c = count_wgskit(d.gzip);
        auto e = count_seqan3(d.gzip);
        if (a != b || a != c || a != e || a.first != d.records || a.second != d.bases)
        {
            state.SkipWithError("wgskit and seqan3 disagree on the record count");
            return;
        }
        checked = true;
    }
    std::uint64_t records = 0;
    for (auto _ : state)
    {
        auto r = count(path);
        benchmark::DoNotOptimize(r);
        records += r.first;
    }
    state.counters["MBps"] =
        benchmark::Counter(double(d.bytes) * double(state.iterations()) / 1e6, benchmark::Counter::kIsRate);
    state.counters["records_per_s"] = benchmark::Counter(double(records), benchmark::Counter::kIsRate);
}

void plain_wgskit(benchmark::State & s) { run(s, data().plain, count_wgskit); }
void plain_seqan3(benchmark::State & s) { run(s, data().plain, count_seqan3); }
void gzip_wgskit(benchmark::State & s) { run(s, data().gzip, count_wgskit); }
void gzip_seqan3(benchmark::State & s) { run(s, data().gzip, count_seqan3); }

} // namespace

BENCHMARK(plain_wgskit)->Name("io/fastq_plain/wgskit")->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(plain_seqan3)->Name("io/fastq_plain/seqan3")->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(gzip_wgskit)->Name("io/fastq_gzip/wgskit")->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(gzip_seqan3)->Name("io/fastq_gzip/seqan3")->Unit(benchmark::kMillisecond)->UseRealTime();

BENCHMARK_MAIN();
