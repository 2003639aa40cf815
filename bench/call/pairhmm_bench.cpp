// Pair-HMM forward (read against haplotype) as the caller runs it at indel sites: 32 reads a batch against one
// haplotype, each architecture forced (wgskit_<isa>) and the dispatched best (wgskit).
// Names: call/pairhmm_<read>x<hap>/<implementation>; counter GCUPS = DP cells (read x haplotype) per second / 1e9.
// No Debian package offers a pair-HMM to compare with; the scalar reference (wgskit_scalar) is the baseline.
#include <cstdio>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <wgskit/call/pairhmm.hpp>

#include "bench_common.hpp"

namespace
{
using namespace wgskit;

struct workload
{
    std::vector<std::uint8_t> hap;
    std::vector<std::vector<std::uint8_t>> bases, quals;
    std::vector<call::pairhmm_read> reads;
    double cells{0};
};

workload make(std::size_t read_len, std::size_t hap_len, std::size_t n_reads)
{
    workload w;
    std::mt19937_64 rng{3};
    w.hap.resize(hap_len);
    for (auto & c : w.hap)
        c = static_cast<std::uint8_t>(rng() & 3);
    for (std::size_t r = 0; r < n_reads; ++r)
    {
        std::size_t start = rng() % (hap_len - read_len + 1);
        std::vector<std::uint8_t> b(w.hap.begin() + static_cast<std::ptrdiff_t>(start),
                                    w.hap.begin() + static_cast<std::ptrdiff_t>(start + read_len));
        for (auto & c : b)
            if (rng() % 100 == 0)
                c = static_cast<std::uint8_t>(rng() & 3);
        w.bases.push_back(std::move(b));
        w.quals.emplace_back(read_len, static_cast<std::uint8_t>(30));
    }
    for (std::size_t r = 0; r < n_reads; ++r)
        w.reads.push_back({w.bases[r].data(), w.quals[r].data(), static_cast<std::uint32_t>(read_len)});
    w.cells = static_cast<double>(read_len * hap_len * n_reads);
    return w;
}

void run(benchmark::State & state, workload const * w, std::optional<simd::isa> forced)
{
    if (forced && !simd::cpu_supports(*forced))
    {
        state.SkipWithError("architecture not supported by this CPU");
        return;
    }
    std::optional<simd::scoped_isa> force;
    if (forced)
        force.emplace(*forced);
    call::pairhmm_workspace ws;
    std::vector<double> out;
    for (auto _ : state)
    {
        call::pairhmm_forward(w->hap, w->reads, {}, ws, out);
        benchmark::DoNotOptimize(out.data());
    }
    state.counters["GCUPS"] = bench::rate(w->cells, 9);
}

//! Every architecture gives the scalar reference's values, bit for bit.
bool verify(workload const & w)
{
    call::pairhmm_workspace ws;
    std::vector<double> ref, got;
    {
        simd::scoped_isa s{simd::isa::scalar};
        call::pairhmm_forward(w.hap, w.reads, {}, ws, ref);
    }
    for (simd::isa i : simd::available_isas())
    {
        simd::scoped_isa s{i};
        call::pairhmm_forward(w.hap, w.reads, {}, ws, got);
        if (got != ref)
            return false;
    }
    return true;
}
} // namespace

int main(int argc, char ** argv)
{
    benchmark::Initialize(&argc, argv);
    std::size_t const n = bench::smoke() ? 8 : 32;
    static workload const site = make(100, 140, n);  // a read's segment over an indel window
    static workload const whole = make(150, 300, n); // whole reads against a long haplotype
    if (!verify(site) || !verify(whole))
    {
        std::fputs("pairhmm_bench: an architecture differs from the scalar reference\n", stderr);
        return 1;
    }
    std::vector<std::optional<simd::isa>> variants{std::nullopt};
    for (simd::isa i : simd::compiled_isas())
        variants.push_back(i);
    for (auto v : variants)
    {
        std::string const impl = bench::implementation(v);
        benchmark::RegisterBenchmark(("call/pairhmm_100x140/" + impl).c_str(), run, &site, v);
        benchmark::RegisterBenchmark(("call/pairhmm_150x300/" + impl).c_str(), run, &whole, v);
    }
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
