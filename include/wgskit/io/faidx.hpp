// FASTA index (.fai, compatible with `samtools faidx`) and random access to uncompressed FASTA.
//
//   wgskit::io::indexed_fasta ref{"ref.fa"};            // loads ref.fa.fai, building and saving it if missing
//   std::string s = ref.fetch("chr22", 1000, 2000);       // 0-based half-open
//   std::string t = ref.fetch(ref.parse_region("chr22:1001-2000"));   // 1-based inclusive, as samtools
#pragma once

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <unistd.h>

#include <wgskit/core/atomic_file.hpp>
#include <wgskit/core/exception.hpp>
#include <wgskit/io/detail/header.hpp>
#include <wgskit/io/detail/line_reader.hpp>
#include <wgskit/io/input_file.hpp>

namespace wgskit::io
{

//! One .fai line.
struct fai_entry
{
    std::string name;
    std::uint64_t length{0};     //!< bases
    std::uint64_t offset{0};     //!< byte offset of the first base
    std::uint64_t line_bases{0}; //!< bases per full line
    std::uint64_t line_width{0}; //!< bytes per full line, line end included

    bool operator==(fai_entry const &) const = default;
};

//! A genomic interval on one sequence, 0-based half-open.
struct region
{
    std::string contig;
    std::uint64_t start{0};
    std::uint64_t end{0};

    bool operator==(region const &) const = default;
};


class fasta_index
{
public:
    fasta_index() = default;
    explicit fasta_index(std::vector<fai_entry> entries) { for (auto & e : entries) add(std::move(e), ""); }

    std::vector<fai_entry> const & entries() const noexcept { return entries_; }
    std::size_t size() const noexcept { return entries_.size(); }

    fai_entry const * find(std::string_view name) const
    {
        auto it = by_name_.find(std::string{name});
        return it == by_name_.end() ? nullptr : &entries_[it->second];
    }

    //! Scans an uncompressed FASTA file. Sequences of length 0 are left out, as samtools does. Throws
    //! parse_error on lines of unequal length inside a record (other than a shorter last line) and on
    //! duplicate names; io_error for gzip input (BGZF random access is not supported yet).
    static fasta_index build(std::string const & fasta_path)
    {
        if (is_gzip_file(fasta_path))
            throw io_error{fasta_path, "cannot index a gzip-compressed FASTA yet (BGZF random access arrives with "
                                       "the codec work); decompress it first"};
        fasta_index idx;
        detail::line_reader lines{fasta_path};
        std::string_view line;
        std::uint64_t record = 0;
        bool in_record = false;
        fai_entry cur;
        bool short_line_seen = false; // a line shorter than line_bases (or blank) ended the regular part
        auto finish = [&] {
            if (in_record && cur.length > 0)
                idx.add(std::move(cur), fasta_path, record);
            cur = fai_entry{};
        };
        while (lines.next(line))
        {
            if (!line.empty() && line.front() == '>')
            {
                finish();
                ++record;
                in_record = true;
                std::string comment;
                detail::split_header(line.substr(1), cur.name, comment);
                if (cur.name.empty())
                    throw parse_error{fasta_path, record, "empty sequence name"};
                cur.offset = lines.offset() + line.size() + 1;
                short_line_seen = false;
                continue;
            }
            std::uint64_t width = line.size() + 1;
            std::uint64_t bases = (!line.empty() && line.back() == '\r') ? line.size() - 1 : line.size();
            if (!in_record)
            {
                if (bases == 0)
                    continue;
                throw parse_error{fasta_path, 1, "expected a '>' header line before sequence data (line " +
                                                     std::to_string(lines.line_number()) + ")"};
            }
            if (cur.line_bases == 0 && cur.length == 0)
            {
                if (bases == 0)
                {
                    cur.offset = lines.offset() + width; // blank lines before the sequence
                    continue;
                }
                cur.line_bases = bases;
                cur.line_width = width;
            }
            else if (bases > 0 &&
                     (short_line_seen || bases > cur.line_bases || (bases == cur.line_bases && width != cur.line_width)))
            {
                throw parse_error{fasta_path, record,
                                  "inconsistent line lengths in sequence '" + cur.name + "' (line " +
                                      std::to_string(lines.line_number()) + " has " + std::to_string(bases) +
                                      " bases, expected " + std::to_string(cur.line_bases) + ")"};
            }
            if (bases < cur.line_bases)
                short_line_seen = true;
            cur.length += bases;
        }
        finish();
        return idx;
    }

    //! Reads a .fai file.
    static fasta_index load(std::string const & fai_path)
    {
        fasta_index idx;
        detail::line_reader lines{fai_path};
        std::string_view line;
        while (lines.next(line))
        {
            if (!line.empty() && line.back() == '\r')
                line.remove_suffix(1);
            if (line.empty())
                continue;
            auto bad = [&](std::string const & why) -> parse_error {
                return parse_error{fai_path, lines.line_number(), "malformed .fai line: " + why};
            };
            std::string_view f[5];
            std::size_t n = 0;
            while (n < 5)
            {
                std::size_t tab = line.find('\t');
                f[n++] = line.substr(0, tab);
                if (tab == std::string_view::npos)
                {
                    line = {};
                    break;
                }
                line.remove_prefix(tab + 1);
            }
            if (n < 5)
                throw bad("expected 5 tab-separated fields");
            fai_entry e;
            e.name.assign(f[0]);
            std::uint64_t * dst[4] = {&e.length, &e.offset, &e.line_bases, &e.line_width};
            for (int i = 0; i < 4; ++i)
            {
                auto [p, ec] = std::from_chars(f[i + 1].data(), f[i + 1].data() + f[i + 1].size(), *dst[i]);
                if (ec != std::errc{} || p != f[i + 1].data() + f[i + 1].size())
                    throw bad("field " + std::to_string(i + 2) + " is not a number");
            }
            if (e.name.empty() || (e.length > 0 && (e.line_bases == 0 || e.line_width < e.line_bases)))
                throw bad("inconsistent values");
            idx.add(std::move(e), fai_path, lines.line_number());
        }
        return idx;
    }

    //! The .fai text (NAME LENGTH OFFSET LINEBASES LINEWIDTH, tab-separated).
    std::string to_string() const
    {
        std::string out;
        for (auto const & e : entries_)
        {
            out += e.name;
            for (std::uint64_t v : {e.length, e.offset, e.line_bases, e.line_width})
            {
                out += '\t';
                out += std::to_string(v);
            }
            out += '\n';
        }
        return out;
    }

    //! Writes the .fai (through a temporary file renamed into place).
    void save(std::string const & fai_path) const { write_file_atomically(fai_path, to_string()); }

    //! Parses a samtools-style region: "name", "name:100-200" (1-based inclusive), "name:100" (to the end),
    //! "name:100-"; commas in numbers are ignored. A name that itself contains ':' is found whole first.
    //! The end is clamped to the sequence length. Throws invalid_argument for an unknown name or a bad range.
    region parse_region(std::string_view text) const
    {
        if (auto const * e = find(text))
            return {e->name, 0, e->length};
        std::size_t colon = text.rfind(':');
        std::string_view name = colon == std::string_view::npos ? text : text.substr(0, colon);
        auto const * e = find(name);
        if (!e)
            throw invalid_argument{"unknown sequence name '" + std::string{name} + "' in region '" +
                                   std::string{text} + "'"};
        std::string range;
        for (char c : text.substr(colon + 1))
            if (c != ',')
                range += c;
        auto bad = [&](char const * why) {
            return invalid_argument{"bad region '" + std::string{text} + "': " + why};
        };
        auto number = [&](std::string_view s) {
            std::uint64_t v = 0;
            auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
            if (s.empty() || ec != std::errc{} || p != s.data() + s.size())
                throw bad("positions must be whole numbers");
            return v;
        };
        std::size_t dash = range.find('-');
        std::uint64_t beg = number(std::string_view{range}.substr(0, dash));
        std::uint64_t end = e->length;
        if (dash != std::string::npos && dash + 1 < range.size())
            end = number(std::string_view{range}.substr(dash + 1));
        if (beg == 0)
            throw bad("positions are 1-based, the start must be at least 1");
        if (end < beg)
            throw bad("the end is before the start");
        return {e->name, std::min(beg - 1, e->length), std::min(end, e->length)};
    }

private:
    void add(fai_entry e, std::string const & file, std::uint64_t record = 0)
    {
        if (by_name_.count(e.name))
            throw parse_error{file, record, "duplicate sequence name '" + e.name + "'"};
        by_name_.emplace(e.name, entries_.size());
        entries_.push_back(std::move(e));
    }

    std::vector<fai_entry> entries_;
    std::unordered_map<std::string, std::size_t> by_name_;
};

//! Random access to an uncompressed FASTA through its .fai.
class indexed_fasta
{
public:
    //! Opens fasta_path and loads fasta_path + ".fai", building and saving it when it is missing (or always,
    //! with rebuild).
    explicit indexed_fasta(std::string fasta_path, bool rebuild = false) : path_{std::move(fasta_path)}
    {
        if (is_gzip_file(path_))
            throw io_error{path_, "random access to a gzip-compressed FASTA is not supported yet (BGZF random "
                                  "access arrives with the codec work); decompress it first"};
        std::string fai = path_ + ".fai";
        if (!rebuild && ::access(fai.c_str(), F_OK) == 0)
            index_ = fasta_index::load(fai);
        else
        {
            index_ = fasta_index::build(path_);
            index_.save(fai);
        }
        fd_ = detail::file_descriptor{path_};
    }

    //! Uses a given index (nothing is written).
    indexed_fasta(std::string fasta_path, fasta_index index) :
        path_{std::move(fasta_path)},
        index_{std::move(index)},
        fd_{path_}
    {}

    std::string const & path() const noexcept { return path_; }
    fasta_index const & index() const noexcept { return index_; }

    region parse_region(std::string_view text) const
    {
        try
        {
            return index_.parse_region(text);
        }
        catch (invalid_argument const & e)
        {
            throw invalid_argument{path_ + ": " + e.what()};
        }
    }

    //! Bases [start, end) of sequence name (0-based half-open); end is clamped to the sequence length, a start
    //! at or past the end gives "". Throws invalid_argument for an unknown name or start > end.
    std::string fetch(std::string_view name, std::uint64_t start, std::uint64_t end) const
    {
        auto const * e = index_.find(name);
        if (!e)
            throw invalid_argument{path_ + ": unknown sequence name '" + std::string{name} + "'"};
        if (start > end)
            throw invalid_argument{path_ + ": bad range " + std::to_string(start) + ".." + std::to_string(end) +
                                   " on '" + std::string{name} + "': start after end"};
        end = std::min(end, e->length);
        if (start >= end)
            return {};
        auto byte_of = [&](std::uint64_t pos) {
            return e->offset + pos / e->line_bases * e->line_width + pos % e->line_bases;
        };
        std::uint64_t first = byte_of(start);
        std::uint64_t last = byte_of(end - 1) + 1;
        std::string out(last - first, '\0');
        std::size_t got = 0;
        while (got < out.size())
        {
            ssize_t r = ::pread(fd_.get(), out.data() + got, out.size() - got, static_cast<off_t>(first + got));
            if (r < 0)
            {
                if (errno == EINTR)
                    continue;
                throw io_error{path_, std::string{"read failed: "} + std::strerror(errno)};
            }
            if (r == 0)
                break;
            got += static_cast<std::size_t>(r);
        }
        std::size_t k = 0;
        for (std::size_t i = 0; i < got; ++i)
            if (out[i] != '\n' && out[i] != '\r')
                out[k++] = out[i];
        out.resize(k);
        if (k != end - start)
            throw parse_error{path_, 0, "file does not match its .fai index (sequence '" + e->name +
                                            "'); rebuild the index"};
        return out;
    }

    std::string fetch(region const & r) const { return fetch(r.contig, r.start, r.end); }

private:
    std::string path_;
    fasta_index index_;
    detail::file_descriptor fd_;
};

} // namespace wgskit::io
