// POSIX files for the BGZF reader and writer: positioned reads (the reader seeks and looks at the end for the
// EOF block) and an output written under a temporary name that only becomes the target on commit().
#pragma once

#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <wgskit/core/atomic_file.hpp>
#include <wgskit/core/exception.hpp>

namespace wgskit::codec::bgzf::detail
{

inline std::string errno_text(std::string_view what) { return std::string{what} + ": " + std::strerror(errno); }

//! A file opened for reading ("-" is stdin, borrowed), with positioned reads where the file is seekable.
class input_file
{
public:
    explicit input_file(std::string path) : path_{std::move(path)}
    {
        if (path_ == "-")
            fd_ = STDIN_FILENO;
        else
        {
            fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
            if (fd_ < 0)
                throw io_error{path_, errno_text("cannot open")};
        }
        struct stat st{};
        if (::fstat(fd_, &st) == 0 && S_ISREG(st.st_mode))
        {
            seekable_ = true;
            size_ = static_cast<std::uint64_t>(st.st_size);
        }
    }
    input_file(input_file const &) = delete;
    input_file & operator=(input_file const &) = delete;
    ~input_file()
    {
        if (fd_ >= 0 && fd_ != STDIN_FILENO)
            ::close(fd_);
    }

    std::string const & path() const noexcept { return path_; }
    bool seekable() const noexcept { return seekable_; }
    std::uint64_t size() const noexcept { return size_; }

    //! Reads up to n bytes at the current position (fewer only at end of file).
    std::size_t read(char * dst, std::size_t n)
    {
        return read_fully(n, [&](std::size_t got) { return ::read(fd_, dst + got, n - got); });
    }

    //! Reads up to n bytes at offset, without moving the position (seekable files only).
    std::size_t pread(char * dst, std::size_t n, std::uint64_t offset)
    {
        return read_fully(n, [&](std::size_t got) {
            return ::pread(fd_, dst + got, n - got, static_cast<off_t>(offset + got));
        });
    }

    void seek(std::uint64_t offset)
    {
        if (::lseek(fd_, static_cast<off_t>(offset), SEEK_SET) < 0)
            throw io_error{path_, errno_text("seek failed")};
    }

private:
    // Repeats a read call until n bytes, end of file or an error (EINTR retried).
    template <typename ReadCall>
    std::size_t read_fully(std::size_t n, ReadCall && read_at)
    {
        std::size_t got = 0;
        while (got < n)
        {
            ssize_t const r = read_at(got);
            if (r < 0 && errno == EINTR)
                continue;
            if (r < 0)
                throw io_error{path_, errno_text("read failed")};
            if (r == 0)
                break;
            got += static_cast<std::size_t>(r);
        }
        return got;
    }

    std::string path_;
    int fd_{-1};
    bool seekable_{false};
    std::uint64_t size_{0};
};

//! BGZF output goes through the project's crash-safe writer (temporary name, renamed on commit).
using output_file = atomic_output_file;

} // namespace wgskit::codec::bgzf::detail
