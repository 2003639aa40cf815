// The occurrence table: the BWT at 2 bits a symbol, interleaved with running counts so that one rank query
// reads one 64-byte cache line (bwa-mem2's CP_OCC idea with packed instead of one-hot symbols, which halves the
// size: the index is then no larger than bwa's .bwt).
//
// A line holds, for the symbols [line * S, (line + 1) * S) of the BWT, the number of A, C, G, T before the line
// and the S symbols packed 32 a word. With 32-bit counts a line packs 6 words (S = 192 symbols); with 64-bit
// counts 4 words (S = 128). The few BWT positions that hold no base (one separator per contig and strand and
// the terminal) are stored as code 0 (A) and listed in a sorted side table; the top bit of count[0] flags the
// lines that contain one, so only those lines pay a binary search to correct the A count.
#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>

namespace wgskit::fm::detail
{

template <typename Index>
struct alignas(64) occ_line
{
    static constexpr std::size_t words = (64 - 4 * sizeof(Index)) / 8;
    static constexpr std::size_t symbols = words * 32;
    static constexpr Index dollar_flag = Index{1} << (8 * sizeof(Index) - 1);

    Index count[4];
    std::uint64_t bits[words];
};
static_assert(sizeof(occ_line<std::uint32_t>) == 64 && sizeof(occ_line<std::uint64_t>) == 64);

//! A BWT position that holds no base, with the text position of its suffix (for locate).
struct dollar_entry
{
    std::uint64_t bwt_index;
    std::uint64_t text_position;
};

inline constexpr std::uint64_t lo_bits = 0x5555555555555555ull;

//! One bit (the low bit of each 2-bit field) where the packed symbol equals code c.
[[gnu::always_inline]] inline std::uint64_t match_mask(std::uint64_t word, unsigned c) noexcept
{
    std::uint64_t const x = ~(word ^ (lo_bits * c));
    return x & (x >> 1) & lo_bits;
}

//! Mask keeping the first r symbols of a word's 32 (r may exceed 32 or be negative).
[[gnu::always_inline]] inline std::uint64_t prefix_mask(std::ptrdiff_t r) noexcept
{
    if (r <= 0)
        return 0;
    if (r >= 32)
        return ~std::uint64_t{0};
    return (std::uint64_t{1} << (2 * r)) - 1;
}

template <typename Index>
class occ_table
{
public:
    using line = occ_line<Index>;

    occ_table() = default;
    occ_table(std::span<line const> lines, std::span<dollar_entry const> dollars) : lines_{lines}, dollars_{dollars} {}

    std::span<line const> lines() const noexcept { return lines_; }
    std::span<dollar_entry const> dollars() const noexcept { return dollars_; }

    void prefetch(std::uint64_t i) const noexcept { __builtin_prefetch(&lines_[i / line::symbols]); }

    //! Number of base c (0..3) in BWT[0, i).
    [[gnu::always_inline]] std::uint64_t rank(unsigned c, std::uint64_t i) const noexcept
    {
        line const & l = lines_[i / line::symbols];
        auto const r = static_cast<std::ptrdiff_t>(i % line::symbols);
        std::uint64_t n = l.count[c] & ~line::dollar_flag;
        for (std::size_t w = 0; w < line::words; ++w)
            n += static_cast<std::uint64_t>(
                std::popcount(match_mask(l.bits[w], c) & prefix_mask(r - static_cast<std::ptrdiff_t>(32 * w))));
        if (c == 0 && (l.count[0] & line::dollar_flag))
            n -= dollars_between(i - static_cast<std::uint64_t>(r), i);
        return n;
    }

    //! Numbers of A, C, G, T in BWT[0, i). Three popcounts a word: T = hi & lo, G = hi - T, C = lo - T, and A
    //! the rest of the prefix (minus any dollars, stored as A).
    [[gnu::always_inline]] void rank4(std::uint64_t i, std::uint64_t (&out)[4]) const noexcept
    {
        line const & l = lines_[i / line::symbols];
        auto const r = static_cast<std::ptrdiff_t>(i % line::symbols);
        std::uint64_t both = 0, hi_n = 0, lo_n = 0;
        for (std::size_t w = 0; w < line::words; ++w)
        {
            std::uint64_t const keep = prefix_mask(r - static_cast<std::ptrdiff_t>(32 * w)) & lo_bits;
            if (keep == 0)
                break;
            std::uint64_t const word = l.bits[w];
            std::uint64_t const hi = (word >> 1) & keep, lo = word & keep;
            both += static_cast<std::uint64_t>(std::popcount(hi & lo));
            hi_n += static_cast<std::uint64_t>(std::popcount(hi));
            lo_n += static_cast<std::uint64_t>(std::popcount(lo));
        }
        out[3] = (l.count[3] & ~line::dollar_flag) + both;
        out[2] = (l.count[2] & ~line::dollar_flag) + hi_n - both;
        out[1] = (l.count[1] & ~line::dollar_flag) + lo_n - both;
        out[0] = (l.count[0] & ~line::dollar_flag) + static_cast<std::uint64_t>(r) - (hi_n + lo_n - both);
        if (l.count[0] & line::dollar_flag)
            out[0] -= dollars_between(i - static_cast<std::uint64_t>(r), i);
    }

    //! rank4 at i and at i + s together, when both fall in one line without a dollar: the second from the first
    //! and the s symbols between (a small interval, as most in seed extension are, costs one prefix count).
    //! Returns false, computing nothing, otherwise.
    [[gnu::always_inline]] bool rank4_pair(std::uint64_t i, std::uint64_t s, std::uint64_t (&lo)[4],
                                           std::uint64_t (&hi)[4]) const noexcept
    {
        constexpr std::uint64_t max_direct = 4;
        std::uint64_t const r = i % line::symbols;
        if (s > max_direct || r + s >= line::symbols)
            return false;
        line const & l = lines_[i / line::symbols];
        if (l.count[0] & line::dollar_flag)
            return false;
        rank4(i, lo);
        for (unsigned c = 0; c < 4; ++c)
            hi[c] = lo[c];
        for (std::uint64_t x = r; x < r + s; ++x)
            ++hi[(l.bits[x / 32] >> (2 * (x % 32))) & 3u];
        return true;
    }

    //! The 2-bit code stored at BWT position i (0 also for a dollar).
    std::uint8_t code_at(std::uint64_t i) const noexcept
    {
        line const & l = lines_[i / line::symbols];
        std::uint64_t const r = i % line::symbols;
        return static_cast<std::uint8_t>((l.bits[r / 32] >> (2 * (r % 32))) & 3u);
    }

    //! The dollar entry at BWT position i, or nullptr when it holds a base.
    dollar_entry const * dollar_at(std::uint64_t i) const noexcept
    {
        if (!(lines_[i / line::symbols].count[0] & line::dollar_flag))
            return nullptr;
        auto it = std::lower_bound(dollars_.begin(), dollars_.end(), i,
                                   [](dollar_entry const & d, std::uint64_t v) { return d.bwt_index < v; });
        return (it != dollars_.end() && it->bwt_index == i) ? &*it : nullptr;
    }

private:
    std::uint64_t dollars_between(std::uint64_t begin, std::uint64_t end) const noexcept
    {
        auto const less = [](dollar_entry const & d, std::uint64_t v) { return d.bwt_index < v; };
        auto a = std::lower_bound(dollars_.begin(), dollars_.end(), begin, less);
        auto b = std::lower_bound(a, dollars_.end(), end, less);
        return static_cast<std::uint64_t>(b - a);
    }

    std::span<line const> lines_;
    std::span<dollar_entry const> dollars_;
};

//! Streams BWT symbols (0..3 bases, 4 for a dollar) into lines.
template <typename Index>
class occ_builder
{
public:
    using line = occ_line<Index>;

    explicit occ_builder(line * lines) : lines_{lines} {}

    void push(std::uint8_t symbol) noexcept
    {
        std::uint64_t const r = i_ % line::symbols;
        line & l = lines_[i_ / line::symbols];
        if (r == 0)
        {
            for (unsigned c = 0; c < 4; ++c)
                l.count[c] = static_cast<Index>(counts_[c]);
            for (auto & w : l.bits)
                w = 0;
        }
        if (symbol < 4)
        {
            l.bits[r / 32] |= std::uint64_t{symbol} << (2 * (r % 32));
            ++counts_[symbol];
        }
        else
            l.count[0] |= line::dollar_flag;
        ++i_;
    }

    //! Lines needed for n symbols: one more than full lines, so rank(c, n) has a line to read.
    static std::size_t lines_for(std::uint64_t n) noexcept { return n / line::symbols + 1; }

    //! Completes the last line (a rank at the very end reads it).
    void finish() noexcept
    {
        if (i_ % line::symbols == 0)
            push_empty_line();
    }

private:
    void push_empty_line() noexcept
    {
        line & l = lines_[i_ / line::symbols];
        for (unsigned c = 0; c < 4; ++c)
            l.count[c] = static_cast<Index>(counts_[c]);
        for (auto & w : l.bits)
            w = 0;
    }

    line * lines_;
    std::uint64_t i_ = 0;
    std::uint64_t counts_[4] = {0, 0, 0, 0};
};

} // namespace wgskit::fm::detail
