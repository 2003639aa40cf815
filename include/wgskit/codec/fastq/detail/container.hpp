// The .wfq container around the blocks (little endian):
//
//   file header (16 bytes): "WGSKFQ" u8 version (3) u8 mates (1|2) u32 records per block u8 base order, 3 zero bytes
//   blocks, back to back (see block_codec.hpp)
//   index: "WFQI" u64 blocks u64 records (per mate); per block: u64 offset u64 size u32 records; u32 crc32 of the
//          index bytes before it
//   tail (16 bytes): u64 offset of the index, "WFQEND\1\0"
//
// The index makes any block reachable without reading the others (random access, parallel decoding).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include <wgskit/codec/fastq/detail/block_codec.hpp>

namespace wgskit::codec::fastq::detail
{

inline constexpr char file_magic[6] = {'W', 'G', 'S', 'K', 'F', 'Q'};
inline constexpr char tail_magic[8] = {'W', 'F', 'Q', 'E', 'N', 'D', '\1', '\0'};
inline constexpr std::uint32_t index_magic = 0x49514657u; // "WFQI"
inline constexpr std::uint8_t format_version = 3;
inline constexpr std::size_t file_header_size = 16;
inline constexpr std::size_t tail_size = 16;

struct block_entry
{
    std::uint64_t offset;
    std::uint64_t size;
    std::uint32_t records;
    std::uint64_t first_record; //!< 0-based, derived
};

inline std::vector<std::uint8_t> file_header_bytes(unsigned mates, std::uint32_t block_records, unsigned base_order)
{
    std::vector<std::uint8_t> out(file_magic, file_magic + 6);
    put_u8(out, format_version);
    put_u8(out, mates);
    put_u32(out, block_records);
    put_u8(out, base_order);
    out.insert(out.end(), 3, 0);
    return out;
}

inline std::vector<std::uint8_t> index_bytes(std::vector<block_entry> const & blocks, std::uint64_t index_offset)
{
    std::vector<std::uint8_t> out;
    put_u32(out, index_magic);
    put_u64(out, blocks.size());
    std::uint64_t records = 0;
    for (auto const & b : blocks)
        records += b.records;
    put_u64(out, records);
    for (auto const & b : blocks)
    {
        put_u64(out, b.offset);
        put_u64(out, b.size);
        put_u32(out, b.records);
    }
    put_u32(out, libdeflate_crc32(0, out.data(), out.size()));
    put_u64(out, index_offset);
    out.insert(out.end(), tail_magic, tail_magic + 8);
    return out;
}

struct parsed_container
{
    unsigned mates{1};
    std::uint32_t block_records{0};
    unsigned base_order{default_base_order};
    std::uint64_t records{0};
    std::vector<block_entry> blocks;
};

//! Parses and cross-checks the file header, index and tail; "" or what is wrong.
inline std::string parse_container(std::span<std::uint8_t const> file, parsed_container & c)
{
    if (file.size() < file_header_size + tail_size)
        return "too short to be a .wfq file (" + std::to_string(file.size()) + " bytes)";
    if (std::memcmp(file.data(), file_magic, 6) != 0)
        return "not a .wfq file (bad magic)";
    if (file[6] != format_version)
        return "unsupported .wfq version " + std::to_string(file[6]);
    c.mates = file[7];
    if (c.mates != 1 && c.mates != 2)
        return "bad mate count in the file header";
    std::memcpy(&c.block_records, file.data() + 8, 4);
    c.base_order = file[12];
    if (c.block_records == 0 || c.base_order < 1 || c.base_order > max_base_order)
        return "bad file header";
    auto const * tail = file.data() + file.size() - tail_size;
    if (std::memcmp(tail + 8, tail_magic, 8) != 0)
        return "truncated or corrupt file: no index at the end";
    std::uint64_t index_offset = 0;
    std::memcpy(&index_offset, tail, 8);
    std::uint64_t const index_end = file.size() - tail_size;
    if (index_offset < file_header_size || index_offset > index_end || index_end - index_offset < 24)
        return "index offset out of range";
    byte_reader in{file.subspan(index_offset, index_end - index_offset)};
    std::uint32_t magic = 0;
    std::uint64_t n = 0;
    if (!in.u32(magic) || magic != index_magic || !get_u64(in, n) || !get_u64(in, c.records))
        return "bad index header";
    if (n > in.remaining() / 20 || in.remaining() != n * 20 + 4)
        return "index size does not match its block count";
    std::uint32_t stored_crc = 0;
    std::memcpy(&stored_crc, file.data() + index_end - 4, 4);
    if (libdeflate_crc32(0, file.data() + index_offset, index_end - index_offset - 4) != stored_crc)
        return "index checksum mismatch";
    c.blocks.resize(n);
    std::uint64_t expect = file_header_size, records = 0;
    for (std::uint64_t k = 0; k < n; ++k)
    {
        auto & b = c.blocks[k];
        get_u64(in, b.offset);
        get_u64(in, b.size);
        in.u32(b.records);
        b.first_record = records;
        records += b.records;
        if (b.offset != expect || b.size > index_offset - b.offset || b.records > c.block_records)
            return "index entry of block " + std::to_string(k) + " is inconsistent";
        expect = b.offset + b.size;
    }
    if (expect != index_offset)
        return "blocks do not end where the index starts";
    if (records != c.records)
        return "index record count does not match its blocks";
    return {};
}

} // namespace wgskit::codec::fastq::detail
