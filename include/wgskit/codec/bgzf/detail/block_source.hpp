// Cuts the compressed stream into BGZF blocks without inflating them (that happens on worker threads):
// reads the header, finds BSIZE, and hands out the whole member with its offset and index.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <string>

#include <wgskit/codec/bgzf/detail/block.hpp>
#include <wgskit/codec/bgzf/detail/file.hpp>

namespace wgskit::codec::bgzf::detail
{

//! One compressed block as cut from the stream, or the reason it could not be cut.
struct raw_block
{
    std::string bytes;
    std::uint64_t offset{0}; // compressed offset of the block's first byte
    std::uint64_t index{0};  // 0-based, counted from the open or the last seek
    std::size_t extra_length{0};
    block_status status{block_status::ok};
    bool end{false}; // no block: clean end of the stream
};

//! Sequential buffered reader of the compressed bytes, used to cut blocks and by the plain-gzip path.
class block_source
{
public:
    static constexpr std::size_t buffer_size = std::size_t{1} << 18; // four maximal blocks

    explicit block_source(input_file & file) : file_{&file}, buffer_{new char[buffer_size]} {}

    std::uint64_t offset() const noexcept { return offset_; }

    //! Restarts at a compressed offset (seekable files only).
    void reposition(std::uint64_t offset)
    {
        file_->seek(offset);
        offset_ = offset;
        begin_ = end_ = 0;
        eof_ = false;
        next_index_ = 0;
    }

    //! Makes at least n bytes available (n <= buffer_size); fewer only at end of file. Returns the count.
    std::size_t ensure(std::size_t n)
    {
        if (end_ - begin_ >= n || eof_)
            return end_ - begin_;
        if (begin_ > 0)
        {
            std::memmove(buffer_.get(), buffer_.get() + begin_, end_ - begin_);
            end_ -= begin_;
            begin_ = 0;
        }
        while (end_ < n && !eof_)
        {
            std::size_t const got = file_->read(buffer_.get() + end_, buffer_size - end_);
            if (got == 0)
                eof_ = true;
            end_ += got;
        }
        return end_ - begin_;
    }

    unsigned char const * data() const noexcept
    {
        return reinterpret_cast<unsigned char const *>(buffer_.get() + begin_);
    }
    std::size_t available() const noexcept { return end_ - begin_; }
    void consume(std::size_t n) noexcept
    {
        begin_ += n;
        offset_ += n;
    }

    //! Cuts the next block into b (status ok), or says why it cannot (status), or that the stream ended.
    void next(raw_block & b)
    {
        b.offset = offset_;
        b.index = next_index_++;
        b.end = false;
        b.bytes.clear();
        std::size_t const have = ensure(gzip_fixed_header);
        if (have == 0)
        {
            b.end = true;
            return;
        }
        header_info info;
        b.status = parse_fixed_header({data(), have}, info);
        if (b.status != block_status::ok)
            return;
        std::size_t const header_end = gzip_fixed_header + info.extra_length;
        if (ensure(header_end) < header_end)
        {
            b.status = block_status::truncated;
            return;
        }
        b.status = parse_extra_field(data()[3], {data() + gzip_fixed_header, info.extra_length}, info);
        if (b.status != block_status::ok)
            return;
        if (ensure(info.block_size) < info.block_size)
        {
            b.status = block_status::truncated;
            return;
        }
        b.extra_length = info.extra_length;
        b.bytes.assign(reinterpret_cast<char const *>(data()), info.block_size);
        consume(info.block_size);
    }

private:
    input_file * file_;
    std::unique_ptr<char[]> buffer_; // not zero-filled: only what read() wrote is used
    std::size_t begin_{0};
    std::size_t end_{0};
    bool eof_{false};
    std::uint64_t offset_{0};
    std::uint64_t next_index_{0};
};

} // namespace wgskit::codec::bgzf::detail
