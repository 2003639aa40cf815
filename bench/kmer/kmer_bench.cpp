// k-mer minimizers (the SIMD kernels) on each architecture, and whole k-mer counting at k = 31.
// Names: kmer/<case>/<implementation>; counter MBps = input bases per second / 1e6. The peers (jellyfish, KMC)
// are programs, not libraries: bench/scripts/count_vs_jellyfish_kmc.sh times them beside `wgskit count`.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <unistd.h>

#include <wgskit/kmer/counter.hpp>
#include <wgskit/kmer/minimizer.hpp>

#include "bench_common.hpp"

namespace
{
using namespace wgskit;

constexpr unsigned k31 = 31, m11 = 11;

std::vector<std::uint8_t> const & codes()
{
    static std::vector<std::uint8_t> const c = [] {
        std::vector<std::uint8_t> v(bench::smoke() ? (1u << 16) : (16u << 20));
        std::mt19937_64 rng{5};
        for (auto & x : v)
            x = static_cast<std::uint8_t>(rng() & 3);
        return v;
    }();
    return c;
}

//! Minimizers of runs of run_length codes (0: the whole buffer as one run; 150: reads, as the counter sees them,
//! where the tail of each run is a larger share).
void minimizers(benchmark::State & state, std::optional<simd::isa> forced, std::size_t run_length)
{
    if (forced && !simd::cpu_supports(*forced))
    {
        state.SkipWithError("architecture not supported by this CPU");
        return;
    }
    auto const & in = codes();
    std::size_t const run = run_length == 0 ? in.size() : run_length;
    std::vector<std::uint32_t> hashes(in.size()), mins(in.size()), ref(in.size());
    auto const all_runs = [&](std::vector<std::uint32_t> & out) {
        for (std::size_t at = 0; at + run <= in.size(); at += run)
        {
            auto const h = std::span{hashes}.subspan(at, run - m11 + 1);
            kmer::mmer_hashes(std::span{in}.subspan(at, run), m11, h);
            kmer::window_minima(h, k31 - m11 + 1, std::span{out}.subspan(at, run - k31 + 1));
        }
    };
    {
        simd::scoped_isa scalar{simd::isa::scalar};
        all_runs(ref);
    }
    if (forced)
        simd::force_isa(*forced);
    for (auto _ : state)
    {
        all_runs(mins);
        benchmark::DoNotOptimize(mins.data());
    }
    simd::force_isa(std::nullopt);
    if (mins != ref)
        state.SkipWithError("minimizers differ from the scalar reference");
    state.counters["MBps"] = bench::rate(static_cast<double>(in.size() / run * run), 6);
}

struct read_file
{
    std::string path;
    std::uint64_t bases = 0, kmers = 0;
    read_file()
    {
        path = (std::filesystem::temp_directory_path() / ("wgskit_kmer_bench_" + std::to_string(::getpid()) + ".fq")).string();
        std::size_t const genome_size = bench::smoke() ? 20000 : 2'000'000, reads = bench::smoke() ? 2000 : 400'000;
        std::mt19937_64 rng{9};
        std::string genome(genome_size, 'A');
        for (char & c : genome)
            c = "ACGT"[rng() & 3];
        std::ofstream out{path};
        std::string const qual(150, 'I');
        for (std::size_t r = 0; r < reads; ++r)
        {
            std::string read = genome.substr(rng() % (genome_size - 150), 150);
            if (rng() % 100 < 50)
                read[rng() % 150] = "ACGT"[rng() & 3];
            out << "@r" << r << '\n' << read << "\n+\n" << qual << '\n';
            bases += 150;
            kmers += 150 - k31 + 1;
        }
    }
    ~read_file() { std::remove(path.c_str()); }
};

void count_k31(benchmark::State & state)
{
    static read_file const input;
    kmer::count_options opt;
    opt.k = k31;
    opt.threads = 2;
    opt.keep_kmers = false;
    if (kmer::count_kmers<std::uint64_t>({input.path}, opt).stats.total_kmers != input.kmers)
    {
        state.SkipWithError("wrong number of k-mers");
        return;
    }
    for (auto _ : state)
        benchmark::DoNotOptimize(kmer::count_kmers<std::uint64_t>({input.path}, opt).stats.distinct_kmers);
    state.counters["MBps"] = bench::rate(static_cast<double>(input.bases), 6);
}

void register_all()
{
    std::vector<std::optional<simd::isa>> variants{std::nullopt};
    for (simd::isa i : simd::compiled_isas())
        variants.push_back(i);
    for (auto v : variants)
    {
        benchmark::RegisterBenchmark(("kmer/minimizers/" + bench::implementation(v)).c_str(), minimizers, v, 0);
        benchmark::RegisterBenchmark(("kmer/minimizers_reads150/" + bench::implementation(v)).c_str(), minimizers, v,
                                     150);
    }
    benchmark::RegisterBenchmark("kmer/count_k31/wgskit", count_k31)->Unit(benchmark::kMillisecond)->UseRealTime();
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
