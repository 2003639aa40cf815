// libFuzzer helpers: the readers take paths, so each input is handed over as an anonymous in-memory file
// (memfd) named /proc/self/fd/N — no disk traffic, and the real open/read/inflate code paths run.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include <sys/mman.h>
#include <unistd.h>

namespace wgskit::fuzz
{

class memory_file
{
public:
    memory_file(std::uint8_t const * data, std::size_t size)
    {
        fd_ = ::memfd_create("wgskit_fuzz", MFD_CLOEXEC);
        if (fd_ < 0)
            std::abort();
        std::size_t done = 0;
        while (done < size)
        {
            ssize_t const n = ::write(fd_, data + done, size - done);
            if (n <= 0)
                std::abort();
            done += static_cast<std::size_t>(n);
        }
        path_ = "/proc/self/fd/" + std::to_string(fd_);
    }
    ~memory_file() { ::close(fd_); }
    memory_file(memory_file const &) = delete;
    memory_file & operator=(memory_file const &) = delete;

    std::string const & path() const noexcept { return path_; }

private:
    int fd_ = -1;
    std::string path_;
};

} // namespace wgskit::fuzz
