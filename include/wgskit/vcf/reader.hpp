// vcf::reader: records from a plain, gzip or BGZF VCF file, or stdin ("-"). Every line is checked (header
// structure and definitions, column count, each column's syntax, values against their INFO / FORMAT
// definitions, order and duplicates); malformed input throws parse_error naming the file, the line number and
// the reason ("file: line N: reason"; parse_error::record() is 0).
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include <wgskit/core/exception.hpp>
#include <wgskit/io/input_file.hpp>
#include <wgskit/vcf/detail/record_text.hpp>
#include <wgskit/vcf/header.hpp>
#include <wgskit/vcf/record.hpp>

namespace wgskit::vcf
{

struct reader_options
{
    //! Reject records out of order (a contig that reappears, a position that decreases) and duplicate variants
    //! (equal after trimming shared leading/trailing bases). VCF files are sorted in practice; the conformance
    //! suite treats both as errors. Off: any order is read.
    bool check_order = true;
    //! Reject a last line without '\n' (a truncated file, as the 4.2/4.3 suites have it). Off: read it.
    bool require_final_newline = true;
};

namespace detail
{

//! A variant allele reduced to its minimal representation (shared trailing, then leading bases trimmed), so
//! that TAT>TGT at 100 and A>G at 101 compare equal. Only for base alleles (symbolic ones such as <INS> may
//! repeat: they stand for different events).
struct variant_key
{
    std::int64_t pos;
    std::string ref, alt;
    friend auto operator<=>(variant_key const &, variant_key const &) = default;
};

inline variant_key minimal_variant(std::int64_t pos, std::string_view ref, std::string_view alt)
{
    while (ref.size() > 1 && alt.size() > 1 && (ref.back() | 0x20) == (alt.back() | 0x20))
        ref.remove_suffix(1), alt.remove_suffix(1);
    while (ref.size() > 1 && alt.size() > 1 && (ref.front() | 0x20) == (alt.front() | 0x20))
        ref.remove_prefix(1), alt.remove_prefix(1), ++pos;
    std::string r{ref}, a{alt};
    for (auto * s : {&r, &a})
        for (char & c : *s)
            c = static_cast<char>(c & ~0x20); // upper case
    return {pos, std::move(r), std::move(a)};
}

} // namespace detail

class reader
{
public:
    explicit reader(std::string path, reader_options opt = {}) : path_{std::move(path)}, opt_{opt}, in_{path_}
    {
        std::string text;
        std::string_view line;
        while (true)
        {
            if (!next_line(line))
            {
                if (text.empty())
                    throw parse_error{path_, 0, "empty file: no VCF header"};
                throw parse_error{path_, 0, "header without a #CHROM line (file ends at line " +
                                                std::to_string(line_no_) + ")"};
            }
            if (line.empty() || line[0] != '#')
                throw error(text.empty() ? "not a VCF file: no ##fileformat line"
                                         : "data line before the #CHROM header line");
            text += line;
            text += '\n';
            if (line.substr(0, 2) != "##")
                break; // the #CHROM line (header::parse checks it)
        }
        header_ = vcf::header::parse(text, path_);
    }

    vcf::header const & header() const noexcept { return header_; }
    std::string const & path() const noexcept { return path_; }
    //! The 1-based line number of the last line read.
    std::uint64_t line_number() const noexcept { return line_no_; }

    //! The next record; false at the end.
    bool read(record & r)
    {
        std::string_view line;
        if (!next_line(line))
            return false;
        if (!line.empty() && line[0] == '#')
            throw error("header line after the #CHROM line");
        detail::parse_record(line, header_, r, path_, line_no_);
        if (opt_.check_order)
            check_order(r);
        return true;
    }

private:
    parse_error error(std::string const & why) const
    {
        return parse_error{path_, 0, "line " + std::to_string(line_no_) + ": " + why};
    }

    void check_order(record const & r)
    {
        auto const & name = header_.contigs()[static_cast<std::size_t>(r.contig)].name;
        if (name.front() == '<')
            return; // a contig of an assembly file ("<ID>"): no order relative to the others
        if (r.contig != last_contig_)
        {
            auto const c = static_cast<std::size_t>(r.contig);
            if (seen_.size() <= c)
                seen_.resize(c + 1, false);
            if (seen_[c])
                throw error("contig '" + header_.contigs()[c].name +
                            "' appears again after other contigs (records must be sorted)");
            seen_[c] = true;
            last_contig_ = r.contig;
            recent_.clear();
        }
        else if (r.pos < last_pos_)
            throw error("position " + std::to_string(r.pos + 1) + " after " + std::to_string(last_pos_ + 1) +
                        " (records must be sorted)");
        last_pos_ = r.pos;
        // Minimal representations start at or after their record's POS, so earlier ones can go.
        recent_.erase(recent_.begin(), recent_.lower_bound(detail::variant_key{r.pos, {}, {}}));
        for (auto const & a : r.alt)
            if (detail::all_bases(a) && !recent_.insert(detail::minimal_variant(r.pos, r.ref, a)).second)
                throw error("duplicate variant " + name + ":" +
                            std::to_string(r.pos + 1) + " " + r.ref + ">" + a + " (the same change as an earlier record)");
    }

    // The next line without '\n' (and '\r'). A last line without '\n' is an error: the file is truncated.
    bool next_line(std::string_view & line)
    {
        while (true)
        {
            char const * b = buf_.data() + pos_;
            if (auto const * nl = static_cast<char const *>(std::memchr(b, '\n', end_ - pos_)))
            {
                line = {b, static_cast<std::size_t>(nl - b)};
                pos_ += line.size() + 1;
                ++line_no_;
                if (!line.empty() && line.back() == '\r')
                    line.remove_suffix(1);
                return true;
            }
            if (eof_)
            {
                if (pos_ == end_)
                    return false;
                ++line_no_;
                if (opt_.require_final_newline)
                    throw error("the last line does not end with a newline (truncated file?)");
                line = {b, end_ - pos_};
                pos_ = end_;
                if (!line.empty() && line.back() == '\r')
                    line.remove_suffix(1);
                return true;
            }
            std::size_t const keep = end_ - pos_;
            std::memmove(buf_.data(), buf_.data() + pos_, keep);
            pos_ = 0;
            end_ = keep;
            if (buf_.size() < end_ + (1u << 16))
                buf_.resize(std::max<std::size_t>(buf_.size() * 2, 1u << 20));
            std::size_t const got = in_.read(buf_.data() + end_, buf_.size() - end_);
            end_ += got;
            eof_ = got == 0;
        }
    }

    std::string path_;
    reader_options opt_;
    io::input_file in_;
    std::string buf_;
    std::size_t pos_{0}, end_{0};
    bool eof_{false};
    std::uint64_t line_no_{0};
    vcf::header header_;
    std::int32_t last_contig_{-1};
    std::int64_t last_pos_{-1};
    std::vector<bool> seen_;
    std::set<detail::variant_key> recent_;
};

} // namespace wgskit::vcf
