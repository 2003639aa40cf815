// BGZF virtual offsets and the .gzi index that bgzip -i / -r writes: random access by uncompressed position.
//
// .gzi layout (little-endian): uint64 n, then n pairs (compressed offset, uncompressed offset), one for the
// start of every block that holds data except the first (whose pair would be (0, 0)).
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include <wgskit/codec/bgzf/detail/block.hpp>
#include <wgskit/codec/bgzf/detail/file.hpp>
#include <wgskit/core/exception.hpp>

namespace wgskit::codec::bgzf
{

//! A virtual offset: compressed offset of a block start << 16 | offset inside its uncompressed data.
using virtual_offset = std::uint64_t;

constexpr virtual_offset make_virtual_offset(std::uint64_t block_offset, std::uint32_t in_block) noexcept
{
    return (block_offset << 16) | (in_block & 0xffffu);
}
constexpr std::uint64_t block_offset_of(virtual_offset v) noexcept { return v >> 16; }
constexpr std::uint32_t in_block_offset_of(virtual_offset v) noexcept { return static_cast<std::uint32_t>(v & 0xffff); }

struct gzi_entry
{
    std::uint64_t compressed_offset{0};
    std::uint64_t uncompressed_offset{0};
    friend bool operator==(gzi_entry const &, gzi_entry const &) = default;
};

class gzi_index
{
public:
    gzi_index() = default;

    //! The entries as stored in the file (without the implicit (0, 0)).
    std::vector<gzi_entry> const & entries() const noexcept { return entries_; }

    //! Appends the start of a block; offsets must increase.
    void add(gzi_entry e)
    {
        if (!entries_.empty() && (e.compressed_offset <= entries_.back().compressed_offset ||
                                  e.uncompressed_offset < entries_.back().uncompressed_offset))
            throw invalid_argument{"gzi_index::add: offsets must increase"};
        entries_.push_back(e);
    }

    //! The virtual offset of an uncompressed position: the last block starting at or before it.
    virtual_offset locate(std::uint64_t uncompressed) const noexcept
    {
        auto it = std::upper_bound(entries_.begin(), entries_.end(), uncompressed,
                                   [](std::uint64_t u, gzi_entry const & e) { return u < e.uncompressed_offset; });
        gzi_entry const start = it == entries_.begin() ? gzi_entry{} : *std::prev(it);
        // A block holds at most 64 KiB, so the difference fits the 16 bits when the index is consistent.
        return make_virtual_offset(start.compressed_offset,
                                   static_cast<std::uint32_t>(uncompressed - start.uncompressed_offset));
    }

    //! Reads a .gzi file; parse_error if its size does not match its count or offsets do not increase.
    static gzi_index read(std::string const & path)
    {
        detail::input_file in{path};
        std::string bytes;
        char buf[1 << 16];
        while (std::size_t n = in.read(buf, sizeof buf))
            bytes.append(buf, n);
        auto const * p = reinterpret_cast<unsigned char const *>(bytes.data());
        if (bytes.size() < 8)
            throw parse_error{path, 0, "truncated .gzi index (no entry count)"};
        std::uint64_t const n = load_u64(p);
        if (n > (bytes.size() - 8) / 16 || bytes.size() != 8 + 16 * n)
            throw parse_error{path, 0, "bad .gzi index: " + std::to_string(n) + " entries declared, file has " +
                                           std::to_string(bytes.size()) + " bytes"};
        gzi_index idx;
        idx.entries_.reserve(n);
        for (std::uint64_t i = 0; i < n; ++i)
        {
            gzi_entry const e{load_u64(p + 8 + 16 * i), load_u64(p + 16 + 16 * i)};
            if (!idx.entries_.empty() && (e.compressed_offset <= idx.entries_.back().compressed_offset ||
                                          e.uncompressed_offset < idx.entries_.back().uncompressed_offset))
                throw parse_error{path, i + 1, "bad .gzi index: offsets do not increase"};
            idx.entries_.push_back(e);
        }
        return idx;
    }

    //! Writes the index (temporary name, then rename).
    void write(std::string const & path) const
    {
        detail::output_file out{path};
        std::string bytes(8 + 16 * entries_.size(), '\0');
        auto * p = reinterpret_cast<unsigned char *>(bytes.data());
        store_u64(p, entries_.size());
        for (std::size_t i = 0; i < entries_.size(); ++i)
        {
            store_u64(p + 8 + 16 * i, entries_[i].compressed_offset);
            store_u64(p + 16 + 16 * i, entries_[i].uncompressed_offset);
        }
        out.write(bytes.data(), bytes.size());
        out.commit();
    }

    friend bool operator==(gzi_index const &, gzi_index const &) = default;

private:
    static std::uint64_t load_u64(unsigned char const * p) noexcept
    {
        return detail::load_u32(p) | (std::uint64_t{detail::load_u32(p + 4)} << 32);
    }
    static void store_u64(unsigned char * p, std::uint64_t v) noexcept
    {
        detail::store_u32(p, static_cast<std::uint32_t>(v));
        detail::store_u32(p + 4, static_cast<std::uint32_t>(v >> 32));
    }

    std::vector<gzi_entry> entries_;
};

} // namespace wgskit::codec::bgzf
