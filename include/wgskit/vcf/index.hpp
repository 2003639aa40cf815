// Tabix (.tbi) and CSI (.csi) indexes of BGZF-compressed VCF, on the binning index shared with BAI
// (codec/bgzf/binning_index.hpp), and region queries through them (indexed_reader).
//
// Both files are BGZF-compressed. TBI: "TBI\1", n_ref, the tabix configuration (format 2 = VCF, columns 1, 2, 0,
// meta '#', skip 0), the reference names, the references in the linear layout, the unplaced count. CSI: "CSI\1",
// min_shift, depth, the same configuration and names as auxiliary data, n_ref, the references in the CSI layout
// (loffset per bin, no linear index), the unplaced count. As in tabix, only contigs that have records are listed,
// in file order.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <unistd.h>

#include <wgskit/codec/bgzf/binning_index.hpp>
#include <wgskit/codec/bgzf/reader.hpp>
#include <wgskit/codec/bgzf/writer.hpp>
#include <wgskit/core/exception.hpp>
#include <wgskit/vcf/detail/record_text.hpp>
#include <wgskit/vcf/header.hpp>
#include <wgskit/vcf/record.hpp>

namespace wgskit::vcf
{

//! Tabix's coordinate limit: TBI (and BAI) bins cover positions below 2^29.
inline constexpr std::int64_t tbi_max_length = (std::int64_t{1} << 29) - 1;
//! CSI's smallest bin, as bcftools index -c and tabix -C.
inline constexpr int csi_min_shift = 14;

using index_builder = codec::bgzf::binning_index_builder;

//! A parsed .tbi / .csi: the binning index with its references' names.
struct tabix_index
{
    codec::bgzf::binning_index bins;
    std::vector<std::string> names;
    bool csi{false};

    std::optional<std::size_t> find(std::string_view name) const
    {
        for (std::size_t i = 0; i < names.size(); ++i)
            if (names[i] == name)
                return i;
        return std::nullopt;
    }
};

namespace detail
{

inline constexpr std::int32_t tabix_vcf_format = 2;

// The tabix configuration and the names block; the index keeps only contigs with records.
inline std::string tabix_configuration(std::vector<std::string> const & names)
{
    using idx = codec::bgzf::binning_index;
    std::string out;
    for (std::int32_t v : {tabix_vcf_format, 1, 2, 0, std::int32_t{'#'}, 0})
        idx::append_int(out, v);
    std::string block;
    for (auto const & n : names)
    {
        block += n;
        block += '\0';
    }
    idx::append_int(out, static_cast<std::int32_t>(block.size()));
    return out + block;
}

// The references that have records, as (names, index restricted to them).
inline codec::bgzf::binning_index used_references(codec::bgzf::binning_index const & idx, header const & h,
                                                  std::vector<std::string> & names)
{
    codec::bgzf::binning_index used;
    used.scheme = idx.scheme;
    used.unplaced = idx.unplaced;
    for (std::size_t i = 0; i < idx.refs.size(); ++i)
        if (idx.refs[i].has_records())
        {
            used.refs.push_back(idx.refs[i]);
            names.push_back(h.contigs()[i].name);
        }
    return used;
}

inline std::vector<std::string> parse_names(codec::bgzf::binning_index::cursor & in, std::int32_t n_ref)
{
    for (std::int32_t expected : {tabix_vcf_format, 1, 2, 0, std::int32_t{'#'}, 0})
    {
        auto v = in.get<std::int32_t>();
        if ((v & 0xffff) != expected)
            in.fail("not a VCF tabix configuration (format/columns/meta " + std::to_string(v) + ")");
    }
    auto l_nm = in.get<std::int32_t>();
    if (l_nm < 0)
        in.fail("negative names length");
    auto block = in.bytes(static_cast<std::size_t>(l_nm));
    std::vector<std::string> names;
    while (!block.empty())
    {
        std::size_t nul = block.find('\0');
        if (nul == std::string_view::npos)
            in.fail("reference names not NUL-terminated");
        names.emplace_back(block.substr(0, nul));
        block.remove_prefix(nul + 1);
    }
    if (n_ref >= 0 && names.size() != static_cast<std::size_t>(n_ref))
        in.fail(std::to_string(names.size()) + " names for " + std::to_string(n_ref) + " references");
    return names;
}

} // namespace detail

//! The .tbi bytes (before BGZF compression) of a finished index over h's contigs.
inline std::string serialise_tbi(codec::bgzf::binning_index const & idx, header const & h)
{
    std::vector<std::string> names;
    auto used = detail::used_references(idx, h, names);
    std::string out{"TBI\1"};
    codec::bgzf::binning_index::append_int(out, static_cast<std::int32_t>(names.size()));
    out += detail::tabix_configuration(names);
    used.append_references(out, codec::bgzf::index_layout::linear);
    codec::bgzf::binning_index::append_int(out, used.unplaced);
    return out;
}

//! The .csi bytes (before BGZF compression).
inline std::string serialise_csi(codec::bgzf::binning_index const & idx, header const & h)
{
    using bi = codec::bgzf::binning_index;
    std::vector<std::string> names;
    auto used = detail::used_references(idx, h, names);
    std::string out{"CSI\1"};
    bi::append_int(out, static_cast<std::int32_t>(used.scheme.min_shift));
    bi::append_int(out, static_cast<std::int32_t>(used.scheme.depth));
    std::string aux = detail::tabix_configuration(names);
    bi::append_int(out, static_cast<std::int32_t>(aux.size()));
    out += aux;
    bi::append_int(out, static_cast<std::int32_t>(names.size()));
    used.append_references(out, codec::bgzf::index_layout::csi);
    bi::append_int(out, used.unplaced);
    return out;
}

//! Writes index bytes BGZF-compressed (temporary name, renamed when complete).
inline void write_index_file(std::string const & path, std::string const & bytes)
{
    codec::bgzf::writer out{path};
    out.write(bytes);
    out.close();
}

//! Reads a .tbi or .csi of a VCF (decided by its magic).
inline tabix_index read_tabix_index(std::string const & path)
{
    std::string bytes = codec::bgzf::reader{path}.read_all();
    tabix_index t;
    using bi = codec::bgzf::binning_index;
    std::string_view magic{bytes.data(), std::min<std::size_t>(4, bytes.size())};
    if (magic == std::string_view{"TBI\1", 4})
    {
        bi::cursor in{bytes, path, "TBI"};
        in.bytes(4);
        auto n_ref = in.get<std::int32_t>();
        t.names = detail::parse_names(in, n_ref);
        t.bins.parse_references(in, n_ref, codec::bgzf::index_layout::linear);
        if (in.remaining() >= 8)
            t.bins.unplaced = in.get<std::uint64_t>();
        return t;
    }
    if (magic == std::string_view{"CSI\1", 4})
    {
        bi::cursor in{bytes, path, "CSI"};
        in.bytes(4);
        t.csi = true;
        t.bins.scheme.min_shift = in.get<std::int32_t>();
        t.bins.scheme.depth = in.get<std::int32_t>();
        if (t.bins.scheme.min_shift < 0 || t.bins.scheme.min_shift > 30 || t.bins.scheme.depth < 0 ||
            t.bins.scheme.min_shift + 3 * t.bins.scheme.depth > 62 || t.bins.scheme.depth > 9)
            in.fail("unsupported min_shift/depth");
        auto l_aux = in.get<std::int32_t>();
        if (l_aux < 0)
            in.fail("negative auxiliary data length");
        bi::cursor aux{in.bytes(static_cast<std::size_t>(l_aux)), path, "CSI"};
        auto n_ref = in.get<std::int32_t>();
        t.names = detail::parse_names(aux, n_ref);
        t.bins.parse_references(in, n_ref, codec::bgzf::index_layout::csi);
        if (in.remaining() >= 8)
            t.bins.unplaced = in.get<std::uint64_t>();
        return t;
    }
    throw parse_error{path, 0, "not a tabix or CSI index (bad magic)"};
}

//! Region queries on a BGZF VCF with its .tbi or .csi (made by us, tabix or bcftools index): the records
//! overlapping a region (their span is record::end(), INFO END included, as tabix), in file order.
class indexed_reader
{
public:
    //! index_path empty: "<path>.tbi", else "<path>.csi".
    explicit indexed_reader(std::string path, std::string index_path = {}) : path_{std::move(path)}
    {
        bgzf_ = std::make_unique<codec::bgzf::reader>(path_);
        if (!bgzf_->is_bgzf())
            throw invalid_argument{"vcf::indexed_reader: " + path_ + " is not BGZF-compressed"};
        std::string text;
        while (bgzf_->read_line(line_) && !line_.empty() && line_[0] == '#')
        {
            text += line_;
            text += '\n';
            if (line_.compare(0, 6, "#CHROM") == 0)
                break;
        }
        header_ = vcf::header::parse(text, path_);
        if (index_path.empty())
        {
            index_path = path_ + ".tbi";
            if (::access(index_path.c_str(), F_OK) != 0)
                index_path = path_ + ".csi";
        }
        index_ = read_tabix_index(index_path);
    }

    vcf::header const & header() const noexcept { return header_; }
    tabix_index const & index() const noexcept { return index_; }

    //! "chr", "chr:beg", "chr:beg-end" (1-based inclusive, commas allowed), as tabix. A contig without records
    //! gives no records; a name neither in the header nor in the index is invalid_argument.
    std::vector<record> query(std::string_view region_text)
    {
        auto known = [&](std::string const & n) { return header_.contig_index(n) || index_.find(n); };
        auto reg = codec::bgzf::parse_region(region_text, known);
        if (!known(reg.name))
            throw invalid_argument{"vcf::indexed_reader::query: unknown contig '" + reg.name + "'"};
        return query(reg.name, reg.beg, reg.end);
    }

    //! Records on contig overlapping the 0-based half-open [beg, end).
    std::vector<record> query(std::string const & contig, std::int64_t beg, std::int64_t end)
    {
        std::vector<record> out;
        auto ref = index_.find(contig);
        if (!ref)
            return out;
        record r;
        for (auto c : index_.bins.chunks_for(*ref, beg, end))
        {
            bgzf_->seek(c.begin);
            while (bgzf_->tell() < c.end && bgzf_->read_line(line_))
            {
                if (line_.empty() || line_[0] == '#')
                    continue;
                detail::parse_record(line_, header_, r, path_, 0);
                if (header_.contigs()[static_cast<std::size_t>(r.contig)].name != contig || r.pos >= end)
                    break;
                if (r.end() > beg && std::max<std::int64_t>(r.pos, 0) < end)
                    out.push_back(r);
            }
        }
        return out;
    }

private:
    std::string path_;
    std::unique_ptr<codec::bgzf::reader> bgzf_;
    vcf::header header_;
    tabix_index index_;
    std::string line_;
};

} // namespace wgskit::vcf
