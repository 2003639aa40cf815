// Exact canonical k-mer counting (KMC-style): reads are cut into super-k-mers that go to bins by minimizer, bins
// stay in memory or spill to disk past a budget, then worker threads count one bin at a time (a hash table, then
// a radix sort of the distinct k-mers). A canonical k-mer always lands in the same bin, so bins are counted independently.
//
//   kmer::count_options opt{.k = 31, .threads = 4};
//   auto counts = kmer::count_kmers<std::uint64_t>({"reads.fq.gz"}, opt);
//   counts.for_each_sorted([](std::uint64_t kmer, std::uint32_t n) { ... });   // ascending canonical k-mers
//
// Results do not depend on the thread count, the memory budget or the order bins are counted in.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <exception>
#include <functional>
#include <limits>
#include <memory>
#include <new>
#include <queue>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <wgskit/core/batch_pipeline.hpp>
#include <wgskit/core/exception.hpp>
#include <wgskit/kmer/detail/bin_store.hpp>
#include <wgskit/kmer/detail/count_table.hpp>
#include <wgskit/kmer/detail/sequence_source.hpp>
#include <wgskit/kmer/detail/superkmers.hpp>
#include <wgskit/kmer/kmer.hpp>

namespace wgskit::kmer
{

struct count_options
{
    unsigned k = 31;
    //! Minimizer length; 0 picks min(k, 11).
    unsigned m = 0;
    std::size_t threads = 1;
    //! Bytes of super-k-mer bins held in memory before they spill to disk.
    std::uint64_t memory_budget = std::uint64_t{1} << 30;
    //! Parent folder of the spill folder; empty: the system temporary folder.
    std::string temp_dir;
    //! Only k-mers seen min_count..max_count times are kept (the histogram covers all of them).
    std::uint32_t min_count = 1;
    std::uint32_t max_count = std::numeric_limits<std::uint32_t>::max();
    //! False: only the histogram and totals are produced (no per-k-mer results held in memory).
    bool keep_kmers = true;
    unsigned bins = 2048;
    unsigned spill_files = 16;
    //! > 1: count only 1 in sample_one_in bins (detail::bin_in_sample), i.e. the k-mers whose minimizer hash
    //! falls in about 1 / sample_one_in of its range (as KmerGenie and ntCard sample by hash). The histogram is then
    //! that sample's (each count still exact) and stats.sampled_kmers / stats.total_kmers its share of the
    //! k-mer occurrences. Needs keep_kmers = false.
    unsigned sample_one_in = 1;
};

struct count_statistics
{
    std::uint64_t sequences = 0;
    std::uint64_t bases = 0;
    std::uint64_t total_kmers = 0;    //!< k-mer occurrences
    std::uint64_t sampled_kmers = 0;  //!< k-mer occurrences in the counted bins (total_kmers when not sampling)
    std::uint64_t distinct_kmers = 0; //!< distinct canonical k-mers
    std::uint64_t kept_kmers = 0;     //!< distinct k-mers within the count filters
    std::uint64_t superkmer_bytes = 0;
    std::uint64_t spilled_bytes = 0;
    unsigned spills = 0;
};

//! The 1-in-N k-mer sample (count_options::sample_one_in) for a genome profile of a genome of this length: the
//! largest power of two up to 64 that still leaves >= 40 Mb of the genome in the sample (4x the 10 Mb on which a
//! 1-in-8 to 1-in-64 sample moved the heterozygosity estimate by up to 15%); 1 (exact) below 80 Mb.
constexpr unsigned sample_one_in_for(std::uint64_t genome_length) noexcept
{
    unsigned n = 1;
    while (n < 64 && genome_length / (2 * n) >= 40'000'000)
        n *= 2;
    return n;
}

//! The share of the k-mer occurrences a (sampled) count covers: 1 when it is not sampled.
inline double sampled_fraction(count_statistics const & s) noexcept
{
    return s.total_kmers == 0 ? 1.0 : static_cast<double>(s.sampled_kmers) / static_cast<double>(s.total_kmers);
}

template <kmer_word W>
struct kmer_counts
{
    unsigned k = 0;
    std::uint32_t min_count = 1;
    std::uint32_t max_count = std::numeric_limits<std::uint32_t>::max();
    //! histogram[c] = number of distinct k-mers seen exactly c times (index 0 unused), before the filters.
    std::vector<std::uint64_t> histogram;
    count_statistics stats;
    //! Per bin, the kept k-mers in ascending order and their counts.
    std::vector<std::vector<W>> bin_kmers;
    std::vector<std::vector<std::uint32_t>> bin_counts;

    //! Calls f(kmer, count) for every kept k-mer in ascending order (a merge of the sorted bins).
    template <class F>
    void for_each_sorted(F && f) const
    {
        using entry = std::pair<W, std::uint32_t>; // k-mer, bin
        std::priority_queue<entry, std::vector<entry>, std::greater<entry>> heads;
        std::vector<std::size_t> pos(bin_kmers.size(), 0);
        for (std::uint32_t b = 0; b < bin_kmers.size(); ++b)
            if (!bin_kmers[b].empty())
                heads.push({bin_kmers[b][0], b});
        while (!heads.empty())
        {
            auto const [kmer, b] = heads.top();
            heads.pop();
            f(kmer, bin_counts[b][pos[b]]);
            if (++pos[b] < bin_kmers[b].size())
                heads.push({bin_kmers[b][pos[b]], b});
        }
    }
};

//! The minimizer length count_kmers uses for k.
constexpr unsigned default_minimizer_length(unsigned k) noexcept { return k < 11 ? k : 11; }

//! Counts the canonical k-mers of every sequence in the FASTA/FASTQ files (plain or gzip). Throws
//! invalid_argument for bad options, parse_error for bad input, io_error when a file cannot be read or a spill
//! file cannot be written, std::runtime_error when memory runs out.
template <kmer_word W>
kmer_counts<W> count_kmers(std::vector<std::string> const & paths, count_options const & opt)
{
    check_k<W>(opt.k);
    unsigned const m = opt.m == 0 ? default_minimizer_length(opt.k) : opt.m;
    if (m < 1 || m > max_minimizer_m || m > opt.k)
        throw invalid_argument{"minimizer length " + std::to_string(m) + " must be within 1..min(k, 16)"};
    if (opt.threads < 1)
        throw invalid_argument{"at least one thread is needed"};
    if (opt.min_count < 1 || opt.min_count > opt.max_count)
        throw invalid_argument{"count filters: need 1 <= min count (" + std::to_string(opt.min_count) +
                               ") <= max count (" + std::to_string(opt.max_count) + ")"};
    if (opt.bins < 1 || opt.bins > (1u << 16))
        throw invalid_argument{"bins must be within 1..65536"};
    if (paths.empty())
        throw invalid_argument{"no input files"};
    if (opt.sample_one_in < 1 || opt.sample_one_in > opt.bins)
        throw invalid_argument{"sample_one_in must be within 1..bins (" + std::to_string(opt.bins) + ")"};
    if (opt.sample_one_in > 1 && opt.keep_kmers)
        throw invalid_argument{"a sampled count keeps no k-mers: set keep_kmers to false"};

    kmer_counts<W> result;
    result.k = opt.k;
    result.min_count = opt.min_count;
    result.max_count = opt.max_count;
    detail::bin_store store{opt.bins, opt.spill_files, opt.memory_budget, opt.temp_dir};

    try
    {
        // Phase 1: split into super-k-mers on worker threads; the consumer appends them to the bins in input
        // order, so bin contents are the same for any thread count.
        struct binned
        {
            std::vector<std::vector<std::uint8_t>> bins;
            std::uint64_t kmers = 0;
            std::uint64_t sampled = 0;
            std::uint64_t bases = 0;
            std::unique_ptr<detail::superkmer_splitter> splitter;
        };
        detail::sequence_source source{paths};
        run_ordered_pipeline<detail::sequence_batch, binned>(
            pipeline_options{opt.threads, 0},
            [&](detail::sequence_batch & b) { return source.fill(b); },
            [&](detail::sequence_batch & b, binned & r) {
                if (!r.splitter) // workspace, reused with the slot
                    r.splitter = std::make_unique<detail::superkmer_splitter>(opt.k, m, opt.bins, opt.sample_one_in);
                r.bins.resize(opt.bins);
                for (auto & v : r.bins)
                    v.clear();
                r.kmers = r.bases = 0;
                std::uint64_t const sampled_before = r.splitter->sampled_kmers();
                for (std::size_t i = 0; i < b.size(); ++i)
                {
                    auto const seq = b.sequence(i);
                    r.bases += seq.size();
                    r.kmers += r.splitter->split(seq, r.bins);
                }
                r.sampled = r.splitter->sampled_kmers() - sampled_before;
            },
            [&](detail::sequence_batch & b, binned & r) {
                result.stats.sequences += b.size();
                result.stats.bases += r.bases;
                result.stats.total_kmers += r.kmers;
                result.stats.sampled_kmers += r.sampled;
                for (unsigned bin = 0; bin < opt.bins; ++bin)
                    if (!r.bins[bin].empty())
                    {
                        store.append(bin, r.bins[bin].data(), r.bins[bin].size());
                        result.stats.superkmer_bytes += r.bins[bin].size();
                    }
            });
        store.finish_appending();
        result.stats.spilled_bytes = store.spilled_bytes();
        result.stats.spills = store.spills();

        // Phase 2: count bins on worker threads, each bin by one thread.
        if (opt.keep_kmers)
        {
            result.bin_kmers.resize(opt.bins);
            result.bin_counts.resize(opt.bins);
        }
        std::atomic<unsigned> next_bin{0};
        std::vector<std::vector<std::uint64_t>> histograms(opt.threads);
        std::vector<std::uint64_t> distinct(opt.threads, 0), kept(opt.threads, 0);
        std::vector<std::exception_ptr> errors(opt.threads);
        std::atomic<bool> failed{false};
        auto count_bins = [&](std::size_t t) {
            try
            {
                std::vector<std::uint8_t> raw;
                detail::count_table<W> table;
                std::vector<detail::kmer_count<W>> distinct_kmers, scratch;
                auto & hist = histograms[t];
                for (unsigned bin; !failed.load(std::memory_order_relaxed) && (bin = next_bin++) < opt.bins;)
                {
                    if (!detail::bin_in_sample(bin, opt.sample_one_in)) // not in the sample: empty
                        continue;
                    store.take(bin, raw);
                    table.reset(raw.size() / 8);
                    detail::for_each_kmer<W>(raw, opt.k, [&](W x) { table.add(x); });
                    table.flush();
                    table.extract(distinct_kmers);
                    std::vector<W> out_kmers;
                    std::vector<std::uint32_t> out_counts;
                    for (auto const & [kmer, n] : distinct_kmers)
                    {
                        if (hist.size() <= n)
                            hist.resize(std::max<std::size_t>(std::size_t{n} + 1, 2 * hist.size()), 0);
                        ++hist[n];
                        if (n >= opt.min_count && n <= opt.max_count)
                            ++kept[t];
                    }
                    distinct[t] += distinct_kmers.size();
                    if (opt.keep_kmers)
                    {
                        std::erase_if(distinct_kmers,
                                      [&](auto const & e) { return e.count < opt.min_count || e.count > opt.max_count; });
                        detail::radix_sort_by_kmer(distinct_kmers, scratch, 2 * opt.k);
                        out_kmers.resize(distinct_kmers.size());
                        out_counts.resize(distinct_kmers.size());
                        for (std::size_t i = 0; i < distinct_kmers.size(); ++i)
                        {
                            out_kmers[i] = distinct_kmers[i].kmer;
                            out_counts[i] = distinct_kmers[i].count;
                        }
                        result.bin_kmers[bin] = std::move(out_kmers);
                        result.bin_counts[bin] = std::move(out_counts);
                    }
                }
            }
            catch (...)
            {
                errors[t] = std::current_exception();
                failed = true;
            }
        };
        std::vector<std::thread> workers;
        for (std::size_t t = 1; t < opt.threads; ++t)
            workers.emplace_back(count_bins, t);
        count_bins(0);
        for (auto & w : workers)
            w.join();
        for (auto & e : errors)
            if (e)
                std::rethrow_exception(e);

        std::size_t hist_size = 0;
        for (auto const & h : histograms)
            hist_size = std::max(hist_size, h.size());
        result.histogram.assign(std::max<std::size_t>(hist_size, 2), 0);
        for (auto const & h : histograms)
            for (std::size_t c = 0; c < h.size(); ++c)
                result.histogram[c] += h[c];
        while (result.histogram.size() > 2 && result.histogram.back() == 0)
            result.histogram.pop_back();
        for (std::size_t t = 0; t < opt.threads; ++t)
        {
            result.stats.distinct_kmers += distinct[t];
            result.stats.kept_kmers += kept[t];
        }
    }
    catch (std::bad_alloc const &)
    {
        throw std::runtime_error{"out of memory while counting k-mers (" + std::to_string(result.stats.total_kmers) +
                                 " k-mers read so far): lower the memory budget (-m) or the thread count"};
    }
    return result;
}

} // namespace wgskit::kmer
