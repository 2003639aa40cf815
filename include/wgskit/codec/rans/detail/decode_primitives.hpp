// The rANS Nx16 decoding step shared by the scalar decoders and the SIMD kernel: 32-bit states, lower bound
// L = 2^15, 16-bit renormalisation, and a decoder table with one 32-bit slot per cumulative frequency.
#pragma once

#include <wgskit/core/platform.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace wgskit::codec::rans::detail
{

inline constexpr std::uint32_t state_lower_bound = 1u << 15;
inline constexpr unsigned order0_bits = 12;

//! An empty asm that claims to change v: the compiler can no longer re-associate the arithmetic around it.
WGSKIT_ALWAYS_INLINE void keep_in_register([[maybe_unused]] std::uint32_t & v) noexcept
{
#if defined(__GNUC__)
    asm("" : "+r"(v));
#endif
}

//! Per cumulative-frequency slot: symbol | (slot - start) << 8 | (freq - 1) << 20. The frequency on top and
//! f * q = (f - 1) * q + q keep the chain from the table load to the new state at a shift, a multiply and an add.
WGSKIT_ALWAYS_INLINE std::uint32_t decode_step(std::uint32_t x, std::uint32_t slot, unsigned bits) noexcept
{
    std::uint32_t const q = x >> bits;
    std::uint32_t base = q + ((slot >> 8) & 0xfffu);
    keep_in_register(base); // else GCC adds q and the bias to the product one after the other
    return (slot >> 20) * q + base;
}

//! Reads 16 bits into x when it fell below L. False when the stream has no more words.
WGSKIT_ALWAYS_INLINE bool renormalise(std::uint32_t & x, std::uint8_t const *& p, std::uint8_t const * end) noexcept
{
    if (x >= state_lower_bound)
        return true;
    if (end - p < 2)
        return false;
    x = (x << 16) | p[0] | (std::uint32_t{p[1]} << 8);
    p += 2;
    return true;
}

//! Reads a word into x when key < threshold (the caller knows two more bytes are there); branch-free: the state
//! and the input position both move by conditional moves on one compare (GCC turns ?: on this data-dependent
//! compare into a branch, and the arithmetic forms into a longer chain; the decoders are bound by this chain and
//! by their instruction count). renormalise_unchecked compares x itself with L; the order-0 4-way decoder
//! compares x's quotient with a per-slot threshold, which is known before x is (a reference to it lets the
//! compare take it straight from memory: a load and a compare in one instruction).
WGSKIT_ALWAYS_INLINE void renormalise_when_below(std::uint32_t & x, std::uint32_t key, std::uint32_t const & threshold,
                                                 std::uint8_t const *& p) noexcept
{
    std::uint16_t word; // little-endian (platform.hpp); one 16-bit load, which GCC does not make of two bytes here
    std::memcpy(&word, p, 2);
    std::uint32_t const renormed = (x << 16) | word;
#if defined(__x86_64__) && defined(__GNUC__)
    std::uint8_t const * next;
    asm("cmpl %[threshold], %[key]\n\t"
        "cmovb %[renormed], %[x]\n\t"
        "leaq 2(%[p]), %[next]\n\t" // lea leaves the flags alone
        "cmovb %[next], %[p]"
        : [x] "+r"(x), [p] "+r"(p), [next] "=&r"(next)
        : [renormed] "r"(renormed), [key] "r"(key), [threshold] "g"(threshold)
        : "cc");
#else
    bool const renorm = key < threshold;
    x = renorm ? renormed : x;
    p += renorm ? 2 : 0;
#endif
}

//! renormalise() for when the caller knows two more bytes are there; branch-free.
WGSKIT_ALWAYS_INLINE void renormalise_unchecked(std::uint32_t & x, std::uint8_t const *& p) noexcept
{
    renormalise_when_below(x, x, state_lower_bound, p);
}

//! One state's renormalisation when the caller knows two more bytes are there: branch-free (renormalise_unchecked)
//! for data of more than a bit a symbol, else on a branch, which is predictable on well-compressed data.
template <bool Branchless>
WGSKIT_ALWAYS_INLINE void renormalise_state(std::uint32_t & x, std::uint8_t const *& p) noexcept
{
    if constexpr (Branchless)
        renormalise_unchecked(x, p);
    else if (x < state_lower_bound)
    {
        std::uint16_t word;
        std::memcpy(&word, p, 2);
        x = (x << 16) | word;
        p += 2;
    }
}

//! Renormalises the N states of a round (state order) when the caller knows 2 N more bytes are there.
//! Branchless (state by state, renormalise_unchecked) for data of more than a bit a symbol (names), where a
//! branch on "needs a word" mispredicts often. On well-compressed data (qualities) the predictable branch is
//! cheaper; there four states at a time take their words from one 8-byte load, so the input position does not
//! wait for a load per state.
template <unsigned N, bool Branchless>
WGSKIT_ALWAYS_INLINE void renormalise_round(std::uint32_t * x, std::uint8_t const *& p) noexcept
{
    static_assert(N % 4 == 0);
    if constexpr (Branchless)
        for (unsigned j = 0; j < N; ++j)
            renormalise_unchecked(x[j], p);
    else
        for (unsigned g = 0; g < N; g += 4)
        {
            std::uint64_t words = 0;
            for (unsigned b = 0; b < 8; ++b) // one little-endian load
                words |= std::uint64_t{p[b]} << (8 * b);
            unsigned taken = 0;
            for (unsigned j = g; j < g + 4; ++j)
            {
                if (x[j] < state_lower_bound)
                {
                    x[j] = (x[j] << 16) | (static_cast<std::uint32_t>(words >> (16 * taken)) & 0xffffu);
                    ++taken;
                }
            }
            p += 2 * taken;
        }
}

//! Whether the branch-free renormalisation pays: more than a bit a symbol (coded bytes for len symbols).
inline bool renormalise_branchless(std::size_t coded_bytes, std::size_t len) noexcept
{
    return coded_bytes * 8 > len;
}

//! Byte stores may alias anything, so the decoders work on local copies of the states and the input pointer
//! (which the compiler then keeps in registers) and write them back once, in finish().
template <unsigned N>
struct local_decoder_state
{
    std::uint32_t x[N];
    std::uint8_t const * p;
    std::uint32_t * states_out;
    std::uint8_t const *& p_out;

    local_decoder_state(std::uint32_t * states, std::uint8_t const *& in_ptr) :
        p{in_ptr},
        states_out{states},
        p_out{in_ptr}
    {
        std::copy_n(states, N, x);
    }

    void write_back() noexcept
    {
        std::copy_n(x, N, states_out);
        p_out = p;
    }

    template <typename Status>
    Status finish(Status st) noexcept
    {
        write_back();
        return st;
    }
};

//! Order-0 rounds of N symbols (state j decodes symbol i + j) from symbol i while the input surely holds a
//! round's words (2 N bytes); returns the symbols decoded so far.
template <unsigned N, bool Branchless = true>
WGSKIT_ALWAYS_INLINE std::size_t decode_order0_rounds(std::uint32_t const * table, std::uint32_t * x,
                                                      std::uint8_t const *& p, std::uint8_t const * end,
                                                      std::size_t i, std::size_t len, std::uint8_t * out) noexcept
{
    constexpr std::uint32_t mask = (1u << order0_bits) - 1;
    for (; i + N <= len && static_cast<std::size_t>(end - p) >= 2 * N; i += N)
    {
        for (unsigned j = 0; j < N; ++j)
        {
            std::uint32_t const slot = table[x[j] & mask];
            out[i + j] = static_cast<std::uint8_t>(slot);
            x[j] = decode_step(x[j], slot, order0_bits);
        }
        renormalise_round<N, Branchless>(x, p);
    }
    return i;
}

} // namespace wgskit::codec::rans::detail
