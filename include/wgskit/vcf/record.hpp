// A VCF data line (VCF 4.3, section 1.6) with its columns preformatted as text: the caller builds INFO and the
// sample columns, the writer checks order and framing, the reader checks each column's syntax.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <wgskit/vcf/detail/text.hpp>

namespace wgskit::vcf
{

struct record
{
    std::int32_t contig = -1;                 //!< index into header::contigs()
    std::int64_t pos = 0;                     //!< 0-based (POS - 1)
    std::string id = ".";
    std::string ref;
    std::vector<std::string> alt;             //!< empty = "."
    float qual = std::numeric_limits<float>::quiet_NaN(); //!< NaN = "."
    std::vector<std::string> filter;          //!< empty = ".", {"PASS"}, or filter ids
    std::string info;                         //!< preformatted "DP=10;MQ=60" ("" = ".")
    std::string format;                       //!< "GT:GQ:DP:AD:PL" ("" = no FORMAT column)
    std::vector<std::string> samples;         //!< one preformatted column per sample

    //! Exclusive end on the reference: INFO END= if present (gVCF blocks, symbolic alleles), else pos + ref.size().
    std::int64_t end() const
    {
        if (auto e = info_end(); e && *e > pos)
            return *e;
        return pos + static_cast<std::int64_t>(ref.size());
    }

    //! The value of INFO END (1-based inclusive = 0-based exclusive end), if present and an integer.
    std::optional<std::int64_t> info_end() const
    {
        std::string_view s = info;
        while (!s.empty())
        {
            std::size_t semi = s.find(';');
            std::string_view kv = s.substr(0, semi);
            if (kv.substr(0, 4) == "END=")
                return detail::parse_int(kv.substr(4));
            s.remove_prefix(semi == std::string_view::npos ? s.size() : semi + 1);
        }
        return std::nullopt;
    }

    friend bool operator==(record const & a, record const & b)
    {
        bool same_qual = (a.qual == b.qual) || (a.qual != a.qual && b.qual != b.qual);
        return same_qual && a.contig == b.contig && a.pos == b.pos && a.id == b.id && a.ref == b.ref &&
               a.alt == b.alt && a.filter == b.filter && a.info == b.info && a.format == b.format &&
               a.samples == b.samples;
    }
};

//! QUAL as bcftools prints it: "%g" (6 significant digits, no trailing zeros), "." for NaN; never locale dependent.
inline std::string format_qual(float q) { return detail::format_float(q); }

} // namespace wgskit::vcf
