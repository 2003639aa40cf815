// SIMD kernels of the 32-way rANS Nx16 decoders (order-0 and order-1): the 32 states sit in vector lanes (4, 8
// or 16 per register), the decoder-table slots are gathered, and the state update is one multiply-add per lane.
// Renormalisation hands the next 16-bit words to the lanes that need one, in lane order as the format requires:
// the words are loaded contiguously and expanded into those lanes by a permutation looked up by the lane mask
// (AVX2 and SSE4.2 intrinsics: xsimd has no expand), or AVX-512's expand (16 lanes for order-0, 8 for order-1:
// see lane_arch).
// Order-1 gathers from the table of each lane's context (the previous symbol; one output region per state).
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include <wgskit/codec/rans/detail/decode_primitives.hpp>
#include <wgskit/simd/arch.hpp>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define WGSKIT_RANS_X86 1
#else
#define WGSKIT_RANS_X86 0
#endif

namespace wgskit::codec::rans::detail
{

//! Order-1 context without a decoder table (in context_base).
inline constexpr std::uint32_t no_context_table = ~0u;

//! Scalar reference: whole order-0 rounds of 32 symbols (state j decodes symbol i + j) while i + 32 <= len and
//! the input holds 64 more bytes. Updates the states and p; returns the number of symbols decoded.
inline std::size_t decode_x32_rounds_scalar(std::uint32_t const * table, std::uint32_t * states,
                                            std::uint8_t const *& in_ptr, std::uint8_t const * end, std::size_t len,
                                            std::uint8_t * out) noexcept
{
    local_decoder_state<32> local{states, in_ptr};
    std::size_t const done = decode_order0_rounds<32>(table, local.x, local.p, end, 0, len, out);
    local.write_back();
    return done;
}

//! Scalar reference: whole order-1 rounds (state j writes out[j * region + i]) from i = 0 while i < region, the
//! input holds 64 more bytes and every state's context (last[j]) has a table. slots: the tables, each 2^bits
//! entries, context c's at c << bits; context_base[c]: c << bits, or no_context_table for a context without a
//! table. check_contexts false: the caller guarantees that every context the tables can produce (and every
//! last[j]) has a table, and the SIMD kernels then skip the check (the result is the same; this reference always
//! checks). Updates the states, last and p; returns the number of rounds decoded.
inline std::size_t decode_x32_order1_rounds_scalar(std::uint32_t const * slots, std::uint32_t const * context_base,
                                                   bool /*check_contexts*/, unsigned bits, std::uint32_t * states,
                                                   std::uint8_t * last,
                                                   std::uint8_t const *& in_ptr, std::uint8_t const * end,
                                                   std::size_t region, std::uint8_t * out) noexcept
{
    local_decoder_state<32> local{states, in_ptr};
    auto & x = local.x;
    auto & p = local.p;
    std::uint32_t const mask = (1u << bits) - 1;
    std::size_t i = 0;
    for (; i < region && static_cast<std::size_t>(end - p) >= 64; ++i)
    {
        if (std::any_of(last, last + 32, [&](std::uint8_t c) { return context_base[c] == no_context_table; }))
            break;
        for (unsigned j = 0; j < 32; ++j)
        {
            std::uint32_t const slot = slots[(std::uint32_t{last[j]} << bits) + (x[j] & mask)];
            out[j * region + i] = last[j] = static_cast<std::uint8_t>(slot);
            x[j] = decode_step(x[j], slot, bits);
        }
        renormalise_round<32, true>(x, p);
    }
    local.write_back();
    return i;
}

template <class Arch>
struct rans_x32_kernel
{
    //! As decode_x32_rounds_scalar. table: 4096 decoder slots (decode_primitives.hpp).
    static std::size_t decode_order0(std::uint32_t const * table, std::uint32_t * states, std::uint8_t const *& in_ptr,
                                     std::uint8_t const * end, std::size_t len, std::uint8_t * out) noexcept;
    //! As decode_x32_order1_rounds_scalar.
    static std::size_t decode_order1(std::uint32_t const * slots, std::uint32_t const * context_base,
                                     bool check_contexts, unsigned bits, std::uint32_t * states, std::uint8_t * last,
                                     std::uint8_t const *& in_ptr, std::uint8_t const * end, std::size_t region,
                                     std::uint8_t * out) noexcept;
};

template <>
struct rans_x32_kernel<simd::scalar>
{
    static std::size_t decode_order0(std::uint32_t const * table, std::uint32_t * states, std::uint8_t const *& in_ptr,
                                     std::uint8_t const * end, std::size_t len, std::uint8_t * out) noexcept
    {
        return decode_x32_rounds_scalar(table, states, in_ptr, end, len, out);
    }
    static std::size_t decode_order1(std::uint32_t const * slots, std::uint32_t const * context_base,
                                     bool check_contexts, unsigned bits, std::uint32_t * states, std::uint8_t * last,
                                     std::uint8_t const *& in_ptr, std::uint8_t const * end, std::size_t region,
                                     std::uint8_t * out) noexcept
    {
        return decode_x32_order1_rounds_scalar(slots, context_base, check_contexts, bits, states, last, in_ptr, end,
                                               region, out);
    }
};

namespace x32_body
{
//! For each mask of lanes needing a word (bit k: lane k), the index of the word lane k takes: the number of
//! needing lanes below it. Lanes that need none take word 0 (discarded).
template <unsigned Lanes>
constexpr auto make_expand_indices() noexcept
{
    std::array<std::array<std::uint8_t, Lanes>, (1u << Lanes)> t{};
    for (unsigned m = 0; m < (1u << Lanes); ++m)
    {
        unsigned n = 0;
        for (unsigned k = 0; k < Lanes; ++k)
            if (m & (1u << k))
                t[m][k] = static_cast<std::uint8_t>(n++);
    }
    return t;
}
alignas(64) inline constexpr auto expand8 = make_expand_indices<8>();

//! SSE4.2: pshufb controls that put 16-bit word w (zero-extended) into each needing lane, zero elsewhere.
constexpr auto make_expand_shuffles4() noexcept
{
    std::array<std::array<std::uint8_t, 16>, 16> t{};
    auto const idx = make_expand_indices<4>();
    for (unsigned m = 0; m < 16; ++m)
        for (unsigned k = 0; k < 4; ++k)
        {
            bool const need = m & (1u << k);
            t[m][4 * k] = need ? static_cast<std::uint8_t>(2 * idx[m][k]) : 0x80;
            t[m][4 * k + 1] = need ? static_cast<std::uint8_t>(2 * idx[m][k] + 1) : 0x80;
            t[m][4 * k + 2] = 0x80;
            t[m][4 * k + 3] = 0x80;
        }
    return t;
}
alignas(64) inline constexpr auto expand_shuffles4 = make_expand_shuffles4();

template <class Arch, class Base>
inline constexpr bool is_at_least = std::is_base_of_v<Base, Arch> || std::is_same_v<Base, Arch>;

//! The vectors the order-1 kernel uses on Arch. AVX-512 machines run 8 lanes (with AVX-512VL's mask compare and
//! expand): on the AMD EPYC (Zen 4) we measured, 16 lanes were 30% slower for order-1 (13-16% faster on an Intel
//! Xeon of the Emerald Rapids class: one choice for both, the one that loses less).
template <class Arch>
using lane_arch = std::conditional_t<is_at_least<Arch, xsimd::avx512f>, xsimd::avx2, Arch>;

//! The order-0 kernel's: 16 lanes on AVX-512 (as fast as 8 on Zen 4; on the Intel Xeon, half the gathers and
//! ~5% faster).
template <class Arch>
using order0_lane_arch = Arch;

//! Renormalises the lanes below L with the next words at p (in lane order) and advances p. Reads up to
//! 2 * lanes bytes at p. Arch: the machine's; Lanes: the vectors' (lane_arch or order0_lane_arch).
template <class Arch, class Lanes = lane_arch<Arch>>
WGSKIT_ALWAYS_INLINE xsimd::batch<std::uint32_t, Lanes> renormalise_lanes(xsimd::batch<std::uint32_t, Lanes> v,
                                                                          std::uint8_t const *& p) noexcept
{
    using u32 = xsimd::batch<std::uint32_t, Lanes>;
    static_assert(state_lower_bound == 1u << 15);
    auto const need = (v >> 15) == u32(0u); // v < L, exact for unsigned lanes
#if WGSKIT_RANS_X86
    if constexpr (u32::size == 16)
    {
        // AVX-512 on 16 lanes: as below on twice the lanes.
        __m512i const x = v;
        __mmask16 const m = _mm512_cmplt_epu32_mask(x, _mm512_set1_epi32(static_cast<int>(state_lower_bound)));
        __m512i const words = _mm512_cvtepu16_epi32(_mm256_loadu_si256(reinterpret_cast<__m256i const *>(p)));
        __m512i const w = _mm512_maskz_expand_epi32(m, words);
        p += 2 * std::popcount(static_cast<unsigned>(m));
        (void) need;
        return _mm512_mask_or_epi32(x, m, _mm512_slli_epi32(x, 16), w);
    }
    else if constexpr (is_at_least<Arch, xsimd::avx512f>)
    {
        // AVX-512VL on 8 lanes: a mask compare and an expand, no table lookup on the dependency chain.
        __m256i const x = v;
        __mmask8 const m = _mm256_cmplt_epu32_mask(x, _mm256_set1_epi32(static_cast<int>(state_lower_bound)));
        __m256i const words = _mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<__m128i const *>(p)));
        __m256i const w = _mm256_maskz_expand_epi32(m, words);
        p += 2 * std::popcount(static_cast<unsigned>(m));
        (void) need;
        return _mm256_mask_or_epi32(x, m, _mm256_slli_epi32(x, 16), w);
    }
    else if constexpr (is_at_least<Arch, xsimd::avx2>)
    {
        __m256i const needv = need;
        unsigned const m = static_cast<unsigned>(_mm256_movemask_ps(_mm256_castsi256_ps(needv)));
        __m256i const words = _mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<__m128i const *>(p)));
        __m256i const idx = _mm256_cvtepu8_epi32(_mm_loadl_epi64(reinterpret_cast<__m128i const *>(expand8[m].data())));
        __m256i const w = _mm256_permutevar8x32_epi32(words, idx);
        p += 2 * std::popcount(m);
        return _mm256_blendv_epi8(v, _mm256_or_si256(_mm256_slli_epi32(v, 16), w), needv);
    }
    else if constexpr (is_at_least<Arch, xsimd::sse4_2>)
    {
        __m128i const needv = need;
        unsigned const m = static_cast<unsigned>(_mm_movemask_ps(_mm_castsi128_ps(needv)));
        __m128i const words = _mm_loadl_epi64(reinterpret_cast<__m128i const *>(p));
        __m128i const w = _mm_shuffle_epi8(words, _mm_load_si128(reinterpret_cast<__m128i const *>(expand_shuffles4[m].data())));
        p += 2 * std::popcount(m);
        return _mm_blendv_epi8(v, _mm_or_si128(_mm_slli_epi32(v, 16), w), needv);
    }
    else
#endif
    {
        // Other architectures: lane by lane.
        alignas(64) std::uint32_t x[u32::size];
        v.store_aligned(x);
        for (auto & s : x)
            renormalise_unchecked(s, p);
        (void) need;
        return u32::load_aligned(x);
    }
}

//! Stores the low byte of every lane of the groups (lanes 0 .. 31 in order) to out[0 .. 32), packing them
//! down to bytes in registers.
template <class Arch, std::size_t Groups>
WGSKIT_ALWAYS_INLINE void store_symbols(xsimd::batch<std::uint32_t, Arch> const (&s)[Groups], std::uint8_t * out) noexcept
{
#if WGSKIT_RANS_X86
    if constexpr (xsimd::batch<std::uint32_t, Arch>::size == 16 && Groups == 2)
    {
        // AVX-512: each lane's low byte by a truncating narrow (the lanes hold more than the symbol).
        _mm_storeu_si128(reinterpret_cast<__m128i *>(out), _mm512_cvtepi32_epi8(s[0]));
        _mm_storeu_si128(reinterpret_cast<__m128i *>(out + 16), _mm512_cvtepi32_epi8(s[1]));
    }
    else if constexpr (is_at_least<Arch, xsimd::avx2> && Groups == 4)
    {
        __m256i const low = _mm256_set1_epi32(0xff);
        // packus works within 128-bit halves: the dwords come out as lanes 0-3, 8-11, 16-19, 24-27, 4-7, ...
        __m256i const a = _mm256_packus_epi32(_mm256_and_si256(s[0], low), _mm256_and_si256(s[1], low));
        __m256i const b = _mm256_packus_epi32(_mm256_and_si256(s[2], low), _mm256_and_si256(s[3], low));
        __m256i const bytes = _mm256_permutevar8x32_epi32(_mm256_packus_epi16(a, b), _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
        _mm256_storeu_si256(reinterpret_cast<__m256i *>(out), bytes);
    }
    else if constexpr (is_at_least<Arch, xsimd::sse4_2> && Groups == 8)
    {
        __m128i const low = _mm_set1_epi32(0xff);
        for (std::size_t h = 0; h < 2; ++h)
        {
            __m128i const a = _mm_packus_epi32(_mm_and_si128(s[4 * h], low), _mm_and_si128(s[4 * h + 1], low));
            __m128i const b = _mm_packus_epi32(_mm_and_si128(s[4 * h + 2], low), _mm_and_si128(s[4 * h + 3], low));
            _mm_storeu_si128(reinterpret_cast<__m128i *>(out + 16 * h), _mm_packus_epi16(a, b));
        }
    }
    else
#endif
    {
        constexpr std::size_t lanes = xsimd::batch<std::uint32_t, Arch>::size;
        alignas(64) std::uint32_t x[lanes];
        for (std::size_t g = 0; g < Groups; ++g)
        {
            s[g].store_aligned(x);
            for (std::size_t k = 0; k < lanes; ++k)
                out[g * lanes + k] = static_cast<std::uint8_t>(x[k]);
        }
    }
}

//! decode_step() in every lane.
template <class Arch>
WGSKIT_ALWAYS_INLINE xsimd::batch<std::uint32_t, Arch> decode_step_lanes(xsimd::batch<std::uint32_t, Arch> v,
                                                                         xsimd::batch<std::uint32_t, Arch> slot,
                                                                         unsigned bits) noexcept
{
    using u32 = xsimd::batch<std::uint32_t, Arch>;
    u32 const q = v >> bits;
    return (slot >> 20) * q + (q + ((slot >> 8) & u32(0xfffu)));
}

template <class Arch>
WGSKIT_ALWAYS_INLINE xsimd::batch<std::uint32_t, Arch> gather(std::uint32_t const * base,
                                                              xsimd::batch<std::uint32_t, Arch> index) noexcept
{
#if WGSKIT_RANS_X86
    // xsimd 8.1 emulates this gather with lane extracts and inserts.
    if constexpr (xsimd::batch<std::uint32_t, Arch>::size == 16)
        return _mm512_i32gather_epi32(index, reinterpret_cast<int const *>(base), 4);
    else if constexpr (is_at_least<Arch, xsimd::avx2>)
        return _mm256_i32gather_epi32(reinterpret_cast<int const *>(base), index, 4);
    else
#endif
        return xsimd::batch<std::uint32_t, Arch>::gather(base, xsimd::bitwise_cast<xsimd::batch<std::int32_t, Arch>>(index));
}
} // namespace x32_body

template <class Arch>
std::size_t rans_x32_kernel<Arch>::decode_order0(std::uint32_t const * table, std::uint32_t * states,
                                                 std::uint8_t const *& in_ptr, std::uint8_t const * end,
                                                 std::size_t len, std::uint8_t * out) noexcept
{
    using lanes_arch = x32_body::order0_lane_arch<Arch>;
    using u32 = xsimd::batch<std::uint32_t, lanes_arch>;
    constexpr std::size_t lanes = u32::size;
    constexpr std::size_t groups = 32 / lanes;
    static_assert(32 % lanes == 0);
    u32 v[groups];
    for (std::size_t g = 0; g < groups; ++g)
        v[g] = u32::load_unaligned(states + g * lanes);
    std::uint8_t const * p = in_ptr;
    std::size_t i = 0;
    // 64 bytes cover a round's words (at most one per state), and each group's load of 2 * lanes bytes.
    for (; i + 32 <= len && static_cast<std::size_t>(end - p) >= 64; i += 32)
    {
        u32 s[groups];
        for (std::size_t g = 0; g < groups; ++g) // independent gathers first
            s[g] = x32_body::gather(table, v[g] & u32(0xfffu));
        for (std::size_t g = 0; g < groups; ++g)
        {
            v[g] = x32_body::decode_step_lanes(v[g], s[g], order0_bits);
            v[g] = x32_body::renormalise_lanes<Arch, lanes_arch>(v[g], p);
        }
        x32_body::store_symbols(s, out + i);
    }
    for (std::size_t g = 0; g < groups; ++g)
        v[g].store_unaligned(states + g * lanes);
    in_ptr = p;
    return i;
}

template <class Arch>
std::size_t rans_x32_kernel<Arch>::decode_order1(std::uint32_t const * slots, std::uint32_t const * context_base,
                                                 bool check_contexts, unsigned bits, std::uint32_t * states,
                                                 std::uint8_t * last,
                                                 std::uint8_t const *& in_ptr, std::uint8_t const * end,
                                                 std::size_t region, std::uint8_t * out) noexcept
{
    using u32 = xsimd::batch<std::uint32_t, x32_body::lane_arch<Arch>>;
    constexpr std::size_t lanes = u32::size;
    constexpr std::size_t groups = 32 / lanes;
    static_assert(32 % lanes == 0);
    alignas(64) std::uint32_t sym[32];
    for (unsigned j = 0; j < 32; ++j)
        sym[j] = last[j];
    // ctx: each lane's context (the table is at ctx << bits); missing: whether one has no table, found by a
    // gather that nothing else waits for.
    u32 v[groups], ctx[groups];
    for (std::size_t g = 0; g < groups; ++g)
    {
        v[g] = u32::load_unaligned(states + g * lanes);
        ctx[g] = u32::load_aligned(sym + g * lanes);
    }
    auto any_missing = [&] {
        auto missing = x32_body::gather(context_base, ctx[0]) == u32(no_context_table);
        for (std::size_t g = 1; g < groups; ++g)
            missing = missing | (x32_body::gather(context_base, ctx[g]) == u32(no_context_table));
        return xsimd::any(missing);
    };
    u32 const mask(static_cast<std::uint32_t>((1u << bits) - 1));
    std::uint8_t const * p = in_ptr;
    // Each state writes its own region: byte stores 32 regions apart cost more than decoding. The symbols of up
    // to 4 rounds from round i0 collect in the lanes of acc (round i0 + k in byte k), then go out as one 32-bit
    // store per state.
    u32 acc[groups];
    alignas(64) std::uint32_t collected[32];
    auto const write_collected = [&](std::size_t i0, unsigned rounds) {
        for (std::size_t g = 0; g < groups; ++g)
            acc[g].store_aligned(collected + g * lanes);
        std::uint8_t * o = out + i0;
        for (unsigned j = 0; j < 32; ++j, o += region)
            std::memcpy(o, collected + j, rounds); // little-endian: round i0 + k from byte k
    };
    std::size_t i = 0;
    unsigned k = 0; // rounds collected since i - k
    for (; i < region && static_cast<std::size_t>(end - p) >= 64; ++i)
    {
        if (check_contexts && any_missing())
            break; // the scalar code reports it
        u32 s[groups];
        for (std::size_t g = 0; g < groups; ++g)
            s[g] = x32_body::gather(slots, (ctx[g] << bits) + (v[g] & mask));
        for (std::size_t g = 0; g < groups; ++g)
        {
            ctx[g] = s[g] & u32(0xffu);
            acc[g] = k == 0 ? ctx[g] : (acc[g] | (ctx[g] << (8 * k)));
            v[g] = x32_body::decode_step_lanes(v[g], s[g], bits);
            v[g] = x32_body::renormalise_lanes<Arch>(v[g], p);
        }
        if (++k == 4)
        {
            write_collected(i - 3, 4);
            k = 0;
        }
    }
    if (k > 0)
        write_collected(i - k, k);
    for (std::size_t g = 0; g < groups; ++g)
    {
        v[g].store_unaligned(states + g * lanes);
        ctx[g].store_aligned(sym + g * lanes);
    }
    for (unsigned j = 0; j < 32; ++j)
        last[j] = static_cast<std::uint8_t>(sym[j]);
    in_ptr = p;
    return i;
}

} // namespace wgskit::codec::rans::detail

WGSKIT_DECLARE_KERNEL(wgskit::codec::rans::detail::rans_x32_kernel)
