// 2-bit packing, unpacking and reverse complement: wgskit on each architecture beside SeqAn3's bitpacked_sequence.
// Names: twobit/<case>/<implementation>; counter GBps = bases per second / 1e9.
#include <random>
#include <ranges>
#include <string>

#include <seqan3/alphabet/nucleotide/dna4.hpp>
#include <seqan3/alphabet/views/char_to.hpp>
#include <seqan3/alphabet/views/complement.hpp>
#include <seqan3/alphabet/views/to_char.hpp>
#include <seqan3/alphabet/container/bitpacked_sequence.hpp>

#include <wgskit/codec/twobit/packed_dna.hpp>

#include "bench_common.hpp"

namespace
{
using namespace wgskit;
using wgskit::codec::twobit::packed_dna;

std::string const & input()
{
    static std::string const text = [] {
        std::size_t const n = bench::smoke() ? (1u << 16) : (16u << 20);
        std::mt19937_64 rng{1};
        std::string s(n, 'A');
        for (char & c : s)
            c = "ACGT"[rng() & 3];
        return s;
    }();
    return text;
}

void run_forced(benchmark::State & state, std::optional<simd::isa> forced, auto && body)
{
    if (forced && !simd::cpu_supports(*forced))
    {
        state.SkipWithError("architecture not supported by this CPU");
        return;
    }
    if (forced)
        simd::force_isa(*forced);
    for (auto _ : state)
        body();
    simd::force_isa(std::nullopt);
    state.counters["GBps"] = bench::rate(static_cast<double>(input().size()), 9);
}

void pack_wgskit(benchmark::State & state, std::optional<simd::isa> forced)
{
    run_forced(state, forced, [] { benchmark::DoNotOptimize(codec::twobit::pack(input())); });
}

void unpack_wgskit(benchmark::State & state, std::optional<simd::isa> forced)
{
    packed_dna const p = codec::twobit::pack(input());
    std::string out;
    run_forced(state, forced, [&] {
        codec::twobit::unpack_into(p, out);
        benchmark::DoNotOptimize(out.data());
    });
}

void revcomp_wgskit(benchmark::State & state, std::optional<simd::isa> forced)
{
    packed_dna const p = codec::twobit::pack(input());
    run_forced(state, forced, [&] { benchmark::DoNotOptimize(codec::twobit::reverse_complement(p)); });
}

void pack_seqan3(benchmark::State & state)
{
    for (auto _ : state)
    {
        seqan3::bitpacked_sequence<seqan3::dna4> seq{input() | seqan3::views::char_to<seqan3::dna4>};
        benchmark::DoNotOptimize(seq.raw_data().data());
    }
    state.counters["GBps"] = bench::rate(static_cast<double>(input().size()), 9);
}

void unpack_seqan3(benchmark::State & state)
{
    seqan3::bitpacked_sequence<seqan3::dna4> const seq{input() | seqan3::views::char_to<seqan3::dna4>};
    std::string out(input().size(), ' ');
    for (auto _ : state)
    {
        std::ranges::copy(seq | seqan3::views::to_char, out.begin());
        benchmark::DoNotOptimize(out.data());
    }
    if (out != input())
        state.SkipWithError("seqan3 unpack differs from the input");
    state.counters["GBps"] = bench::rate(static_cast<double>(input().size()), 9);
}

void revcomp_seqan3(benchmark::State & state)
{
    seqan3::bitpacked_sequence<seqan3::dna4> const seq{input() | seqan3::views::char_to<seqan3::dna4>};
    for (auto _ : state)
    {
        seqan3::bitpacked_sequence<seqan3::dna4> rc{seq | std::views::reverse | seqan3::views::complement};
        benchmark::DoNotOptimize(rc.raw_data().data());
    }
    state.counters["GBps"] = bench::rate(static_cast<double>(input().size()), 9);
}

// Checked once before timing: wgskit's packed words decode to the input on every architecture.
bool verify()
{
    for (simd::isa i : simd::available_isas())
    {
        simd::scoped_isa force{i};
        if (codec::twobit::unpack(codec::twobit::pack(input())) != input())
            return false;
    }
    return true;
}

int register_all()
{
    std::vector<std::optional<simd::isa>> variants{std::nullopt};
    for (simd::isa i : simd::compiled_isas())
        variants.push_back(i);
    for (auto v : variants)
    {
        std::string const impl = bench::implementation(v);
        benchmark::RegisterBenchmark(("twobit/pack/" + impl).c_str(), pack_wgskit, v);
        benchmark::RegisterBenchmark(("twobit/unpack/" + impl).c_str(), unpack_wgskit, v);
        benchmark::RegisterBenchmark(("twobit/revcomp/" + impl).c_str(), revcomp_wgskit, v);
    }
    benchmark::RegisterBenchmark("twobit/pack/seqan3", pack_seqan3);
    benchmark::RegisterBenchmark("twobit/unpack/seqan3", unpack_seqan3);
    benchmark::RegisterBenchmark("twobit/revcomp/seqan3", revcomp_seqan3);
    return 0;
}
} // namespace

int main(int argc, char ** argv)
{
    benchmark::Initialize(&argc, argv);
    if (!verify())
    {
        std::fputs("twobit_bench: wgskit pack/unpack round trip failed\n", stderr);
        return 1;
    }
    register_all();
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
