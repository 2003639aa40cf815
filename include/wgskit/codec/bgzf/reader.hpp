// BGZF reader: blocks cut from the stream in order, inflated and CRC-checked by worker threads, handed back
// in order; virtual offsets (tell/seek) and .gzi random access. A file whose first member is not BGZF is read
// as plain (possibly multi-member) gzip by ISA-L's streaming inflate, without random access.
//
// Corrupt input throws parse_error naming the file, the block (record = block number counted from 1 since the
// open; 0 after a seek) and the reason with the block's byte offset.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include <wgskit/codec/bgzf/detail/block.hpp>
#include <wgskit/codec/bgzf/detail/block_source.hpp>
#include <wgskit/codec/bgzf/detail/bounded_queue.hpp>
#include <wgskit/codec/bgzf/detail/file.hpp>
#include <wgskit/codec/bgzf/gzi_index.hpp>
#include <wgskit/codec/gzip/member_inflater.hpp>
#include <wgskit/core/batch_pipeline.hpp>
#include <wgskit/core/exception.hpp>

namespace wgskit::codec::bgzf
{

struct reader_options
{
    //! Decompression threads; 0 inflates on the calling thread.
    std::size_t threads{0};
};

namespace detail
{

//! A block as the reader's caller receives it: inflated data, or why not, or the end of the stream.
struct inflated_block
{
    std::string data;
    std::uint64_t offset{0};
    std::uint64_t next_offset{0};
    std::uint64_t index{0};
    block_status status{block_status::ok};
    bool end{false};
    std::exception_ptr error; // an io_error or similar from the background thread
};

//! The parse_error for a block: record = block number (0 if unknown), the reason with the block's offset.
inline parse_error block_error(std::string const & path, std::uint64_t record, block_status s, std::uint64_t offset)
{
    return parse_error{path, record,
                       std::string{describe(s)} + " (BGZF block at byte offset " + std::to_string(offset) + ")"};
}

inline void inflate_raw_block(raw_block const & raw, inflated_block & out)
{
    out.offset = raw.offset;
    out.next_offset = raw.offset + raw.bytes.size();
    out.index = raw.index;
    out.end = raw.end;
    out.error = nullptr;
    out.status = raw.status;
    out.data.clear();
    if (!raw.end && raw.status == block_status::ok)
        out.status = decompress_block({reinterpret_cast<unsigned char const *>(raw.bytes.data()), raw.bytes.size()},
                                      raw.extra_length, out.data);
}

} // namespace detail

class reader
{
public:
    explicit reader(std::string path, reader_options opt = {}) :
        opt_{opt},
        file_{std::make_unique<detail::input_file>(std::move(path))},
        source_{*file_}
    {
        detect_format();
        if (bgzf_ && file_->seekable())
            check_eof_block();
        if (bgzf_)
            start_at(0);
    }

    reader(reader const &) = delete;
    reader & operator=(reader const &) = delete;
    ~reader()
    {
        stop_background();
    }

    std::string const & path() const noexcept { return file_->path(); }

    //! True for BGZF input, false for plain gzip (then tell/seek are not available).
    bool is_bgzf() const noexcept { return bgzf_; }

    //! BGZF input without the empty EOF block at the end: maybe truncated. Known at open for regular files,
    //! otherwise once the end has been read. Not an error (htslib warns); the caller decides.
    bool eof_block_missing() const noexcept { return eof_block_missing_; }

    //! Copies up to n bytes into dst; fewer than n only at the end of the stream.
    std::size_t read(char * dst, std::size_t n)
    {
        std::size_t got = 0;
        while (got < n)
        {
            if (pos_ == data_.size() && !next_block())
                break;
            std::size_t const k = std::min(n - got, data_.size() - pos_);
            std::memcpy(dst + got, data_.data() + pos_, k);
            pos_ += k;
            got += k;
        }
        return got;
    }

    //! The next line without its '\n' (a '\r' before it is dropped); false at the end of the stream. A last line
    //! without '\n' is returned too.
    bool read_line(std::string & out)
    {
        out.clear();
        while (true)
        {
            if (pos_ == data_.size() && !next_block())
                return !out.empty();
            auto const * start = data_.data() + pos_;
            auto const * nl = static_cast<char const *>(std::memchr(start, '\n', data_.size() - pos_));
            if (nl != nullptr)
            {
                out.append(start, static_cast<std::size_t>(nl - start));
                pos_ += static_cast<std::size_t>(nl - start) + 1;
                if (!out.empty() && out.back() == '\r')
                    out.pop_back();
                return true;
            }
            out.append(start, data_.size() - pos_);
            pos_ = data_.size();
        }
    }

    //! The rest of the stream.
    std::string read_all()
    {
        std::string out;
        out.append(data_, pos_);
        pos_ = data_.size();
        while (next_block())
        {
            out += data_;
            pos_ = data_.size();
        }
        return out;
    }

    //! The virtual offset of the next byte read. At a block's end this is the next block's start, as in htslib.
    virtual_offset tell() const
    {
        require_bgzf("tell");
        if (pos_ == data_.size())
            return make_virtual_offset(next_offset_, 0);
        return make_virtual_offset(block_offset_, static_cast<std::uint32_t>(pos_));
    }

    //! Continues reading at a virtual offset (from tell() or an index).
    void seek(virtual_offset v)
    {
        require_bgzf("seek");
        if (!file_->seekable())
            throw invalid_argument{"bgzf::reader::seek: " + path() + " is not seekable"};
        std::uint64_t const block = block_offset_of(v);
        std::uint32_t const in_block = in_block_offset_of(v);
        if (block > file_->size())
            throw invalid_argument{"bgzf::reader::seek: " + path() + ": offset " + std::to_string(block) +
                                   " is past the end of the file"};
        stop_background();
        seeked_ = true;
        start_at(block);
        if (in_block == 0)
            return;
        if (!next_block() || in_block > data_.size())
            throw invalid_argument{"bgzf::reader::seek: " + path() + ": in-block offset " +
                                   std::to_string(in_block) + " is past the end of the block at " +
                                   std::to_string(block)};
        pos_ = in_block;
    }

    //! Continues reading at an uncompressed position, located through a .gzi index.
    void seek_uncompressed(std::uint64_t position, gzi_index const & index) { seek(index.locate(position)); }

private:
    // Loops until a block with data (EOF blocks may also sit in the middle of concatenated files).
    bool next_block()
    {
        if (ended_)
            return false;
        if (!bgzf_)
            return next_gzip_chunk();
        while (true)
        {
            detail::inflated_block & b = fetch();
            if (b.error)
                std::rethrow_exception(b.error);
            if (b.end)
            {
                ended_ = true;
                if (!file_->seekable() && !seeked_)
                    eof_block_missing_ = !last_block_empty_;
                data_.clear();
                pos_ = 0;
                return false;
            }
            if (b.status != detail::block_status::ok)
                fail(b.index, b.offset, b.status);
            last_block_empty_ = b.data.empty();
            block_offset_ = b.offset;
            next_offset_ = b.next_offset;
            data_.swap(b.data);
            pos_ = 0;
            if (!data_.empty())
                return true;
        }
    }

    // The next block from the background pipeline, or cut and inflated here (reusing block_'s buffer).
    detail::inflated_block & fetch()
    {
        if (!background_.joinable())
        {
            source_.next(raw_);
            detail::inflate_raw_block(raw_, block_);
            return block_;
        }
        auto item = output_->pop();
        block_ = item ? std::move(*item) : detail::inflated_block{};
        block_.end = block_.end || !item;
        return block_;
    }

    [[noreturn]] void fail(std::uint64_t index, std::uint64_t offset, detail::block_status s) const
    {
        throw detail::block_error(path(), seeked_ ? 0 : index + 1, s, offset);
    }

    void require_bgzf(char const * what) const
    {
        if (!bgzf_)
            throw invalid_argument{std::string{"bgzf::reader::"} + what + ": " + path() +
                                   " is plain gzip, not BGZF (no random access)"};
    }

    void detect_format()
    {
        std::size_t const have = source_.ensure(detail::gzip_fixed_header);
        if (have == 0)
        {
            bgzf_ = true; // an empty file: no data, and no EOF block
            eof_block_missing_ = true;
            return;
        }
        detail::header_info info;
        auto s = detail::parse_fixed_header({source_.data(), have}, info);
        if (s == detail::block_status::ok)
        {
            std::size_t const header_end = detail::gzip_fixed_header + info.extra_length;
            if (source_.ensure(header_end) < header_end)
                fail(0, 0, detail::block_status::truncated);
            s = detail::parse_extra_field(source_.data()[3],
                                          {source_.data() + detail::gzip_fixed_header, info.extra_length}, info);
        }
        if (s == detail::block_status::not_bgzf)
        {
            bgzf_ = false;
            return;
        }
        if (s != detail::block_status::ok)
            fail(0, 0, s);
        bgzf_ = true;
    }

    void check_eof_block()
    {
        std::size_t const n = detail::eof_block.size();
        unsigned char tail[detail::eof_block.size()];
        eof_block_missing_ = file_->size() < n ||
                             file_->pread(reinterpret_cast<char *>(tail), n, file_->size() - n) != n ||
                             std::memcmp(tail, detail::eof_block.data(), n) != 0;
    }

    void start_at(std::uint64_t offset)
    {
        if (offset != source_.offset() || seeked_)
            source_.reposition(offset);
        ended_ = false;
        data_.clear();
        pos_ = 0;
        block_offset_ = next_offset_ = offset;
        if (opt_.threads > 0)
            start_background();
    }

    void start_background()
    {
        output_ = std::make_unique<detail::bounded_queue<detail::inflated_block>>(detail::blocks_per_thread * opt_.threads + 2);
        background_ = std::thread{[this] {
            struct stopped
            {
            };
            bool cut_failed = false;
            try
            {
                run_ordered_pipeline<detail::raw_block, detail::inflated_block>(
                    pipeline_options{opt_.threads, detail::blocks_per_thread * opt_.threads},
                    [&](detail::raw_block & raw) {
                        if (cut_failed)
                            return false;
                        source_.next(raw);
                        if (raw.end)
                            return false;
                        cut_failed = raw.status != detail::block_status::ok; // deliver it, then stop
                        return true;
                    },
                    [](detail::raw_block & raw, detail::inflated_block & out) { detail::inflate_raw_block(raw, out); },
                    [&](detail::raw_block &, detail::inflated_block & out) {
                        detail::inflated_block item;
                        item.data.swap(out.data);
                        item.offset = out.offset;
                        item.next_offset = out.next_offset;
                        item.index = out.index;
                        item.status = out.status;
                        if (!output_->push(std::move(item)))
                            throw stopped{};
                    });
                detail::inflated_block end;
                end.end = true;
                output_->push(std::move(end));
            }
            catch (stopped const &)
            {
            }
            catch (...)
            {
                detail::inflated_block err;
                err.error = std::current_exception();
                output_->push(std::move(err));
            }
        }};
    }

    void stop_background() noexcept
    {
        if (!background_.joinable())
            return;
        output_->abort();
        background_.join();
        output_.reset();
    }

    // Plain gzip: inflates up to 64 KiB into data_, across member boundaries.
    bool next_gzip_chunk()
    {
        if (!inflater_)
            inflater_ = std::make_unique<gzip::member_inflater>();
        data_.resize(detail::max_block_size);
        pos_ = 0;
        std::size_t filled = 0;
        while (filled < data_.size())
        {
            if (member_done_)
            {
                // Another member follows, or the stream ends here.
                if (source_.ensure(1) == 0)
                {
                    ended_ = true;
                    break;
                }
                inflater_->reset();
                member_done_ = false;
                ++member_;
                member_offset_ = source_.offset();
            }
            std::size_t const have = source_.ensure(std::min<std::size_t>(detail::block_source::buffer_size, 1 << 16));
            // With no input left the inflater may still hold some of the member's output (ISA-L buffers input
            // bits and output that did not fit); only a call that then makes no progress means the member is cut
            // short.
            auto const step = inflater_->inflate(reinterpret_cast<std::uint8_t const *>(source_.data()), have,
                                                 reinterpret_cast<std::uint8_t *>(data_.data()) + filled,
                                                 data_.size() - filled);
            if (step.error != 0)
                throw parse_error{path(), member_ + 1,
                                  std::string{"corrupt gzip member ("} + gzip::describe(step.error) +
                                      ") starting at byte offset " + std::to_string(member_offset_)};
            if (have == 0 && step.produced == 0 && !step.member_end)
                throw parse_error{path(), member_ + 1,
                                  "truncated gzip member starting at byte offset " + std::to_string(member_offset_)};
            source_.consume(step.consumed);
            filled += step.produced;
            member_done_ = step.member_end;
        }
        data_.resize(filled);
        return !data_.empty();
    }

    reader_options opt_;
    std::unique_ptr<detail::input_file> file_;
    detail::block_source source_;
    bool bgzf_{true};
    bool eof_block_missing_{false};
    bool last_block_empty_{false};
    bool ended_{false};
    bool seeked_{false};

    std::string data_; // the current block's data
    std::size_t pos_{0};
    std::uint64_t block_offset_{0};
    std::uint64_t next_offset_{0};
    detail::raw_block raw_;           // reused by the single-threaded path
    detail::inflated_block block_;    // the block just fetched; its buffer swaps with data_

    std::unique_ptr<detail::bounded_queue<detail::inflated_block>> output_;
    std::thread background_;

    std::unique_ptr<gzip::member_inflater> inflater_; // plain gzip only
    bool member_done_{false};
    std::uint64_t member_{0};
    std::uint64_t member_offset_{0};
};

//! Builds the .gzi index of a BGZF file from its block headers and trailers, without inflating (bgzip -r).
inline gzi_index build_gzi_index(std::string const & path)
{
    detail::input_file file{path};
    detail::block_source source{file};
    detail::raw_block raw;
    gzi_index index;
    std::uint64_t uncompressed = 0;
    while (true)
    {
        source.next(raw);
        if (raw.end)
            break;
        if (raw.status != detail::block_status::ok)
            throw detail::block_error(path, raw.index + 1, raw.status, raw.offset);
        auto const * trailer = reinterpret_cast<unsigned char const *>(raw.bytes.data() + raw.bytes.size() - 4);
        std::uint32_t const isize = detail::load_u32(trailer);
        if (isize > detail::max_block_size)
            throw detail::block_error(path, raw.index + 1, detail::block_status::bad_isize, raw.offset);
        if (isize > 0 && raw.offset > 0)
            index.add({raw.offset, uncompressed});
        uncompressed += isize;
    }
    return index;
}

} // namespace wgskit::codec::bgzf
