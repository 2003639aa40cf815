// BAI index (SAMv1 5.2): built while a coordinate-sorted BAM is written (bai_builder, fed each record with the
// uncompressed offsets where it starts and ends; offsets become virtual offsets through the writer's block
// table at the end), read back for region queries (indexed_reader). Bins, 16 kbp linear index, and the
// pseudo-bin 37450 with the mapped/unmapped counts that samtools idxstats reads.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <wgskit/bam/detail/bam_codec.hpp>
#include <wgskit/bam/detail/binary.hpp>
#include <wgskit/bam/header.hpp>
#include <wgskit/bam/reader.hpp>
#include <wgskit/bam/writer.hpp>
#include <wgskit/bam/record.hpp>
#include <wgskit/codec/bgzf/gzi_index.hpp>
#include <wgskit/codec/bgzf/reader.hpp>
#include <wgskit/core/atomic_file.hpp>
#include <wgskit/core/exception.hpp>

namespace wgskit::bam
{

inline constexpr std::uint32_t bai_pseudo_bin = 37450;

struct bai_chunk
{
    std::uint64_t begin, end; // virtual offsets (uncompressed offsets while building)
};

struct bai_reference
{
    std::map<std::uint32_t, std::vector<bai_chunk>> bins;
    std::vector<std::uint64_t> linear; // 0 = unset
    std::uint64_t begin{UINT64_MAX}, end{0};
    std::uint64_t mapped{0}, unmapped{0};
};

struct bai_index
{
    std::vector<bai_reference> refs;
    std::uint64_t unplaced{0};

    std::string serialise() const
    {
        std::string out{"BAI\1"};
        detail::append(out, static_cast<std::int32_t>(refs.size()));
        for (auto const & r : refs)
        {
            bool any = r.begin != UINT64_MAX;
            detail::append(out, static_cast<std::int32_t>(r.bins.size() + (any ? 1 : 0)));
            for (auto const & [bin, chunks] : r.bins)
            {
                detail::append(out, bin);
                detail::append(out, static_cast<std::int32_t>(chunks.size()));
                for (auto c : chunks)
                {
                    detail::append(out, c.begin);
                    detail::append(out, c.end);
                }
            }
            if (any)
            {
                detail::append(out, bai_pseudo_bin);
                detail::append(out, std::int32_t{2});
                detail::append(out, r.begin);
                detail::append(out, r.end);
                detail::append(out, r.mapped);
                detail::append(out, r.unmapped);
            }
            detail::append(out, static_cast<std::int32_t>(r.linear.size()));
            for (auto v : r.linear)
                detail::append(out, v);
        }
        detail::append(out, unplaced);
        return out;
    }

    static bai_index parse(std::string_view b, std::string const & file)
    {
        std::size_t at = 0;
        auto need = [&](std::size_t n) {
            if (b.size() - at < n)
                throw parse_error{file, 0, "truncated BAI index"};
        };
        auto get32 = [&] { need(4); auto v = detail::load<std::int32_t>(b.data() + at); at += 4; return v; };
        auto get64 = [&] { need(8); auto v = detail::load<std::uint64_t>(b.data() + at); at += 8; return v; };
        need(4);
        if (b.substr(0, 4) != std::string_view{"BAI\1", 4})
            throw parse_error{file, 0, "not a BAI index (bad magic)"};
        at = 4;
        bai_index idx;
        std::int32_t n_ref = get32();
        if (n_ref < 0 || n_ref > (1 << 24))
            throw parse_error{file, 0, "implausible reference count in BAI"};
        idx.refs.resize(static_cast<std::size_t>(n_ref));
        for (auto & r : idx.refs)
        {
            std::int32_t n_bin = get32();
            if (n_bin < 0)
                throw parse_error{file, 0, "negative bin count in BAI"};
            for (std::int32_t i = 0; i < n_bin; ++i)
            {
                auto bin = static_cast<std::uint32_t>(get32());
                std::int32_t n_chunk = get32();
                if (n_chunk < 0 || static_cast<std::uint64_t>(n_chunk) * 16 > b.size() - at)
                    throw parse_error{file, 0, "bad chunk count in BAI"};
                std::vector<bai_chunk> chunks(static_cast<std::size_t>(n_chunk));
                for (auto & c : chunks)
                {
                    c.begin = get64();
                    c.end = get64();
                }
                if (bin == bai_pseudo_bin && chunks.size() == 2)
                {
                    r.begin = chunks[0].begin;
                    r.end = chunks[0].end;
                    r.mapped = chunks[1].begin;
                    r.unmapped = chunks[1].end;
                }
                else
                    r.bins[bin] = std::move(chunks);
            }
            std::int32_t n_intv = get32();
            if (n_intv < 0 || static_cast<std::uint64_t>(n_intv) * 8 > b.size() - at)
                throw parse_error{file, 0, "bad linear index size in BAI"};
            r.linear.resize(static_cast<std::size_t>(n_intv));
            for (auto & v : r.linear)
                v = get64();
        }
        if (b.size() - at >= 8)
            idx.unplaced = get64();
        return idx;
    }
};

//! Collects the index of a coordinate-sorted BAM while it is written. Offsets are uncompressed positions in
//! the BGZF stream until finish() converts them with the writer's block table.
class bai_builder
{
public:
    explicit bai_builder(std::size_t n_ref) { idx_.refs.resize(n_ref); }

    //! r occupies uncompressed bytes [begin, end) of the BAM stream. Records must come in coordinate order.
    void add(record const & r, std::uint64_t begin, std::uint64_t end)
    {
        if (r.tid() < 0)
        {
            ++idx_.unplaced;
            return;
        }
        if (static_cast<std::size_t>(r.tid()) >= idx_.refs.size())
            throw invalid_argument{"bai_builder: tid out of range"};
        if (r.tid() < last_tid_ || (r.tid() == last_tid_ && r.pos() < last_pos_))
            throw invalid_argument{"bai_builder: records are not coordinate-sorted"};
        last_tid_ = r.tid();
        last_pos_ = r.pos();
        auto & ref = idx_.refs[static_cast<std::size_t>(r.tid())];
        bool unmapped = r.has_flag(flag::unmapped);
        std::int64_t beg = r.pos(), stop = unmapped ? beg + 1 : r.end_position();
        if (beg < 0)
            beg = 0, stop = std::max<std::int64_t>(stop, 1);
        std::uint32_t bin = detail::reg2bin(beg, stop);
        auto & chunks = ref.bins[bin];
        if (!chunks.empty() && chunks.back().end == begin)
            chunks.back().end = end; // contiguous with the bin's previous record
        else
            chunks.push_back({begin, end});
        std::size_t w0 = static_cast<std::size_t>(beg >> 14), w1 = static_cast<std::size_t>((stop - 1) >> 14);
        if (ref.linear.size() <= w1)
            ref.linear.resize(w1 + 1, UINT64_MAX);
        for (std::size_t w = w0; w <= w1; ++w)
            if (ref.linear[w] == UINT64_MAX)
                ref.linear[w] = begin;
        ref.begin = std::min(ref.begin, begin);
        ref.end = std::max(ref.end, end);
        ++(unmapped ? ref.unmapped : ref.mapped);
    }

    //! Converts to virtual offsets with the BGZF block table of the finished file.
    bai_index finish(codec::bgzf::gzi_index const & blocks) const
    {
        bai_index idx = idx_;
        auto v = [&](std::uint64_t u) { return blocks.locate(u); };
        for (auto & ref : idx.refs)
        {
            for (auto & [bin, chunks] : ref.bins)
                for (auto & c : chunks)
                    c = {v(c.begin), v(c.end)};
            // Empty windows take the next window's offset... htslib fills them from the previous one.
            std::uint64_t prev = 0;
            for (auto & x : ref.linear)
                x = x == UINT64_MAX ? prev : (prev = v(x));
            if (ref.begin != UINT64_MAX)
            {
                ref.begin = v(ref.begin);
                ref.end = v(ref.end);
            }
        }
        return idx;
    }

private:
    bai_index idx_;
    std::int32_t last_tid_{-1};
    std::int32_t last_pos_{-1};
};

//! A BAM writer that also writes "<path>.bai" on close() (input must be coordinate-sorted).
class indexing_bam_writer : public record_sink
{
public:
    indexing_bam_writer(std::string path, header h, int level = 6, std::size_t threads = 0) :
        writer_{path, h, {file_format::bam, level, threads}}, builder_{h.reference_count()}, path_{std::move(path)}
    {}
    void write(record const & r) override
    {
        std::uint64_t b = writer_.next_offset();
        writer_.write(r);
        builder_.add(r, b, writer_.next_offset());
    }
    void close() override
    {
        writer_.close();
        write_file_atomically(path_ + ".bai", builder_.finish(writer_.blocks()).serialise());
    }

private:
    writer writer_;
    bai_builder builder_;
    std::string path_;
};

//! Region queries on a BAM with its .bai: records overlapping the region, in file order, as samtools view.
class indexed_reader
{
public:
    explicit indexed_reader(std::string path, std::string index_path = {}) : path_{std::move(path)}
    {
        reader head{path_};
        if (!head.is_bam())
            throw invalid_argument{"indexed_reader: " + path_ + " is not BAM"};
        header_ = head.header();
        if (index_path.empty())
            index_path = path_ + ".bai";
        io::input_file f{index_path};
        std::string bytes;
        char buf[1 << 16];
        for (std::size_t n; (n = f.read(buf, sizeof buf)) > 0;)
            bytes.append(buf, n);
        index_ = bai_index::parse(bytes, index_path);
        if (index_.refs.size() != header_.reference_count())
            throw parse_error{index_path, 0, "index and BAM disagree on the number of references"};
        bgzf_ = std::make_unique<codec::bgzf::reader>(path_);
    }

    bam::header const & header() const noexcept { return header_; }
    bai_index const & index() const noexcept { return index_; }

    //! "chr", "chr:beg" or "chr:beg-end" (1-based inclusive, commas allowed), as samtools.
    std::vector<record> query(std::string_view region)
    {
        std::string name{region};
        std::int64_t beg = 0, end = INT64_MAX;
        if (!header_.tid(name))
        {
            std::size_t colon = name.rfind(':');
            if (colon == std::string::npos)
                throw invalid_argument{"indexed_reader::query: unknown reference '" + name + "'"};
            std::string range;
            for (char c : name.substr(colon + 1))
                if (c != ',')
                    range += c;
            name.resize(colon);
            std::size_t dash = range.find('-');
            try
            {
                beg = std::stoll(range.substr(0, dash)) - 1;
                if (dash != std::string::npos && dash + 1 < range.size())
                    end = std::stoll(range.substr(dash + 1));
            }
            catch (std::exception const &)
            {
                throw invalid_argument{"indexed_reader::query: bad region '" + std::string{region} + "'"};
            }
            if (beg < 0 || end <= beg)
                throw invalid_argument{"indexed_reader::query: bad region '" + std::string{region} + "'"};
        }
        auto tid = header_.tid(name);
        if (!tid || *tid < 0)
            throw invalid_argument{"indexed_reader::query: unknown reference '" + name + "'"};
        return query(*tid, beg, end);
    }

    //! Records on tid overlapping the 0-based half-open [beg, end).
    std::vector<record> query(std::int32_t tid, std::int64_t beg, std::int64_t end)
    {
        std::vector<record> out;
        auto const & ref = index_.refs.at(static_cast<std::size_t>(tid));
        end = std::min<std::int64_t>(end, 1LL << 29);
        if (beg >= end)
            return out;
        std::vector<std::uint32_t> bins;
        detail::reg2bins(beg, end, bins);
        std::size_t w = static_cast<std::size_t>(beg >> 14);
        std::uint64_t min_off = w < ref.linear.size() ? ref.linear[w] : (ref.linear.empty() ? 0 : ref.linear.back());
        std::vector<bai_chunk> chunks;
        for (auto b : bins)
            if (auto it = ref.bins.find(b); it != ref.bins.end())
                for (auto c : it->second)
                    if (c.end > min_off)
                        chunks.push_back(c);
        std::sort(chunks.begin(), chunks.end(), [](auto a, auto b) { return a.begin < b.begin; });
        std::vector<bai_chunk> merged;
        for (auto c : chunks)
            if (!merged.empty() && c.begin <= merged.back().end)
                merged.back().end = std::max(merged.back().end, c.end);
            else
                merged.push_back(c);
        std::string body;
        record r;
        for (auto c : merged)
        {
            bgzf_->seek(std::max(c.begin, min_off));
            while (bgzf_->tell() < c.end)
            {
                char size_bytes[4];
                if (bgzf_->read(size_bytes, 4) < 4)
                    break;
                auto size = detail::load<std::uint32_t>(size_bytes);
                if (size < detail::fixed_record_size || size > (1u << 30))
                    throw parse_error{path_, 0, "implausible BAM block_size during a region query"};
                body.resize(size);
                if (bgzf_->read(body.data(), size) < size)
                    throw parse_error{path_, 0, "truncated BAM record during a region query"};
                detail::decode_record(body, header_.reference_count(), r, path_, 0);
                if (r.tid() != tid || r.pos() >= end)
                    break;
                std::int64_t stop = r.has_flag(flag::unmapped) ? std::int64_t{r.pos()} + 1 : r.end_position();
                if (stop > beg)
                    out.push_back(r);
            }
        }
        return out;
    }

private:
    std::string path_;
    bam::header header_;
    bai_index index_;
    std::unique_ptr<codec::bgzf::reader> bgzf_;
};

} // namespace wgskit::bam
