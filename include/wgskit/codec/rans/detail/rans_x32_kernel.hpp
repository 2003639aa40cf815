// SIMD kernel of the 32-way order-0 rANS Nx16 decoder: the 32 states sit in vector lanes (4, 8 or 16 per
// register), the decoder-table slots are gathered, the state update is one multiply-add per lane, and the
// renormalisation words are handed out to the lanes that need one in lane order, as the format requires: a
// prefix sum of the "needs a word" flags numbers them, and a gather from the round's 64 input bytes fetches them.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include <wgskit/codec/rans/detail/decode_primitives.hpp>
#include <wgskit/simd/arch.hpp>

namespace wgskit::codec::rans::detail
{

//! Scalar reference: whole rounds of 32 symbols (state j decodes symbol i + j) while i + 32 <= len and the
//! input holds 64 more bytes. Updates the states and p; returns the number of symbols decoded.
inline std::size_t decode_x32_rounds_scalar(std::uint32_t const * table, std::uint32_t * states,
                                            std::uint8_t const *& in_ptr, std::uint8_t const * end, std::size_t len,
                                            std::uint8_t * out) noexcept
{
    local_decoder_state<32> local{states, in_ptr};
    std::size_t const done = decode_order0_rounds<32>(table, local.x, local.p, end, 0, len, out);
    local.write_back();
    return done;
}

template <class Arch>
struct rans_x32_kernel
{
    //! As decode_x32_rounds_scalar. table: 4096 decoder slots (decode_primitives.hpp).
    static std::size_t decode_order0(std::uint32_t const * table, std::uint32_t * states, std::uint8_t const *& in_ptr,
                                     std::uint8_t const * end, std::size_t len, std::uint8_t * out) noexcept;
};

template <>
struct rans_x32_kernel<simd::scalar>
{
    static std::size_t decode_order0(std::uint32_t const * table, std::uint32_t * states, std::uint8_t const *& in_ptr,
                                     std::uint8_t const * end, std::size_t len, std::uint8_t * out) noexcept
    {
        return decode_x32_rounds_scalar(table, states, in_ptr, end, len, out);
    }
};

namespace x32_body
{
//! Lane i takes lane i - K (lanes below K take lane 0, then get masked off).
template <unsigned K>
struct from_lane_below
{
    static constexpr std::uint32_t get(std::size_t i, std::size_t) noexcept
    {
        return static_cast<std::uint32_t>(i >= K ? i - K : 0);
    }
};
//! All ones in lanes i >= K, zero below.
template <unsigned K>
struct lanes_from
{
    static constexpr std::uint32_t get(std::size_t i, std::size_t) noexcept { return i >= K ? ~0u : 0u; }
};

//! Every lane takes the last lane.
struct last_lane
{
    static constexpr std::uint32_t get(std::size_t, std::size_t n) noexcept { return static_cast<std::uint32_t>(n - 1); }
};

//! Inclusive prefix sum across the lanes (log2(lanes) shift-and-add steps).
template <class Arch, unsigned K = 1>
WGSKIT_ALWAYS_INLINE xsimd::batch<std::uint32_t, Arch> prefix_sum(xsimd::batch<std::uint32_t, Arch> v) noexcept
{
    using u32 = xsimd::batch<std::uint32_t, Arch>;
    if constexpr (K >= u32::size)
        return v;
    else
    {
        u32 const shifted = xsimd::swizzle(v, xsimd::make_batch_constant<u32, from_lane_below<K>>());
        u32 const keep = xsimd::make_batch_constant<u32, lanes_from<K>>();
        return prefix_sum<Arch, 2 * K>(v + (shifted & keep));
    }
}
} // namespace x32_body

template <class Arch>
std::size_t rans_x32_kernel<Arch>::decode_order0(std::uint32_t const * table, std::uint32_t * states,
                                                 std::uint8_t const *& in_ptr, std::uint8_t const * end,
                                                 std::size_t len, std::uint8_t * out) noexcept
{
    using u32 = xsimd::batch<std::uint32_t, Arch>;
    using i32 = xsimd::batch<std::int32_t, Arch>;
    constexpr std::size_t lanes = u32::size;
    static_assert(32 % lanes == 0);
    alignas(64) std::uint32_t x[32];
    alignas(64) std::uint32_t slot[32];
    alignas(64) std::uint32_t words[16]; // the round's next 64 input bytes: at most 32 16-bit words are taken
    std::copy_n(states, 32, x);
    std::uint8_t const * p = in_ptr;
    std::size_t i = 0;
    for (; i + 32 <= len && static_cast<std::size_t>(end - p) >= 64; i += 32)
    {
        std::memcpy(words, p, 64);
        u32 taken(0u); // words handed out so far in this round, in every lane
        for (std::size_t g = 0; g < 32; g += lanes)
        {
            u32 v = u32::load_aligned(x + g);
            u32 const s = u32::gather(table, xsimd::bitwise_cast<i32>(v & u32(0xfffu)));
            v = (((s >> 8) & u32(0xfffu)) + u32(1u)) * (v >> order0_bits) + (s >> 20);
            s.store_aligned(slot + g);
            auto const need = v < u32(state_lower_bound);
            if (xsimd::any(need)) // rare on well-compressed data
            {
                // Lanes below L take the next words in lane order: word number = words taken before the lane.
                u32 const one = xsimd::select(need, u32(1u), u32(0u));
                u32 const inclusive = x32_body::prefix_sum<Arch>(one);
                u32 const index = inclusive - one + taken;
                u32 const pair = u32::gather(words, xsimd::bitwise_cast<i32>(index >> 1));
                u32 const word = xsimd::select((index & u32(1u)) != u32(0u), pair >> 16, pair & u32(0xffffu));
                v = xsimd::select(need, (v << 16) | word, v);
                taken = taken + xsimd::swizzle(inclusive, xsimd::make_batch_constant<u32, x32_body::last_lane>());
            }
            v.store_aligned(x + g);
        }
        alignas(64) std::uint32_t taken_lanes[lanes];
        taken.store_aligned(taken_lanes);
        p += 2 * taken_lanes[0];
        for (unsigned j = 0; j < 32; ++j)
            out[i + j] = static_cast<std::uint8_t>(slot[j]);
    }
    std::copy_n(x, 32, states);
    in_ptr = p;
    return i;
}

} // namespace wgskit::codec::rans::detail

WGSKIT_DECLARE_KERNEL(wgskit::codec::rans::detail::rans_x32_kernel)
