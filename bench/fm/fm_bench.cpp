// FM-index: construction, exact count (20-mers, 100-mers) and locate beside SeqAn3's fm_index, and bwa-mem-style
// seeding of 150 bp reads. References: GRCh38 chr20:1-10,000,000 (case suffix none) and E. coli K-12 MG1655
// (suffix _ecoli) from ../shared/data; under WGSKIT_BENCH_SMOKE a 200 kb random text.
// Names fm/<case>/<implementation>, counter queries_per_s (reads/s for smem150, Mbp/s for build).
//
// The SeqAn3 peer is configured as /work/shared/eval/micro/fm_bench.cpp: fm_index<dna4, text_layout::collection>,
// search with 0 errors, hit_all, output_index_cursor, count from the cursor. It indexes one strand, wgskit both
// (bwa's FMD layout), so wgskit's counts are the sum over a pattern and its reverse complement; the search work
// per query (one backward step a base) is the same. SeqAn3 gets the same sequence as wgskit (N replaced by
// wgskit's stand-in bases) so that the counts can be checked against each other before timing.
#include <algorithm>
#include <cstdio>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <zlib.h>

#include <seqan3/alphabet/nucleotide/dna4.hpp>
#include <seqan3/alphabet/views/char_to.hpp>
#include <seqan3/search/fm_index/fm_index.hpp>
#include <seqan3/search/search.hpp>
#include <seqan3/utility/range/to.hpp>

#include <wgskit/fm/all.hpp>

#include "bench_common.hpp"

namespace
{
using namespace wgskit;

struct reference
{
    std::string label;
    std::vector<std::pair<std::string, std::string>> contigs; // as read (IUPAC)
    std::vector<std::string> indexed;                          // N -> wgskit's stand-in bases
};

//! The first contig (or all) of a gzip or plain FASTA file.
std::vector<std::pair<std::string, std::string>> read_gz_fasta(std::string const & path, bool first_only)
{
    std::vector<std::pair<std::string, std::string>> out;
    gzFile f = gzopen(path.c_str(), "rb");
    if (f == nullptr)
        return out;
    std::string all;
    char buf[1 << 16];
    for (int got; (got = gzread(f, buf, sizeof buf)) > 0;)
        all.append(buf, static_cast<std::size_t>(got));
    gzclose(f);
    std::size_t pos = 0;
    while (pos < all.size())
    {
        std::size_t const eol = std::min(all.find('\n', pos), all.size());
        if (all[pos] == '>')
        {
            if (first_only && !out.empty())
                break;
            out.emplace_back(all.substr(pos + 1, all.find_first_of(" \t\n", pos) - pos - 1), std::string{});
        }
        else if (!out.empty())
            out.back().second.append(all, pos, eol - pos);
        pos = eol + 1;
    }
    return out;
}

reference make_reference(std::string label, std::vector<std::pair<std::string, std::string>> contigs)
{
    reference r{std::move(label), std::move(contigs), {}};
    std::uint64_t offset = 0;
    for (auto const & [name, seq] : r.contigs)
    {
        std::string s = seq;
        for (std::size_t i = 0; i < s.size(); ++i)
        {
            char const u = static_cast<char>(s[i] & ~0x20);
            s[i] = (u == 'A' || u == 'C' || u == 'G' || u == 'T') ? u : "ACGT"[fm::detail::ambiguous_base(offset + i)];
        }
        offset += s.size();
        r.indexed.push_back(std::move(s));
    }
    return r;
}

reference const & chr20()
{
    static reference const r = [] {
        if (bench::smoke())
        {
            std::mt19937_64 rng{7};
            std::string s(200000, 'A');
            for (char & c : s)
                c = "ACGT"[rng() & 3];
            return make_reference("random200k", {{"random", s}});
        }
        return make_reference("chr20_10M", read_gz_fasta(std::string{WGSKIT_SHARED_DATA}
                                                             + "/giab_hg002_chr20_grch38_truth_only/reference/"
                                                               "grch38.chr20_and_21_10M.fa.gz",
                                                         true));
    }();
    return r;
}

reference const & ecoli()
{
    static reference const r = bench::smoke()
                                   ? chr20()
                                   : make_reference("ecoli", read_gz_fasta(std::string{WGSKIT_SHARED_DATA}
                                                                               + "/ecoli_k12_mg1655/genome/"
                                                                                 "GCF_000005845.2_ASM584v2_genomic.fna.gz",
                                                                           false));
    return r;
}

std::vector<fm::reference_sequence> as_input(reference const & ref)
{
    std::vector<fm::reference_sequence> v;
    for (auto const & [name, seq] : ref.contigs)
        v.push_back({name, seq});
    return v;
}

fm::fmd_index const & wgskit_index(reference const & ref)
{
    static std::map<std::string, fm::fmd_index> cache;
    auto it = cache.find(ref.label);
    if (it == cache.end())
        it = cache.emplace(ref.label, fm::fmd_index::build(as_input(ref))).first;
    return it->second;
}

using seqan3_index = seqan3::fm_index<seqan3::dna4, seqan3::text_layout::collection>;
using seqan3_text = std::vector<std::vector<seqan3::dna4>>;

seqan3_text to_seqan3(reference const & ref)
{
    seqan3_text t;
    for (auto const & s : ref.indexed)
        t.push_back(s | seqan3::views::char_to<seqan3::dna4> | seqan3::ranges::to<std::vector>());
    return t;
}

seqan3_index const & peer_index(reference const & ref)
{
    static std::map<std::string, seqan3_index> cache;
    auto it = cache.find(ref.label);
    if (it == cache.end())
        it = cache.emplace(ref.label, seqan3_index{to_seqan3(ref)}).first;
    return it->second;
}

//! n windows of length len of the reference (ACGT only in the original), as the eval micro-benchmark samples.
std::vector<std::string> const & queries(reference const & ref, std::size_t len)
{
    static std::map<std::pair<std::string, std::size_t>, std::vector<std::string>> cache;
    auto & q = cache[{ref.label, len}];
    if (q.empty())
    {
        std::size_t const n = bench::smoke() ? 2000 : 200000;
        std::mt19937_64 rng{12345 + len};
        auto const & s = ref.contigs[0].second;
        while (q.size() < n)
        {
            std::string w = s.substr(rng() % (s.size() - len), len);
            if (w.find_first_not_of("ACGT") == std::string::npos)
                q.push_back(std::move(w));
        }
    }
    return q;
}

std::string reverse_complement(std::string const & s)
{
    std::string r(s.rbegin(), s.rend());
    for (char & c : r)
        c = codec::twobit::complement_letter(c);
    return r;
}

//! Reads of 150 bp with ~1 % substitutions, half from the reverse strand.
std::vector<std::string> const & reads150(reference const & ref)
{
    static std::map<std::string, std::vector<std::string>> cache;
    auto & reads = cache[ref.label];
    if (reads.empty())
    {
        std::mt19937_64 rng{99};
        for (auto w : queries(ref, 150))
        {
            if (reads.size() == (bench::smoke() ? 200u : 20000u))
                break;
            for (int k = 0; k < 2; ++k)
                w[rng() % w.size()] = "ACGT"[rng() & 3];
            reads.push_back((rng() & 1) ? reverse_complement(w) : w);
        }
    }
    return reads;
}

void build_wgskit(benchmark::State & state, reference const * ref)
{
    auto const input = as_input(*ref);
    std::size_t bytes = 0;
    for (auto _ : state)
    {
        auto idx = fm::fmd_index::build(input);
        bytes = idx.size_bytes();
        benchmark::DoNotOptimize(bytes);
    }
    double const bp = static_cast<double>(wgskit_index(*ref).reference_length());
    state.counters["Mbp_per_s"] = bench::rate(bp, 6);
    state.counters["index_MB"] = static_cast<double>(bytes) / 1e6;
}

void build_seqan3(benchmark::State & state, reference const * ref)
{
    auto const text = to_seqan3(*ref);
    for (auto _ : state)
    {
        seqan3_index idx{text};
        benchmark::DoNotOptimize(idx.size());
    }
    state.counters["Mbp_per_s"] = bench::rate(static_cast<double>(wgskit_index(*ref).reference_length()), 6);
}

void count_wgskit(benchmark::State & state, reference const * ref, std::size_t len, bool batched)
{
    auto const & idx = wgskit_index(*ref);
    auto const & q = queries(*ref, len);
    std::vector<std::string_view> views(q.begin(), q.end());
    std::vector<std::uint64_t> counts(q.size());
    for (auto _ : state)
    {
        if (batched)
            idx.count(views, counts);
        else
            for (std::size_t i = 0; i < views.size(); ++i)
                counts[i] = idx.count(views[i]);
        benchmark::DoNotOptimize(counts.data());
    }
    std::uint64_t occ = 0;
    for (auto c : counts)
        occ += c;
    state.counters["queries_per_s"] = bench::rate(static_cast<double>(q.size()), 0);
    state.counters["occ_per_query"] = static_cast<double>(occ) / static_cast<double>(q.size());
}

void count_seqan3(benchmark::State & state, reference const * ref, std::size_t len)
{
    auto const & idx = peer_index(*ref);
    std::vector<std::vector<seqan3::dna4>> q;
    for (auto const & s : queries(*ref, len))
        q.push_back(s | seqan3::views::char_to<seqan3::dna4> | seqan3::ranges::to<std::vector>());
    seqan3::configuration const cfg = seqan3::search_cfg::max_error_total{seqan3::search_cfg::error_count{0}} |
                                      seqan3::search_cfg::hit_all{} | seqan3::search_cfg::output_index_cursor{};
    std::uint64_t occ = 0;
    for (auto _ : state)
    {
        occ = 0;
        for (auto && res : seqan3::search(q, idx, cfg))
            occ += res.index_cursor().count();
        benchmark::DoNotOptimize(occ);
    }
    state.counters["queries_per_s"] = bench::rate(static_cast<double>(q.size()), 0);
    state.counters["occ_per_query"] = static_cast<double>(occ) / static_cast<double>(q.size());
}

void locate_wgskit(benchmark::State & state, reference const * ref, std::size_t len, bool batched)
{
    auto const & idx = wgskit_index(*ref);
    auto const & q = queries(*ref, len);
    std::uint64_t hits = 0;
    for (auto _ : state)
    {
        hits = 0;
        for (auto const & s : q)
        {
            if (batched)
                for (auto const & h : idx.locate(s))
                {
                    benchmark::DoNotOptimize(h.pos);
                    ++hits;
                }
            else // one suffix array walk after the other
                idx.visit([&](auto const & core) {
                    auto const p = idx.search(s);
                    for (std::uint64_t i = 0; i < p.s; ++i, ++hits)
                        benchmark::DoNotOptimize(core.to_hit(core.text_position(p.k + i), len));
                    return 0;
                });
        }
    }
    state.counters["queries_per_s"] = bench::rate(static_cast<double>(q.size()), 0);
    state.counters["hits_per_query"] = static_cast<double>(hits) / static_cast<double>(q.size());
}

void locate_seqan3(benchmark::State & state, reference const * ref, std::size_t len)
{
    auto const & idx = peer_index(*ref);
    std::vector<std::vector<seqan3::dna4>> q;
    for (auto const & s : queries(*ref, len))
        q.push_back(s | seqan3::views::char_to<seqan3::dna4> | seqan3::ranges::to<std::vector>());
    seqan3::configuration const cfg =
        seqan3::search_cfg::max_error_total{seqan3::search_cfg::error_count{0}} | seqan3::search_cfg::hit_all{} |
        seqan3::search_cfg::output_query_id{} | seqan3::search_cfg::output_reference_id{} |
        seqan3::search_cfg::output_reference_begin_position{};
    std::uint64_t hits = 0, possum = 0;
    for (auto _ : state)
    {
        hits = 0;
        for (auto && res : seqan3::search(q, idx, cfg))
        {
            possum += res.reference_begin_position();
            ++hits;
        }
        benchmark::DoNotOptimize(possum);
    }
    state.counters["queries_per_s"] = bench::rate(static_cast<double>(q.size()), 0);
    state.counters["hits_per_query"] = static_cast<double>(hits) / static_cast<double>(q.size());
}

void smem_wgskit(benchmark::State & state, reference const * ref)
{
    auto const & idx = wgskit_index(*ref);
    auto const & reads = reads150(*ref);
    std::vector<std::string_view> views(reads.begin(), reads.end());
    std::vector<std::vector<fm::smem>> seeds;
    for (auto _ : state)
    {
        fm::collect_seeds(idx, views, seeds);
        benchmark::DoNotOptimize(seeds.data());
    }
    std::size_t total = 0;
    for (auto const & s : seeds)
        total += s.size();
    state.counters["queries_per_s"] = bench::rate(static_cast<double>(reads.size()), 0);
    state.counters["seeds_per_read"] = static_cast<double>(total) / static_cast<double>(reads.size());
}

//! wgskit's count of a pattern equals SeqAn3's count of it plus its reverse complement's.
bool verify(reference const & ref)
{
    auto const & idx = wgskit_index(ref);
    auto const & peer = peer_index(ref);
    seqan3::configuration const cfg = seqan3::search_cfg::max_error_total{seqan3::search_cfg::error_count{0}} |
                                      seqan3::search_cfg::hit_all{} | seqan3::search_cfg::output_index_cursor{};
    for (std::size_t len : {20u, 100u})
    {
        auto const & q = queries(ref, len);
        std::vector<std::string_view> views(q.begin(), q.end());
        std::vector<std::uint64_t> batched(q.size());
        idx.count(views, batched);
        for (std::size_t i = 0; i < std::min<std::size_t>(q.size(), 500); ++i)
        {
            std::uint64_t expected = 0;
            for (auto const & s : {q[i], reverse_complement(q[i])})
            {
                auto const d = s | seqan3::views::char_to<seqan3::dna4> | seqan3::ranges::to<std::vector>();
                for (auto && res : seqan3::search(d, peer, cfg))
                    expected += res.index_cursor().count();
            }
            if (idx.count(q[i]) != expected || batched[i] != expected)
            {
                std::fprintf(stderr, "fm_bench: %s: count of %s: wgskit %llu, seqan3 %llu\n", ref.label.c_str(),
                             q[i].c_str(), static_cast<unsigned long long>(idx.count(q[i])),
                             static_cast<unsigned long long>(expected));
                return false;
            }
        }
    }
    return true;
}

void register_all()
{
    for (reference const * ref : {&chr20(), &ecoli()})
    {
        std::string const suffix = ref == &chr20() ? "" : "_ecoli";
        if (ref != &chr20() && bench::smoke())
            continue;
        auto name = [&](std::string const & c, std::string const & impl) { return "fm/" + c + suffix + "/" + impl; };
        benchmark::RegisterBenchmark(name("build", "wgskit").c_str(), build_wgskit, ref)
            ->Unit(benchmark::kMillisecond)->Iterations(bench::smoke() ? 1 : 2)->UseRealTime();
        benchmark::RegisterBenchmark(name("build", "seqan3").c_str(), build_seqan3, ref)
            ->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();
        for (std::size_t len : {20u, 100u})
        {
            std::string const c = "count" + std::to_string(len);
            benchmark::RegisterBenchmark(name(c, "wgskit").c_str(), count_wgskit, ref, len, true)
                ->Unit(benchmark::kMillisecond);
            benchmark::RegisterBenchmark(name(c, "wgskit_unbatched").c_str(), count_wgskit, ref, len, false)
                ->Unit(benchmark::kMillisecond);
            benchmark::RegisterBenchmark(name(c, "seqan3").c_str(), count_seqan3, ref, len)
                ->Unit(benchmark::kMillisecond);
        }
        benchmark::RegisterBenchmark(name("locate20", "wgskit").c_str(), locate_wgskit, ref, 20, true)
            ->Unit(benchmark::kMillisecond);
        benchmark::RegisterBenchmark(name("locate20", "wgskit_unbatched").c_str(), locate_wgskit, ref, 20, false)
            ->Unit(benchmark::kMillisecond);
        benchmark::RegisterBenchmark(name("locate20", "seqan3").c_str(), locate_seqan3, ref, 20)
            ->Unit(benchmark::kMillisecond);
        benchmark::RegisterBenchmark(name("smem150", "wgskit").c_str(), smem_wgskit, ref)
            ->Unit(benchmark::kMillisecond);
    }
}
} // namespace

int main(int argc, char ** argv)
{
    benchmark::Initialize(&argc, argv);
    if (chr20().contigs.empty() || ecoli().contigs.empty())
    {
        std::fputs("fm_bench: reference FASTA not found under " WGSKIT_SHARED_DATA "\n", stderr);
        return 1;
    }
    if (!verify(chr20()))
        return 1;
    register_all();
    benchmark::AddCustomContext("reference", chr20().label);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
