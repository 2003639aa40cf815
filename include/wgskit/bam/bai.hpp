// BAI index (SAMv1 5.2): built while a coordinate-sorted BAM is written (bai_builder, fed each record with the
// uncompressed offsets where it starts and ends; offsets become virtual offsets through the writer's block
// table at the end), read back for region queries (indexed_reader). Bins, 16 kbp linear index, and the
// pseudo-bin 37450 with the mapped/unmapped counts that samtools idxstats reads.
#pragma once

#include <algorithm>
#include <cstdint>
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
#include <wgskit/codec/bgzf/binning_index.hpp>
#include <wgskit/codec/bgzf/gzi_index.hpp>
#include <wgskit/codec/bgzf/reader.hpp>
#include <wgskit/core/atomic_file.hpp>
#include <wgskit/core/exception.hpp>

namespace wgskit::bam
{

inline constexpr std::uint32_t bai_pseudo_bin = 37450; // codec::bgzf::binning_scheme{}.pseudo_bin()

using bai_chunk = codec::bgzf::index_chunk;
using bai_reference = codec::bgzf::index_reference;

//! A BAI: the shared binning index (14/5 geometry, linear layout) with the BAI framing.
struct bai_index : codec::bgzf::binning_index
{
    std::string serialise() const
    {
        std::string out{"BAI\1"};
        append_int(out, static_cast<std::int32_t>(refs.size()));
        append_references(out, codec::bgzf::index_layout::linear);
        append_int(out, unplaced);
        return out;
    }

    static bai_index parse(std::string_view b, std::string const & file)
    {
        cursor in{b, file, "BAI"};
        if (in.remaining() < 4 || b.substr(0, 4) != std::string_view{"BAI\1", 4})
            throw parse_error{file, 0, "not a BAI index (bad magic)"};
        in.bytes(4);
        bai_index idx;
        auto n_ref = in.get<std::int32_t>();
        idx.parse_references(in, n_ref, codec::bgzf::index_layout::linear);
        if (in.remaining() >= 8)
            idx.unplaced = in.get<std::uint64_t>();
        return idx;
    }
};

//! Collects the index of a coordinate-sorted BAM while it is written. Offsets are uncompressed positions in
//! the BGZF stream until finish() converts them with the writer's block table.
class bai_builder
{
public:
    explicit bai_builder(std::size_t n_ref) : builder_{n_ref, codec::bgzf::binning_scheme{}} {}

    //! r occupies uncompressed bytes [begin, end) of the BAM stream. Records must come in coordinate order.
    void add(record const & r, std::uint64_t begin, std::uint64_t end)
    {
        if (r.tid() < 0)
        {
            builder_.add_unplaced();
            return;
        }
        bool unmapped = r.has_flag(flag::unmapped);
        std::int64_t beg = r.pos(), stop = unmapped ? beg + 1 : r.end_position();
        if (beg < 0)
            beg = 0, stop = std::max<std::int64_t>(stop, 1);
        stop = std::max(stop, beg + 1);
        try
        {
            builder_.add(static_cast<std::size_t>(r.tid()), beg, stop, begin, end, unmapped);
        }
        catch (invalid_argument const & e)
        {
            throw invalid_argument{std::string{"bai_builder: "} + e.what()};
        }
    }

    //! Converts to virtual offsets with the BGZF block table of the finished file.
    bai_index finish(codec::bgzf::gzi_index const & blocks) const
    {
        bai_index idx;
        static_cast<codec::bgzf::binning_index &>(idx) = builder_.finish(blocks);
        return idx;
    }

private:
    codec::bgzf::binning_index_builder builder_;
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
        auto reg = codec::bgzf::parse_region(region, [&](std::string const & n) { return !!header_.tid(n); });
        auto tid = header_.tid(reg.name);
        if (!tid || *tid < 0)
            throw invalid_argument{"indexed_reader::query: unknown reference '" + reg.name + "'"};
        return query(*tid, reg.beg, reg.end);
    }

    //! Records on tid overlapping the 0-based half-open [beg, end).
    std::vector<record> query(std::int32_t tid, std::int64_t beg, std::int64_t end)
    {
        std::vector<record> out;
        if (tid < 0 || static_cast<std::size_t>(tid) >= index_.refs.size())
            throw invalid_argument{"indexed_reader::query: reference id " + std::to_string(tid) + " out of range"};
        auto const merged = index_.chunks_for(static_cast<std::size_t>(tid), beg, end);
        std::string body;
        record r;
        for (auto c : merged)
        {
            bgzf_->seek(c.begin);
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
