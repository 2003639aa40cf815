// BGZF writer: bytes in, 64 KiB blocks compressed by libdeflate on worker threads and written in order,
// the empty EOF block at the end, optionally a bgzip-compatible .gzi index. The output appears under its name
// only when close() succeeds; a writer destroyed without close() leaves nothing behind.
#pragma once

#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <condition_variable>
#include <string>
#include <string_view>
#include <thread>

#include <wgskit/codec/bgzf/detail/block.hpp>
#include <wgskit/codec/bgzf/detail/bounded_queue.hpp>
#include <wgskit/codec/bgzf/detail/file.hpp>
#include <wgskit/codec/bgzf/gzi_index.hpp>
#include <wgskit/core/batch_pipeline.hpp>
#include <wgskit/core/exception.hpp>

namespace wgskit::codec::bgzf
{

struct writer_options
{
    //! Compression level on bgzip's scale, 0 (stored) to 9, bgzip's default 6: the output is byte-identical to
    //! bgzip -l <level> (htslib with libdeflate), see detail::libdeflate_level.
    int level{6};
    //! Compression threads; 0 compresses on the calling thread.
    std::size_t threads{0};
    //! Also write "<path>.gzi" on close().
    bool write_gzi{false};
    //! Uncompressed bytes per block, 1 to 0xff00 (htslib's size, the default).
    std::size_t block_data{detail::default_block_data};
};

class writer
{
public:
    explicit writer(std::string path, writer_options opt = {}) : opt_{opt}, out_{check(std::move(path), opt)}
    {
        buffer_.reserve(opt_.block_data);
        if (opt_.threads > 0)
            start_background();
    }

    writer(writer const &) = delete;
    writer & operator=(writer const &) = delete;

    //! Without close() the output is discarded (the temporary file is removed).
    ~writer() { stop_background(); }

    std::string const & path() const noexcept { return out_.path(); }

    void write(std::string_view data)
    {
        ensure_open();
        while (!data.empty())
        {
            std::size_t const k = std::min(data.size(), opt_.block_data - buffer_.size());
            buffer_.append(data.data(), k);
            data.remove_prefix(k);
            if (buffer_.size() == opt_.block_data)
                end_block();
        }
    }

    //! Ends the current block, so that what is written next starts a new block (e.g. at a BAM record group).
    void flush()
    {
        ensure_open();
        if (!buffer_.empty())
            end_block();
    }

    //! The virtual offset of the next byte written. With threads, waits until every pending block is written.
    virtual_offset tell()
    {
        ensure_open();
        wait_written();
        return make_virtual_offset(out_.size(), static_cast<std::uint32_t>(buffer_.size()));
    }

    //! Writes the last block, the EOF block and the .gzi (if asked), then renames the file to its name.
    void close()
    {
        if (closed_)
            return;
        ensure_open();
        if (!buffer_.empty())
            end_block();
        if (background_.joinable())
        {
            input_->close();
            background_.join();
            input_.reset();
            rethrow_background_error();
        }
        out_.write(detail::eof_block.data(), detail::eof_block.size());
        out_.commit();
        closed_ = true;
        if (opt_.write_gzi)
            index_.write(out_.path() + ".gzi");
    }

    //! The index of the blocks written so far (complete after close()).
    gzi_index const & index() const noexcept { return index_; }

private:
    static std::string check(std::string path, writer_options const & opt)
    {
        if (opt.level < 0 || opt.level > 9)
            throw invalid_argument{"bgzf::writer: level must be 0..9, got " + std::to_string(opt.level)};
        if (opt.block_data == 0 || opt.block_data > detail::default_block_data)
            throw invalid_argument{"bgzf::writer: block_data must be 1..65280"};
        return path;
    }

    void ensure_open() const
    {
        if (closed_)
            throw invalid_argument{"bgzf::writer: " + out_.path() + " is already closed"};
    }

    // Called by whichever thread writes blocks (the caller's, or the background pipeline's consumer).
    void append_block(std::string const & compressed, std::size_t data_size)
    {
        if (uncompressed_total_ > 0)
            index_.add({out_.size(), uncompressed_total_});
        out_.write(compressed.data(), compressed.size());
        uncompressed_total_ += data_size;
    }

    void end_block()
    {
        if (!background_.joinable())
        {
            compressed_.clear();
            detail::compress_block(buffer_, detail::libdeflate_level(opt_.level), compressed_);
            append_block(compressed_, buffer_.size());
            buffer_.clear();
            return;
        }
        {
            std::lock_guard lock{mutex_};
            ++submitted_;
        }
        std::string full;
        full.reserve(opt_.block_data);
        full.swap(buffer_);
        if (!input_->push(std::move(full)))
            rethrow_background_error();
    }

    void start_background()
    {
        input_ = std::make_unique<detail::bounded_queue<std::string>>(detail::blocks_per_thread * opt_.threads + 2);
        background_ = std::thread{[this] {
            try
            {
                run_ordered_pipeline<std::string, std::string>(
                    pipeline_options{opt_.threads, detail::blocks_per_thread * opt_.threads},
                    [this](std::string & block) {
                        auto next = input_->pop();
                        if (!next)
                            return false;
                        block.swap(*next);
                        return true;
                    },
                    [this](std::string & block, std::string & compressed) {
                        compressed.clear();
                        detail::compress_block(block, detail::libdeflate_level(opt_.level), compressed);
                    },
                    [this](std::string & block, std::string & compressed) {
                        append_block(compressed, block.size());
                        std::lock_guard lock{mutex_};
                        ++written_;
                        written_cv_.notify_all();
                    });
            }
            catch (...)
            {
                std::lock_guard lock{mutex_};
                error_ = std::current_exception();
                written_cv_.notify_all();
            }
            if (input_)
                input_->abort(); // a failed pipeline must not leave the caller blocked in push()
        }};
    }

    void stop_background() noexcept
    {
        if (!background_.joinable())
            return;
        input_->abort();
        background_.join();
    }

    void wait_written()
    {
        if (!background_.joinable())
            return;
        std::unique_lock lock{mutex_};
        written_cv_.wait(lock, [&] { return written_ == submitted_ || error_; });
        if (error_)
            std::rethrow_exception(error_);
    }

    void rethrow_background_error()
    {
        std::lock_guard lock{mutex_};
        if (error_)
            std::rethrow_exception(error_);
    }

    writer_options opt_;
    detail::output_file out_;
    std::string buffer_;
    std::string compressed_;
    gzi_index index_;
    std::uint64_t uncompressed_total_{0};
    bool closed_{false};

    // Threaded mode: the caller pushes full blocks; a background thread runs the ordered pipeline.
    std::unique_ptr<detail::bounded_queue<std::string>> input_;
    std::thread background_;
    std::mutex mutex_;
    std::condition_variable written_cv_;
    std::uint64_t submitted_{0};
    std::uint64_t written_{0};
    std::exception_ptr error_;
};

} // namespace wgskit::codec::bgzf
