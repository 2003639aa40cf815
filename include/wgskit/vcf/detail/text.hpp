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

//! Splits 'K=V,K="quoted, with \" escapes",...' (the inside of <...>); returns the reason on malformed text.
inline std::string split_structured(std::string_view s, std::vector<std::pair<std::string, std::string>> & out)
{
    std::size_t i = 0;
    while (i < s.size())
    {
        std::size_t eq = s.find('=', i);
        if (eq == std::string_view::npos || eq == i)
            return "malformed key=value list in a structured meta line";
        std::string key{s.substr(i, eq - i)};
        if (key.find_first_of(",<>\" ") != std::string::npos)
            return "malformed key '" + key + "' in a structured meta line";
        i = eq + 1;
        std::string value;
        if (i < s.size() && s[i] == '"')
        {
            ++i;
            bool closed = false;
            while (i < s.size())
            {
                char c = s[i++];
                if (c == '\\' && i < s.size())
                    value += s[i++];
                else if (c == '"')
                {
                    closed = true;
                    break;
                }
                else
                    value += c;
            }
            if (!closed)
                return "unterminated quoted value in a structured meta line";
            if (i < s.size() && s[i] != ',')
                return "text after a quoted value in a structured meta line";
        }
        else
        {
            std::size_t comma = s.find(',', i);
            value = std::string{s.substr(i, comma - i)};
            i = comma == std::string_view::npos ? s.size() : comma;
        }
        for (auto const & kv : out)
            if (kv.first == key)
                return "duplicate key '" + key + "' in a structured meta line";
        out.emplace_back(std::move(key), std::move(value));
        if (i < s.size())
        {
            ++i; // the comma
            if (i == s.size())
                return "trailing comma in a structured meta line";
        }
    }
    return {};
}

inline std::string const * find_field(std::vector<std::pair<std::string, std::string>> const & f, std::string_view k)
{
    for (auto const & kv : f)
        if (kv.first == k)
            return &kv.second;
    return nullptr;
}

//! Checks an INFO / FORMAT / FILTER / ALT definition (VCF 4.3 1.4.2-1.4.5); returns the reason if malformed.
inline std::string check_definition(std::string_view key, std::vector<std::pair<std::string, std::string>> const & f)
{
    std::string k{key};
    auto const * id = find_field(f, "ID");
    if (!id || id->empty())
        return "##" + k + " without ID";
    if (!find_field(f, "Description"))
        return "##" + k + "=<ID=" + *id + "> without Description";
    if (key != "INFO" && key != "FORMAT")
        return {};
    auto const * number = find_field(f, "Number");
    auto const * type = find_field(f, "Type");
    if (!number)
        return "##" + k + "=<ID=" + *id + "> without Number";
    if (!type)
        return "##" + k + "=<ID=" + *id + "> without Type";
    if (!(*number == "A" || *number == "R" || *number == "G" || *number == "." ||
          (parse_int(*number) && *parse_int(*number) >= 0 && number->front() != '+' && number->front() != '-')))
        return "##" + k + "=<ID=" + *id + "> has an invalid Number '" + *number + "'";
    if (!(*type == "Integer" || *type == "Float" || *type == "Character" || *type == "String" ||
          (*type == "Flag" && key == "INFO")))
        return "##" + k + "=<ID=" + *id + "> has an invalid Type '" + *type + "'";
    if (*type == "Flag" && *number != "0")
        return "##INFO=<ID=" + *id + "> is a Flag with Number other than 0";
    return {};
}

} // namespace wgskit::vcf::detail
