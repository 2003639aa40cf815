// The rANS Nx16 data transforms (hts-specs CRAMcodecs §"Run Length Encoding", §"Bit Packing", §"Striped"):
// forward on the encoder side, checked inverse on the decoder side.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include <wgskit/codec/rans/detail/byte_stream.hpp>
#include <wgskit/codec/rans/detail/decode_status.hpp>

namespace wgskit::codec::rans::detail
{

// --- PACK: up to 16 distinct symbols as 8, 4, 2 or "infinitely many" (one symbol) per byte, low bits first.

//! Bits per packed value for an alphabet of n symbols (0 when n == 1: nothing is stored).
inline unsigned pack_bits(unsigned n_symbols) noexcept
{
    return n_symbols <= 1 ? 0 : n_symbols <= 2 ? 1 : n_symbols <= 4 ? 2 : 4;
}

inline std::size_t packed_size(std::size_t len, unsigned bits) noexcept
{
    return bits == 0 ? 0 : (len * bits + 7) / 8;
}

//! Packs in if it has 1..16 distinct symbols: meta (nsym, symbols) goes to meta, packed bytes to packed.
inline bool pack(std::span<std::uint8_t const> in, std::vector<std::uint8_t> & meta, std::vector<std::uint8_t> & packed)
{
    std::array<bool, 256> present{};
    for (auto c : in)
        present[c] = true;
    std::array<std::uint8_t, 256> code{};
    unsigned n = 0;
    meta.clear();
    meta.push_back(0);
    for (unsigned s = 0; s < 256; ++s)
        if (present[s])
        {
            if (n == 16)
                return false;
            code[s] = static_cast<std::uint8_t>(n++);
            meta.push_back(static_cast<std::uint8_t>(s));
        }
    if (n == 0)
        return false;
    meta[0] = static_cast<std::uint8_t>(n);
    unsigned const bits = pack_bits(n);
    packed.assign(packed_size(in.size(), bits), 0);
    if (bits == 0)
        return true;
    unsigned const per_byte = 8 / bits;
    for (std::size_t i = 0; i < in.size(); ++i)
        packed[i / per_byte] |= static_cast<std::uint8_t>(code[in[i]] << (bits * (i % per_byte)));
    return true;
}

inline decode_status unpack(std::span<std::uint8_t const> packed, std::span<std::uint8_t const> symbols,
                            std::uint8_t * out, std::size_t len)
{
    unsigned const bits = pack_bits(static_cast<unsigned>(symbols.size()));
    if (packed.size() < packed_size(len, bits))
        return decode_status::bad_size;
    if (bits == 0)
    {
        std::fill_n(out, len, symbols[0]);
        return decode_status::ok;
    }
    // Codes beyond the alphabet (corrupt data) give byte 0 rather than reading past the map.
    std::array<std::uint8_t, 16> map{};
    for (std::size_t k = 0; k < symbols.size(); ++k)
        map[k] = symbols[k];
    unsigned const per_byte = 8 / bits;
    unsigned const mask = (1u << bits) - 1;
    for (std::size_t i = 0; i < len; ++i)
        out[i] = map[(packed[i / per_byte] >> (bits * (i % per_byte))) & mask];
    return decode_status::ok;
}

// --- RLE: for chosen symbols every run is one literal plus a uint7 (run length - 1) in the metadata.

//! Chooses the symbols whose runs save more literals than their run lengths cost; false if none does.
inline bool rle_encode(std::span<std::uint8_t const> in, std::vector<std::uint8_t> & meta,
                       std::vector<std::uint8_t> & literals)
{
    std::array<std::uint64_t, 256> occurrences{};
    std::array<std::uint64_t, 256> runs{};
    for (std::size_t i = 0; i < in.size(); ++i)
    {
        ++occurrences[in[i]];
        if (i == 0 || in[i] != in[i - 1])
            ++runs[in[i]];
    }
    std::array<bool, 256> with_runs{};
    unsigned n = 0;
    for (unsigned s = 0; s < 256; ++s)
        if (occurrences[s] > 2 * runs[s])
        {
            with_runs[s] = true;
            ++n;
        }
    if (n == 0)
        return false;
    meta.clear();
    meta.push_back(static_cast<std::uint8_t>(n == 256 ? 0 : n));
    for (unsigned s = 0; s < 256; ++s)
        if (with_runs[s])
            meta.push_back(static_cast<std::uint8_t>(s));
    literals.clear();
    for (std::size_t i = 0; i < in.size();)
    {
        std::uint8_t const c = in[i];
        literals.push_back(c);
        if (!with_runs[c])
        {
            ++i;
            continue;
        }
        std::size_t j = i + 1;
        while (j < in.size() && in[j] == c && j - i < 0x7fffffff)
            ++j;
        put_u7(meta, static_cast<std::uint32_t>(j - i - 1));
        i = j;
    }
    return true;
}

//! Expands literals with the run metadata (symbol list then run lengths) into exactly len bytes.
inline decode_status rle_decode(std::span<std::uint8_t const> literals, std::span<std::uint8_t const> meta,
                                std::uint8_t * out, std::size_t len)
{
    byte_reader m{meta};
    std::uint32_t n;
    if (!m.u8(n))
        return decode_status::bad_size;
    if (n == 0)
        n = 256;
    std::array<bool, 256> with_runs{};
    for (std::uint32_t k = 0; k < n; ++k)
    {
        std::uint32_t s;
        if (!m.u8(s))
            return decode_status::truncated;
        with_runs[s] = true;
    }
    std::size_t o = 0;
    for (auto c : literals)
    {
        std::uint32_t run = 0;
        if (with_runs[c] && !m.u7(run))
            return decode_status::truncated;
        if (std::size_t{run} + 1 > len - o)
            return decode_status::bad_size;
        std::fill_n(out + o, std::size_t{run} + 1, c);
        o += std::size_t{run} + 1;
    }
    return o == len ? decode_status::ok : decode_status::bad_size;
}

// --- STRIPE: byte i goes to sub-stream i mod N.

inline std::size_t stripe_length(std::size_t len, unsigned n, unsigned j) noexcept
{
    return len / n + ((len % n) > j ? 1 : 0);
}

} // namespace wgskit::codec::rans::detail
