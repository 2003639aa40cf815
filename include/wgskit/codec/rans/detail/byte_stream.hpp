// Bounded little-endian reading and the variable-length integers of the CRAM 3.1 codecs (hts-specs
// CRAMcodecs §1.4: "uint7", 7 bits per byte, most significant group first, top bit = more follows).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

namespace wgskit::codec::rans::detail
{

//! Reads from a byte span; every read checks the bounds and returns false past the end (nothing is read).
class byte_reader
{
public:
    byte_reader() = default;
    explicit byte_reader(std::span<std::uint8_t const> in) : p_{in.data()}, end_{in.data() + in.size()} {}

    std::size_t remaining() const noexcept { return static_cast<std::size_t>(end_ - p_); }
    std::uint8_t const * position() const noexcept { return p_; }

    bool u8(std::uint32_t & v) noexcept
    {
        if (p_ == end_)
            return false;
        v = *p_++;
        return true;
    }

    //! At most 5 bytes and 32 bits.
    bool u7(std::uint32_t & v) noexcept
    {
        std::uint64_t value = 0;
        for (int i = 0; i < 5; ++i)
        {
            if (p_ == end_)
                return false;
            std::uint8_t const c = *p_++;
            value = (value << 7) | (c & 127u);
            if (c < 128)
            {
                if (value > 0xffffffffu)
                    return false;
                v = static_cast<std::uint32_t>(value);
                return true;
            }
        }
        return false;
    }

    bool u32(std::uint32_t & v) noexcept
    {
        if (remaining() < 4)
            return false;
        std::memcpy(&v, p_, 4);
        p_ += 4;
        return true;
    }

    //! The next n bytes as a span, consumed.
    bool take(std::size_t n, std::span<std::uint8_t const> & out) noexcept
    {
        if (remaining() < n)
            return false;
        out = {p_, n};
        p_ += n;
        return true;
    }

private:
    std::uint8_t const * p_{nullptr};
    std::uint8_t const * end_{nullptr};
};

inline void put_u8(std::vector<std::uint8_t> & out, std::uint32_t v) { out.push_back(static_cast<std::uint8_t>(v)); }

inline void put_u7(std::vector<std::uint8_t> & out, std::uint32_t v)
{
    int groups = 1;
    while (groups < 5 && (v >> (7 * groups)) != 0)
        ++groups;
    for (int g = groups - 1; g >= 0; --g)
        out.push_back(static_cast<std::uint8_t>(((v >> (7 * g)) & 127u) | (g > 0 ? 128u : 0u)));
}

inline void put_u32(std::vector<std::uint8_t> & out, std::uint32_t v)
{
    std::uint8_t b[4];
    std::memcpy(b, &v, 4);
    out.insert(out.end(), b, b + 4);
}

} // namespace wgskit::codec::rans::detail
