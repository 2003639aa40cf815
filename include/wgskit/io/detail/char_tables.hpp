// Character classification tables shared by the readers.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace wgskit::io::detail
{

//! 1 for the IUPAC nucleotide letters (ACGTN RYKMSWBDHV, either case), 0 otherwise.
inline constexpr std::array<std::uint8_t, 256> iupac_table = [] {
    std::array<std::uint8_t, 256> t{};
    for (char c : std::string_view{"ACGTNRYKMSWBDHV"})
    {
        t[static_cast<unsigned char>(c)] = 1;
        t[static_cast<unsigned char>(c - 'A' + 'a')] = 1;
    }
    return t;
}();

inline constexpr bool is_iupac(char c) noexcept
{
    return iupac_table[static_cast<unsigned char>(c)] != 0;
}

//! Printable quality character ('!'..'~').
inline constexpr bool is_quality(char c) noexcept
{
    return static_cast<unsigned char>(c) - 33u <= 93u;
}

//! A character shown in an error message: printable as itself, otherwise as \xNN.
inline std::string show_char(char c)
{
    auto u = static_cast<unsigned char>(c);
    if (u >= 32 && u < 127)
        return std::string(1, c);
    char buf[8];
    static constexpr char hex[] = "0123456789abcdef";
    buf[0] = '\\';
    buf[1] = 'x';
    buf[2] = hex[u >> 4];
    buf[3] = hex[u & 15];
    return std::string{buf, 4};
}

} // namespace wgskit::io::detail
