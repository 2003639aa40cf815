// Text helpers of the VCF block: splitting, strict number parsing, name rules, float formatting.
#pragma once

#include <charconv>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wgskit::vcf::detail
{

inline std::vector<std::string_view> split(std::string_view s, char sep)
{
    std::vector<std::string_view> out;
    while (true)
    {
        std::size_t at = s.find(sep);
        out.push_back(s.substr(0, at));
        if (at == std::string_view::npos)
            return out;
        s.remove_prefix(at + 1);
    }
}

//! A whole string as a decimal integer (optional sign), or nothing.
inline std::optional<std::int64_t> parse_int(std::string_view s)
{
    if (!s.empty() && s.front() == '+')
        s.remove_prefix(1);
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc{} || p != s.data() + s.size())
        return std::nullopt;
    return v;
}

//! A whole string as a float (decimal or exponent notation, Inf/NaN as VCF 4.3 allows), locale independent.
inline std::optional<float> parse_float(std::string_view s)
{
    std::string_view body = s;
    bool negative = false;
    if (!body.empty() && (body.front() == '+' || body.front() == '-'))
    {
        negative = body.front() == '-';
        body.remove_prefix(1);
    }
    auto lower_eq = [](std::string_view a, std::string_view b) {
        if (a.size() != b.size())
            return false;
        for (std::size_t i = 0; i < a.size(); ++i)
            if ((a[i] | 0x20) != b[i])
                return false;
        return true;
    };
    if (lower_eq(body, "inf") || lower_eq(body, "infinity"))
        return negative ? -INFINITY : INFINITY;
    if (lower_eq(body, "nan"))
        return std::numeric_limits<float>::quiet_NaN();
    if (body.empty() || !(std::isdigit(static_cast<unsigned char>(body.front())) || body.front() == '.'))
        return std::nullopt;
    double v = 0;
    auto [p, ec] = std::from_chars(body.data(), body.data() + body.size(), v);
    if (ec == std::errc::result_out_of_range)
        v = HUGE_VAL; // "1e999" is a number, only too large for a float
    else if (ec != std::errc{} || p != body.data() + body.size())
        return std::nullopt;
    return static_cast<float>(negative ? -v : v);
}

//! printf("%g") of a float without the locale: 6 significant digits, trailing zeros dropped, as bcftools.
inline std::string format_float(float q)
{
    if (std::isnan(q))
        return ".";
    if (std::isinf(q))
        return q > 0 ? "inf" : "-inf";
    char buf[32];
    auto [p, ec] = std::to_chars(buf, buf + sizeof buf, static_cast<double>(q), std::chars_format::general, 6);
    return std::string{buf, p};
}

inline bool is_contig_char(char c, bool first)
{
    if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))
        return true;
    if (!first && (c == '*' || c == '='))
        return true;
    return std::string_view{"!#$%&+./:;?@^_|~-"}.find(c) != std::string_view::npos;
}

//! VCF 4.3 1.4.7: [0-9A-Za-z!#$%&+./:;?@^_|~-][0-9A-Za-z!#$%&*+./:;=?@^_|~-]*, or a symbolic "<ID>".
inline bool valid_contig_name(std::string_view s)
{
    if (s.size() >= 3 && s.front() == '<' && s.back() == '>')
        s = s.substr(1, s.size() - 2);
    if (s.empty())
        return false;
    for (std::size_t i = 0; i < s.size(); ++i)
        if (!is_contig_char(s[i], i == 0))
            return false;
    return true;
}

//! An INFO / FORMAT key: [A-Za-z_][0-9A-Za-z_.]*, or 1000G (VCF 4.3 1.6.1).
inline bool valid_key(std::string_view k)
{
    if (k == "1000G")
        return true;
    if (k.empty() || !(std::isalpha(static_cast<unsigned char>(k[0])) || k[0] == '_'))
        return false;
    for (char c : k)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.'))
            return false;
    return true;
}

inline bool has_white_space(std::string_view s) { return s.find_first_of(" \t\r\n") != std::string_view::npos; }

} // namespace wgskit::vcf::detail
