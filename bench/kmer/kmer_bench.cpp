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

void minimizers(benchmark::State & state, std::optional<simd::isa> forced)
{
    if (forced && !simd::cpu_supports(*forced))
    {
        state.SkipWithError("architecture not supported by this CPU");
        return;
    }
    auto const & in = codes();
    std::vector<std::uint32_t> hashes(in.size()), mins(in.size()), ref(in.size());
    {
        simd::scoped_isa scalar{simd::isa::scalar};
        kmer::mmer_hashes(in, m11, hashes);
        kmer::window_minima(std::span{hashes}.first(in.size() - m11 + 1), k31 - m11 + 1, ref);
    }
    if (forced)
        simd::force_isa(*forced);
    for (auto _ : state)
    {
        kmer::mmer_hashes(in, m11, hashes);
        kmer::window_minima(std::span{hashes}.first(in.size() - m11 + 1), k31 - m11 + 1, mins);
        benchmark::DoNotOptimize(mins.data());
    }
    simd::force_isa(std::nullopt);
    if (mins != ref)
        state.SkipWithError("minimizers differ from the scalar reference");
    state.counters["MBps"] = bench::rate(static_cast<double>(in.size()), 6);
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
        benchmark::RegisterBenchmark(("kmer/minimizers/" + bench::implementation(v)).c_str(), minimizers, v);
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
