// Pairwise alignment: wgskit's inter-pair kernel (one pair per SIMD lane) beside parasail's best striped
// Smith-Waterman / Needleman-Wunsch and SeqAn3's vectorised alignment, on the same pairs.
// wgskit: batch_aligner (inter-pair kernel, dispatched; wgskit_<isa> forced; wgskit_try8bit: 8-bit first pass for
// every local pair); wgskit_single (wgskit_single_<isa> forced): pairwise_aligner, one pair at a time (intra-pair
// kernels: anti-diagonal 8-bit differences for global, anti-diagonal 16-bit for local). parasail: striped 16-bit AVX2
// with a query profile for SW (its fastest here), striped 16-bit AVX2 for NW; parasail_<variant>: its others.
// Names: align/<case>/<implementation>; counter GCUPS = sum of query length x target length per second / 1e9.
// Cases: sw|nw <query>x<target>, pairs cut from examples/data/chr22_40k.fa with SNPs ~1% and small indels;
// 150x150 and 150x250 in batches of 10^5 pairs (100 under WGSKIT_BENCH_SMOKE), 1k x 1k (256 pairs) and
// 10k x 10k (32 pairs); "_traceback" cases compute the CIGAR too (wgskit: batch_aligner::align, whose direction
// matrix of 1k x 1k groups takes 64 MB; 10k pairs are not traced).
// Scoring everywhere as in /work/shared/eval/micro/align_bench.cpp: match 2, mismatch -3, a gap of length k
// costs 5 + 2k (parasail: open 7, extend 2; SeqAn3: open -5, extension -2).
#include <map>
#include <numeric>
#include <optional>
#include <string>
#include <vector>

#include <parasail.h>

#include <seqan3/alignment/configuration/all.hpp>
#include <seqan3/alignment/pairwise/align_pairwise.hpp>
#include <seqan3/alignment/scoring/nucleotide_scoring_scheme.hpp>
#include <seqan3/alphabet/nucleotide/dna4.hpp>

#include <wgskit/align/all.hpp>

#include "../../tests/support/align_pairs.hpp"
#include "bench_common.hpp"

namespace
{
using namespace wgskit;

struct bench_case
{
    std::string name;
    bool local;
    std::size_t query_length, target_length, pairs, smoke_pairs;
};

std::vector<bench_case> const & cases()
{
    static std::vector<bench_case> const v{
        {"sw150x150", true, 150, 150, 100000, 100},  {"nw150x150", false, 150, 150, 100000, 100},
        {"sw150x250", true, 150, 250, 100000, 100},  {"nw150x250", false, 150, 250, 100000, 100},
        {"sw1kx1k", true, 1000, 1000, 256, 8},       {"nw1kx1k", false, 1000, 1000, 256, 8},
        {"sw10kx10k", true, 10000, 10000, 32, 1},    {"nw10kx10k", false, 10000, 10000, 32, 1},
    };
    return v;
}

struct case_data
{
    std::vector<test_support::code_pair> codes;
    std::vector<align::sequence_pair> spans;
    std::vector<std::pair<std::string, std::string>> ascii;
    std::vector<std::pair<std::vector<seqan3::dna4>, std::vector<seqan3::dna4>>> dna4;
    double cells = 0;
    long long reference_sum = 0; // wgskit's scores on the scalar reference
};

std::string const & reference_text()
{
    static std::string const ref = test_support::read_fasta_sequence(test_support::chr22_path());
    return ref;
}

align::alignment_config config(bool local)
{
    align::alignment_config c;
    c.mode = local ? align::alignment_mode::local : align::alignment_mode::global;
    c.scoring = align::scoring_scheme::simple(2, -3, 5, 2, -3);
    return c;
}

case_data & data(bench_case const & bc)
{
    static std::map<std::string, case_data> cache;
    auto it = cache.find(bc.name);
    if (it != cache.end())
        return it->second;
    case_data & d = cache[bc.name];
    d.codes = test_support::real_pairs(reference_text(), bench::smoke() ? bc.smoke_pairs : bc.pairs, bc.query_length,
                                       bc.target_length, 1234 + bc.query_length + bc.target_length);
    for (auto const & p : d.codes)
    {
        d.spans.push_back({p.query, p.target});
        std::string q, t;
        for (auto c : p.query)
            q.push_back("ACGTN"[c]);
        for (auto c : p.target)
            t.push_back("ACGTN"[c]);
        d.ascii.emplace_back(q, t);
        std::vector<seqan3::dna4> qd(q.size()), td(t.size());
        for (std::size_t i = 0; i < q.size(); ++i)
            qd[i].assign_rank(p.query[i] & 3);
        for (std::size_t i = 0; i < t.size(); ++i)
            td[i].assign_rank(p.target[i] & 3);
        d.dna4.emplace_back(std::move(qd), std::move(td));
        d.cells += static_cast<double>(q.size()) * static_cast<double>(t.size());
    }
    simd::scoped_isa force{simd::isa::scalar};
    align::batch_aligner reference{config(bc.local)};
    for (auto const & s : reference.score(d.spans))
        d.reference_sum += s.score;
    return d;
}

void finish(benchmark::State & state, case_data const & d, long long sum)
{
    state.counters["GCUPS"] = bench::rate(d.cells, 9);
    state.counters["scores_ok"] = sum == d.reference_sum ? 1 : 0;
    if (sum != d.reference_sum)
        state.SkipWithError("scores differ from wgskit's scalar reference");
}

void run_wgskit(benchmark::State & state, bench_case bc, std::optional<simd::isa> forced, align::eight_bit_policy p)
{
    if (forced && !simd::cpu_supports(*forced))
    {
        state.SkipWithError("architecture not supported by this CPU");
        return;
    }
    case_data & d = data(bc);
    std::optional<simd::scoped_isa> force;
    if (forced)
        force.emplace(*forced);
    align::batch_aligner aligner{config(bc.local), p};
    long long sum = 0;
    for (auto _ : state)
    {
        sum = 0;
        for (auto const & s : aligner.score(d.spans))
            sum += s.score;
        benchmark::DoNotOptimize(sum);
    }
    finish(state, d, sum);
}

// One pair at a time through a pairwise_aligner (the intra-pair kernels: anti-diagonal 8-bit differences for
// global, anti-diagonal 16-bit for local); with traceback, the CIGAR too.
void run_wgskit_single(benchmark::State & state, bench_case bc, std::optional<simd::isa> forced, bool traceback)
{
    if (forced && !simd::cpu_supports(*forced))
    {
        state.SkipWithError("architecture not supported by this CPU");
        return;
    }
    case_data & d = data(bc);
    std::optional<simd::scoped_isa> force;
    if (forced)
        force.emplace(*forced);
    align::pairwise_aligner aligner{config(bc.local)};
    long long sum = 0;
    for (auto _ : state)
    {
        sum = 0;
        for (auto const & p : d.codes)
            sum += traceback ? aligner.align(p.query, p.target).score : aligner.score(p.query, p.target).score;
        benchmark::DoNotOptimize(sum);
    }
    finish(state, d, sum);
}

// Score, positions and CIGAR of every pair: the inter-pair kernel's direction bits plus a walk back per pair.
void run_wgskit_traceback(benchmark::State & state, bench_case bc, std::optional<simd::isa> forced)
{
    if (forced && !simd::cpu_supports(*forced))
    {
        state.SkipWithError("architecture not supported by this CPU");
        return;
    }
    case_data & d = data(bc);
    std::optional<simd::scoped_isa> force;
    if (forced)
        force.emplace(*forced);
    align::batch_aligner aligner{config(bc.local)};
    long long sum = 0;
    for (auto _ : state)
    {
        sum = 0;
        for (auto const & r : aligner.align(d.spans))
            sum += r.score;
        benchmark::DoNotOptimize(sum);
    }
    finish(state, d, sum);
}

using parasail_fn = parasail_result_t * (*)(char const *, int, char const *, int, int, int, parasail_matrix_t const *);

// Times one parasail call per pair: align(query, target, matrix) returns the parasail result (freed here).
template <class Align>
void time_parasail(benchmark::State & state, bench_case const & bc, Align align)
{
    case_data & d = data(bc);
    parasail_matrix_t * m = parasail_matrix_create("ACGT", 2, -3);
    long long sum = 0;
    for (auto _ : state)
    {
        sum = 0;
        for (auto const & [q, t] : d.ascii)
        {
            parasail_result_t * r = align(q, t, m);
            sum += r->score;
            parasail_result_free(r);
        }
        benchmark::DoNotOptimize(sum);
    }
    parasail_matrix_free(m);
    finish(state, d, sum);
}

int len(std::string const & s) { return static_cast<int>(s.size()); }

void run_parasail(benchmark::State & state, bench_case bc, parasail_fn fn)
{
    time_parasail(state, bc, [&](std::string const & q, std::string const & t, parasail_matrix_t const * m) {
        return fn(q.data(), len(q), t.data(), len(t), 7, 2, m);
    });
}

// parasail with an explicit query profile (built per pair, inside the timing, as parasail's own dispatcher does).
template <parasail_profile_t * (*Create)(char const *, int, parasail_matrix_t const *),
          parasail_result_t * (*Align)(parasail_profile_t const *, char const *, int, int, int)>
void run_parasail_profile(benchmark::State & state, bench_case bc)
{
    time_parasail(state, bc, [&](std::string const & q, std::string const & t, parasail_matrix_t const * m) {
        parasail_profile_t * p = Create(q.data(), len(q), m);
        parasail_result_t * r = Align(p, t.data(), len(t), 7, 2);
        parasail_profile_free(p);
        return r;
    });
}

void run_parasail_traceback(benchmark::State & state, bench_case bc)
{
    time_parasail(state, bc, [&](std::string const & q, std::string const & t, parasail_matrix_t const * m) {
        parasail_result_t * r = bc.local ? parasail_sw_trace_striped_avx2_256_16(q.data(), len(q), t.data(), len(t), 7, 2, m)
                                         : parasail_nw_trace_striped_avx2_256_16(q.data(), len(q), t.data(), len(t), 7, 2, m);
        parasail_cigar_t * cg = parasail_result_get_cigar(r, q.data(), len(q), t.data(), len(t), m);
        benchmark::DoNotOptimize(cg->len);
        parasail_cigar_free(cg);
        return r;
    });
}

template <class Method>
void run_seqan3(benchmark::State & state, bench_case bc, Method method)
{
    case_data & d = data(bc);
    auto const cfg = method |
                     seqan3::align_cfg::scoring_scheme{
                         seqan3::nucleotide_scoring_scheme{seqan3::match_score{2}, seqan3::mismatch_score{-3}}} |
                     seqan3::align_cfg::gap_cost_affine{seqan3::align_cfg::open_score{-5},
                                                        seqan3::align_cfg::extension_score{-2}} |
                     seqan3::align_cfg::vectorised{} | seqan3::align_cfg::output_score{};
    long long sum = 0;
    for (auto _ : state)
    {
        sum = 0;
        for (auto && res : seqan3::align_pairwise(d.dna4, cfg))
            sum += res.score();
        benchmark::DoNotOptimize(sum);
    }
    finish(state, d, sum);
}

// wgskit_single, wgskit_single_<isa>: one pair at a time.
std::string single_name(std::optional<simd::isa> forced)
{
    return forced ? "wgskit_single_" + std::string{simd::isa_name(*forced)} : std::string{"wgskit_single"};
}

int register_all()
{
    std::vector<std::optional<simd::isa>> variants{std::nullopt};
    for (simd::isa i : simd::compiled_isas())
        variants.push_back(i);
    for (auto const & bc : cases())
    {
        std::string const base = "align/" + bc.name + "/";
        for (auto v : variants)
        {
            benchmark::RegisterBenchmark((base + bench::implementation(v)).c_str(), run_wgskit, bc, v,
                                         align::eight_bit_policy::when_bounded)
                ->Unit(benchmark::kMillisecond);
            benchmark::RegisterBenchmark((base + single_name(v)).c_str(), run_wgskit_single, bc, v, false)
                ->Unit(benchmark::kMillisecond);
        }
        auto const peer = [&](std::string const & name, auto fn, auto... args) {
            benchmark::RegisterBenchmark((base + name).c_str(), fn, bc, args...)->Unit(benchmark::kMillisecond);
        };
        if (bc.local)
        {
            peer("wgskit_try8bit", run_wgskit, std::nullopt, align::eight_bit_policy::try_first);
            peer("parasail", run_parasail_profile<parasail_profile_create_avx_256_16, parasail_sw_striped_profile_avx2_256_16>);
            peer("parasail_scan16", run_parasail_profile<parasail_profile_create_avx_256_16, parasail_sw_scan_profile_avx2_256_16>);
            peer("parasail_sat", run_parasail, parasail_fn{parasail_sw_striped_sat});
            peer("seqan3", run_seqan3<seqan3::align_cfg::method_local>, seqan3::align_cfg::method_local{});
        }
        else
        {
            peer("parasail", run_parasail, parasail_fn{parasail_nw_striped_avx2_256_16});
            peer("parasail_scan16", run_parasail, parasail_fn{parasail_nw_scan_avx2_256_16});
            peer("parasail_sat", run_parasail, parasail_fn{parasail_nw_striped_sat});
            peer("seqan3", run_seqan3<seqan3::align_cfg::method_global>, seqan3::align_cfg::method_global{});
        }
        if (bc.query_length <= 1000)
        {
            std::string const tb = "align/" + bc.name + "_traceback/";
            for (auto v : variants)
            {
                benchmark::RegisterBenchmark((tb + bench::implementation(v)).c_str(), run_wgskit_traceback, bc, v)
                    ->Unit(benchmark::kMillisecond);
                benchmark::RegisterBenchmark((tb + single_name(v)).c_str(), run_wgskit_single, bc, v, true)
                    ->Unit(benchmark::kMillisecond);
            }
            benchmark::RegisterBenchmark((tb + "parasail").c_str(), run_parasail_traceback, bc)->Unit(benchmark::kMillisecond);
        }
    }
    return 0;
}
} // namespace

int main(int argc, char ** argv)
{
    benchmark::Initialize(&argc, argv);
    if (reference_text().size() < 20000)
    {
        std::fprintf(stderr, "align_bench: cannot read %s\n", test_support::chr22_path().c_str());
        return 1;
    }
    register_all();
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
