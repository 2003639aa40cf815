// Little-endian field access and the BAI bin of a record (the binning scheme itself is codec/bgzf/binning_index.hpp).
#pragma once

#include <cstdint>
#include <cstring>
#include <string>

#include <wgskit/codec/bgzf/binning_index.hpp>

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

//! The smallest BAI bin holding the 0-based half-open interval [beg, end) (SAMv1 section 5.3, reg2bin).
inline std::uint32_t reg2bin(std::int64_t beg, std::int64_t end) noexcept
{
    return codec::bgzf::binning_scheme{}.reg2bin(beg, end);
}

} // namespace wgskit::bam::detail
