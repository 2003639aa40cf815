// Sequential byte input from a file or stdin ("-"), transparently decompressing gzip (also multi-member gzip and
// BGZF: its blocks through libdeflate, other members through ISA-L's streaming inflate). Compressed input is
// inflated on a background thread into a small ring of large buffers, so that the caller's parsing overlaps
// decompression.
#pragma once

#include <wgskit/core/platform.hpp>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

#include <wgskit/codec/bgzf/detail/block.hpp>
#include <wgskit/codec/gzip/member_inflater.hpp>
#include <wgskit/core/exception.hpp>

namespace wgskit::io
{

namespace detail
{

//! An owned POSIX file descriptor (stdin is borrowed, never closed).
class file_descriptor
{
public:
    file_descriptor() = default;

    explicit file_descriptor(std::string const & path)
    {
        if (path == "-")
        {
            fd_ = STDIN_FILENO;
            owned_ = false;
            return;
        }
        fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd_ < 0)
            throw io_error{path, std::string{"cannot open: "} + std::strerror(errno)};
#if defined(POSIX_FADV_SEQUENTIAL)
        ::posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
    }

    file_descriptor(file_descriptor && o) noexcept :
        fd_{std::exchange(o.fd_, -1)},
        owned_{o.owned_}
    {}
    file_descriptor & operator=(file_descriptor && o) noexcept
    {
        if (this != &o)
        {
            close();
            fd_ = std::exchange(o.fd_, -1);
            owned_ = o.owned_;
        }
        return *this;
    }
    file_descriptor(file_descriptor const &) = delete;
    file_descriptor & operator=(file_descriptor const &) = delete;
    ~file_descriptor() { close(); }

    int get() const noexcept { return fd_; }

    //! Reads up to n bytes (fewer only at end of file); throws io_error on failure.
    std::size_t read_some(char * dst, std::size_t n, std::string const & path) const
    {
        std::size_t got = 0;
        while (got < n)
        {
            ssize_t r = ::read(fd_, dst + got, n - got);
            if (r < 0)
            {
                if (errno == EINTR)
                    continue;
                throw io_error{path, std::string{"read failed: "} + std::strerror(errno)};
            }
            if (r == 0)
                break;
            got += static_cast<std::size_t>(r);
        }
        return got;
    }

private:
    void close() noexcept
    {
        if (fd_ >= 0 && owned_)
            ::close(fd_);
        fd_ = -1;
    }

    int fd_{-1};
    bool owned_{true};
};

//! Background gzip inflater: a producer thread reads compressed bytes, inflates them into a ring of buffers and
//! hands them to the consumer in order. Errors in the producer are re-thrown by the consumer's next read.
class gzip_producer
{
public:
    static constexpr std::size_t buffer_size = std::size_t{1} << 20;
    static constexpr std::size_t ring_size = 4;

    gzip_producer(file_descriptor fd, std::string path, std::string prefix) :
        fd_{std::move(fd)},
        path_{std::move(path)},
        prefix_{std::move(prefix)}
    {
        for (std::size_t i = 0; i < ring_size; ++i)
            free_.push_back(std::make_unique<chunk>());
        thread_ = std::thread{[this] { run(); }};
    }

    gzip_producer(gzip_producer const &) = delete;
    gzip_producer & operator=(gzip_producer const &) = delete;

    ~gzip_producer()
    {
        {
            std::lock_guard lock{mutex_};
            stop_ = true;
        }
        cv_free_.notify_all();
        if (thread_.joinable())
            thread_.join();
    }

    //! Copies up to n decompressed bytes into dst; returns 0 only at the end of the stream.
    std::size_t read(char * dst, std::size_t n)
    {
        std::size_t got = 0;
        while (got < n)
        {
            if (!current_ || current_pos_ == current_->size)
            {
                if (!next_chunk())
                    break;
                continue;
            }
            std::size_t k = std::min(n - got, current_->size - current_pos_);
            std::memcpy(dst + got, current_->data.get() + current_pos_, k);
            current_pos_ += k;
            got += k;
        }
        return got;
    }

private:
    struct chunk
    {
        std::unique_ptr<char[]> data{new char[buffer_size]};
        std::size_t size{0};
    };

    // Consumer: releases the current chunk and waits for the next one. False at end of stream.
    bool next_chunk()
    {
        std::unique_lock lock{mutex_};
        if (current_)
        {
            free_.push_back(std::move(current_));
            cv_free_.notify_one();
        }
        cv_full_.wait(lock, [this] { return !full_.empty() || done_; });
        if (!full_.empty())
        {
            current_ = std::move(full_.front());
            full_.pop_front();
            current_pos_ = 0;
            return true;
        }
        if (error_)
            std::rethrow_exception(std::exchange(error_, nullptr));
        return false;
    }

    // Producer side: obtains an empty chunk (nullptr when asked to stop).
    std::unique_ptr<chunk> acquire()
    {
        std::unique_lock lock{mutex_};
        cv_free_.wait(lock, [this] { return !free_.empty() || stop_; });
        if (stop_)
            return nullptr;
        auto c = std::move(free_.back());
        free_.pop_back();
        c->size = 0;
        return c;
    }

    void publish(std::unique_ptr<chunk> c)
    {
        {
            std::lock_guard lock{mutex_};
            full_.push_back(std::move(c));
        }
        cv_full_.notify_one();
    }

    void run() noexcept
    {
        try
        {
            inflate_all();
        }
        catch (...)
        {
            std::lock_guard lock{mutex_};
            error_ = std::current_exception();
        }
        {
            std::lock_guard lock{mutex_};
            done_ = true;
        }
        cv_full_.notify_all();
    }

    void inflate_all()
    {
        constexpr std::size_t in_size = std::size_t{1} << 20;
        std::unique_ptr<std::uint8_t[]> in{new std::uint8_t[in_size]};
        std::size_t in_len = std::min(prefix_.size(), in_size);
        std::memcpy(in.get(), prefix_.data(), in_len);
        std::uint8_t const * next = in.get(); // the input not yet consumed: [next, next + avail)
        std::size_t avail = in_len;
        std::uint64_t in_offset = 0; // the file offset of in[0]
        bool eof = false;
        auto refill = [&] {
            std::memmove(in.get(), next, avail);
            in_offset += static_cast<std::uint64_t>(next - in.get());
            std::size_t const got = fd_.read_some(reinterpret_cast<char *>(in.get()) + avail, in_size - avail, path_);
            eof = got == 0;
            in_len = avail + got;
            next = in.get();
            avail = in_len;
        };
        auto offset_of = [&](std::uint8_t const * p) { return in_offset + static_cast<std::uint64_t>(p - in.get()); };

        codec::gzip::member_inflater inflater;
        bool in_member = false; // inside a gzip member whose trailer has not been read
        std::uint64_t member_offset = 0;

        auto out = acquire();
        if (!out)
            return;
        while (true)
        {
            if (!in_member)
            {
                // A member starts here. A BGZF block (bgzip's output) is inflated whole by libdeflate, other
                // members (a plain gzip FASTQ is usually one) by ISA-L's streaming inflate.
                if (avail < codec::bgzf::detail::max_block_size && !eof)
                    refill();
                if (avail == 0)
                    break; // the end, after a complete member
                codec::bgzf::detail::header_info block;
                if (codec::bgzf::detail::starts_with_bgzf_block({next, avail}, block))
                {
                    if (buffer_size - out->size < codec::bgzf::detail::max_block_size)
                    {
                        publish(std::move(out));
                        out = acquire();
                        if (!out)
                            return;
                    }
                    std::size_t isize = 0;
                    auto const st = codec::bgzf::detail::decompress_block_into({next, block.block_size},
                                                                               block.extra_length,
                                                                               out->data.get() + out->size, isize);
                    if (st != codec::bgzf::detail::block_status::ok)
                        throw parse_error{path_, 0,
                                          "corrupt BGZF block at compressed offset " + std::to_string(offset_of(next)) +
                                              ": " + codec::bgzf::detail::describe(st)};
                    out->size += isize;
                    next += block.block_size;
                    avail -= block.block_size;
                    continue;
                }
                inflater.reset();
                in_member = true;
                member_offset = offset_of(next);
            }
            if (avail == 0 && !eof)
                refill();
            // At the end of the input the inflater may still hold output of the member (ISA-L buffers input
            // bits and output that did not fit): it is called again, and only a call without progress means the
            // member is cut short.
            auto const step = inflater.inflate(next, avail, reinterpret_cast<std::uint8_t *>(out->data.get()) + out->size,
                                               buffer_size - out->size);
            if (step.error != 0)
                throw parse_error{path_, 0,
                                  std::string{"corrupt gzip data: "} + codec::gzip::describe(step.error) +
                                      " (the member at compressed offset " + std::to_string(member_offset) + ")"};
            if (avail == 0 && eof && step.produced == 0 && !step.member_end)
                throw parse_error{path_, 0,
                                  "truncated gzip stream (the member at compressed offset " +
                                      std::to_string(member_offset) + " ends early)"};
            next += step.consumed;
            avail -= step.consumed;
            out->size += step.produced;
            if (step.member_end)
                in_member = false;
            if (out->size == buffer_size)
            {
                publish(std::move(out));
                out = acquire();
                if (!out)
                    return;
            }
        }
        if (out->size > 0)
            publish(std::move(out));
    }

    file_descriptor fd_;
    std::string path_;
    std::string prefix_; // bytes already read from fd_ to sniff the format

    std::mutex mutex_;
    std::condition_variable cv_free_, cv_full_;
    std::vector<std::unique_ptr<chunk>> free_;
    std::deque<std::unique_ptr<chunk>> full_;
    std::exception_ptr error_;
    bool done_{false};
    bool stop_{false};

    std::unique_ptr<chunk> current_; // consumer-owned
    std::size_t current_pos_{0};

    std::thread thread_; // last: started after everything above is initialised
};

} // namespace detail

//! A file (or "-" for stdin) read sequentially as bytes; gzip input (detected by its magic bytes 1f 8b,
//! including multi-member gzip and BGZF) is decompressed transparently on a background thread.
class input_file
{
public:
    explicit input_file(std::string path) : path_{std::move(path)}
    {
        detail::file_descriptor fd{path_};
        char magic[2];
        std::size_t n = fd.read_some(magic, 2, path_);
        if (n == 2 && static_cast<unsigned char>(magic[0]) == 0x1f && static_cast<unsigned char>(magic[1]) == 0x8b)
        {
            gzip_ = std::make_unique<detail::gzip_producer>(std::move(fd), path_, std::string{magic, 2});
        }
        else
        {
            prefix_.assign(magic, n);
            fd_ = std::move(fd);
        }
    }

    input_file(input_file &&) noexcept = default;
    input_file & operator=(input_file &&) noexcept = default;

    //! Reads up to n bytes into dst; fewer only at the end of the input (0 = end). Throws io_error on a read
    //! failure and parse_error(file, 0, ...) on a truncated or corrupt gzip stream.
    std::size_t read(char * dst, std::size_t n)
    {
        if (gzip_)
            return gzip_->read(dst, n);
        std::size_t got = 0;
        if (!prefix_.empty())
        {
            got = std::min(n, prefix_.size());
            std::memcpy(dst, prefix_.data(), got);
            prefix_.erase(0, got);
        }
        if (got < n && !eof_)
        {
            std::size_t r = fd_.read_some(dst + got, n - got, path_);
            if (r < n - got)
                eof_ = true;
            got += r;
        }
        return got;
    }

    std::string const & path() const noexcept { return path_; }
    bool is_gzip() const noexcept { return gzip_ != nullptr; }

private:
    std::string path_;
    detail::file_descriptor fd_;
    std::string prefix_;
    bool eof_{false};
    std::unique_ptr<detail::gzip_producer> gzip_;
};

//! True if the file starts with the gzip magic bytes (1f 8b). Throws io_error if it cannot be opened.
inline bool is_gzip_file(std::string const & path)
{
    detail::file_descriptor fd{path};
    unsigned char magic[2]{};
    std::size_t n = fd.read_some(reinterpret_cast<char *>(magic), 2, path);
    return n == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
}

} // namespace wgskit::io
