// 2-bit DNA kernels: pack ASCII into 2-bit codes, unpack codes to ASCII, reverse-complement packed codes.
//
// Layout: base i lives in word i / 32 at bits 2 * (i % 32); A=0, C=1, G=2, T=3, so the complement is code ^ 3.
// Unused bits of the last word are zero. The kernels are allocation-free and never throw; the public functions
// in <wgskit/codec/twobit/packed_dna.hpp> validate input and handle ambiguity codes and soft-masking.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include <wgskit/simd/arch.hpp>

namespace wgskit::codec::twobit::detail
{

inline constexpr std::size_t bases_per_word = 32;
//! The pack kernels flag "dirty" blocks (any byte other than upper-case A, C, G, T) at this granularity.
inline constexpr std::size_t bases_per_block = 64;

constexpr std::size_t words_for(std::size_t n) noexcept { return (n + bases_per_word - 1) / bases_per_word; }
constexpr std::size_t blocks_for(std::size_t n) noexcept { return (n + bases_per_block - 1) / bases_per_block; }
//! Words of the dirty-block bitmap for n bases.
constexpr std::size_t dirty_words_for(std::size_t n) noexcept { return (blocks_for(n) + 63) / 64; }

//! The 2-bit code of an ASCII letter: exact for A, C, G, T in either case; some code for anything else.
constexpr std::uint8_t code_of(char c) noexcept
{
    auto const u = static_cast<std::uint8_t>(c);
    return static_cast<std::uint8_t>(((u >> 1) ^ (u >> 2)) & 3u);
}

constexpr bool is_upper_acgt(char c) noexcept { return c == 'A' || c == 'C' || c == 'G' || c == 'T'; }

inline constexpr char code_to_ascii[4] = {'A', 'C', 'G', 'T'};

// ---------------------------------------------------------------------------------------------------------------
// Scalar references: plain loops over single bases, the oracle of the differential tests.
// ---------------------------------------------------------------------------------------------------------------

inline void pack_scalar(char const * seq, std::size_t n, std::uint64_t * words, std::uint64_t * dirty) noexcept
{
    std::fill_n(words, words_for(n), std::uint64_t{0});
    std::fill_n(dirty, dirty_words_for(n), std::uint64_t{0});
    for (std::size_t i = 0; i < n; ++i)
    {
        words[i / bases_per_word] |= std::uint64_t{code_of(seq[i])} << (2 * (i % bases_per_word));
        if (!is_upper_acgt(seq[i]))
        {
            std::size_t const block = i / bases_per_block;
            dirty[block / 64] |= std::uint64_t{1} << (block % 64);
        }
    }
}

inline void unpack_scalar(std::uint64_t const * words, std::size_t n, char * out) noexcept
{
    for (std::size_t i = 0; i < n; ++i)
        out[i] = code_to_ascii[(words[i / bases_per_word] >> (2 * (i % bases_per_word))) & 3u];
}

inline void reverse_complement_scalar(std::uint64_t const * words, std::size_t n, std::uint64_t * out) noexcept
{
    std::fill_n(out, words_for(n), std::uint64_t{0});
    for (std::size_t i = 0; i < n; ++i)
    {
        std::size_t const j = n - 1 - i;
        std::uint64_t const code = ((words[j / bases_per_word] >> (2 * (j % bases_per_word))) & 3u) ^ 3u;
        out[i / bases_per_word] |= code << (2 * (i % bases_per_word));
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Word-level helpers shared by the SIMD bodies' tails (scalar, but not per base).
// ---------------------------------------------------------------------------------------------------------------

//! Reverses the order of the 32 codes in a word and complements them.
constexpr std::uint64_t reverse_complement_word(std::uint64_t x) noexcept
{
    x = (x >> 32) | (x << 32);
    x = ((x >> 16) & 0x0000FFFF0000FFFFull) | ((x & 0x0000FFFF0000FFFFull) << 16);
    x = ((x >> 8) & 0x00FF00FF00FF00FFull) | ((x & 0x00FF00FF00FF00FFull) << 8);
    x = ((x >> 4) & 0x0F0F0F0F0F0F0F0Full) | ((x & 0x0F0F0F0F0F0F0F0Full) << 4);
    x = ((x >> 2) & 0x3333333333333333ull) | ((x & 0x3333333333333333ull) << 2);
    return ~x;
}

// ---------------------------------------------------------------------------------------------------------------
// The kernel: one body for every xsimd architecture, the scalar reference for simd::scalar.
// ---------------------------------------------------------------------------------------------------------------

template <class Arch>
struct twobit_kernel
{
    //! Codes of seq[0, n) into words[0, words_for(n)); bit b of dirty set iff block b holds a byte that is not
    //! upper-case A, C, G or T.
    static void pack(char const * seq, std::size_t n, std::uint64_t * words, std::uint64_t * dirty) noexcept;
    //! "ACGT" letters of the n codes in words into out[0, n).
    static void unpack(std::uint64_t const * words, std::size_t n, char * out) noexcept;
    //! The reverse complement of the n codes in words into out[0, words_for(n)); out must not alias words.
    static void reverse_complement(std::uint64_t const * words, std::size_t n, std::uint64_t * out) noexcept;
};

template <>
struct twobit_kernel<simd::scalar>
{
    static void pack(char const * seq, std::size_t n, std::uint64_t * words, std::uint64_t * dirty) noexcept
    {
        pack_scalar(seq, n, words, dirty);
    }
    static void unpack(std::uint64_t const * words, std::size_t n, char * out) noexcept
    {
        unpack_scalar(words, n, out);
    }
    static void reverse_complement(std::uint64_t const * words, std::size_t n, std::uint64_t * out) noexcept
    {
        reverse_complement_scalar(words, n, out);
    }
};

namespace simd_body
{
template <class T>
struct reverse_lanes
{
    static constexpr T get(std::size_t i, std::size_t n) noexcept { return static_cast<T>(n - 1 - i); }
};
} // namespace simd_body

template <class Arch>
void twobit_kernel<Arch>::pack(char const * seq, std::size_t n, std::uint64_t * words, std::uint64_t * dirty) noexcept
{
    using u8 = xsimd::batch<std::uint8_t, Arch>;
    using u32 = xsimd::batch<std::uint32_t, Arch>;
    using u64 = xsimd::batch<std::uint64_t, Arch>;
    constexpr std::size_t bytes = u8::size;           // 16, 32 or 64
    constexpr std::size_t per_block = bases_per_block / bytes;
    static_assert(bases_per_block % bytes == 0);

    std::fill_n(dirty, dirty_words_for(n), std::uint64_t{0});
    auto const * p = reinterpret_cast<std::uint8_t const *>(seq);
    std::size_t const full_blocks = n / bases_per_block;
    alignas(64) std::uint64_t chunk[bases_per_block / 8]; // 16 bits (8 bases) per entry

    for (std::size_t b = 0; b < full_blocks; ++b)
    {
        xsimd::batch_bool<std::uint8_t, Arch> bad(false); // parentheses: braces pick the per-lane list constructor
        for (std::size_t k = 0; k < per_block; ++k)
        {
            u8 const x = u8::load_unaligned(p + b * bases_per_block + k * bytes);
            bad = bad | ((x != u8('A')) & (x != u8('C')) & (x != u8('G')) & (x != u8('T')));
            // Code per byte, then fold 4 bytes into 8 bits of each 32-bit lane and 8 bytes into 16 bits of each
            // 64-bit lane; the bits shifted in from neighbouring bytes are masked away at each step.
            u32 v = xsimd::bitwise_cast<u32>(x);
            v = ((v >> 1) ^ (v >> 2)) & u32(0x03030303u);
            v = (v | (v >> 6)) & u32(0x000F000Fu);
            v = (v | (v >> 12)) & u32(0x000000FFu);
            u64 w = xsimd::bitwise_cast<u64>(v);
            w = (w | (w >> 24)) & u64(0xFFFFu);
            w.store_aligned(chunk + k * u64::size);
        }
        words[2 * b] = chunk[0] | chunk[1] << 16 | chunk[2] << 32 | chunk[3] << 48;
        words[2 * b + 1] = chunk[4] | chunk[5] << 16 | chunk[6] << 32 | chunk[7] << 48;
        if (xsimd::any(bad))
            dirty[b / 64] |= std::uint64_t{1} << (b % 64);
    }

    // Tail: fewer than 64 bases, at most two words.
    std::size_t const done = full_blocks * bases_per_block;
    if (done < n)
    {
        std::size_t const first_word = done / bases_per_word;
        words[first_word] = 0;
        if (first_word + 1 < words_for(n))
            words[first_word + 1] = 0;
        bool tail_dirty = false;
        for (std::size_t i = done; i < n; ++i)
        {
            words[i / bases_per_word] |= std::uint64_t{code_of(seq[i])} << (2 * (i % bases_per_word));
            tail_dirty |= !is_upper_acgt(seq[i]);
        }
        if (tail_dirty)
            dirty[full_blocks / 64] |= std::uint64_t{1} << (full_blocks % 64);
    }
}

template <class Arch>
void twobit_kernel<Arch>::unpack(std::uint64_t const * words, std::size_t n, char * out) noexcept
{
    using u8 = xsimd::batch<std::uint8_t, Arch>;
    using u32 = xsimd::batch<std::uint32_t, Arch>;
    using u64 = xsimd::batch<std::uint64_t, Arch>;
    constexpr std::size_t lanes = u64::size; // one word (32 bases) per 64-bit lane
    constexpr std::size_t span = lanes * bases_per_word;

    alignas(64) std::uint64_t letters[4][lanes]; // [quarter][word]: 8 letters each
    std::size_t i = 0;
    for (; i + span <= n; i += span)
    {
        u64 const w = u64::load_unaligned(words + i / bases_per_word);
        for (int q = 0; q < 4; ++q)
        {
            // The q-th 16 bits of every word, spread: 8 bits to each 32-bit half, 4 bits to each 16-bit quarter,
            // 2 bits to each byte.
            u64 x = (w >> (16 * q)) & u64(0xFFFFu);
            x = (x | (x << 24)) & u64(0x000000FF000000FFull);
            u32 v = xsimd::bitwise_cast<u32>(x);
            v = (v | (v << 12)) & u32(0x000F000Fu);
            v = (v | (v << 6)) & u32(0x03030303u);
            u8 const c = xsimd::bitwise_cast<u8>(v);
            // A=65, C=67, G=71, T=84 from the code c: 65 + 2c, plus 2 from G on, plus 11 more for T.
            u8 letter = u8('A') + c + c;
            letter = letter + xsimd::select(c >= u8(2), u8(2), u8(0));
            letter = letter + xsimd::select(c == u8(3), u8(11), u8(0));
            letter.store_aligned(reinterpret_cast<std::uint8_t *>(letters[q]));
        }
        // Lane l of quarter q holds bases 32l + 8q .. + 8: a 4 x lanes transpose, 8 bytes at a time.
        for (std::size_t l = 0; l < lanes; ++l)
            for (int q = 0; q < 4; ++q)
                std::memcpy(out + i + bases_per_word * l + 8 * q, &letters[q][l], 8);
    }
    for (; i < n; ++i)
        out[i] = code_to_ascii[(words[i / bases_per_word] >> (2 * (i % bases_per_word))) & 3u];
}

template <class Arch>
void twobit_kernel<Arch>::reverse_complement(std::uint64_t const * words, std::size_t n, std::uint64_t * out) noexcept
{
    using u64 = xsimd::batch<std::uint64_t, Arch>;
    constexpr std::size_t lanes = u64::size;
    std::size_t const m = words_for(n);
    if (m == 0)
        return;

    // Pass 1: out[j] = reverse_complement_word(words[m - 1 - j]), a whole batch of words at a time.
    std::size_t j = 0;
    for (; j + lanes <= m; j += lanes)
    {
        u64 x = u64::load_unaligned(words + (m - j - lanes));
        x = xsimd::swizzle(x, xsimd::make_batch_constant<xsimd::batch<std::uint64_t, Arch>,
                                                         simd_body::reverse_lanes<std::uint64_t>>());
        x = (x >> 32) | (x << 32);
        x = ((x >> 16) & u64(0x0000FFFF0000FFFFull)) | ((x & u64(0x0000FFFF0000FFFFull)) << 16);
        x = ((x >> 8) & u64(0x00FF00FF00FF00FFull)) | ((x & u64(0x00FF00FF00FF00FFull)) << 8);
        x = ((x >> 4) & u64(0x0F0F0F0F0F0F0F0Full)) | ((x & u64(0x0F0F0F0F0F0F0F0Full)) << 4);
        x = ((x >> 2) & u64(0x3333333333333333ull)) | ((x & u64(0x3333333333333333ull)) << 2);
        (~x).store_unaligned(out + j);
    }
    for (; j < m; ++j)
        out[j] = reverse_complement_word(words[m - 1 - j]);

    // Pass 2: the reversed padding (s codes) now leads; shift everything down by 2s bits, in place and forward.
    unsigned const s = static_cast<unsigned>(m * bases_per_word - n);
    if (s == 0)
        return;
    int const right = static_cast<int>(2 * s), left = 64 - right;
    std::size_t i = 0;
    for (; i + lanes < m; i += lanes) // reads out[i, i + lanes], all not yet written
    {
        u64 const lo = u64::load_unaligned(out + i);
        u64 const hi = u64::load_unaligned(out + i + 1);
        ((lo >> right) | (hi << left)).store_unaligned(out + i);
    }
    for (; i + 1 < m; ++i)
        out[i] = (out[i] >> right) | (out[i + 1] << left);
    out[m - 1] >>= right;
}

} // namespace wgskit::codec::twobit::detail

WGSKIT_DECLARE_KERNEL(wgskit::codec::twobit::detail::twobit_kernel)
