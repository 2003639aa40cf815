// The rANS Nx16 encoding step shared by the scalar encoders and the SIMD kernels: one 16-byte table entry per
// symbol, and x -> (x / f) * 2^bits + x mod f + start with the division done as a multiplication by a 32-bit
// reciprocal (exact for the states the 16-bit renormalisation leaves: x < f * 2^19).
#pragma once

#include <wgskit/core/platform.hpp>

#include <bit>
#include <cstdint>
#include <cstring>

#include <wgskit/codec/rans/detail/decode_primitives.hpp>

namespace wgskit::codec::rans::detail
{

//! One symbol's encoding constants, 16 bytes so that a SIMD kernel loads a lane's entry with one load and
//! transposes four entries into four vectors (the last 32 bits then hold cmpl_freq | rcp_shift << 16).
struct encoder_symbol
{
    std::uint32_t renorm_above{0}; // emit 16 bits first while x > renorm_above (= f * 2^19 - 1, below 2^31)
    std::uint32_t rcp_freq{0};     // q = (x * rcp_freq) >> rcp_shift
    std::uint32_t bias{0};         // x' = x + bias + q * cmpl_freq
    std::uint16_t cmpl_freq{0};    // 2^bits - f
    std::uint16_t rcp_shift{0};    // 32 .. 43
};
static_assert(sizeof(encoder_symbol) == 16);

//! The reciprocal for frequency freq of a table summing to 2^bits, placed at start.
inline encoder_symbol make_encoder_symbol(std::uint32_t start, std::uint32_t freq, unsigned bits) noexcept
{
    encoder_symbol e;
    e.renorm_above = ((state_lower_bound >> bits) << 16) * freq - 1;
    e.cmpl_freq = static_cast<std::uint16_t>((1u << bits) - freq);
    if (freq < 2)
    {
        // q = x - 1 for x >= 1, and x + bias + (x - 1) * (2^bits - 1) = x * 2^bits + start.
        e.rcp_freq = ~0u;
        e.rcp_shift = 32;
        e.bias = start + (1u << bits) - 1;
    }
    else
    {
        unsigned shift = 0;
        while (freq > (1u << shift))
            ++shift;
        e.rcp_freq = static_cast<std::uint32_t>(((std::uint64_t{1} << (shift + 31)) + freq - 1) / freq);
        e.rcp_shift = static_cast<std::uint16_t>(32 + shift - 1);
        e.bias = start;
    }
    return e;
}

//! One symbol's encoding constants for the scalar 4-way encoders: a 64-bit reciprocal, so that the quotient is
//! the high half of one 64 x 64-bit multiply, with no per-symbol variable shift (two or three micro-ops on Intel
//! cores, and its count pins a register). Exact for every x below 2^32: x * (rcp - 2^64 / f) < 2^32 < 2^64 / f.
struct scalar_encoder_symbol
{
    std::uint64_t rcp_freq{0};     // ceil(2^64 / f); 2^64 - 1 for f = 1 (q = x - 1)
    std::uint32_t renorm_above{0}; // as encoder_symbol
    std::uint16_t bias{0};         // start, or start + 2^bits - 1 for f = 1
    std::uint16_t cmpl_freq{0};    // 2^bits - f
};
static_assert(sizeof(scalar_encoder_symbol) == 16);

//! The same symbol as make_encoder_symbol's (bound, bias, complement), with the 64-bit reciprocal.
inline scalar_encoder_symbol make_scalar_encoder_symbol(std::uint32_t start, std::uint32_t freq, unsigned bits) noexcept
{
    encoder_symbol const e = make_encoder_symbol(start, freq, bits);
    scalar_encoder_symbol s;
    s.renorm_above = e.renorm_above;
    s.bias = static_cast<std::uint16_t>(e.bias);
    s.cmpl_freq = e.cmpl_freq;
    // ceil(2^64 / f): exactly 2^64 / f for a power of two, else floor((2^64 - 1) / f) + 1; for f = 1, 2^64 - 1
    // gives q = x - 1, which the bias makes up for.
    s.rcp_freq = freq < 2                   ? ~std::uint64_t{0}
                 : std::has_single_bit(freq) ? std::uint64_t{1} << (64 - std::countr_zero(freq))
                                             : ~std::uint64_t{0} / freq + 1;
    return s;
}

//! The quotient x / f of encode_symbol() for either table layout.
WGSKIT_ALWAYS_INLINE std::uint32_t encoder_quotient(std::uint32_t x, encoder_symbol const & s) noexcept
{
    return static_cast<std::uint32_t>((std::uint64_t{x} * s.rcp_freq) >> s.rcp_shift);
}

__extension__ using uint128 = unsigned __int128;

WGSKIT_ALWAYS_INLINE std::uint32_t encoder_quotient(std::uint32_t x, scalar_encoder_symbol const & s) noexcept
{
    return static_cast<std::uint32_t>((static_cast<uint128>(x) * s.rcp_freq) >> 64);
}

//! Stores the low 16 bits of x at p, little-endian.
WGSKIT_ALWAYS_INLINE void store_word(std::uint8_t * p, std::uint32_t x) noexcept
{
    if constexpr (std::endian::native == std::endian::little)
    {
        std::uint16_t const w = static_cast<std::uint16_t>(x);
        std::memcpy(p, &w, 2);
    }
    else
    {
        p[0] = static_cast<std::uint8_t>(x);
        p[1] = static_cast<std::uint8_t>(x >> 8);
    }
}

//! Encodes one symbol into x, writing renormalisation words backwards at *ptr. Branchless: for data of more
//! than a bit a symbol (names), where renormalisation is frequent and a branch on it mispredicts often; on
//! well-compressible data (qualities) the branch is predictable and cheaper than the extra dependency.
template <bool Branchless, typename Symbol>
WGSKIT_ALWAYS_INLINE void encode_symbol(std::uint32_t & x, std::uint8_t *& ptr, Symbol const & s) noexcept
{
    if constexpr (Branchless)
    {
        // The word is always stored below ptr (the buffer has room), but ptr only moves over it when it counts.
        store_word(ptr - 2, x);
#if defined(__x86_64__) && defined(__GNUC__)
        // Conditional moves: GCC turns the selects below (and arithmetic on the flag) into a branch.
        std::uint32_t const shifted = x >> 16;
        std::uint8_t * const moved = ptr - 2;
        asm("cmpl %[above], %[x]\n\t"
            "cmova %[shifted], %[x]\n\t"
            "cmova %[moved], %[ptr]"
            : [x] "+&r"(x), [ptr] "+&r"(ptr)
            : [above] "rm"(s.renorm_above), [shifted] "r"(shifted), [moved] "r"(moved)
            : "cc");
#else
        bool const renorm = x > s.renorm_above;
        ptr = renorm ? ptr - 2 : ptr;
        x = renorm ? x >> 16 : x;
#endif
    }
    else if (x > s.renorm_above)
    {
        ptr -= 2;
        store_word(ptr, x);
        x >>= 16;
    }
    std::uint32_t const q = encoder_quotient(x, s);
    x = x + s.bias + q * s.cmpl_freq;
}

//! Writes the N final states (little-endian) below ptr, state 0 first.
inline void flush_states(std::uint32_t const * x, unsigned n, std::uint8_t *& ptr) noexcept
{
    for (unsigned j = n; j-- > 0;)
    {
        ptr -= 4;
        for (unsigned b = 0; b < 4; ++b)
            ptr[b] = static_cast<std::uint8_t>(x[j] >> (8 * b));
    }
}

} // namespace wgskit::codec::rans::detail
