// Line-by-line reading over buffered_input, tracking the byte offset of every line (for .fai building).
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include <wgskit/io/detail/buffered_input.hpp>

namespace wgskit::io::detail
{

class line_reader
{
public:
    explicit line_reader(std::string path) : in_{std::move(path), std::size_t{1} << 20} {}

    //! The next line without its '\n' (a '\r' before it stays: see terminator_length). The view is valid until
    //! the next call. offset is the line's byte offset in the (decompressed) input. False at end of input.
    bool next(std::string_view & line)
    {
        while (true)
        {
            char const * b = in_.data() + pos_;
            std::size_t avail = in_.size() - pos_;
            if (auto * nl = static_cast<char const *>(std::memchr(b, '\n', avail)))
            {
                std::size_t n = static_cast<std::size_t>(nl - b);
                line = {b, n};
                offset_ = consumed_;
                consumed_ += n + 1;
                pos_ += n + 1;
                ++line_number_;
                return true;
            }
            std::size_t keep_from = pos_;
            bool more = in_.refill(keep_from);
            pos_ = 0;
            if (!more)
                return false;
        }
    }

    std::uint64_t offset() const noexcept { return offset_; }          //!< of the last line returned
    std::uint64_t line_number() const noexcept { return line_number_; } //!< 1-based, of the last line returned
    std::string const & path() const noexcept { return in_.path(); }

private:
    buffered_input in_;
    std::size_t pos_{0};
    std::uint64_t consumed_{0};
    std::uint64_t offset_{0};
    std::uint64_t line_number_{0};
};

} // namespace wgskit::io::detail
