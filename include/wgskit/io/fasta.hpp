// Streaming FASTA reading: multi-record, any line width, plain or gzip ("-" for stdin).
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>

#include <wgskit/core/exception.hpp>
#include <wgskit/io/detail/header.hpp>
#include <wgskit/io/detail/line_reader.hpp>

namespace wgskit::io
{

struct fasta_record
{
    std::string name;     //!< the header up to the first whitespace, without '>'
    std::string comment;  //!< the rest of the header (may be empty)
    std::string sequence; //!< all sequence lines concatenated, line ends removed

    bool operator==(fasta_record const &) const = default;
};


class fasta_reader
{
public:
    explicit fasta_reader(std::string path) : lines_{std::move(path)} {}

    std::string const & path() const noexcept { return lines_.path(); }
    std::uint64_t records_read() const noexcept { return records_; }

    //! Reads the next record (reusing rec's memory). False at the end of the file; an empty file has no records.
    bool next(fasta_record & rec)
    {
        std::string_view line;
        if (!have_header_)
        {
            while (true)
            {
                if (!lines_.next(line))
                    return false;
                if (!is_blank(line))
                    break;
            }
            if (line.front() != '>')
                throw parse_error{path(), records_ + 1,
                                  "expected a '>' header line, found '" +
                                      std::string{line.substr(0, std::min<std::size_t>(line.size(), 20))} + "'"};
            header_.assign(line.substr(1));
            have_header_ = true;
        }
        ++records_;
        detail::split_header(header_, rec.name, rec.comment);
        if (rec.name.empty())
            throw parse_error{path(), records_, "empty sequence name"};
        rec.sequence.clear();
        have_header_ = false;
        while (lines_.next(line))
        {
            if (!line.empty() && line.front() == '>')
            {
                header_.assign(line.substr(1));
                have_header_ = true;
                break;
            }
            if (!line.empty() && line.back() == '\r')
                line.remove_suffix(1);
            rec.sequence.append(line);
        }
        return true;
    }

private:
    static bool is_blank(std::string_view s) noexcept
    {
        return s.find_first_not_of(" \t\r") == std::string_view::npos;
    }

    detail::line_reader lines_;
    std::string header_;
    bool have_header_{false};
    std::uint64_t records_{0};
};

} // namespace wgskit::io
