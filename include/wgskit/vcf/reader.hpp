// vcf::reader: records from a plain, gzip or BGZF VCF file, or stdin ("-"). Every line is checked (header
// structure, column count, each column's syntax); malformed input throws parse_error naming the file, the line
// number and the reason ("file: line N: reason"; parse_error::record() is 0).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <wgskit/core/exception.hpp>
#include <wgskit/io/detail/line_reader.hpp>
#include <wgskit/vcf/detail/record_text.hpp>
#include <wgskit/vcf/header.hpp>
#include <wgskit/vcf/record.hpp>

namespace wgskit::vcf
{

class reader
{
public:
    explicit reader(std::string path) : path_{std::move(path)}, lines_{path_}
    {
        std::string text;
        std::string_view line;
        while (true)
        {
            if (!lines_.next(line))
            {
                if (text.empty())
                    throw parse_error{path_, 0, "empty file: no VCF header"};
                throw parse_error{path_, 0, "header without a #CHROM line (file ends at line " +
                                                std::to_string(lines_.line_number()) + ")"};
            }
            if (line.empty() || line[0] != '#')
                throw parse_error{path_, 0,
                                  "line " + std::to_string(lines_.line_number()) + ": " +
                                      (text.empty() ? "not a VCF file: no ##fileformat line"
                                                    : "data line before the #CHROM header line")};
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
    std::uint64_t line_number() const noexcept { return lines_.line_number(); }

    //! The next record; false at the end.
    bool read(record & r)
    {
        std::string_view line;
        if (!lines_.next(line))
            return false;
        if (!line.empty() && line[0] == '#')
            throw parse_error{path_, 0, "line " + std::to_string(lines_.line_number()) +
                                            ": header line after the #CHROM line"};
        detail::parse_record(line, header_, r, path_, lines_.line_number());
        return true;
    }

private:
    std::string path_;
    io::detail::line_reader lines_;
    vcf::header header_;
};

} // namespace wgskit::vcf
