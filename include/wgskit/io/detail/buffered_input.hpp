// A growable window over an input_file, for parsers that need whole records or lines in contiguous memory.
#pragma once

#include <cstddef>
#include <cstring>
#include <memory>
#include <string>

#include <wgskit/io/input_file.hpp>

namespace wgskit::io::detail
{

class buffered_input
{
public:
    static constexpr std::size_t default_capacity = std::size_t{4} << 20;

    explicit buffered_input(std::string path, std::size_t capacity = default_capacity) :
        in_{std::move(path)},
        cap_{capacity},
        buf_{new char[capacity + 1]}
    {}

    char * data() noexcept { return buf_.get(); }
    char const * data() const noexcept { return buf_.get(); }
    std::size_t size() const noexcept { return end_; } // valid bytes are [0, size())
    bool eof() const noexcept { return eof_; }
    std::string const & path() const noexcept { return in_.path(); }

    //! Discards [0, keep_from), moves the rest to the front and reads more (growing the buffer when it is full
    //! of kept bytes). Returns false when nothing more could be read (end of input). At the end of input, a
    //! final newline is appended if the data does not end with one, so the last line is always terminated.
    bool refill(std::size_t keep_from)
    {
        std::size_t keep = end_ - keep_from;
        if (keep_from > 0 && keep > 0)
            std::memmove(buf_.get(), buf_.get() + keep_from, keep);
        end_ = keep;
        if (eof_)
            return false;
        if (end_ == cap_)
        {
            std::size_t ncap = cap_ * 2;
            std::unique_ptr<char[]> nbuf{new char[ncap + 1]};
            std::memcpy(nbuf.get(), buf_.get(), end_);
            buf_ = std::move(nbuf);
            cap_ = ncap;
        }
        std::size_t got = in_.read(buf_.get() + end_, cap_ - end_);
        end_ += got;
        if (got == 0)
        {
            eof_ = true;
            if (end_ > 0 && buf_[end_ - 1] != '\n')
            {
                buf_[end_++] = '\n'; // capacity has one spare byte for this
                return true;
            }
            return false;
        }
        return true;
    }

private:
    input_file in_;
    std::size_t cap_;
    std::unique_ptr<char[]> buf_;
    std::size_t end_{0};
    bool eof_{false};
};

} // namespace wgskit::io::detail
