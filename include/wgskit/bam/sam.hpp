// SAM text (SAMv1 1.4) to and from bam::record. Parsing validates every field against the specification's
// regular expressions and ranges; formatting follows samtools view (integer tags printed as 'i', floats as %g,
// B arrays as "B:<subtype>,v1,v2...").
#pragma once

#include <cerrno>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include <wgskit/bam/header.hpp>
#include <wgskit/bam/record.hpp>
#include <wgskit/core/exception.hpp>

namespace wgskit::bam
{

namespace detail
{

template <typename T>
bool parse_integer(std::string_view s, T & v) noexcept
{
    if (!s.empty() && s[0] == '+')
        s.remove_prefix(1);
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    return ec == std::errc{} && end == s.data() + s.size() && !s.empty();
}

inline bool parse_float(std::string_view s, float & v)
{
    if (s.empty() || s.size() > 64)
        return false;
    // [-+]?[0-9]*\.?[0-9]+([eE][-+]?[0-9]+)? (SAMv1 1.5) -- strtof alone would accept hex floats and "inf".
    std::size_t i = 0;
    if (s[i] == '+' || s[i] == '-')
        ++i;
    std::size_t digits = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9')
        ++i, ++digits;
    if (i < s.size() && s[i] == '.')
    {
        ++i;
        std::size_t after = 0;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9')
            ++i, ++after;
        if (after == 0)
            return false; // "10." does not match [0-9]*\.?[0-9]+
        digits += after;
    }
    if (digits == 0)
        return false;
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E'))
    {
        ++i;
        if (i < s.size() && (s[i] == '+' || s[i] == '-'))
            ++i;
        std::size_t e = 0;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9')
            ++i, ++e;
        if (e == 0)
            return false;
    }
    if (i != s.size())
        return false;
    char buf[72];
    std::memcpy(buf, s.data(), s.size());
    buf[s.size()] = '\0';
    errno = 0;
    v = std::strtof(buf, nullptr);
    return errno != ERANGE; // overflow and underflow (denormals) are out of range for a 32-bit float
}

inline void put_int(std::string & out, std::int64_t v)
{
    char buf[24];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, end);
}

inline void put_float(std::string & out, double v)
{
    char buf[48];
    int n = std::snprintf(buf, sizeof buf, "%g", v);
    out.append(buf, static_cast<std::size_t>(n));
}

} // namespace detail

//! Parses one SAM alignment line (without its newline) into r. Throws parse_error(file, recno, reason).
inline void parse_sam_record(std::string_view line, header const & h, record & r, std::string_view file,
                             std::uint64_t recno)
{
    auto fail = [&](std::string const & why) { throw parse_error{file, recno, why}; };
    std::string_view f[11];
    std::size_t at = 0;
    for (int i = 0; i < 11; ++i)
    {
        std::size_t tab = line.find('\t', at);
        if (tab == std::string_view::npos && i < 10)
            fail("fewer than 11 tab-separated fields");
        f[i] = line.substr(at, tab == std::string_view::npos ? std::string_view::npos : tab - at);
        at = tab == std::string_view::npos ? line.size() + 1 : tab + 1;
    }
    // QNAME [!-?A-~]{1,254}
    if (f[0].empty() || f[0].size() > 254)
        fail("QNAME must be 1 to 254 characters");
    for (char c : f[0])
        if (c < '!' || c > '~' || c == '@')
            fail("QNAME holds an invalid character");
    std::uint32_t flag_value = 0;
    if (!detail::parse_integer(f[1], flag_value) || flag_value > 0xffff)
        fail("FLAG '" + std::string{f[1]} + "' is not an integer in 0..65535");
    auto tid = h.tid(f[2]);
    if (!tid)
        fail("RNAME '" + std::string{f[2]} + "' is not in the header's @SQ lines");
    std::int64_t pos = 0;
    if (!detail::parse_integer(f[3], pos) || pos < 0 || pos > INT32_MAX)
        fail("POS '" + std::string{f[3]} + "' is not an integer in 0..2^31-1");
    std::uint32_t mapq = 0;
    if (!detail::parse_integer(f[4], mapq) || mapq > 255)
        fail("MAPQ '" + std::string{f[4]} + "' is not an integer in 0..255");
    std::vector<std::uint32_t> cigar;
    if (f[5] != "*")
    {
        std::size_t i = 0;
        while (i < f[5].size())
        {
            std::size_t j = i;
            while (j < f[5].size() && f[5][j] >= '0' && f[5][j] <= '9')
                ++j;
            std::uint32_t len = 0;
            if (j == i || j == f[5].size() || !detail::parse_integer(f[5].substr(i, j - i), len) || len >= (1u << 28))
                fail("CIGAR '" + std::string{f[5]} + "' is malformed");
            std::size_t code = cigar_letters.find(f[5][j]);
            if (code == std::string_view::npos)
                fail("CIGAR operation '" + std::string(1, f[5][j]) + "' is unknown");
            cigar.push_back(cigar_op(static_cast<cigar_code>(code), len));
            i = j + 1;
        }
        if (cigar.empty())
            fail("empty CIGAR");
        // H only first or last; S only next to the ends or to an H there (SAMv1 1.4.6).
        std::size_t n = cigar.size();
        for (std::size_t k = 0; k < n; ++k)
        {
            auto c = static_cast<cigar_code>(cigar_op_code(cigar[k]));
            bool hard_ok = k == 0 || k + 1 == n;
            bool soft_ok = hard_ok || (k == 1 && cigar_op_code(cigar[0]) == 5) ||
                           (k + 2 == n && cigar_op_code(cigar[n - 1]) == 5);
            if ((c == cigar_code::H && !hard_ok) || (c == cigar_code::S && !soft_ok))
                fail("CIGAR '" + std::string{f[5]} + "' has a clip inside the alignment");
        }
    }
    std::int32_t mtid = -1;
    if (f[6] == "=")
        mtid = *tid;
    else if (auto m = h.tid(f[6]))
        mtid = *m;
    else
        fail("RNEXT '" + std::string{f[6]} + "' is not in the header's @SQ lines");
    std::int64_t mpos = 0;
    if (!detail::parse_integer(f[7], mpos) || mpos < 0 || mpos > INT32_MAX)
        fail("PNEXT '" + std::string{f[7]} + "' is not an integer in 0..2^31-1");
    std::int64_t tlen = 0;
    if (!detail::parse_integer(f[8], tlen) || tlen < -INT32_MAX || tlen > INT32_MAX)
        fail("TLEN '" + std::string{f[8]} + "' is not an integer in -2^31+1..2^31-1");
    std::string_view seq = f[9] == "*" ? std::string_view{} : f[9];
    for (char c : seq)
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '=' || c == '.'))
            fail("SEQ holds an invalid character");
    std::string qual;
    if (f[10] != "*")
    {
        if (f[10].size() != seq.size())
            fail("QUAL length " + std::to_string(f[10].size()) + " differs from SEQ length " + std::to_string(seq.size()));
        qual.resize(f[10].size());
        for (std::size_t i = 0; i < qual.size(); ++i)
        {
            char c = f[10][i];
            if (c < '!' || c > '~')
                fail("QUAL holds an invalid character");
            qual[i] = static_cast<char>(c - 33);
        }
    }
    // SEQ letters outside the 16 codes become N, as samtools does.
    std::string seq_codes;
    bool odd = false;
    for (char c : seq)
        odd = odd || record::base_to_code(c) < 0;
    if (odd)
    {
        seq_codes.assign(seq);
        for (char & c : seq_codes)
            if (record::base_to_code(c) < 0)
                c = 'N';
        seq = seq_codes;
    }
    std::uint16_t fl = static_cast<std::uint16_t>(flag_value);
    // samtools' repairs of inconsistent but accepted records (it warns; the output is the same as here).
    if (!(fl & flag::unmapped) && cigar.empty())
        fl |= flag::unmapped; // a mapped read needs a CIGAR
    if (mtid >= 0 && mpos == 0 && !(fl & flag::mate_unmapped))
        mtid = -1; // a mapped mate cannot be at position 0
    try
    {
        r = record::from_fields({f[0], fl, *tid, pos - 1, static_cast<std::uint8_t>(mapq), std::move(cigar), mtid,
                                 mpos - 1, tlen, seq, qual});
    }
    catch (invalid_argument const & e)
    {
        fail(std::string{e.what()}.substr(std::string_view{"bam::record: "}.size()));
    }
    // Tags.
    std::string_view rest = at <= line.size() ? line.substr(at) : std::string_view{};
    std::string tags;
    while (at <= line.size())
    {
        std::size_t tab = rest.find('\t');
        std::string_view t = rest.substr(0, tab);
        rest = tab == std::string_view::npos ? std::string_view{} : rest.substr(tab + 1);
        at = tab == std::string_view::npos ? line.size() + 1 : at + tab + 1;
        if (t.size() < 5 || t[2] != ':' || t[4] != ':')
            fail("tag '" + std::string{t} + "' is not TAG:TYPE:VALUE");
        auto alpha = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); };
        auto digit = [](char c) { return c >= '0' && c <= '9'; };
        if (!alpha(t[0]) || !(alpha(t[1]) || digit(t[1])))
            fail("tag name '" + std::string{t.substr(0, 2)} + "' is invalid");
        for (std::size_t p = 0; p + 3 <= tags.size();)
        {
            if (tags[p] == t[0] && tags[p + 1] == t[1])
                fail("tag " + std::string{t.substr(0, 2)} + " appears twice");
            p += 3 + record::tag_value_size(tags, p + 2);
        }
        char type = t[3];
        std::string_view v = t.substr(5);
        std::string b{t.substr(0, 2)};
        auto bad = [&] { fail("tag " + std::string{t.substr(0, 2)} + ":" + type + " value '" + std::string{v} + "' is invalid"); };
        switch (type)
        {
        case 'A':
            if (v.size() != 1 || v[0] < '!' || v[0] > '~')
                bad();
            b += 'A';
            b += v[0];
            break;
        case 'i':
        {
            std::int64_t x = 0;
            if (!detail::parse_integer(v, x) || x < INT32_MIN || x > UINT32_MAX)
                bad();
            record tmp;
            tmp.set_tag_int("XX", x);
            b += tmp.tag_data().substr(2);
            break;
        }
        case 'f':
        {
            float x = 0;
            if (!detail::parse_float(v, x))
                bad();
            b += 'f';
            detail::append(b, x);
            break;
        }
        case 'Z':
            for (char c : v)
                if (c < ' ' || c > '~')
                    bad();
            b += 'Z';
            b += v;
            b += '\0';
            break;
        case 'H':
            if (v.size() % 2 != 0 || v.find_first_not_of("0123456789ABCDEF") != std::string_view::npos)
                bad();
            b += 'H';
            b += v;
            b += '\0';
            break;
        case 'B':
        {
            if (v.empty() || record::element_size(v[0]) == 0 || (v.size() > 1 && v[1] != ','))
                bad();
            char sub = v[0];
            b += 'B';
            b += sub;
            std::size_t count_at = b.size();
            detail::append(b, std::uint32_t{0});
            std::uint32_t n = 0;
            std::string_view items = v.size() > 2 ? v.substr(2) : std::string_view{};
            if (v.size() == 2)
                bad(); // trailing comma without a value
            while (!items.empty())
            {
                std::size_t comma = items.find(',');
                std::string_view x = items.substr(0, comma);
                items = comma == std::string_view::npos ? std::string_view{} : items.substr(comma + 1);
                if (comma != std::string_view::npos && items.empty())
                    bad();
                std::int64_t iv = 0;
                float fv = 0;
                bool ok = sub == 'f' ? detail::parse_float(x, fv) : detail::parse_integer(x, iv);
                if (!ok)
                    bad();
                switch (sub)
                {
                case 'c': if (iv < INT8_MIN || iv > INT8_MAX) bad(); detail::append(b, static_cast<std::int8_t>(iv)); break;
                case 'C': if (iv < 0 || iv > UINT8_MAX) bad(); detail::append(b, static_cast<std::uint8_t>(iv)); break;
                case 's': if (iv < INT16_MIN || iv > INT16_MAX) bad(); detail::append(b, static_cast<std::int16_t>(iv)); break;
                case 'S': if (iv < 0 || iv > UINT16_MAX) bad(); detail::append(b, static_cast<std::uint16_t>(iv)); break;
                case 'i': if (iv < INT32_MIN || iv > INT32_MAX) bad(); detail::append(b, static_cast<std::int32_t>(iv)); break;
                case 'I': if (iv < 0 || iv > UINT32_MAX) bad(); detail::append(b, static_cast<std::uint32_t>(iv)); break;
                default: detail::append(b, fv); break;
                }
                ++n;
            }
            detail::store(b.data() + count_at, n);
            break;
        }
        default: fail("tag type '" + std::string(1, type) + "' is not one of A i f Z H B");
        }
        tags += b; // key, type, value
    }
    r.append_raw_tag(tags);
}

//! Appends the SAM line of r (with its newline) to out, formatted as samtools view does.
inline void format_sam_record(record const & r, header const & h, std::string & out)
{
    out += r.qname();
    out += '\t';
    detail::put_int(out, r.flag());
    out += '\t';
    out += h.reference_name(r.tid());
    out += '\t';
    detail::put_int(out, std::int64_t{r.pos()} + 1);
    out += '\t';
    detail::put_int(out, r.mapq());
    out += '\t';
    if (r.n_cigar() == 0)
        out += '*';
    for (std::uint32_t i = 0; i < r.n_cigar(); ++i)
    {
        std::uint32_t op = r.cigar(i);
        detail::put_int(out, cigar_op_length(op));
        out += cigar_letters[cigar_op_code(op)];
    }
    out += '\t';
    if (r.mate_tid() < 0)
        out += '*';
    else if (r.mate_tid() == r.tid())
        out += '=';
    else
        out += h.reference_name(r.mate_tid());
    out += '\t';
    detail::put_int(out, std::int64_t{r.mate_pos()} + 1);
    out += '\t';
    detail::put_int(out, r.tlen());
    out += '\t';
    if (r.seq_length() == 0)
        out += '*';
    else
    {
        // Two bases a byte through a 256-entry table of letter pairs.
        static constexpr auto pairs = [] {
            std::array<std::array<char, 2>, 256> t{};
            for (int b = 0; b < 256; ++b)
                t[b] = {seq_letters[b >> 4], seq_letters[b & 15]};
            return t;
        }();
        std::size_t at = out.size(), n = r.seq_length();
        out.resize(at + n + 1);
        char const * packed = r.variable_data().data() + r.tags_offset() - n - (n + 1) / 2;
        for (std::size_t i = 0; i < (n + 1) / 2; ++i)
            std::memcpy(&out[at + 2 * i], pairs[static_cast<std::uint8_t>(packed[i])].data(), 2);
        out.resize(at + n);
    }
    out += '\t';
    if (!r.has_qualities())
        out += '*';
    else
    {
        std::string_view q = r.qualities();
        std::size_t at = out.size();
        out.resize(at + q.size());
        for (std::size_t i = 0; i < q.size(); ++i)
            out[at + i] = static_cast<char>(q[i] + 33);
    }
    std::string_view t = r.tag_data();
    for (std::size_t at = 0; at + 3 <= t.size();)
    {
        char type = t[at + 2];
        std::size_t len = record::tag_value_size(t, at + 2);
        char const * v = t.data() + at + 3;
        out += '\t';
        out.append(t.data() + at, 2);
        switch (type)
        {
        case 'A': out += ":A:"; out += *v; break;
        case 'c': out += ":i:"; detail::put_int(out, detail::load<std::int8_t>(v)); break;
        case 'C': out += ":i:"; detail::put_int(out, detail::load<std::uint8_t>(v)); break;
        case 's': out += ":i:"; detail::put_int(out, detail::load<std::int16_t>(v)); break;
        case 'S': out += ":i:"; detail::put_int(out, detail::load<std::uint16_t>(v)); break;
        case 'i': out += ":i:"; detail::put_int(out, detail::load<std::int32_t>(v)); break;
        case 'I': out += ":i:"; detail::put_int(out, detail::load<std::uint32_t>(v)); break;
        case 'f': out += ":f:"; detail::put_float(out, detail::load<float>(v)); break;
        case 'Z': case 'H':
            out += ':';
            out += type;
            out += ':';
            out.append(v, len - 1);
            break;
        case 'B':
        {
            char sub = v[0];
            auto n = detail::load<std::uint32_t>(v + 1);
            out += ":B:";
            out += sub;
            for (std::uint32_t i = 0; i < n; ++i)
            {
                out += ',';
                double x = record::array_element(sub, v + 5, i);
                if (sub == 'f')
                    detail::put_float(out, x);
                else
                    detail::put_int(out, static_cast<std::int64_t>(x));
            }
            break;
        }
        }
        at += 3 + len;
    }
    out += '\n';
}

} // namespace wgskit::bam
