// SA-IS: linear-time suffix array construction by induced sorting (Nong, Zhang & Chan 2009).
//
// sais(t, sa, n, k) sorts the suffixes of t[0..n) whose symbols are in [0, k), with a virtual sentinel at t[n]
// that is smaller than every symbol and is not written to sa. Equal symbols compare like any other symbol, so the
// FMD text's many separators are just the smallest letter. Index is the position type (std::uint32_t when
// n < 2^31, std::uint64_t above): the suffix array is n Index values and the only other memory is one type bit a
// position and one bucket array a recursion level (the reduced string and its suffix array live inside sa, and
// so do a recursion level's buckets, in the part of sa its reduced problem leaves free, whenever they fit).
//
// Peak memory over the FMD text of n symbols (the forward half stored, 1 byte a symbol) is therefore about
// n * (1/2 + sizeof(Index) + 1/8): a 100 Mb reference (n = 200 M with both strands) needs ~0.93 GB.
//
// Route to a human index (3.1 Gb, both strands: n = 6.2 G symbols, 64-bit positions) within 24 GB: this one-pass
// SA-IS would need 6.2 G * (8 + 0.5) bytes = 53 GB, so the suffixes are sorted block by block instead
// (Kärkkäinen's blockwise suffix sorting, as bowtie2-build does):
//   1. the text at 2 bits a symbol plus the separator positions (1.6 GB) and a difference-cover sample
//      (v = 4096: ~90 residues, rank of each sampled suffix, ~2.2 GB) that bounds every suffix comparison to v
//      symbols, however long the repeat;
//   2. splitter suffixes, sorted, cut the suffix array into blocks of <= 1 G suffixes; for each block in order,
//      collect its suffix positions (8 GB), sort them (multikey quicksort on the 2-bit text, ties after v
//      symbols broken by the sample), and stream the block's BWT symbols into the occurrence lines and its
//      every rate-th entry into the SA samples, written straight to the index file (occ 3.1 GB, samples
//      1.6 GB at rate 32, so they need not stay in memory either).
// Peak ~12 GB with one block in flight; with -t 2 two blocks sort in parallel (~20 GB). The occurrence table,
// the file layout and every query stay exactly as they are. (bwa's answer is incremental BWT merging, bwtsw,
// which needs less memory, ~5 GB for a human genome, but is several times slower.)
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <vector>

#include <wgskit/fm/detail/big_buffer.hpp>

namespace wgskit::fm::detail
{

//! One bit a position: true where the suffix is S-type (smaller than the suffix after it).
class type_bits
{
public:
    explicit type_bits(std::size_t n) : words_((n + 64) / 64) {}
    bool s_type(std::size_t i) const noexcept { return (words_[i >> 6] >> (i & 63)) & 1u; }
    void set_s(std::size_t i) noexcept { words_[i >> 6] |= std::uint64_t{1} << (i & 63); }

private:
    big_buffer<std::uint64_t> words_;
};

//! Text: a pointer to the symbols or any type whose operator[] gives the symbol at a position.
template <typename Index, typename Text>
class sais_level
{
public:
    static constexpr Index empty = std::numeric_limits<Index>::max();

    //! spare/spare_size: free memory the buckets may use (else they are allocated).
    sais_level(Text t, Index * sa, Index n, Index k, Index * spare = nullptr, std::size_t spare_size = 0) :
        t_{t}, sa_{sa}, n_{n}, k_{k}, types_{n + 1}
    {
        if (spare != nullptr && spare_size >= k)
            bucket_ = spare;
        else
        {
            own_bucket_ = big_buffer<Index>(k);
            bucket_ = own_bucket_.data();
        }
    }

    void run()
    {
        if (n_ == 0)
            return;
        if (n_ == 1)
        {
            sa_[0] = 0;
            return;
        }
        classify();

        // Stage 1: sort the LMS substrings by one round of induced sorting from LMS positions in arbitrary order.
        std::fill_n(sa_, n_, empty);
        bucket_ends();
        for (Index i = n_ - 1; i >= 1; --i)
            if (is_lms(i))
                sa_[--bucket_[t_[i]]] = i;
        induce();

        // Compact the sorted LMS positions to the front, name the distinct LMS substrings.
        Index n1 = 0;
        for (Index i = 0; i < n_; ++i)
            if (is_lms(sa_[i]))
                sa_[n1++] = sa_[i];
        std::fill(sa_ + n1, sa_ + n_, empty);
        Index names = 0;
        Index prev = empty;
        for (Index i = 0; i < n1; ++i)
        {
            Index const p = sa_[i];
            if (prev == empty || !same_lms_substring(prev, p))
                ++names;
            prev = p;
            sa_[n1 + p / 2] = names - 1; // LMS positions are >= 2 apart: p / 2 is unique
        }
        // The names in text order, at the end of sa: the reduced string.
        Index j = n_;
        for (Index i = n_; i-- > n1;)
            if (sa_[i] != empty)
                sa_[--j] = sa_[i];
        Index * const s1 = sa_ + (n_ - n1);

        // Stage 2: the suffix array of the reduced string, by recursion unless every name is unique.
        if (names < n1)
        {
            // sa[n1, n - n1) is free while the reduced problem is solved: its buckets go there.
            sais_level<Index, Index const *> inner{s1, sa_, n1, names, sa_ + n1, static_cast<std::size_t>(n_ - 2 * n1)};
            inner.run();
        }
        else
        {
            for (Index i = 0; i < n1; ++i)
                sa_[s1[i]] = i;
        }

        // Stage 3: the LMS suffixes in sorted order into their bucket ends, then induce the whole array.
        j = 0;
        for (Index i = 1; i < n_; ++i)
            if (is_lms(i))
                s1[j++] = i;
        for (Index i = 0; i < n1; ++i)
            sa_[i] = s1[sa_[i]];
        std::fill(sa_ + n1, sa_ + n_, empty);
        bucket_ends();
        for (Index i = n1; i-- > 0;)
        {
            Index const p = sa_[i];
            sa_[i] = empty;
            sa_[--bucket_[t_[p]]] = p;
        }
        induce();
    }

private:
    void classify()
    {
        // t[n-1] is L-type (greater than the sentinel); the sentinel at n is S-type.
        types_.set_s(n_);
        bool next_s = false;
        for (Index i = n_ - 1; i-- > 0;)
        {
            bool const s = t_[i] < t_[i + 1] || (t_[i] == t_[i + 1] && next_s);
            if (s)
                types_.set_s(i);
            next_s = s;
        }
    }

    bool is_lms(Index i) const noexcept
    {
        return i != empty && i > 0 && i < n_ && types_.s_type(i) && !types_.s_type(i - 1);
    }

    bool same_lms_substring(Index a, Index b) const noexcept
    {
        for (Index d = 0;; ++d)
        {
            if (a + d == n_ || b + d == n_) // the sentinel is unique
                return false;
            if (t_[a + d] != t_[b + d] || types_.s_type(a + d) != types_.s_type(b + d))
                return false;
            if (d > 0)
            {
                bool const la = is_lms(a + d) , lb = is_lms(b + d);
                if (la || lb)
                    return la && lb;
            }
        }
    }

    void bucket_counts()
    {
        std::fill_n(bucket_, k_, Index{0});
        for (Index i = 0; i < n_; ++i)
            ++bucket_[t_[i]];
    }

    void bucket_starts()
    {
        bucket_counts();
        Index sum = 0;
        for (Index c = 0; c < k_; ++c)
        {
            Index const count = bucket_[c];
            bucket_[c] = sum;
            sum += count;
        }
    }

    void bucket_ends()
    {
        bucket_counts();
        Index sum = 0;
        for (Index c = 0; c < k_; ++c)
        {
            sum += bucket_[c];
            bucket_[c] = sum;
        }
    }

    void induce()
    {
        // L-type suffixes, left to right, starting with the one before the sentinel.
        bucket_starts();
        sa_[bucket_[t_[n_ - 1]]++] = n_ - 1;
        for (Index i = 0; i < n_; ++i)
        {
            Index const j = sa_[i];
            if (j != empty && j > 0 && !types_.s_type(j - 1))
                sa_[bucket_[t_[j - 1]]++] = j - 1;
        }
        // S-type suffixes, right to left.
        bucket_ends();
        for (Index i = n_; i-- > 0;)
        {
            Index const j = sa_[i];
            if (j != empty && j > 0 && types_.s_type(j - 1))
                sa_[--bucket_[t_[j - 1]]] = j - 1;
        }
    }

    Text t_;
    Index * sa_;
    Index n_;
    Index k_;
    type_bits types_;
    Index * bucket_ = nullptr;
    big_buffer<Index> own_bucket_;
};

//! Suffix array of t[0..n), symbols in [0, k), into sa[0..n). n must stay below max(Index). t is a pointer or a
//! symbol accessor (the FMD text computes its reverse-complement half from the forward half).
template <typename Index, typename Text>
void sais(Text t, Index * sa, Index n, Index k)
{
    static_assert(std::is_unsigned_v<Index>);
    sais_level<Index, Text> level{t, sa, n, k};
    level.run();
}

} // namespace wgskit::fm::detail
