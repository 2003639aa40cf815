// SIMD kernels of the 32-way rANS Nx16 encoders (order-0 and order-1): the 32 states sit in vector lanes (4 or 8
// per register), each lane's 16-byte table entry is loaded whole and four entries are transposed into four
// vectors, and the division x / f is a multiply-high by the entry's reciprocal and a shift. Renormalisation
// words of the lanes above their bound are compressed together by a shuffle looked up by the lane mask and
// stored below the output pointer in lane order, which is the order the decoder reads them in. The encoder
// runs backwards (last round first, states 31 .. 0 within a round), so group 3's words are stored first.
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include <wgskit/codec/rans/detail/encode_primitives.hpp>
#include <wgskit/simd/arch.hpp>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define WGSKIT_RANS_ENCODE_X86 1
#else
#define WGSKIT_RANS_ENCODE_X86 0
#endif

namespace wgskit::codec::rans::detail
{

//! Order-1 encoder tables: 256 entries per context, context c's at c * 256.
inline constexpr std::size_t order1_encoder_entries = 256 * 256;

//! Local copies of the states and the output pointer (byte stores may alias anything), written back at the end.
template <unsigned N>
struct local_encoder_state
{
    std::uint32_t x[N];
    std::uint8_t * ptr;
    std::uint32_t * states_out;
    std::uint8_t *& ptr_out;

    local_encoder_state(std::uint32_t * states, std::uint8_t *& out_ptr) : ptr{out_ptr}, states_out{states}, ptr_out{out_ptr}
    {
        std::copy_n(states, N, x);
    }
    void write_back() noexcept
    {
        std::copy_n(x, N, states_out);
        ptr_out = ptr;
    }
};

//! Scalar reference: whole order-0 rounds, last first: round r = rounds - 1 .. 0 codes in[32 r + j] into state
//! j, j = 31 .. 0, storing the renormalisation words below ptr and moving ptr down over them. The states are in
//! [L, 2^31). Every implementation may also write anything into the 16 bytes below the final ptr. branchless:
//! the data take more than a bit a symbol (a hint for the scalar code only; the result is the same).
inline void encode_x32_order0_rounds_scalar(encoder_symbol const * table, std::uint8_t const * in, std::size_t rounds,
                                            std::uint32_t * states, std::uint8_t *& out_ptr, bool branchless) noexcept
{
    local_encoder_state<32> local{states, out_ptr};
    auto run = [&]<bool Branchless>() {
        for (std::size_t r = rounds; r-- > 0;)
            for (unsigned j = 32; j-- > 0;)
                encode_symbol<Branchless>(local.x[j], local.ptr, table[in[32 * r + j]]);
    };
    branchless ? run.template operator()<true>() : run.template operator()<false>();
    local.write_back();
}

//! Scalar reference: whole order-1 rounds, last first: round i = region - 1 .. 0 codes in[j * region + i] into
//! state j (j = 31 .. 0) in context in[j * region + i - 1] (context 0 for i = 0). tables: order1_encoder_entries
//! entries (the contexts the data have are filled in). Otherwise as encode_x32_order0_rounds_scalar.
inline void encode_x32_order1_rounds_scalar(encoder_symbol const * tables, std::uint8_t const * in, std::size_t region,
                                            std::uint32_t * states, std::uint8_t *& out_ptr, bool branchless) noexcept
{
    local_encoder_state<32> local{states, out_ptr};
    auto run = [&]<bool Branchless>() {
        for (std::size_t i = region; i-- > 0;)
            for (unsigned j = 32; j-- > 0;)
            {
                std::size_t const p = j * region + i;
                std::size_t const ctx = i == 0 ? 0 : in[p - 1];
                encode_symbol<Branchless>(local.x[j], local.ptr, tables[ctx * 256 + in[p]]);
            }
    };
    branchless ? run.template operator()<true>() : run.template operator()<false>();
    local.write_back();
}

template <class Arch>
struct rans_x32_encode_kernel
{
    //! As encode_x32_order0_rounds_scalar. table: 256 entries.
    static void encode_order0(encoder_symbol const * table, std::uint8_t const * in, std::size_t rounds,
                              std::uint32_t * states, std::uint8_t *& out_ptr, bool branchless) noexcept;
    //! As encode_x32_order1_rounds_scalar.
    static void encode_order1(encoder_symbol const * tables, std::uint8_t const * in, std::size_t region,
                              std::uint32_t * states, std::uint8_t *& out_ptr, bool branchless) noexcept;
};

template <>
struct rans_x32_encode_kernel<simd::scalar>
{
    static void encode_order0(encoder_symbol const * table, std::uint8_t const * in, std::size_t rounds,
                              std::uint32_t * states, std::uint8_t *& out_ptr, bool branchless) noexcept
    {
        encode_x32_order0_rounds_scalar(table, in, rounds, states, out_ptr, branchless);
    }
    static void encode_order1(encoder_symbol const * tables, std::uint8_t const * in, std::size_t region,
                              std::uint32_t * states, std::uint8_t *& out_ptr, bool branchless) noexcept
    {
        encode_x32_order1_rounds_scalar(tables, in, region, states, out_ptr, branchless);
    }
};

namespace x32_encode_body
{
template <class Arch, class Base>
inline constexpr bool is_at_least = std::is_base_of_v<Base, Arch> || std::is_same_v<Base, Arch>;

//! AVX-512 machines run the AVX2 code (8 lanes): the kernel is bound by the table loads and the transposes,
//! which do not get cheaper on wider registers.
template <class Arch>
using lane_arch = std::conditional_t<is_at_least<Arch, xsimd::avx512f>, xsimd::avx2, Arch>;

//! pshufb controls that take the 16-bit words of the lanes set in the mask (Lanes words at the start of a
//! register, lane order) to the top of the 2 * Lanes bytes, in lane order; the bytes below are zeroed.
template <unsigned Lanes>
constexpr auto make_compress_shuffles() noexcept
{
    std::array<std::array<std::uint8_t, 16>, (1u << Lanes)> t{};
    for (unsigned m = 0; m < (1u << Lanes); ++m)
    {
        unsigned const count = static_cast<unsigned>(std::popcount(m));
        t[m].fill(0x80);
        unsigned w = Lanes - count; // first word position taken
        for (unsigned k = 0; k < Lanes; ++k)
            if (m & (1u << k))
            {
                t[m][2 * w] = static_cast<std::uint8_t>(2 * k);
                t[m][2 * w + 1] = static_cast<std::uint8_t>(2 * k + 1);
                ++w;
            }
    }
    return t;
}
alignas(64) inline constexpr auto compress_shuffles8 = make_compress_shuffles<8>();
alignas(64) inline constexpr auto compress_shuffles4 = make_compress_shuffles<4>();

//! A group of lanes' entries, one field a vector.
template <class Arch>
struct lane_entries
{
    using u32 = xsimd::batch<std::uint32_t, Arch>;
    u32 renorm_above, rcp_freq, bias, cmpl_shift; // cmpl_shift: cmpl_freq | rcp_shift << 16
};

//! Loads lane k's entry from entry(k) for every lane of a group and transposes them into fields.
template <class Arch, class Entry>
WGSKIT_ALWAYS_INLINE lane_entries<Arch> load_entries(Entry && entry) noexcept
{
    using u32 = xsimd::batch<std::uint32_t, Arch>;
#if WGSKIT_RANS_ENCODE_X86
    auto load = [&](unsigned k) { return _mm_loadu_si128(reinterpret_cast<__m128i const *>(entry(k))); };
    if constexpr (is_at_least<Arch, xsimd::avx2>)
    {
        // Lanes k and k + 4 share a register (one per 128-bit half), then a 4 x 4 transpose within each half.
        __m256i const a = _mm256_inserti128_si256(_mm256_castsi128_si256(load(0)), load(4), 1);
        __m256i const b = _mm256_inserti128_si256(_mm256_castsi128_si256(load(1)), load(5), 1);
        __m256i const c = _mm256_inserti128_si256(_mm256_castsi128_si256(load(2)), load(6), 1);
        __m256i const d = _mm256_inserti128_si256(_mm256_castsi128_si256(load(3)), load(7), 1);
        __m256i const ab_lo = _mm256_unpacklo_epi32(a, b), cd_lo = _mm256_unpacklo_epi32(c, d);
        __m256i const ab_hi = _mm256_unpackhi_epi32(a, b), cd_hi = _mm256_unpackhi_epi32(c, d);
        return {u32(_mm256_unpacklo_epi64(ab_lo, cd_lo)), u32(_mm256_unpackhi_epi64(ab_lo, cd_lo)),
                u32(_mm256_unpacklo_epi64(ab_hi, cd_hi)), u32(_mm256_unpackhi_epi64(ab_hi, cd_hi))};
    }
    else if constexpr (is_at_least<Arch, xsimd::sse4_2>)
    {
        __m128i const a = load(0), b = load(1), c = load(2), d = load(3);
        __m128i const ab_lo = _mm_unpacklo_epi32(a, b), cd_lo = _mm_unpacklo_epi32(c, d);
        __m128i const ab_hi = _mm_unpackhi_epi32(a, b), cd_hi = _mm_unpackhi_epi32(c, d);
        return {u32(_mm_unpacklo_epi64(ab_lo, cd_lo)), u32(_mm_unpackhi_epi64(ab_lo, cd_lo)),
                u32(_mm_unpacklo_epi64(ab_hi, cd_hi)), u32(_mm_unpackhi_epi64(ab_hi, cd_hi))};
    }
    else
#endif
    {
        alignas(64) std::uint32_t f[4][u32::size];
        for (unsigned k = 0; k < u32::size; ++k)
        {
            encoder_symbol const & e = *entry(k);
            f[0][k] = e.renorm_above;
            f[1][k] = e.rcp_freq;
            f[2][k] = e.bias;
            f[3][k] = e.cmpl_freq | std::uint32_t{e.rcp_shift} << 16;
        }
        return {u32::load_aligned(f[0]), u32::load_aligned(f[1]), u32::load_aligned(f[2]), u32::load_aligned(f[3])};
    }
}

#if WGSKIT_RANS_ENCODE_X86
//! The lanes whose state is above its bound (states and bounds are below 2^31: a signed compare is exact).
template <class Arch>
WGSKIT_ALWAYS_INLINE xsimd::batch_bool<std::uint32_t, Arch> above(xsimd::batch<std::uint32_t, Arch> x,
                                                                  xsimd::batch<std::uint32_t, Arch> bound) noexcept
{
    if constexpr (is_at_least<Arch, xsimd::avx2>)
        return _mm256_cmpgt_epi32(x, bound);
    else
        return _mm_cmpgt_epi32(x, bound);
}

//! Stores the low 16 bits of the lanes in need, in lane order, just below ptr, and moves ptr down over them.
//! Writes 2 * lanes bytes below ptr.
template <class Arch>
WGSKIT_ALWAYS_INLINE void store_words(xsimd::batch<std::uint32_t, Arch> x, xsimd::batch_bool<std::uint32_t, Arch> need,
                                      std::uint8_t *& ptr) noexcept
{
    // The lanes' low halves packed into words (lanes 0-3 of each 128-bit half), then a shuffle looked up by the
    // lane mask takes those in need to the top.
    __m128i const low_halves = _mm_setr_epi8(0, 1, 4, 5, 8, 9, 12, 13, -1, -1, -1, -1, -1, -1, -1, -1);
    if constexpr (is_at_least<Arch, xsimd::avx2>)
    {
        unsigned const m = static_cast<unsigned>(_mm256_movemask_ps(_mm256_castsi256_ps(need)));
        __m256i const halves = _mm256_shuffle_epi8(x, _mm256_broadcastsi128_si256(low_halves));
        __m128i const words = _mm256_castsi256_si128(_mm256_permute4x64_epi64(halves, 0x08));
        __m128i const control = _mm_load_si128(reinterpret_cast<__m128i const *>(compress_shuffles8[m].data()));
        _mm_storeu_si128(reinterpret_cast<__m128i *>(ptr - 16), _mm_shuffle_epi8(words, control));
        ptr -= 2 * std::popcount(m);
    }
    else
    {
        unsigned const m = static_cast<unsigned>(_mm_movemask_ps(_mm_castsi128_ps(need)));
        __m128i const words = _mm_shuffle_epi8(x, low_halves);
        __m128i const control = _mm_load_si128(reinterpret_cast<__m128i const *>(compress_shuffles4[m].data()));
        _mm_storel_epi64(reinterpret_cast<__m128i *>(ptr - 8), _mm_shuffle_epi8(words, control));
        ptr -= 2 * std::popcount(m);
    }
}

//! (x * rcp) >> 32 in every lane: the even and the odd lanes' 64-bit products, their high halves merged.
template <class Arch>
WGSKIT_ALWAYS_INLINE xsimd::batch<std::uint32_t, Arch> mul_high(xsimd::batch<std::uint32_t, Arch> x,
                                                                xsimd::batch<std::uint32_t, Arch> rcp) noexcept
{
    if constexpr (is_at_least<Arch, xsimd::avx2>)
        return _mm256_blend_epi32(_mm256_srli_epi64(_mm256_mul_epu32(x, rcp), 32),
                                  _mm256_mul_epu32(_mm256_srli_epi64(x, 32), _mm256_srli_epi64(rcp, 32)), 0xaa);
    else
        return _mm_blend_epi16(_mm_srli_epi64(_mm_mul_epu32(x, rcp), 32),
                               _mm_mul_epu32(_mm_srli_epi64(x, 32), _mm_srli_epi64(rcp, 32)), 0xcc);
}

//! high >> (rcp_shift - 32) in every lane, for high < 2^(19 + rcp_shift - 32) (true of (x * rcp) >> 32 for the
//! states encode_lanes sees).
template <class Arch>
WGSKIT_ALWAYS_INLINE xsimd::batch<std::uint32_t, Arch> shift_down(xsimd::batch<std::uint32_t, Arch> high,
                                                                  xsimd::batch<std::uint32_t, Arch> rcp_shift) noexcept
{
    using u32 = xsimd::batch<std::uint32_t, Arch>;
    if constexpr (is_at_least<Arch, xsimd::avx2>)
        return _mm256_srlv_epi32(high, rcp_shift - u32(32u));
    else
    {
        // No per-lane shift before AVX2: high >> s = (high * 2^(11 - s)) >> 11, which fits in 32 bits here,
        // with 2^(11 - s) made as a float's exponent.
        u32 const exponent = u32(127u + 11u + 32u) - rcp_shift;
        u32 const scale = _mm_cvttps_epi32(_mm_castsi128_ps(exponent << 23));
        return (high * scale) >> 11;
    }
}
#endif

//! encode_symbol() in every lane of a group: the words of the lanes that renormalise go below ptr (in lane
//! order), and ptr moves down over them. Writes up to 16 bytes below ptr.
template <class Arch>
WGSKIT_ALWAYS_INLINE xsimd::batch<std::uint32_t, Arch> encode_lanes(xsimd::batch<std::uint32_t, Arch> x,
                                                                    lane_entries<Arch> const & e,
                                                                    std::uint8_t *& ptr) noexcept
{
    using u32 = xsimd::batch<std::uint32_t, Arch>;
#if WGSKIT_RANS_ENCODE_X86
    if constexpr (is_at_least<Arch, xsimd::avx2> || is_at_least<Arch, xsimd::sse4_2>) // avx2 is no sse4_2 in xsimd
    {
        auto const need = above(x, e.renorm_above);
        store_words(x, need, ptr);
        u32 const xr = xsimd::select(need, x >> 16, x);
        u32 const q = shift_down(mul_high(xr, e.rcp_freq), e.cmpl_shift >> 16);
        return xr + e.bias + q * (e.cmpl_shift & u32(0xffffu));
    }
    else
#endif
    {
        // Other architectures: lane by lane, in the scalar encoder's order (highest lane first).
        alignas(64) std::uint32_t s[u32::size], f[4][u32::size];
        x.store_aligned(s);
        e.renorm_above.store_aligned(f[0]);
        e.rcp_freq.store_aligned(f[1]);
        e.bias.store_aligned(f[2]);
        e.cmpl_shift.store_aligned(f[3]);
        for (unsigned k = u32::size; k-- > 0;)
            encode_symbol<true>(s[k], ptr,
                                encoder_symbol{f[0][k], f[1][k], f[2][k], static_cast<std::uint16_t>(f[3][k]),
                                               static_cast<std::uint16_t>(f[3][k] >> 16)});
        return u32::load_aligned(s);
    }
}
//! The 32 states in groups of lanes.
template <class Arch>
struct lane_states
{
    using u32 = xsimd::batch<std::uint32_t, Arch>;
    static constexpr std::size_t lanes = u32::size;
    static constexpr std::size_t groups = 32 / lanes;
    static_assert(32 % lanes == 0);
    u32 x[groups];

    explicit lane_states(std::uint32_t const * states) noexcept
    {
        for (std::size_t g = 0; g < groups; ++g)
            x[g] = u32::load_unaligned(states + g * lanes);
    }
    void store(std::uint32_t * states) const noexcept
    {
        for (std::size_t g = 0; g < groups; ++g)
            x[g].store_unaligned(states + g * lanes);
    }
    //! One round: state j codes the symbol of entry(j). The last group first, so its words end up highest.
    template <class Entry>
    WGSKIT_ALWAYS_INLINE void encode_round(Entry && entry, std::uint8_t *& ptr) noexcept
    {
        for (std::size_t g = groups; g-- > 0;)
        {
            auto const e = load_entries<Arch>([&](unsigned k) { return entry(static_cast<unsigned>(g * lanes) + k); });
            x[g] = encode_lanes(x[g], e, ptr);
        }
    }
};
} // namespace x32_encode_body

template <class Arch>
void rans_x32_encode_kernel<Arch>::encode_order0(encoder_symbol const * table, std::uint8_t const * in,
                                                 std::size_t rounds, std::uint32_t * states, std::uint8_t *& out_ptr,
                                                 bool /*branchless*/) noexcept
{
    x32_encode_body::lane_states<x32_encode_body::lane_arch<Arch>> x{states};
    std::uint8_t * ptr = out_ptr;
    for (std::size_t r = rounds; r-- > 0;)
    {
        std::uint8_t const * sym = in + 32 * r;
        x.encode_round([&](unsigned j) { return table + sym[j]; }, ptr);
    }
    x.store(states);
    out_ptr = ptr;
}

template <class Arch>
void rans_x32_encode_kernel<Arch>::encode_order1(encoder_symbol const * tables, std::uint8_t const * in,
                                                 std::size_t region, std::uint32_t * states, std::uint8_t *& out_ptr,
                                                 bool /*branchless*/) noexcept
{
    if (region == 0)
        return;
    x32_encode_body::lane_states<x32_encode_body::lane_arch<Arch>> x{states};
    std::uint8_t * ptr = out_ptr;
    // sym[j]: state j's symbol in this round, which is its context in the round after (encoded before).
    std::uint32_t sym[32];
    for (unsigned j = 0; j < 32; ++j)
        sym[j] = in[j * region + region - 1];
    std::size_t i = region; // rounds below i remain
    // Four rounds (i - 1 .. i - 4) at a time: each state's four contexts from one 32-bit load, read big-endian so
    // that each adjacent (context, symbol) pair is already the entry's context * 256 + symbol. One load a state
    // for four rounds instead of four, from 32 places a region apart.
    for (; i >= 5; i -= 4)
    {
        std::uint32_t entry[4][32];
        for (unsigned j = 0; j < 32; ++j)
        {
            std::uint32_t w; // in[i - 5] << 24 | in[i - 4] << 16 | in[i - 3] << 8 | in[i - 2]
            std::memcpy(&w, in + j * region + i - 5, 4);
            if constexpr (std::endian::native == std::endian::little)
                w = __builtin_bswap32(w);
            entry[0][j] = (w & 0xffu) << 8 | sym[j];
            entry[1][j] = w & 0xffffu;
            entry[2][j] = (w >> 8) & 0xffffu;
            entry[3][j] = w >> 16;
            sym[j] = w >> 24;
        }
        for (unsigned k = 0; k < 4; ++k)
            x.encode_round([&](unsigned j) { return tables + entry[k][j]; }, ptr);
    }
    while (i-- > 0)
    {
        std::uint32_t entry[32]; // context * 256 + symbol
        for (unsigned j = 0; j < 32; ++j)
        {
            std::uint32_t const ctx = i == 0 ? 0 : in[j * region + i - 1];
            entry[j] = ctx << 8 | sym[j];
            sym[j] = ctx;
        }
        x.encode_round([&](unsigned j) { return tables + entry[j]; }, ptr);
    }
    x.store(states);
    out_ptr = ptr;
}

} // namespace wgskit::codec::rans::detail

WGSKIT_DECLARE_KERNEL(wgskit::codec::rans::detail::rans_x32_encode_kernel)
