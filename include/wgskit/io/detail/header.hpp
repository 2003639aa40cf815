// Splitting a FASTA/FASTQ header line into name and comment.
#pragma once

#include <string>
#include <string_view>

namespace wgskit::io
{
namespace detail
{
inline void split_header(std::string_view header, std::string & name, std::string & comment)
{
    // header excludes the leading marker ('>' or '@')
    while (!header.empty() && (header.back() == '\r' || header.back() == ' ' || header.back() == '\t'))
        header.remove_suffix(1);
    std::size_t ws = header.find_first_of(" \t");
    if (ws == std::string_view::npos)
    {
        name.assign(header);
        comment.clear();
        return;
    }
    name.assign(header.substr(0, ws));
    std::size_t c = header.find_first_not_of(" \t", ws);
    comment.assign(c == std::string_view::npos ? std::string_view{} : header.substr(c));
}
} // namespace detail

} // namespace wgskit::io
