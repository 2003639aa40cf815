// One BGZF block (SAM specification §4.1): a gzip member whose extra field carries the member's total size
// (subfield 'B','C', SLEN 2, BSIZE = size - 1), with at most 64 KiB of data before and after compression.
// Compression and decompression of a whole block through libdeflate; decoding reports a status (corrupt input
// is routine here), the readers turn it into a parse_error naming the file and block.
#pragma once

#include <wgskit/core/platform.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <string>

#include <libdeflate.h>

namespace wgskit::codec::bgzf::detail
{

//! The largest block, compressed or not (BSIZE is 16 bits).
inline constexpr std::size_t max_block_size = 65536;
//! Uncompressed bytes per block that a writer puts in each block: htslib's choice, so that even incompressible
//! data fits the 64 KiB block once stored.
inline constexpr std::size_t default_block_data = 0xff00;
//! A BGZF block header with only the BC subfield, as htslib writes it, and the 8-byte trailer (CRC32, ISIZE).
inline constexpr std::size_t header_size = 18;
inline constexpr std::size_t trailer_size = 8;
//! The fixed part of any gzip member header, up to and including XLEN.
inline constexpr std::size_t gzip_fixed_header = 12;

//! The 28-byte empty block that ends a BGZF file (SAM specification §4.1.2).
inline constexpr std::array<unsigned char, 28> eof_block{
    0x1f, 0x8b, 0x08, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0x06, 0x00, 0x42, 0x43,
    0x02, 0x00, 0x1b, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};

inline std::uint16_t load_u16(unsigned char const * p) noexcept
{
    return static_cast<std::uint16_t>(p[0] | (p[1] << 8));
}
inline std::uint32_t load_u32(unsigned char const * p) noexcept
{
    std::uint32_t v;
    std::memcpy(&v, p, 4); // little-endian host (core/platform.hpp)
    return v;
}
inline void store_u16(unsigned char * p, std::uint16_t v) noexcept
{
    p[0] = static_cast<unsigned char>(v);
    p[1] = static_cast<unsigned char>(v >> 8);
}
inline void store_u32(unsigned char * p, std::uint32_t v) noexcept { std::memcpy(p, &v, 4); }

enum class block_status
{
    ok,
    bad_magic,       // not a gzip member (ID1, ID2, CM)
    not_bgzf,        // a gzip member without the BC extra subfield
    bad_extra_field, // XLEN or a subfield runs past the header, or BSIZE too small to hold the member
    truncated,       // the file ends inside the block
    bad_isize,       // ISIZE > 64 KiB, or the data inflates to another size
    bad_deflate,     // the DEFLATE stream is corrupt
    bad_crc,         // CRC32 of the inflated data differs from the trailer's
};

inline char const * describe(block_status s) noexcept
{
    switch (s)
    {
    case block_status::ok: return "ok";
    case block_status::bad_magic: return "bad magic: not a gzip/BGZF block";
    case block_status::not_bgzf: return "gzip member without the BGZF 'BC' extra field";
    case block_status::bad_extra_field: return "bad BGZF extra field (XLEN/BSIZE)";
    case block_status::truncated: return "truncated block";
    case block_status::bad_isize: return "ISIZE mismatch (data inflates to another size)";
    case block_status::bad_deflate: return "corrupt DEFLATE data";
    case block_status::bad_crc: return "CRC32 mismatch";
    }
    return "unknown";
}

//! What the first 12 bytes plus the extra field say about a member.
struct header_info
{
    std::size_t extra_length{0}; // XLEN
    std::size_t block_size{0};   // BSIZE + 1: the whole member, header to trailer
};

//! Checks the fixed header (at least gzip_fixed_header bytes). On ok, extra_length is set.
inline block_status parse_fixed_header(std::span<unsigned char const> h, header_info & info) noexcept
{
    if (h.size() < gzip_fixed_header)
        return block_status::truncated;
    if (h[0] != 0x1f || h[1] != 0x8b || h[2] != 8)
        return block_status::bad_magic;
    if ((h[3] & 0x04) == 0) // FEXTRA
        return block_status::not_bgzf;
    info.extra_length = load_u16(h.data() + 10);
    return block_status::ok;
}

//! Finds BSIZE in the extra field (XLEN bytes after the fixed header). Other flags than FEXTRA would put
//! fields between the header and the data, which BSIZE does not account for: such a member is not BGZF.
inline block_status parse_extra_field(unsigned char flags, std::span<unsigned char const> extra,
                                      header_info & info) noexcept
{
    if (flags != 0x04)
        return block_status::not_bgzf;
    std::size_t pos = 0;
    bool found = false;
    while (pos + 4 <= extra.size())
    {
        std::size_t const slen = load_u16(extra.data() + pos + 2);
        if (pos + 4 + slen > extra.size())
            return block_status::bad_extra_field;
        if (extra[pos] == 'B' && extra[pos + 1] == 'C')
        {
            if (slen != 2)
                return block_status::bad_extra_field;
            info.block_size = std::size_t{load_u16(extra.data() + pos + 4)} + 1;
            found = true;
        }
        pos += 4 + slen;
    }
    if (pos != extra.size())
        return block_status::bad_extra_field;
    if (!found)
        return block_status::not_bgzf;
    if (info.block_size < gzip_fixed_header + extra.size() + trailer_size)
        return block_status::bad_extra_field;
    return block_status::ok;
}

//! The libdeflate level for a bgzip/htslib level 0..9. htslib built with libdeflate (as Debian's is) spreads
//! zlib's 1..9 over libdeflate's 1..12 this way (measured: bgzip -l N and libdeflate at the mapped level give the
//! same bytes), so the same level number gives the same output as bgzip -l.
inline constexpr int libdeflate_level(int bgzf_level) noexcept
{
    constexpr int map[10] = {0, 1, 2, 3, 5, 6, 7, 8, 10, 12};
    return map[bgzf_level];
}

//! Owns a libdeflate decompressor.
struct decompressor_deleter
{
    void operator()(libdeflate_decompressor * d) const noexcept { libdeflate_free_decompressor(d); }
};
using decompressor_ptr = std::unique_ptr<libdeflate_decompressor, decompressor_deleter>;

struct compressor_deleter
{
    void operator()(libdeflate_compressor * c) const noexcept { libdeflate_free_compressor(c); }
};
using compressor_ptr = std::unique_ptr<libdeflate_compressor, compressor_deleter>;

//! The libdeflate compressor for a level, one per thread (libdeflate objects are not thread-safe) and level.
inline libdeflate_compressor * thread_compressor(int level)
{
    thread_local std::array<compressor_ptr, 13> by_level{};
    auto & c = by_level[static_cast<std::size_t>(level)];
    if (!c)
    {
        c.reset(libdeflate_alloc_compressor(level));
        if (!c)
            throw std::bad_alloc{};
    }
    return c.get();
}

inline libdeflate_decompressor * thread_decompressor()
{
    thread_local decompressor_ptr d{};
    if (!d)
    {
        d.reset(libdeflate_alloc_decompressor());
        if (!d)
            throw std::bad_alloc{};
    }
    return d.get();
}

//! Inflates one whole BGZF member (block_size bytes, header already validated by parse_extra_field, so
//! block_size >= 12 + extra_length + 8) into out (room for max_block_size bytes); isize: the bytes written.
//! Checks ISIZE and CRC32.
inline block_status decompress_block_into(std::span<unsigned char const> block, std::size_t extra_length,
                                          char * out, std::size_t & isize)
{
    std::size_t const data_begin = gzip_fixed_header + extra_length;
    std::size_t const data_size = block.size() - data_begin - trailer_size;
    unsigned char const * trailer = block.data() + block.size() - trailer_size;
    std::uint32_t const crc = load_u32(trailer);
    isize = load_u32(trailer + 4);
    if (isize > max_block_size)
        return block_status::bad_isize;
    std::size_t actual = 0;
    libdeflate_result r = libdeflate_deflate_decompress(thread_decompressor(), block.data() + data_begin,
                                                        data_size, out, isize, &actual);
    if (r == LIBDEFLATE_INSUFFICIENT_SPACE)
        return block_status::bad_isize;
    if (r != LIBDEFLATE_SUCCESS)
        return block_status::bad_deflate;
    if (actual != isize)
        return block_status::bad_isize;
    if (libdeflate_crc32(0, out, isize) != crc)
        return block_status::bad_crc;
    return block_status::ok;
}

//! decompress_block_into() into out, resized to ISIZE.
inline block_status decompress_block(std::span<unsigned char const> block, std::size_t extra_length,
                                     std::string & out)
{
    out.resize(max_block_size);
    std::size_t isize = 0;
    block_status const st = decompress_block_into(block, extra_length, out.data(), isize);
    out.resize(st == block_status::ok ? isize : 0);
    return st;
}

//! Whether bytes start with a whole BGZF member (a gzip member with the BC subfield, all of it present); on true,
//! info holds its extra length and size.
inline bool starts_with_bgzf_block(std::span<unsigned char const> bytes, header_info & info) noexcept
{
    if (parse_fixed_header(bytes, info) != block_status::ok ||
        bytes.size() < gzip_fixed_header + info.extra_length ||
        parse_extra_field(bytes[3], bytes.subspan(gzip_fixed_header, info.extra_length), info) != block_status::ok)
        return false;
    return bytes.size() >= info.block_size;
}

//! Compresses data (at most default_block_data bytes, so that it fits the block even stored) into one complete
//! BGZF member appended to out. level is libdeflate's, 0 (stored) to 12.
inline void compress_block(std::span<char const> data, int level, std::string & out)
{
    std::size_t const base = out.size();
    out.resize(base + max_block_size);
    auto * p = reinterpret_cast<unsigned char *>(out.data() + base);
    std::memcpy(p, eof_block.data(), header_size); // same header as htslib: MTIME 0, XFL 0, OS 255, XLEN 6
    std::size_t const room = max_block_size - header_size - trailer_size;
    std::size_t n = libdeflate_deflate_compress(thread_compressor(level), data.data(), data.size(),
                                                p + header_size, room);
    if (n == 0) // incompressible: stored blocks always fit (data.size() <= default_block_data)
        n = libdeflate_deflate_compress(thread_compressor(0), data.data(), data.size(), p + header_size, room);
    std::size_t const total = header_size + n + trailer_size;
    store_u16(p + 16, static_cast<std::uint16_t>(total - 1));
    store_u32(p + header_size + n, libdeflate_crc32(0, data.data(), data.size()));
    store_u32(p + header_size + n + 4, static_cast<std::uint32_t>(data.size()));
    out.resize(base + total);
}

} // namespace wgskit::codec::bgzf::detail
