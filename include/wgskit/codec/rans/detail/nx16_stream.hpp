// The combined rANS Nx16 stream (hts-specs CRAMcodecs §"Combined rANS Nx16 Format"): a flag byte, the size
// (unless NOSZ), then STRIPE sub-streams, or PACK metadata, RLE metadata and the CAT / order-0 / order-1 data.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include <wgskit/codec/rans/detail/byte_stream.hpp>
#include <wgskit/codec/rans/detail/decode_status.hpp>
#include <wgskit/codec/rans/detail/entropy_coder.hpp>
#include <wgskit/codec/rans/detail/transforms.hpp>

namespace wgskit::codec::rans::detail
{

inline constexpr unsigned flag_order1 = 0x01;
inline constexpr unsigned flag_x32 = 0x04;
inline constexpr unsigned flag_stripe = 0x08;
inline constexpr unsigned flag_no_size = 0x10;
inline constexpr unsigned flag_cat = 0x20;
inline constexpr unsigned flag_rle = 0x40;
inline constexpr unsigned flag_pack = 0x80;

//! decode_stream's size when the caller does not know it (a NOSZ stream then is an error).
inline constexpr std::size_t unknown_size = ~std::size_t{0};

//! Encodes in with the flags (bits 0-7 as in the format; bits 8-15: STRIPE's N, 0 meaning 4), appending to out.
//! PACK and RLE are dropped when they cannot apply (more than 16 symbols, no run worth coding).
inline void encode_stream(std::span<std::uint8_t const> in, unsigned flags, std::vector<std::uint8_t> & out)
{
    if (flags & flag_stripe)
    {
        unsigned const n = ((flags >> 8) & 0xff) ? ((flags >> 8) & 0xff) : 4;
        unsigned const sub_flags = (flags & 0xff & ~flag_stripe) | flag_no_size;
        put_u8(out, flag_stripe);
        put_u7(out, static_cast<std::uint32_t>(in.size()));
        put_u8(out, n);
        std::vector<std::vector<std::uint8_t>> subs(n);
        std::vector<std::uint8_t> column;
        for (unsigned j = 0; j < n; ++j)
        {
            column.resize(stripe_length(in.size(), n, j));
            for (std::size_t i = 0; i < column.size(); ++i)
                column[i] = in[i * n + j];
            encode_stream(column, sub_flags, subs[j]);
            put_u7(out, static_cast<std::uint32_t>(subs[j].size()));
        }
        for (auto const & s : subs)
            out.insert(out.end(), s.begin(), s.end());
        return;
    }
    unsigned const n_states = (flags & flag_x32) ? 32 : 4;
    std::span<std::uint8_t const> data = in;
    std::vector<std::uint8_t> pack_meta, packed, rle_meta, literals;
    if ((flags & flag_pack) && pack(data, pack_meta, packed))
        data = packed;
    else
        flags &= ~flag_pack;
    if ((flags & flag_rle) && !data.empty() && rle_encode(data, rle_meta, literals))
        data = literals;
    else
        flags &= ~flag_rle;

    if (data.empty())
        flags |= flag_cat; // htscodecs (1.3) decodes empty data only as CAT
    put_u8(out, flags & 0xff);
    if (!(flags & flag_no_size))
        put_u7(out, static_cast<std::uint32_t>(in.size()));
    if (flags & flag_pack)
    {
        out.insert(out.end(), pack_meta.begin(), pack_meta.end());
        put_u7(out, static_cast<std::uint32_t>(packed.size()));
    }
    if (flags & flag_rle)
    {
        std::vector<std::uint8_t> squeezed;
        if (rle_meta.size() > 64)
            encode_order0(rle_meta, n_states, squeezed);
        bool const raw = squeezed.empty() || squeezed.size() >= rle_meta.size();
        put_u7(out, static_cast<std::uint32_t>(rle_meta.size() * 2 + (raw ? 1 : 0)));
        put_u7(out, static_cast<std::uint32_t>(literals.size()));
        if (raw)
            out.insert(out.end(), rle_meta.begin(), rle_meta.end());
        else
        {
            put_u7(out, static_cast<std::uint32_t>(squeezed.size()));
            out.insert(out.end(), squeezed.begin(), squeezed.end());
        }
    }
    if (flags & flag_cat)
        out.insert(out.end(), data.begin(), data.end());
    else if (flags & flag_order1)
        encode_order1(data, n_states, out);
    else
        encode_order0(data, n_states, out);
}

//! Decodes one stream from the whole of in into out (resized). size: the length when the stream has NOSZ
//! (ignored otherwise; unknown_size if not known); max_size bounds what a corrupt header can make us allocate.
inline decode_status decode_stream(std::span<std::uint8_t const> input, std::size_t size, std::size_t max_size,
                                   std::vector<std::uint8_t> & out, int depth = 0)
{
    byte_reader in{input};
    std::uint32_t flags;
    if (!in.u8(flags))
        return decode_status::truncated;
    if (flags & flag_stripe)
    {
        // As htscodecs: a STRIPE stream always stores its size (NOSZ is for its sub-streams).
        std::uint32_t len, n;
        if (depth > 0)
            return decode_status::too_deep;
        if (!in.u7(len) || !in.u8(n))
            return decode_status::truncated;
        if (n == 0)
            return decode_status::bad_size;
        if (len > max_size)
            return decode_status::bad_size;
        std::vector<std::uint32_t> clen(n);
        for (auto & c : clen)
            if (!in.u7(c))
                return decode_status::truncated;
        out.assign(len, 0);
        std::vector<std::uint8_t> column;
        for (unsigned j = 0; j < n; ++j)
        {
            std::span<std::uint8_t const> sub;
            if (!in.take(clen[j], sub))
                return decode_status::truncated;
            std::size_t const want = stripe_length(len, n, j);
            if (auto st = decode_stream(sub, want, want, column, depth + 1); st != decode_status::ok)
                return st;
            if (column.size() != want)
                return decode_status::bad_size;
            for (std::size_t i = 0; i < want; ++i)
                out[i * n + j] = column[i];
        }
        return decode_status::ok;
    }

    std::size_t len = size;
    if (!(flags & flag_no_size))
    {
        std::uint32_t v;
        if (!in.u7(v))
            return decode_status::truncated;
        len = v;
    }
    else if (size == unknown_size)
        return decode_status::bad_size;
    if (len > max_size)
        return decode_status::bad_size;
    unsigned const n_states = (flags & flag_x32) ? 32 : 4;

    // Each transform's metadata, outermost first; stage_len is the data length at each stage.
    std::span<std::uint8_t const> pack_symbols;
    std::size_t packed_len = len;
    if (flags & flag_pack)
    {
        std::uint32_t n, plen;
        if (!in.u8(n))
            return decode_status::truncated;
        if (n == 0 || n > 16)
            return decode_status::bad_flags;
        if (!in.take(n, pack_symbols) || !in.u7(plen))
            return decode_status::truncated;
        if (plen < packed_size(len, pack_bits(n)) || plen > len)
            return decode_status::bad_size;
        packed_len = packed_size(len, pack_bits(n));
    }
    std::vector<std::uint8_t> rle_meta_buffer;
    std::span<std::uint8_t const> rle_meta;
    std::size_t literal_len = packed_len;
    if (flags & flag_rle)
    {
        std::uint32_t meta2, lits;
        if (!in.u7(meta2) || !in.u7(lits))
            return decode_status::truncated;
        if (lits > packed_len)
            return decode_status::bad_size;
        literal_len = lits;
        std::uint32_t const meta_len = meta2 / 2;
        if (meta2 & 1)
        {
            if (!in.take(meta_len, rle_meta))
                return decode_status::truncated;
        }
        else
        {
            std::uint32_t c_len;
            std::span<std::uint8_t const> c_meta;
            if (!in.u7(c_len) || !in.take(c_len, c_meta))
                return decode_status::truncated;
            // Each literal has at most one run (<= 5 bytes), plus the symbol list.
            if (meta_len > 257 + 5 * std::size_t{lits})
                return decode_status::bad_size;
            rle_meta_buffer.resize(meta_len);
            byte_reader m{c_meta};
            if (auto st = decode_order0(m, meta_len, n_states, rle_meta_buffer.data()); st != decode_status::ok)
                return st;
            rle_meta = rle_meta_buffer;
        }
    }

    // The entropy-coded (or CAT) literals.
    std::vector<std::uint8_t> literals(literal_len);
    if (flags & flag_cat)
    {
        std::span<std::uint8_t const> raw;
        if (!in.take(literal_len, raw))
            return decode_status::truncated;
        std::copy(raw.begin(), raw.end(), literals.begin());
    }
    else if (in.remaining() == 0)
    {
        if (literal_len != 0)
            return decode_status::truncated;
    }
    else
    {
        auto st = (flags & flag_order1) ? decode_order1(in, literal_len, n_states, literals.data())
                                        : decode_order0(in, literal_len, n_states, literals.data());
        if (st != decode_status::ok)
            return st;
    }

    std::vector<std::uint8_t> expanded;
    if (flags & flag_rle)
    {
        expanded.resize(packed_len);
        if (auto st = rle_decode(literals, rle_meta, expanded.data(), packed_len); st != decode_status::ok)
            return st;
    }
    else
        expanded.swap(literals);

    if (flags & flag_pack)
    {
        out.resize(len);
        return unpack(expanded, pack_symbols, out.data(), len);
    }
    out.swap(expanded);
    return decode_status::ok;
}

} // namespace wgskit::codec::rans::detail
