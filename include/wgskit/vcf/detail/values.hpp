// Value checks of a data line against the INFO / FORMAT definitions (the header's, else the reserved keys of
// VCF 4.3 tables 1.6.1 / 1.6.2): counts against Number (A, R, G from the genotype's ploidy), types, integer
// range (the values below -2^31+8 are reserved), Flags without values, genotypes within the alleles.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <wgskit/vcf/detail/definitions.hpp>
#include <wgskit/vcf/detail/text.hpp>
#include <wgskit/vcf/header.hpp>

namespace wgskit::vcf::detail
{

//! The definition of an INFO (or FORMAT) key: the header's, else the reserved one, else nullptr.
inline definition const * lookup(header const & h, std::string_view key, bool info, definition & scratch)
{
    if (auto const * d = info ? h.info_definition(key) : h.format_definition(key))
        return d;
    for (auto const & r : info ? std::span<reserved_key const>{reserved_info} : std::span<reserved_key const>{reserved_format})
        if (r.id == key)
        {
            scratch = {std::string{r.number}, std::string{r.type}};
            return &scratch;
        }
    return nullptr;
}

// Reserved keys whose values are counts, frequencies or qualities: never negative.
inline bool non_negative_key(std::string_view key)
{
    for (std::string_view k : {"AC", "AF", "AN", "AD", "ADF", "ADR", "BQ", "DP", "END", "MQ", "MQ0", "NS", "GQ", "HQ", "PL"})
        if (k == key)
            return true;
    return false;
}

//! A CIGAR string: (count op)+ with op in MIDNSHP=X.
inline bool valid_cigar(std::string_view s)
{
    if (s.empty())
        return false;
    std::size_t digits = 0;
    for (char c : s)
        if (c >= '0' && c <= '9')
            ++digits;
        else if (digits > 0 && std::string_view{"MIDNSHP=X"}.find(c) != std::string_view::npos)
            digits = 0;
        else
            return false;
    return digits == 0;
}

//! Number of genotypes for n_alleles alleles at a ploidy: C(n_alleles + ploidy - 1, ploidy).
inline std::uint64_t genotype_count(std::uint64_t n_alleles, std::uint64_t ploidy)
{
    std::uint64_t c = 1;
    for (std::uint64_t i = 1; i <= ploidy && c < (1u << 30); ++i)
        c = c * (n_alleles + i - 1) / i;
    return c;
}

//! Checks the values of one key; returns the reason if they do not fit d. ploidy 0 = unknown (G unchecked).
inline std::string check_values(std::string_view key, std::string_view values, definition const & d,
                                std::size_t n_alt, std::size_t ploidy, bool empty_is_missing)
{
    std::string const k{key};
    bool const quoted = d.type == "String" && values.size() >= 2 && values.front() == '"' && values.back() == '"';
    auto items = quoted ? std::vector<std::string_view>{values} : split(values, ','); // a quoted string is one value
    bool const per_allele = d.number == "A" || d.number == "R" || d.number == "G";
    if (!(items.size() == 1 && items[0] == ".") && !(per_allele && n_alt == 0)) // ALT "." leaves A, R, G open
    {
        std::optional<std::size_t> expected;
        if (d.number == "A")
            expected = n_alt;
        else if (d.number == "R")
            expected = n_alt + 1;
        else if (d.number == "G" && ploidy > 0)
            expected = genotype_count(n_alt + 1, ploidy);
        else if (auto n = parse_int(d.number))
            expected = static_cast<std::size_t>(*n);
        if (expected && items.size() != *expected)
            return k + " has " + std::to_string(items.size()) + " values where its Number=" + d.number + " needs " +
                   std::to_string(*expected);
    }
    for (auto v : items)
    {
        if (v == "." || (v.empty() && empty_is_missing))
            continue;
        if (d.type == "Integer")
        {
            auto x = parse_int(v);
            if (!x)
                return k + " value '" + std::string{v} + "' is not an integer";
            if (*x > INT32_MAX || *x < std::int64_t{INT32_MIN} + 8)
                return k + " value '" + std::string{v} + "' is outside the 32-bit range VCF allows";
            if (*x < 0 && non_negative_key(key))
                return k + " value '" + std::string{v} + "' is negative";
        }
        else if (d.type == "Float")
        {
            auto x = parse_float(v);
            if (!x)
                return k + " value '" + std::string{v} + "' is not a number";
            if (*x < 0 && non_negative_key(key))
                return k + " value '" + std::string{v} + "' is negative";
        }
        else if (d.type == "Character" && v.size() != 1)
            return k + " value '" + std::string{v} + "' is not one character";
        if (key == "CIGAR" && !valid_cigar(v))
            return k + " value '" + std::string{v} + "' is not a CIGAR string";
    }
    return {};
}

//! Checks the INFO column (not "."); returns the reason if malformed.
inline std::string check_info(header const & h, std::string_view info, std::size_t n_alt)
{
    auto fields = split(info, ';');
    definition scratch;
    for (std::size_t i = 0; i < fields.size(); ++i)
    {
        std::size_t const eq = fields[i].find('=');
        auto key = fields[i].substr(0, eq);
        if (!valid_key(key))
            return "invalid INFO key '" + std::string{key} + "'";
        for (std::size_t j = 0; j < i; ++j)
            if (fields[j].substr(0, fields[j].find('=')) == key)
                return "duplicate INFO key '" + std::string{key} + "'";
        auto const * d = lookup(h, key, true, scratch);
        if (!d)
            continue; // undefined keys are accepted (bcftools warns)
        if (d->type == "Flag")
        {
            auto v = eq == std::string_view::npos ? std::string_view{} : fields[i].substr(eq + 1);
            if (eq != std::string_view::npos && v != "0" && v != "1")
                return "INFO " + std::string{key} + " is a Flag and takes no value";
            continue;
        }
        if (eq == std::string_view::npos)
            continue; // a bare key of a valued type: read as missing, as htslib
        if (auto why = check_values(key, fields[i].substr(eq + 1), *d, n_alt, 0, false); !why.empty())
            return "INFO " + why;
    }
    return {};
}

//! Ploidy of a GT value, checking its alleles (0..n_alt or '.') and separators; returns the reason in why.
inline std::size_t genotype_ploidy(std::string_view gt, std::size_t n_alt, std::string & why)
{
    if (gt == ".")
        return 0;
    std::size_t ploidy = 0;
    std::size_t at = 0;
    if (!gt.empty() && (gt[0] == '/' || gt[0] == '|'))
        at = 1; // VCF 4.4 leading phase marker
    while (true)
    {
        std::size_t sep = gt.find_first_of("/|", at);
        auto allele = gt.substr(at, sep - at);
        if (allele != ".")
        {
            auto a = parse_int(allele);
            if (!a || allele.front() == '+' || allele.front() == '-')
            {
                why = "genotype '" + std::string{gt} + "' has an invalid allele '" + std::string{allele} + "'";
                return 0;
            }
            if (n_alt > 0 && *a > static_cast<std::int64_t>(n_alt)) // ALT "." leaves it open, as the suite
            {
                why = "genotype '" + std::string{gt} + "' refers to allele " + std::to_string(*a) + " of " +
                      std::to_string(n_alt + 1);
                return 0;
            }
        }
        ++ploidy;
        if (sep == std::string_view::npos)
            return ploidy;
        at = sep + 1;
    }
}

//! Checks one sample column against the FORMAT keys; returns the reason if malformed.
inline std::string check_sample(header const & h, std::vector<std::string_view> const & keys, std::string_view sample,
                                std::size_t n_alt)
{
    auto values = split(sample, ':');
    std::size_t ploidy = 0;
    definition scratch;
    for (std::size_t i = 0; i < values.size() && i < keys.size(); ++i)
    {
        if (keys[i] == "GT")
        {
            std::string why;
            ploidy = genotype_ploidy(values[i], n_alt, why);
            if (!why.empty())
                return why;
            continue;
        }
        auto const * d = lookup(h, keys[i], false, scratch);
        if (!d)
            continue;
        // VCF 4.5 allows omitted (empty) sample values
        if (auto why = check_values(keys[i], values[i], *d, n_alt, ploidy, h.minor_version() >= 5); !why.empty())
            return "FORMAT " + why;
    }
    return {};
}

} // namespace wgskit::vcf::detail
