// Seeds placed on the reference and grouped into colinear chains (bwa mem's chaining and chain filter).
//
// Coordinates are strand-oriented: a seed on the reverse strand is given in the coordinates of the read's reverse
// complement, so every seed, chain and alignment reads left to right along the forward reference.
#pragma once
#include <algorithm>
#include <cstdint>
#include <vector>

namespace wgskit::map::detail
{
struct placed_seed
{
    std::uint32_t contig;
    bool reverse;
    std::uint64_t ref_begin;  //!< forward-strand position of the seed's first base
    std::uint32_t query_begin; //!< in the oriented read (reverse complement when reverse)
    std::uint32_t length;
    std::int64_t diagonal() const noexcept { return static_cast<std::int64_t>(ref_begin) - query_begin; }
};

struct chain
{
    std::uint32_t contig = 0;
    bool reverse = false;
    std::vector<placed_seed> seeds; //!< in reference order
    std::uint32_t weight = 0;       //!< min(query, reference) bases covered by its seeds
    std::uint32_t query_begin = 0, query_end = 0;
};

struct chain_options
{
    std::int64_t max_gap = 10000; //!< bwa's max_chain_gap
    std::int64_t band = 100;      //!< largest diagonal shift between consecutive seeds (bwa -w)
    double mask_level = 0.5;      //!< overlap (fraction of the shorter) that makes two chains compete
    double drop_ratio = 0.5;      //!< bwa -D: drop a competing chain weaker than this fraction of the better one
    std::uint32_t min_weight = 0; //!< bwa -W
    std::size_t max_chains = 50;  //!< chains extended at most, best first
};

//! Union length of intervals given as (begin, end), sorted by begin.
inline std::uint32_t covered_length(std::vector<std::pair<std::uint64_t, std::uint64_t>> & iv)
{
    std::sort(iv.begin(), iv.end());
    std::uint64_t total = 0, end = 0;
    bool any = false;
    for (auto [b, e] : iv)
    {
        if (!any || b >= end)
            total += e - b, end = e;
        else if (e > end)
            total += e - end, end = e;
        any = true;
    }
    return static_cast<std::uint32_t>(total);
}

inline void finish_chain(chain & c)
{
    // Scratch kept per thread: a chain is finished per read and chain, and two fresh vectors each time were a
    // noticeable part of the mapper's allocations.
    thread_local std::vector<std::pair<std::uint64_t, std::uint64_t>> q, r;
    q.clear();
    r.clear();
    c.query_begin = ~0u;
    c.query_end = 0;
    for (auto const & s : c.seeds)
    {
        q.emplace_back(s.query_begin, s.query_begin + s.length);
        r.emplace_back(s.ref_begin, s.ref_begin + s.length);
        c.query_begin = std::min(c.query_begin, s.query_begin);
        c.query_end = std::max(c.query_end, s.query_begin + s.length);
    }
    c.weight = std::min(covered_length(q), covered_length(r));
}

//! Seed vectors of dropped chains, kept for the next chains of this thread: chains are built and dropped per read,
//! and a fresh vector per chain was the mapper's most frequent allocation (~8 a read).
inline std::vector<std::vector<placed_seed>> & spare_seed_vectors()
{
    thread_local std::vector<std::vector<placed_seed>> spare;
    return spare;
}

//! Empties chains, keeping their seed vectors for reuse.
inline void recycle_chains(std::vector<chain> & chains, std::size_t from = 0)
{
    auto & spare = spare_seed_vectors();
    for (std::size_t i = from; i < chains.size(); ++i)
    {
        chains[i].seeds.clear();
        spare.push_back(std::move(chains[i].seeds));
    }
    chains.resize(std::min(from, chains.size()));
}

//! Groups seeds (any order; sorted in place) into chains: a seed joins the open chain of its contig and strand whose
//! last seed it follows on both sequences within max_gap and band, or is dropped when that last seed already
//! contains it. out is overwritten (its chains' storage is reused).
inline void build_chains(std::vector<placed_seed> & seeds, chain_options const & opt, std::vector<chain> & out)
{
    recycle_chains(out);
    auto & spare = spare_seed_vectors();
    std::sort(seeds.begin(), seeds.end(), [](placed_seed const & a, placed_seed const & b) {
        if (a.contig != b.contig)
            return a.contig < b.contig;
        if (a.reverse != b.reverse)
            return a.reverse < b.reverse;
        if (a.ref_begin != b.ref_begin)
            return a.ref_begin < b.ref_begin;
        if (a.query_begin != b.query_begin)
            return a.query_begin < b.query_begin;
        return a.length > b.length;
    });
    std::size_t group_start = 0; // first chain of the current contig and strand
    for (auto const & s : seeds)
    {
        if (group_start < out.size() &&
            (out[group_start].contig != s.contig || out[group_start].reverse != s.reverse))
            group_start = out.size();
        bool placed = false;
        for (std::size_t c = out.size(); c-- > group_start && !placed;)
        {
            auto const & last = out[c].seeds.back();
            std::int64_t const x = static_cast<std::int64_t>(s.query_begin) - last.query_begin;
            std::int64_t const y = static_cast<std::int64_t>(s.ref_begin) - static_cast<std::int64_t>(last.ref_begin);
            if (y > opt.max_gap)
                continue;
            bool const contained = s.query_begin >= last.query_begin &&
                                   s.query_begin + s.length <= last.query_begin + last.length &&
                                   s.ref_begin + s.length <= last.ref_begin + last.length;
            if (contained && s.diagonal() == last.diagonal())
                placed = true;
            else if (x >= 0 && y >= 0 && std::abs(x - y) <= opt.band && x <= opt.max_gap)
            {
                out[c].seeds.push_back(s);
                placed = true;
            }
        }
        if (!placed)
        {
            out.push_back(chain{s.contig, s.reverse, {}, 0, 0, 0});
            if (!spare.empty())
            {
                out.back().seeds = std::move(spare.back());
                spare.pop_back();
            }
            out.back().seeds.push_back(s);
        }
    }
    for (auto & c : out)
        finish_chain(c);
}

inline std::vector<chain> build_chains(std::vector<placed_seed> & seeds, chain_options const & opt)
{
    std::vector<chain> out;
    build_chains(seeds, opt, out);
    return out;
}

//! Sorts chains best first and drops weak ones: below min_weight, or overlapping a kept chain on the read by
//! mask_level of the shorter while weighing less than drop_ratio of it. Keeps at most max_chains.
inline void filter_chains(std::vector<chain> & chains, chain_options const & opt)
{
    auto const better = [](chain const & a, chain const & b) {
        if (a.weight != b.weight)
            return a.weight > b.weight;
        if (a.contig != b.contig)
            return a.contig < b.contig;
        if (a.reverse != b.reverse)
            return a.reverse < b.reverse;
        return a.seeds.front().ref_begin < b.seeds.front().ref_begin;
    };
    // A read has a few chains: a stable insertion sort needs no buffer (std::stable_sort allocates one a call).
    if (chains.size() <= 32)
    {
        for (std::size_t i = 1; i < chains.size(); ++i)
            for (std::size_t j = i; j > 0 && better(chains[j], chains[j - 1]); --j)
                std::swap(chains[j], chains[j - 1]);
    }
    else
        std::stable_sort(chains.begin(), chains.end(), better);
    // The kept chains are compacted to the front in place: a chain is only compared with the kept ones before it.
    std::size_t n_kept = 0;
    for (auto & c : chains)
    {
        if (c.weight < opt.min_weight || n_kept >= opt.max_chains)
            continue;
        bool drop = false;
        for (std::size_t i = 0; i < n_kept; ++i)
        {
            chain const & k = chains[i];
            std::uint32_t const b = std::max(c.query_begin, k.query_begin), e = std::min(c.query_end, k.query_end);
            if (e <= b)
                continue;
            std::uint32_t const shorter = std::min(c.query_end - c.query_begin, k.query_end - k.query_begin);
            if (e - b >= opt.mask_level * shorter && c.weight < opt.drop_ratio * k.weight)
            {
                drop = true;
                break;
            }
        }
        if (!drop)
        {
            if (&chains[n_kept] != &c)
                std::swap(chains[n_kept], c); // the dropped chain's storage moves back, to be recycled
            ++n_kept;
        }
    }
    recycle_chains(chains, n_kept);
}
} // namespace wgskit::map::detail
