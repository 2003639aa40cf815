// Counting the k-mers of one bin: an open-addressing hash table (linear probing, power-of-two size, grown at half
// load) from k-mer to count, then the distinct k-mers sorted by an LSD radix sort. At 30x coverage a bin holds
// ~25 occurrences per distinct k-mer, so hashing first sorts ~25x fewer items than sort-and-count would.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include <wgskit/kmer/kmer.hpp>

namespace wgskit::kmer::detail
{

template <kmer_word W>
struct kmer_count
{
    W kmer;
    std::uint32_t count;
};

//! A 64-bit finaliser (murmur3's fmix64) of the word's bits: the table's hash.
template <kmer_word W>
constexpr std::uint64_t table_hash(W x) noexcept
{
    std::uint64_t h = static_cast<std::uint64_t>(x);
    if constexpr (!std::same_as<W, std::uint64_t>)
        h ^= static_cast<std::uint64_t>(x >> 64) * 0x9e3779b97f4a7c15ull;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 33;
    return h;
}

template <kmer_word W>
class count_table
{
public:
    //! Empties the table, sized for about expected distinct k-mers.
    void reset(std::size_t expected)
    {
        std::size_t cap = 1024;
        while (cap < 2 * expected)
            cap *= 2;
        slots_.assign(cap, kmer_count<W>{W{0}, 0});
        used_ = 0;
        pushed_ = 0;
    }

    //! The occupied slots into out (any order).
    void extract(std::vector<kmer_count<W>> & out) const
    {
        out.clear();
        out.reserve(used_);
        for (auto const & s : slots_)
            if (s.count != 0)
                out.push_back(s);
    }

    //! Counts one occurrence. Insertion lags `lag` k-mers behind so that the slot's cache line is prefetched in
    //! the meantime (the table rarely fits the cache); flush() before extract().
    void add(W kmer)
    {
        std::uint64_t const h = table_hash(kmer);
        __builtin_prefetch(slots_.data() + (h & (slots_.size() - 1)), 1);
        auto & entry = ring_[pushed_ % lag];
        if (pushed_ >= lag)
            insert(entry.first, entry.second);
        entry = {kmer, h};
        ++pushed_;
    }

    void flush()
    {
        for (std::size_t i = pushed_ > lag ? pushed_ - lag : 0; i < pushed_; ++i)
            insert(ring_[i % lag].first, ring_[i % lag].second);
        pushed_ = 0;
    }

private:
    static constexpr std::size_t lag = 16;

    void insert(W kmer, std::uint64_t hash)
    {
        std::size_t const mask = slots_.size() - 1;
        for (std::size_t i = hash & mask;; i = (i + 1) & mask)
        {
            auto & s = slots_[i];
            if (s.count == 0)
            {
                s.kmer = kmer;
                s.count = 1;
                if (++used_ * 2 > slots_.size())
                    grow();
                return;
            }
            if (s.kmer == kmer)
            {
                s.count += s.count != std::numeric_limits<std::uint32_t>::max(); // saturate
                return;
            }
        }
    }

    void grow()
    {
        std::vector<kmer_count<W>> old(slots_.size() * 2, kmer_count<W>{W{0}, 0});
        old.swap(slots_);
        std::size_t const mask = slots_.size() - 1;
        for (auto const & s : old)
            if (s.count != 0)
            {
                std::size_t i = table_hash(s.kmer) & mask;
                while (slots_[i].count != 0)
                    i = (i + 1) & mask;
                slots_[i] = s;
            }
    }

    std::vector<kmer_count<W>> slots_;
    std::size_t used_ = 0;
    std::array<std::pair<W, std::uint64_t>, lag> ring_{};
    std::size_t pushed_ = 0;
};

//! LSD radix sort of (k-mer, count) pairs by k-mer on its low `bits` bits: 11-bit digits, all digit histograms
//! from one pass, passes whose digit is shared by every item skipped.
template <kmer_word W>
void radix_sort_by_kmer(std::vector<kmer_count<W>> & items, std::vector<kmer_count<W>> & scratch, unsigned bits)
{
    constexpr unsigned digit_bits = 11, radix = 1u << digit_bits;
    std::size_t const n = items.size();
    if (n < 512)
    {
        std::sort(items.begin(), items.end(), [](auto const & a, auto const & b) { return a.kmer < b.kmer; });
        return;
    }
    unsigned const passes = (bits + digit_bits - 1) / digit_bits;
    std::vector<std::array<std::size_t, radix>> count(passes);
    for (auto & c : count)
        c.fill(0);
    for (auto const & it : items)
        for (unsigned p = 0; p < passes; ++p)
            ++count[p][static_cast<unsigned>(it.kmer >> (p * digit_bits)) & (radix - 1)];
    scratch.resize(n);
    auto * src = items.data();
    auto * dst = scratch.data();
    for (unsigned p = 0; p < passes; ++p)
    {
        auto & c = count[p];
        if (std::find(c.begin(), c.end(), n) != c.end())
            continue;
        std::size_t sum = 0;
        for (auto & x : c)
        {
            std::size_t const x0 = x;
            x = sum;
            sum += x0;
        }
        unsigned const shift = p * digit_bits;
        for (std::size_t i = 0; i < n; ++i)
            dst[c[static_cast<unsigned>(src[i].kmer >> shift) & (radix - 1)]++] = src[i];
        std::swap(src, dst);
    }
    if (src != items.data())
        items.swap(scratch);
}

} // namespace wgskit::kmer::detail
