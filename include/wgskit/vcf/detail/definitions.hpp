// Structured header lines (<K=V,...>) and the checks on them: INFO / FORMAT / FILTER / ALT definitions (field
// order, quoting, Number and Type, the reserved keys of VCF 4.3 tables 1.6.1 / 1.6.2), SAMPLE, PEDIGREE, META.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <wgskit/vcf/detail/text.hpp>

namespace wgskit::vcf::detail
{

struct structured_field
{
    std::string key;
    std::string value;
    bool quoted{false};
};
using structured_fields = std::vector<structured_field>;

//! Splits 'K=V,K="quoted, with \" escapes",K=[a, b],...' (the inside of <...>); returns the reason if malformed.
inline std::string split_structured(std::string_view s, structured_fields & out)
{
    std::size_t i = 0;
    while (i < s.size())
    {
        std::size_t eq = s.find('=', i);
        std::size_t comma = s.find(',', i);
        if (eq == std::string_view::npos || eq == i || comma < eq)
            return "malformed key=value list in a structured meta line";
        structured_field f{std::string{s.substr(i, eq - i)}, {}, false};
        if (f.key.find_first_of(",<>\"[] \t") != std::string::npos)
            return "malformed key '" + f.key + "' in a structured meta line";
        i = eq + 1;
        if (i < s.size() && (s[i] == '"' || s[i] == '['))
        {
            char const close = s[i] == '"' ? '"' : ']';
            f.quoted = close == '"';
            if (!f.quoted)
                f.value += s[i];
            ++i;
            bool closed = false;
            while (i < s.size())
            {
                char c = s[i++];
                if (f.quoted && c == '\\' && i < s.size())
                    f.value += s[i++];
                else if (c == close)
                {
                    closed = true;
                    break;
                }
                else
                    f.value += c;
            }
            if (!closed)
                return "unterminated quoted or bracketed value in a structured meta line";
            if (!f.quoted)
                f.value += ']';
            if (i < s.size() && s[i] != ',')
                return "text after a quoted value in a structured meta line";
        }
        else
        {
            comma = s.find(',', i);
            f.value = std::string{s.substr(i, comma - i)};
            i = comma == std::string_view::npos ? s.size() : comma;
        }
        for (auto const & g : out)
            if (g.key == f.key)
                return "duplicate key '" + f.key + "' in a structured meta line";
        out.push_back(std::move(f));
        if (i < s.size())
        {
            ++i; // the comma
            if (i == s.size())
                return "trailing comma in a structured meta line";
        }
    }
    return {};
}

inline structured_field const * find_field(structured_fields const & f, std::string_view k)
{
    for (auto const & x : f)
        if (x.key == k)
            return &x;
    return nullptr;
}

struct reserved_key
{
    std::string_view id, number, type;
};

// VCF 4.3 table 1.6.1 (INFO) and 1.6.2 (FORMAT). INFO MQ's type is left open: bcftools writes Integer.
inline constexpr reserved_key reserved_info[] = {
    {"AA", "1", "String"},      {"AC", "A", "Integer"},  {"AD", "R", "Integer"},      {"ADF", "R", "Integer"},
    {"ADR", "R", "Integer"},    {"AF", "A", "Float"},    {"AN", "1", "Integer"},      {"BQ", "1", "Float"},
    {"CIGAR", "A", "String"},   {"DB", "0", "Flag"},     {"DP", "1", "Integer"},      {"END", "1", "Integer"},
    {"H2", "0", "Flag"},        {"H3", "0", "Flag"},     {"MQ", "1", ""},             {"MQ0", "1", "Integer"},
    {"NS", "1", "Integer"},     {"SOMATIC", "0", "Flag"}, {"VALIDATED", "0", "Flag"}, {"1000G", "0", "Flag"},
};
inline constexpr reserved_key reserved_format[] = {
    {"AD", "R", "Integer"}, {"ADF", "R", "Integer"}, {"ADR", "R", "Integer"}, {"DP", "1", "Integer"},
    {"EC", "A", "Integer"}, {"FT", "1", "String"},   {"GL", "G", "Float"},    {"GLE", "G", ""},
    {"GP", "G", "Float"},   {"GQ", "1", "Integer"},  {"GT", "1", "String"},   {"HQ", "2", "Integer"},
    {"MQ", "1", "Integer"}, {"PL", "G", "Integer"},  {"PQ", "1", "Integer"},  {"PS", "1", "Integer"},
};

inline bool valid_number(std::string_view n, int minor_version)
{
    if (n == "A" || n == "R" || n == "G" || n == ".")
        return true;
    if (minor_version >= 4 && (n == "LA" || n == "LR" || n == "LG" || n == "P" || n == "M"))
        return true; // VCF 4.4 / 4.5 additions
    auto v = parse_int(n);
    return v && *v >= 0 && n.front() != '+' && n.front() != '-';
}

inline bool valid_type(std::string_view t, std::string_view key)
{
    return t == "Integer" || t == "Float" || t == "Character" || t == "String" || (t == "Flag" && key == "INFO");
}

//! Checks a structured line of a key this block knows; returns the reason if malformed.
inline std::string check_structured(std::string_view key, structured_fields const & f, int minor_version)
{
    std::string const k{key};
    auto const * id = find_field(f, "ID");
    if (key == "PEDIGREE" && minor_version < 3)
        return {}; // VCF 4.2 pedigrees are Name_0=...,Name_1=... without ID
    if (!id || id->value.empty())
        return "##" + k + " without ID";
    std::string const what = "##" + k + "=<ID=" + id->value + ">";
    if (f.front().key != "ID")
        return what + ": ID must be the first field";
    if (id->quoted || has_white_space(id->value))
        return what + ": invalid ID";
    if (key == "SAMPLE" || key == "PEDIGREE")
    {
        for (auto const & x : f)
            if (!x.quoted && has_white_space(x.value))
                return what + ": white space in the value of " + x.key;
        if (key == "SAMPLE" && id->value.find_first_of("*") != std::string::npos)
            return what + ": invalid sample ID";
        return {};
    }
    auto const * number = find_field(f, "Number");
    auto const * type = find_field(f, "Type");
    if (key == "META")
    {
        if (number && !valid_number(number->value, minor_version))
            return what + ": invalid Number '" + number->value + "'";
        if (type && !valid_type(type->value, key))
            return what + ": invalid Type '" + type->value + "'";
        if (auto const * values = find_field(f, "Values"); values && values->value.front() != '[')
            return what + ": Values must be a [list]";
        return {};
    }
    auto const * description = find_field(f, "Description");
    if (!description)
        return what + " without Description";
    if (!description->quoted)
        return what + ": Description must be a quoted string";
    if (key == "ALT" && (id->value.find_first_of("<>,") != std::string::npos))
        return what + ": invalid ALT ID";
    if (key == "FILTER" || (key == "ALT" && !number && !type))
        return {};
    if (!number)
        return what + " without Number";
    if (!type)
        return what + " without Type";
    if (f.size() < 4 || f[1].key != "Number" || f[2].key != "Type" || f[3].key != "Description")
        return what + ": fields must come in the order ID, Number, Type, Description";
    if (!valid_number(number->value, minor_version))
        return what + ": invalid Number '" + number->value + "'";
    if (!valid_type(type->value, key == "ALT" ? "INFO" : key))
        return what + ": invalid Type '" + type->value + "'";
    if (key == "INFO" || key == "FORMAT")
        for (auto const & r : key == "INFO" ? std::span<reserved_key const>{reserved_info}
                                            : std::span<reserved_key const>{reserved_format})
            if (r.id == id->value)
            {
                if (number->value != r.number)
                    return what + ": the reserved key needs Number=" + std::string{r.number};
                if (!r.type.empty() && type->value != r.type)
                    return what + ": the reserved key needs Type=" + std::string{r.type};
            }
    return {};
}

} // namespace wgskit::vcf::detail
