// A whole regular file mapped read-only: the FASTQ codec reads .wfq archives through it, and parses plain FASTQ
// in place (no copy into buffers of its own). A file that shrinks while mapped gives an error naming it
// (core/mapping_guard.hpp) instead of SIGBUS.
#pragma once

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <wgskit/core/exception.hpp>
#include <wgskit/core/mapping_guard.hpp>

namespace wgskit::io
{

//! A whole file mapped read-only (an empty file maps to an empty span). Throws io_error naming the file if it
//! cannot be opened or mapped or is not a regular file.
class mapped_file
{
public:
    explicit mapped_file(std::string const & path)
    {
        int const fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            throw io_error{path, std::string{"cannot open: "} + std::strerror(errno)};
        struct ::stat st{};
        if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
        {
            ::close(fd);
            throw io_error{path, "not a regular file"};
        }
        size_ = static_cast<std::size_t>(st.st_size);
        if (size_ > 0)
        {
            void * p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
            if (p == MAP_FAILED)
            {
                ::close(fd);
                throw io_error{path, std::string{"cannot map: "} + std::strerror(errno)};
            }
            data_ = static_cast<std::uint8_t const *>(p);
            guard_ = mapping_guard{path, p, size_};
        }
        ::close(fd);
    }
    mapped_file(mapped_file const &) = delete;
    mapped_file & operator=(mapped_file const &) = delete;
    ~mapped_file()
    {
        guard_.release();
        if (data_)
            ::munmap(const_cast<std::uint8_t *>(data_), size_);
    }

    std::span<std::uint8_t const> bytes() const noexcept { return {data_, size_}; }

    //! Whether path is a regular file of at least two bytes that does not start with gzip's magic bytes: one that
    //! can be parsed in place.
    static bool is_plain(std::string const & path) noexcept
    {
        if (path == "-")
            return false;
        int const fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            return false;
        struct ::stat st{};
        unsigned char magic[2] = {0, 0};
        bool const plain = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= 2 &&
                           ::pread(fd, magic, 2, 0) == 2 && !(magic[0] == 0x1f && magic[1] == 0x8b);
        ::close(fd);
        return plain;
    }

private:
    std::uint8_t const * data_{nullptr};
    std::size_t size_{0};
    mapping_guard guard_; // a file truncated under the mapping ends the run with an error, not SIGBUS
};

} // namespace wgskit::io
