// Little-endian field access and the SAM specification's binning scheme, shared by the BAM codec and the index.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>

namespace wgskit::bam::detail
{

template <typename T>
T load(char const * p) noexcept
{
    T v;
    std::memcpy(&v, p, sizeof v); // x86-64 and aarch64 are little-endian, as BAM is
    return v;
}

template <typename T>
void store(char * p, T v) noexcept
{
    std::memcpy(p, &v, sizeof v);
}

template <typename T>
void append(std::string & s, T v)
{
    char b[sizeof v];
    std::memcpy(b, &v, sizeof v);
    s.append(b, sizeof v);
}

//! The smallest bin holding the 0-based half-open interval [beg, end) (SAMv1 section 5.3, reg2bin).
inline std::uint32_t reg2bin(std::int64_t beg, std::int64_t end) noexcept
{
    --end;
    if (beg >> 14 == end >> 14)
        return static_cast<std::uint32_t>(((1 << 15) - 1) / 7 + (beg >> 14));
    if (beg >> 17 == end >> 17)
        return static_cast<std::uint32_t>(((1 << 12) - 1) / 7 + (beg >> 17));
    if (beg >> 20 == end >> 20)
        return static_cast<std::uint32_t>(((1 << 9) - 1) / 7 + (beg >> 20));
    if (beg >> 23 == end >> 23)
        return static_cast<std::uint32_t>(((1 << 6) - 1) / 7 + (beg >> 23));
    if (beg >> 26 == end >> 26)
        return static_cast<std::uint32_t>(((1 << 3) - 1) / 7 + (beg >> 26));
    return 0;
}

//! Bins overlapping [beg, end) (SAMv1 section 5.3, reg2bins), appended to out.
template <typename Out>
void reg2bins(std::int64_t beg, std::int64_t end, Out & out)
{
    --end;
    out.push_back(0);
    for (std::int64_t k = 1 + (beg >> 26); k <= 1 + (end >> 26); ++k)
        out.push_back(static_cast<std::uint32_t>(k));
    for (std::int64_t k = 9 + (beg >> 23); k <= 9 + (end >> 23); ++k)
        out.push_back(static_cast<std::uint32_t>(k));
    for (std::int64_t k = 73 + (beg >> 20); k <= 73 + (end >> 20); ++k)
        out.push_back(static_cast<std::uint32_t>(k));
    for (std::int64_t k = 585 + (beg >> 17); k <= 585 + (end >> 17); ++k)
        out.push_back(static_cast<std::uint32_t>(k));
    for (std::int64_t k = 4681 + (beg >> 14); k <= 4681 + (end >> 14); ++k)
        out.push_back(static_cast<std::uint32_t>(k));
}

} // namespace wgskit::bam::detail
