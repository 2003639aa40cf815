// bam::header: the SAM header text plus the reference dictionary (names and lengths, in @SQ order) that record
// tids index. Parsed from SAM header lines (validated per SAMv1 1.3) or built from a reference list.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <wgskit/core/exception.hpp>

namespace wgskit::bam
{

struct reference
{
    std::string name;
    std::uint32_t length{0};
};

class header
{
public:
    header() = default;

    //! Parses SAM header text ("@..." lines, each ending in '\n'). file names the source in errors.
    static header from_text(std::string text, std::string_view file = "<header>")
    {
        header h;
        h.text_ = std::move(text);
        if (!h.text_.empty() && h.text_.back() != '\n')
            h.text_ += '\n';
        h.parse(file);
        return h;
    }

    //! A header with only @SQ lines (and @HD if so_value is given) for these references.
    static header from_references(std::vector<reference> const & refs, std::string_view sort_order = {})
    {
        std::string t;
        if (!sort_order.empty())
            t += "@HD\tVN:1.6\tSO:" + std::string{sort_order} + "\n";
        for (auto const & r : refs)
            t += "@SQ\tSN:" + r.name + "\tLN:" + std::to_string(r.length) + "\n";
        return from_text(std::move(t));
    }

    //! For BAM: the text and the binary reference list may disagree (the list is authoritative for tids).
    static header from_bam(std::string text, std::vector<reference> refs, std::string_view file)
    {
        header h;
        h.text_ = std::move(text);
        h.refs_ = std::move(refs);
        for (std::size_t i = 0; i < h.refs_.size(); ++i)
            if (!h.index_.emplace(h.refs_[i].name, static_cast<std::int32_t>(i)).second)
                throw parse_error{file, 0, "duplicate reference name '" + h.refs_[i].name + "'"};
        // References only in the binary list get @SQ lines, as samtools adds them.
        std::unordered_set<std::string> in_text;
        for (auto line : h.lines("SQ"))
            if (auto sn = line_field(line, "SN"))
                in_text.insert(*sn);
        if (in_text.size() < h.refs_.size())
        {
            if (!h.text_.empty() && h.text_.back() != '\n')
                h.text_ += '\n';
            for (auto const & r : h.refs_)
                if (!in_text.count(r.name))
                    h.text_ += "@SQ\tSN:" + r.name + "\tLN:" + std::to_string(r.length) + "\n";
        }
        return h;
    }

    std::string const & text() const noexcept { return text_; }
    std::vector<reference> const & references() const noexcept { return refs_; }
    std::size_t reference_count() const noexcept { return refs_.size(); }

    //! tid of a reference name; -1 for "*"; nullopt when unknown.
    std::optional<std::int32_t> tid(std::string_view name) const
    {
        if (name == "*")
            return -1;
        auto it = index_.find(std::string{name});
        if (it == index_.end())
            return std::nullopt;
        return it->second;
    }
    std::string_view reference_name(std::int32_t tid) const noexcept
    {
        return tid >= 0 && static_cast<std::size_t>(tid) < refs_.size() ? std::string_view{refs_[tid].name} : "*";
    }

    //! The value of TAG in the first line of TYPE (e.g. ("HD","SO")).
    std::optional<std::string> field(std::string_view type, std::string_view tag) const
    {
        for (auto const & line : lines(type))
            if (auto v = line_field(line, tag))
                return v;
        return std::nullopt;
    }

    //! All header lines of a type ("RG", "PG"...), without the newline.
    std::vector<std::string_view> lines(std::string_view type) const
    {
        std::vector<std::string_view> out;
        std::string_view t = text_;
        while (!t.empty())
        {
            std::size_t nl = t.find('\n');
            std::string_view line = t.substr(0, nl);
            if (line.size() >= 3 && line[0] == '@' && line.substr(1, 2) == type)
                out.push_back(line);
            t = nl == std::string_view::npos ? std::string_view{} : t.substr(nl + 1);
        }
        return out;
    }

    static std::optional<std::string> line_field(std::string_view line, std::string_view tag)
    {
        std::size_t at = 0;
        while ((at = line.find('\t', at)) != std::string_view::npos)
        {
            ++at;
            if (line.substr(at, 2) == tag && line.size() > at + 2 && line[at + 2] == ':')
            {
                std::size_t end = line.find('\t', at);
                return std::string{line.substr(at + 3, end == std::string_view::npos ? end : end - at - 3)};
            }
        }
        return std::nullopt;
    }

    //! Sets @HD SO (adds an @HD line first when there is none).
    void set_sort_order(std::string_view so)
    {
        std::string first_line = text_.substr(0, text_.find('\n'));
        if (first_line.rfind("@HD", 0) != 0)
        {
            text_ = "@HD\tVN:1.6\tSO:" + std::string{so} + "\n" + text_;
            return;
        }
        std::string line = first_line;
        std::size_t at = line.find("\tSO:");
        if (at == std::string::npos)
            line += "\tSO:" + std::string{so};
        else
        {
            std::size_t end = line.find('\t', at + 1);
            line.replace(at, end == std::string::npos ? std::string::npos : end - at, "\tSO:" + std::string{so});
        }
        text_.replace(0, first_line.size(), line);
    }

    //! Appends an @PG line chained to the last one (PP), with a unique ID.
    void add_program(std::string_view id, std::string_view name, std::string_view version, std::string_view command)
    {
        auto pgs = lines("PG");
        std::unordered_set<std::string> ids;
        for (auto l : pgs)
            if (auto v = line_field(l, "ID"))
                ids.insert(*v);
        std::string uid{id};
        for (int n = 1; ids.count(uid); ++n)
            uid = std::string{id} + "." + std::to_string(n);
        std::string line = "@PG\tID:" + uid + "\tPN:" + std::string{name};
        if (!pgs.empty())
            if (auto prev = line_field(pgs.back(), "ID"))
                line += "\tPP:" + *prev;
        line += "\tVN:" + std::string{version} + "\tCL:" + std::string{command} + "\n";
        text_ += line;
    }

private:
    void parse(std::string_view file)
    {
        std::string_view t = text_;
        std::unordered_set<std::string> rg_ids, pg_ids, alt_names;
        std::vector<std::pair<std::uint64_t, std::string>> pp_refs;
        std::uint64_t n = 0;
        while (!t.empty())
        {
            std::size_t nl = t.find('\n');
            std::string_view line = t.substr(0, nl);
            t = t.substr(nl + 1);
            ++n;
            if (!line.empty() && line.back() == '\r')
                line.remove_suffix(1);
            auto fail = [&](std::string const & why) {
                throw parse_error{file, 0, "header line " + std::to_string(n) + ": " + why};
            };
            if (line.size() < 3 || line[0] != '@')
                fail("does not start with '@' and a two-letter type");
            std::string_view type = line.substr(1, 2);
            if (!is_alpha(type[0]) || !is_alnum(type[1]))
                fail("invalid record type '" + std::string{type} + "'");
            if (type == "CO")
            {
                if (line.size() > 3 && line[3] != '\t')
                    fail("@CO must be followed by a tab");
                continue;
            }
            if (line.size() == 3 || line[3] != '\t')
                fail("@" + std::string{type} + " without fields");
            // TAG:VALUE fields.
            std::unordered_set<std::string> tags;
            std::size_t at = 4;
            while (at <= line.size())
            {
                std::size_t end = line.find('\t', at);
                std::string_view f = line.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at);
                if (f.size() < 3 || f[2] != ':' || !is_alpha(f[0]) || !is_alnum(f[1]))
                    fail("field '" + std::string{f} + "' is not TAG:VALUE");
                if (!tags.insert(std::string{f.substr(0, 2)}).second && type != "CO")
                    fail("tag " + std::string{f.substr(0, 2)} + " repeated");
                if (end == std::string_view::npos)
                    break;
                at = end + 1;
            }
            if (type == "HD")
            {
                if (n != 1)
                    fail("@HD is not the first line");
                auto vn = line_field(line, "VN");
                if (!vn || !valid_version(*vn))
                    fail("@HD needs VN:<major>.<minor>");
                if (auto so = line_field(line, "SO"))
                    if (*so != "unknown" && *so != "unsorted" && *so != "queryname" && *so != "coordinate")
                        fail("@HD SO:" + *so + " is not unknown/unsorted/queryname/coordinate");
                if (auto ss = line_field(line, "SS"))
                {
                    // (unsorted|queryname|coordinate):<sub-sort>[:<sub-sort>...], the prefix equal to SO if given.
                    auto so = line_field(line, "SO");
                    std::size_t colon = ss->find(':');
                    std::string prefix = ss->substr(0, colon);
                    if (colon == std::string::npos || (so && prefix != *so) || colon + 1 == ss->size() ||
                        (prefix != "unsorted" && prefix != "queryname" && prefix != "coordinate") ||
                        ss->find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-:",
                                              colon + 1) != std::string::npos)
                        fail("@HD SS:" + *ss + " is not <sort order>:<sub-sort> (matching SO)");
                }
                if (auto go = line_field(line, "GO"))
                    if (*go != "none" && *go != "query" && *go != "reference")
                        fail("@HD GO:" + *go + " is not none/query/reference");
            }
            else if (type == "SQ")
            {
                auto sn = line_field(line, "SN");
                auto ln = line_field(line, "LN");
                if (!sn || !ln)
                    fail("@SQ needs SN and LN");
                if (!valid_reference_name(*sn))
                    fail("@SQ SN:" + *sn + " is not a valid reference name");
                std::uint64_t len = 0;
                if (ln->empty() || ln->size() > 10 || ln->find_first_not_of("0123456789") != std::string::npos ||
                    (len = std::stoull(*ln)) < 1 || len > INT32_MAX)
                    fail("@SQ LN:" + *ln + " is not in 1..2^31-1");
                if (!index_.emplace(*sn, static_cast<std::int32_t>(refs_.size())).second || alt_names.count(*sn))
                    fail("duplicate @SQ SN:" + *sn);
                if (auto m5 = line_field(line, "M5"))
                    if (m5->size() != 32 || m5->find_first_not_of("0123456789abcdef") != std::string::npos)
                        fail("@SQ M5:" + *m5 + " is not 32 lower-case hex digits");
                if (auto tp = line_field(line, "TP"))
                    if (*tp != "linear" && *tp != "circular")
                        fail("@SQ TP:" + *tp + " is not linear or circular");
                if (auto ah = line_field(line, "AH"))
                    if (*ah != "*" && !valid_reference_name(ah->substr(0, ah->find(':'))))
                        fail("@SQ AH:" + *ah + " is not '*' or a reference region");
                if (auto an = line_field(line, "AN"))
                {
                    std::size_t at = 0;
                    while (true)
                    {
                        std::size_t comma = an->find(',', at);
                        std::string alt = an->substr(at, comma == std::string::npos ? comma : comma - at);
                        if (alt.empty() || !is_alnum(alt[0]) ||
                            alt.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789*+.@_|-") !=
                                std::string::npos)
                            fail("@SQ AN:" + *an + ": '" + alt + "' is not a valid alternative name");
                        if (index_.count(alt) || !alt_names.insert(alt).second)
                            fail("@SQ AN:" + *an + ": '" + alt + "' names another reference too");
                        if (comma == std::string::npos)
                            break;
                        at = comma + 1;
                    }
                }
                refs_.push_back({*sn, static_cast<std::uint32_t>(len)});
            }
            else if (type == "RG")
            {
                auto id = line_field(line, "ID");
                if (!id || id->empty())
                    fail("@RG needs ID");
                if (!rg_ids.insert(*id).second)
                    fail("duplicate @RG ID:" + *id);
                if (auto pi = line_field(line, "PI"))
                    if (pi->empty() || pi->find_first_not_of("0123456789") != std::string::npos)
                        fail("@RG PI:" + *pi + " is not an integer");
                if (auto dt = line_field(line, "DT"))
                    if (!valid_date(*dt))
                        fail("@RG DT:" + *dt + " is not an ISO 8601 date");
                if (auto pl = line_field(line, "PL"))
                {
                    static constexpr std::string_view platforms[] = {"CAPILLARY", "DNBSEQ", "ELEMENT", "HELICOS",
                                                                     "ILLUMINA", "IONTORRENT", "LS454", "ONT",
                                                                     "PACBIO", "SINGULAR", "SOLID", "ULTIMA"};
                    std::string upper = *pl; // real files write "illumina"; samtools accepts any case
                    for (char & c : upper)
                        c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
                    bool ok = false;
                    for (auto p : platforms)
                        ok = ok || upper == p;
                    if (!ok)
                        fail("@RG PL:" + *pl + " is not a known platform");
                }
            }
            else if (type == "PG")
            {
                auto id = line_field(line, "ID");
                if (!id || id->empty())
                    fail("@PG needs ID");
                if (!pg_ids.insert(*id).second)
                    fail("duplicate @PG ID:" + *id);
                if (auto pp = line_field(line, "PP"))
                    pp_refs.emplace_back(n, *pp);
            }
        }
        for (auto const & [line_no, pp] : pp_refs)
            if (!pg_ids.count(pp))
                throw parse_error{file, 0, "header line " + std::to_string(line_no) + ": @PG PP:" + pp +
                                               " names no @PG ID"};
    }

    //! YYYY-MM-DD, optionally followed by a time ('T...'), with a plausible month and day.
    static bool valid_date(std::string_view d)
    {
        auto digits = [&](std::size_t at, std::size_t n) {
            if (d.size() < at + n)
                return -1;
            int v = 0;
            for (std::size_t i = at; i < at + n; ++i)
            {
                if (d[i] < '0' || d[i] > '9')
                    return -1;
                v = v * 10 + (d[i] - '0');
            }
            return v;
        };
        int y = digits(0, 4), m = digits(5, 2), day = digits(8, 2);
        return y >= 0 && d.size() >= 10 && d[4] == '-' && d[7] == '-' && m >= 1 && m <= 12 && day >= 1 && day <= 31 &&
               (d.size() == 10 || d[10] == 'T' || d[10] == ' ');
    }

    static bool is_alpha(char c) noexcept { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
    static bool is_alnum(char c) noexcept { return is_alpha(c) || (c >= '0' && c <= '9'); }
    static bool valid_version(std::string_view v)
    {
        std::size_t dot = v.find('.');
        auto digits = [](std::string_view s) {
            return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
        };
        return dot != std::string_view::npos && digits(v.substr(0, dot)) && digits(v.substr(dot + 1));
    }

public:
    //! SAMv1 1.2.1: [0-9A-Za-z!#$%&+./:;?@^_|~-][0-9A-Za-z!#$%&*+./:;=?@^_|~-]*
    static bool valid_reference_name(std::string_view n) noexcept
    {
        auto ok = [](char c, bool first) {
            if (c < '!' || c > '~')
                return false;
            switch (c)
            {
            case '\\': case ',': case '"': case '`': case '\'': case '(': case ')': case '[': case ']': case '{':
            case '}': case '<': case '>': return false;
            case '*': case '=': return !first;
            default: return true;
            }
        };
        if (n.empty() || !ok(n[0], true))
            return false;
        for (std::size_t i = 1; i < n.size(); ++i)
            if (!ok(n[i], false))
                return false;
        return true;
    }

private:
    std::string text_;
    std::vector<reference> refs_;
    std::unordered_map<std::string, std::int32_t> index_;
};

} // namespace wgskit::bam
