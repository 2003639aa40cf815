// SIMD kernel of the 32-way order-0 rANS Nx16 decoder: the 32 states sit in vector lanes (4, 8 or 16 per
// register), the decoder-table slots are gathered, the state update is one multiply-add per lane, and the
// renormalisation words are handed out to the lanes that need one, in lane order, as the format requires.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

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
    std::copy_n(states, 32, x);
    std::uint8_t const * p = in_ptr;
    std::size_t i = 0;
    for (; i + 32 <= len && static_cast<std::size_t>(end - p) >= 64; i += 32)
    {
        for (std::size_t g = 0; g < 32; g += lanes)
        {
            u32 v = u32::load_aligned(x + g);
            i32 const index = xsimd::bitwise_cast<i32>(v & u32(0xfffu));
            u32 const s = u32::gather(table, index);
            v = (((s >> 8) & u32(0xfffu)) + u32(1u)) * (v >> order0_bits) + (s >> 20);
            v.store_aligned(x + g);
            s.store_aligned(slot + g);
        }
        for (unsigned j = 0; j < 32; ++j)
            out[i + j] = static_cast<std::uint8_t>(slot[j]);
        // Words go to the lanes below L in lane order: the same order as the scalar decoder's.
        for (unsigned j = 0; j < 32; ++j)
            renormalise_unchecked(x[j], p);
    }
    std::copy_n(x, 32, states);
    in_ptr = p;
    return i;
}

} // namespace wgskit::codec::rans::detail

WGSKIT_DECLARE_KERNEL(wgskit::codec::rans::detail::rans_x32_kernel)
