// VCF header (VCF 4.3, section 1.4): the fileformat line, contigs (their order gives record::contig), the other
// meta-information lines kept verbatim, and the sample names of the #CHROM line.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <wgskit/core/exception.hpp>
#include <wgskit/vcf/detail/text.hpp>

namespace wgskit::vcf
{

struct contig
{
    std::string name;
    std::int64_t length{-1}; //!< -1 when the header gives none
    friend bool operator==(contig const &, contig const &) = default;
};

class header
{
public:
    //! Adds a contig (length -1 = unknown). Names must be unique.
    void add_contig(std::string name, std::int64_t length)
    {
        if (!detail::valid_contig_name(name))
            throw invalid_argument{"vcf::header::add_contig: invalid contig name '" + name + "'"};
        if (contig_index(name))
            throw invalid_argument{"vcf::header::add_contig: duplicate contig '" + name + "'"};
        if (length < -1)
            throw invalid_argument{"vcf::header::add_contig: negative length for '" + name + "'"};
        by_name_.emplace(name, static_cast<std::int32_t>(contigs_.size()));
        contigs_.push_back({std::move(name), length});
        contig_lines_.emplace_back();
        declared_ = true;
    }

    //! True if the header declares contigs (then a record on another contig is an error when read).
    bool declares_contigs() const noexcept { return declared_; }

    //! A contig seen in a record of a file whose header declares none: added with unknown length, as bcftools.
    void add_undeclared_contig(std::string name)
    {
        bool const declared = declared_;
        add_contig(std::move(name), -1);
        declared_ = declared;
    }

    //! A whole "##key=value" line without its newline (not ##fileformat, not ##contig: see add_contig).
    void add_meta(std::string line)
    {
        if (line.size() < 3 || line.compare(0, 2, "##") != 0 || line.find('\n') != std::string::npos ||
            line.find('=') == std::string::npos)
            throw invalid_argument{"vcf::header::add_meta: not a '##key=value' line: '" + line + "'"};
        if (line.compare(0, 13, "##fileformat=") == 0 || line.compare(0, 9, "##contig=") == 0)
            throw invalid_argument{"vcf::header::add_meta: use the fileformat / add_contig members for '" + line +
                                   "'"};
        meta_.push_back(std::move(line));
    }

    void add_sample(std::string name)
    {
        if (name.empty() || name.find_first_of("\t\n") != std::string::npos)
            throw invalid_argument{"vcf::header::add_sample: invalid sample name '" + name + "'"};
        samples_.push_back(std::move(name));
    }

    std::vector<contig> const & contigs() const noexcept { return contigs_; }
    std::vector<std::string> const & samples() const noexcept { return samples_; }
    //! The "##..." lines other than fileformat and contig, in order.
    std::vector<std::string> const & meta() const noexcept { return meta_; }
    //! "VCFv4.3" unless parsed from a file that says otherwise.
    std::string const & fileformat() const noexcept { return fileformat_; }
    void set_fileformat(std::string v)
    {
        if (v.compare(0, 5, "VCFv4") != 0)
            throw invalid_argument{"vcf::header::set_fileformat: unsupported '" + v + "'"};
        fileformat_ = std::move(v);
    }

    std::optional<std::int32_t> contig_index(std::string_view name) const
    {
        auto it = by_name_.find(std::string{name});
        if (it == by_name_.end())
            return std::nullopt;
        return it->second;
    }

    std::string text() const
    {
        std::string out = "##fileformat=" + fileformat_ + "\n";
        for (std::size_t i = 0; i < contigs_.size(); ++i)
        {
            if (!contig_lines_[i].empty())
                out += contig_lines_[i];
            else
            {
                out += "##contig=<ID=" + contigs_[i].name;
                if (contigs_[i].length >= 0)
                    out += ",length=" + std::to_string(contigs_[i].length);
                out += '>';
            }
            out += '\n';
        }
        for (auto const & m : meta_)
            out += m + '\n';
        out += "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO";
        if (!samples_.empty())
        {
            out += "\tFORMAT";
            for (auto const & s : samples_)
                out += '\t' + s;
        }
        out += '\n';
        return out;
    }

    //! Parses header text (every line up to and including #CHROM). Contig lines keep their other attributes.
    static header parse(std::string_view text, std::string const & file)
    {
        header h;
        std::uint64_t line_no = 0;
        bool chrom_seen = false;
        auto fail = [&](std::string const & why) -> parse_error {
            return parse_error{file, 0, "header line " + std::to_string(line_no) + ": " + why};
        };
        while (!text.empty())
        {
            std::size_t nl = text.find('\n');
            std::string_view line = text.substr(0, nl);
            text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
            if (!line.empty() && line.back() == '\r')
                line.remove_suffix(1);
            ++line_no;
            if (chrom_seen)
                throw fail("header text after the #CHROM line");
            if (line_no == 1)
            {
                if (line.substr(0, 13) != "##fileformat=")
                    throw fail("the first line must be ##fileformat=VCFv4.x");
                std::string v{line.substr(13)};
                if (v.compare(0, 6, "VCFv4.") != 0 || v.size() < 7)
                    throw fail("unsupported file format '" + v + "' (expected VCFv4.x)");
                h.fileformat_ = std::move(v);
                continue;
            }
            if (line.substr(0, 2) == "##")
            {
                h.parse_meta(line, fail);
                continue;
            }
            if (line.substr(0, 1) == "#")
            {
                h.parse_chrom_line(line, fail);
                chrom_seen = true;
                continue;
            }
            throw fail(line.empty() ? "empty line in the header" : "expected a '##' meta line or the #CHROM line");
        }
        if (line_no == 0)
            throw parse_error{file, 0, "empty VCF (no ##fileformat line)"};
        if (!chrom_seen)
            throw parse_error{file, 0, "header without a #CHROM line"};
        return h;
    }

    friend bool operator==(header const & a, header const & b)
    {
        return a.fileformat_ == b.fileformat_ && a.contigs_ == b.contigs_ && a.meta_ == b.meta_ &&
               a.samples_ == b.samples_;
    }

private:
    template <typename Fail>
    void parse_meta(std::string_view line, Fail & fail)
    {
        std::size_t eq = line.find('=');
        if (eq == std::string_view::npos || eq == 2)
            throw fail("meta-information line without 'key='");
        std::string_view key = line.substr(2, eq - 2);
        std::string_view value = line.substr(eq + 1);
        if (key == "fileformat")
            throw fail("a second ##fileformat line");
        bool structured = !value.empty() && value.front() == '<';
        std::vector<std::pair<std::string, std::string>> fields;
        if (structured)
        {
            if (value.back() != '>')
                throw fail("structured meta line does not end with '>'");
            if (auto why = detail::split_structured(value.substr(1, value.size() - 2), fields); !why.empty())
                throw fail(why);
        }
        if (key == "contig")
        {
            if (!structured)
                throw fail("##contig must be ##contig=<ID=...>");
            std::string id;
            std::int64_t length = -1;
            for (auto const & [k, v] : fields)
                if (k == "ID")
                    id = v;
                else if (k == "length")
                {
                    auto n = detail::parse_int(v);
                    if (!n || *n < 0)
                        throw fail("contig length '" + v + "' is not a non-negative integer");
                    length = *n;
                }
            if (id.empty())
                throw fail("##contig without ID");
            if (!detail::valid_contig_name(id))
                throw fail("invalid contig name '" + id + "'");
            if (contig_index(id))
                throw fail("duplicate contig '" + id + "'");
            add_contig(id, length);
            contig_lines_.back() = std::string{line};
            return;
        }
        if (structured && (key == "INFO" || key == "FORMAT" || key == "FILTER" || key == "ALT"))
        {
            if (auto why = detail::check_definition(key, fields); !why.empty())
                throw fail(why);
        }
        meta_.emplace_back(line);
    }

    template <typename Fail>
    void parse_chrom_line(std::string_view line, Fail & fail)
    {
        static constexpr std::string_view fixed[] = {"#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO"};
        std::vector<std::string_view> cols = detail::split(line, '\t');
        for (std::size_t i = 0; i < 8; ++i)
            if (i >= cols.size() || cols[i] != fixed[i])
                throw fail("the #CHROM line must start with the 8 tab-separated fixed column names");
        if (cols.size() == 9)
            throw fail("FORMAT column without samples");
        if (cols.size() > 9)
        {
            if (cols[8] != "FORMAT")
                throw fail("the 9th column must be FORMAT");
            for (std::size_t i = 9; i < cols.size(); ++i)
            {
                if (cols[i].empty())
                    throw fail("empty sample name");
                for (std::size_t j = 9; j < i; ++j)
                    if (cols[j] == cols[i])
                        throw fail("duplicate sample name '" + std::string{cols[i]} + "'");
                samples_.emplace_back(cols[i]);
            }
        }
    }

    std::string fileformat_{"VCFv4.3"};
    std::vector<contig> contigs_;
    std::vector<std::string> contig_lines_; // the parsed line, kept verbatim ("" = built from contigs_)
    std::unordered_map<std::string, std::int32_t> by_name_;
    std::vector<std::string> meta_;
    std::vector<std::string> samples_;
    bool declared_{false};
};

} // namespace wgskit::vcf
