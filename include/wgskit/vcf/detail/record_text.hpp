// A record as a VCF data line and back. format_record checks what would break the line's framing (tabs,
// newlines, separators inside a column); parse_record checks each column's syntax (VCF 4.3 1.6.1-1.6.2).
#pragma once

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <wgskit/core/exception.hpp>
#include <wgskit/vcf/header.hpp>
#include <wgskit/vcf/record.hpp>
#include <wgskit/vcf/detail/text.hpp>

namespace wgskit::vcf::detail
{

//! A short description of a record for error messages: "chr1:12345" (1-based).
inline std::string describe(header const & h, std::int32_t contig, std::int64_t pos)
{
    std::string name = contig >= 0 && static_cast<std::size_t>(contig) < h.contigs().size()
                           ? h.contigs()[static_cast<std::size_t>(contig)].name
                           : "contig#" + std::to_string(contig);
    return name + ":" + std::to_string(pos + 1);
}
inline std::string describe(header const & h, record const & r) { return describe(h, r.contig, r.pos); }

inline bool has_any(std::string_view s, std::string_view chars) { return s.find_first_of(chars) != s.npos; }

//! Appends r as one line (with '\n'); throws invalid_argument if r does not fit h or a column would break framing.
inline void format_record(header const & h, record const & r, std::string & out)
{
    auto bad = [&](std::string const & why) {
        return invalid_argument{"vcf::writer: record " + describe(h, r) + ": " + why};
    };
    if (r.contig < 0 || static_cast<std::size_t>(r.contig) >= h.contigs().size())
        throw bad("contig index " + std::to_string(r.contig) + " is not in the header");
    if (r.pos < -1)
        throw bad("negative position");
    if (r.ref.empty() || has_any(r.ref, "\t\n\r ,"))
        throw bad("REF must be non-empty bases");
    if (r.id.empty() || has_any(r.id, "\t\n\r "))
        throw bad("ID must be '.' or identifiers without white space");
    if (r.samples.size() != h.samples().size())
        throw bad(std::to_string(r.samples.size()) + " sample columns for " + std::to_string(h.samples().size()) +
                  " samples in the header");
    if (!h.samples().empty() && r.format.empty())
        throw bad("sample columns without FORMAT");
    out += h.contigs()[static_cast<std::size_t>(r.contig)].name;
    out += '\t';
    out += std::to_string(r.pos + 1);
    out += '\t';
    out += r.id;
    out += '\t';
    out += r.ref;
    out += '\t';
    if (r.alt.empty())
        out += '.';
    for (std::size_t i = 0; i < r.alt.size(); ++i)
    {
        if (r.alt[i].empty() || has_any(r.alt[i], "\t\n\r ,"))
            throw bad("ALT allele '" + r.alt[i] + "' is empty or holds a separator");
        if (i > 0)
            out += ',';
        out += r.alt[i];
    }
    out += '\t';
    if (r.qual < 0)
        throw bad("negative QUAL");
    out += format_float(r.qual);
    out += '\t';
    if (r.filter.empty())
        out += '.';
    for (std::size_t i = 0; i < r.filter.size(); ++i)
    {
        if (r.filter[i].empty() || has_any(r.filter[i], "\t\n\r ;"))
            throw bad("FILTER '" + r.filter[i] + "' is empty or holds a separator");
        if (i > 0)
            out += ';';
        out += r.filter[i];
    }
    out += '\t';
    if (has_any(r.info, "\t\n\r "))
        throw bad("INFO holds white space");
    out += r.info.empty() ? std::string_view{"."} : std::string_view{r.info};
    if (!h.samples().empty())
    {
        if (has_any(r.format, "\t\n\r "))
            throw bad("FORMAT holds white space");
        out += '\t';
        out += r.format;
        for (auto const & s : r.samples)
        {
            if (s.empty() || has_any(s, "\t\n\r"))
                throw bad("a sample column is empty or holds a tab or newline");
            out += '\t';
            out += s;
        }
    }
    out += '\n';
}

inline bool is_base(char c)
{
    switch (c | 0x20)
    {
    case 'a': case 'c': case 'g': case 't': case 'n': return true;
    default: return false;
    }
}

inline bool all_bases(std::string_view s)
{
    for (char c : s)
        if (!is_base(c))
            return false;
    return !s.empty();
}

//! An ALT allele: bases, '*', a symbolic <ID>, a breakend (t[p[, ]p]t, .t, t.), or '.' when it is the only one.
inline bool valid_alt(std::string_view a)
{
    if (a == "*" || all_bases(a))
        return true;
    if (a.size() >= 3 && a.front() == '<' && a.back() == '>')
        return !has_any(a.substr(1, a.size() - 2), "<>,; \t");
    if (a.size() >= 2 && (a.front() == '.' || a.back() == '.'))
        return all_bases(a.front() == '.' ? a.substr(1) : a.substr(0, a.size() - 1));
    std::size_t open = a.find_first_of("[]");
    if (open == std::string_view::npos)
        return false;
    char bracket = a[open];
    std::size_t close = a.find(bracket, open + 1);
    if (close == std::string_view::npos || a.find_first_of("[]", close + 1) != std::string_view::npos)
        return false;
    std::string_view mate = a.substr(open + 1, close - open - 1);
    std::size_t colon = mate.rfind(':');
    if (colon == std::string_view::npos || !parse_int(mate.substr(colon + 1)))
        return false;
    std::string_view before = a.substr(0, open), after = a.substr(close + 1);
    return (before.empty() != after.empty()) && all_bases(before.empty() ? after : before);
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

//! Parses one data line into r. An undeclared CHROM is added to h when h declares no contig at all (such
//! files are valid VCF); otherwise it is an error. Throws parse_error(file, line_no, reason).
inline void parse_record(std::string_view line, header & h, record & r, std::string const & file,
                         std::uint64_t line_no)
{
    // Errors name the line (record 0: VCF errors are located by line, "file: line N: reason").
    auto fail = [&](std::string const & why) {
        return parse_error{file, 0, line_no == 0 ? why : "line " + std::to_string(line_no) + ": " + why};
    };
    if (!line.empty() && line.back() == '\r')
        line.remove_suffix(1);
    std::vector<std::string_view> col = split(line, '\t');
    std::size_t const n = col.size();
    std::size_t const want = h.samples().empty() ? 8 : 9 + h.samples().size();
    if (n < 8)
        throw fail("expected " + std::to_string(want) + " tab-separated columns, found " + std::to_string(n) +
                   (line.empty() ? " (empty line)" : ""));
    if (n != want)
        throw fail("expected " + std::to_string(want) + " tab-separated columns, found " + std::to_string(n));

    // CHROM
    if (!valid_contig_name(col[0]))
        throw fail("invalid CHROM '" + std::string{col[0]} + "'");
    auto ci = h.contig_index(col[0]);
    if (!ci)
    {
        if (!h.declares_contigs())
            h.add_undeclared_contig(std::string{col[0]});
        else
            throw fail("contig '" + std::string{col[0]} + "' is not declared in the header");
        ci = h.contig_index(col[0]);
    }
    r.contig = *ci;
    // POS
    auto pos = parse_int(col[1]);
    if (!pos || col[1].front() == '+' || *pos < 0)
        throw fail("POS '" + std::string{col[1]} + "' is not a non-negative integer");
    if (auto len = h.contigs()[static_cast<std::size_t>(*ci)].length; len >= 0 && *pos > len + 1)
        throw fail("POS " + std::to_string(*pos) + " is past the end of contig '" + std::string{col[0]} +
                   "' (length " + std::to_string(len) + ")");
    r.pos = *pos - 1;
    // ID
    if (col[2].empty() || has_any(col[2], " "))
        throw fail("ID column is empty or holds white space");
    if (col[2] != ".")
    {
        auto ids = split(col[2], ';');
        for (std::size_t i = 0; i < ids.size(); ++i)
        {
            if (ids[i].empty() || ids[i] == ".")
                throw fail("empty identifier in ID '" + std::string{col[2]} + "'");
            for (std::size_t j = 0; j < i; ++j)
                if (ids[j] == ids[i])
                    throw fail("duplicate identifier '" + std::string{ids[i]} + "' in ID");
        }
    }
    r.id.assign(col[2]);
    // REF
    if (!all_bases(col[3]))
        throw fail("REF '" + std::string{col[3]} + "' must be bases A, C, G, T, N");
    r.ref.assign(col[3]);
    // ALT
    r.alt.clear();
    if (col[4].empty())
        throw fail("ALT column is empty");
    if (col[4] != ".")
        for (auto a : split(col[4], ','))
        {
            if (!valid_alt(a))
                throw fail("invalid ALT allele '" + std::string{a} + "'");
            if (a == col[3] && all_bases(a))
                throw fail("ALT allele '" + std::string{a} + "' equals REF");
            r.alt.emplace_back(a);
        }
    // QUAL
    if (col[5] == ".")
        r.qual = std::numeric_limits<float>::quiet_NaN();
    else
    {
        auto q = parse_float(col[5]);
        if (!q || *q != *q)
            throw fail("QUAL '" + std::string{col[5]} + "' is not a number");
        if (*q < 0)
            throw fail("QUAL '" + std::string{col[5]} + "' is negative");
        r.qual = *q;
    }
    // FILTER
    r.filter.clear();
    if (col[6].empty())
        throw fail("FILTER column is empty");
    if (col[6] != ".")
        for (auto f : split(col[6], ';'))
        {
            if (f.empty() || f == "0" || has_any(f, " "))
                throw fail("invalid FILTER '" + std::string{col[6]} + "'");
            r.filter.emplace_back(f);
        }
    // INFO
    if (col[7].empty())
        throw fail("INFO column is empty");
    r.info.clear();
    if (col[7] != ".")
    {
        auto fields = split(col[7], ';');
        for (std::size_t i = 0; i < fields.size(); ++i)
        {
            auto key = fields[i].substr(0, fields[i].find('='));
            if (!valid_key(key))
                throw fail("invalid INFO key '" + std::string{key} + "'");
            for (std::size_t j = 0; j < i; ++j)
                if (fields[j].substr(0, fields[j].find('=')) == key)
                    throw fail("duplicate INFO key '" + std::string{key} + "'");
        }
        r.info.assign(col[7]);
        if (r.info_end() && *r.info_end() < r.pos + 1)
            throw fail("INFO END is before POS");
    }
    // FORMAT and samples
    r.format.clear();
    r.samples.clear();
    if (n > 8)
    {
        if (col[8].empty())
            throw fail("FORMAT column is empty");
        auto keys = split(col[8], ':');
        for (std::size_t i = 0; i < keys.size(); ++i)
        {
            if (!valid_key(keys[i]))
                throw fail("invalid FORMAT key '" + std::string{keys[i]} + "'");
            if (keys[i] == "GT" && i != 0)
                throw fail("GT must be the first FORMAT key");
            for (std::size_t j = 0; j < i; ++j)
                if (keys[j] == keys[i])
                    throw fail("duplicate FORMAT key '" + std::string{keys[i]} + "'");
        }
        r.format.assign(col[8]);
        for (std::size_t i = 9; i < n; ++i)
        {
            std::string_view s = col[i];
            if (s.empty())
                throw fail("empty sample column");
            if (std::count(s.begin(), s.end(), ':') + 1 > static_cast<std::ptrdiff_t>(keys.size()))
                throw fail("sample column '" + std::string{s} + "' has more fields than FORMAT");
            r.samples.emplace_back(s);
        }
    }
}

} // namespace wgskit::vcf::detail
