// Crash-safe outputs: bytes go to a temporary file in the target's folder, which is renamed over the target only
// when everything was written and closed. A failure, an exception or a destructor without commit() removes the
// temporary, so no half-written file ever stands under a final name. Every writer of wgskit goes through here.
// A target that exists and is not a regular file (/dev/stdout, a FIFO, /dev/null) is written in place: renaming
// over it would replace the device with a file.
// The temporary is registered for removal on SIGINT/SIGTERM/SIGHUP (core/signal_cleanup.hpp), and SIGXFSZ is
// ignored so that a full disk or `ulimit -f` surfaces as an io_error ("File too large" / "No space left on
// device") naming the target.
#pragma once

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <wgskit/core/exception.hpp>
#include <wgskit/core/signal_cleanup.hpp>

namespace wgskit
{

class atomic_output_file
{
public:
    //! Creates "<path>.tmp.<pid>.<n>" beside path, with permissions mode (less the umask); 0600 for secrets.
    explicit atomic_output_file(std::string path, ::mode_t mode = 0644) : path_{std::move(path)}
    {
        struct ::stat st{};
        if (::stat(path_.c_str(), &st) == 0 && !S_ISREG(st.st_mode))
        {
            in_place_ = true;
            fd_ = ::open(path_.c_str(), O_WRONLY | O_CLOEXEC);
            if (fd_ < 0)
                throw io_error{path_, failure("cannot open")};
            return;
        }
        static std::atomic<unsigned> counter{0};
        temp_ = path_ + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter++);
        cleanup_ = signal_cleanup{temp_}; // before the file exists: a signal in between finds nothing to remove
        fd_ = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
        if (fd_ < 0)
            throw io_error{path_, failure("cannot create " + temp_)};
        if (mode != 0644 && ::fchmod(fd_, mode) != 0) // a stale temporary of the same name kept its old mode
        {
            std::string const why = failure("cannot set permissions of " + temp_);
            discard();
            throw io_error{path_, why};
        }
    }

    atomic_output_file(atomic_output_file const &) = delete;
    atomic_output_file & operator=(atomic_output_file const &) = delete;

    ~atomic_output_file() { discard(); }

    std::string const & path() const noexcept { return path_; }
    std::string const & temporary_path() const noexcept { return temp_; }
    //! Bytes written so far.
    std::uint64_t size() const noexcept { return written_; }

    void write(void const * data, std::size_t n)
    {
        if (fd_ < 0)
            throw io_error{path_, "write after commit or discard"};
        auto const * p = static_cast<char const *>(data);
        while (n > 0)
        {
            ssize_t const w = ::write(fd_, p, std::min<std::size_t>(n, std::size_t{1} << 30));
            if (w < 0 && errno == EINTR)
                continue;
            if (w < 0)
            {
                std::string const why = failure("write failed");
                discard();
                throw io_error{path_, why};
            }
            p += w;
            n -= static_cast<std::size_t>(w);
            written_ += static_cast<std::uint64_t>(w);
        }
    }

    void write(std::string_view bytes) { write(bytes.data(), bytes.size()); }

    //! Closes the temporary and renames it over the target.
    void commit()
    {
        if (fd_ < 0)
            throw io_error{path_, "commit after commit or discard"};
        if (::close(std::exchange(fd_, -1)) != 0)
        {
            std::string const why = failure("close failed");
            if (!in_place_)
                ::unlink(temp_.c_str());
            throw io_error{path_, why};
        }
        if (in_place_)
            return;
        if (::rename(temp_.c_str(), path_.c_str()) != 0)
        {
            std::string const why = failure("cannot rename " + temp_);
            ::unlink(temp_.c_str());
            throw io_error{path_, why};
        }
        cleanup_.release();
    }

    //! Closes and removes the temporary (no-op once committed).
    void discard() noexcept
    {
        if (fd_ < 0)
            return;
        ::close(std::exchange(fd_, -1));
        if (!in_place_)
            ::unlink(temp_.c_str());
        cleanup_.release();
    }

private:
    static std::string failure(std::string const & what) { return what + ": " + std::strerror(errno); }

    std::string path_;
    std::string temp_;
    int fd_ = -1;
    bool in_place_ = false; // the target is a device or FIFO
    std::uint64_t written_ = 0;
    signal_cleanup cleanup_;
};

//! Writes bytes to path through a temporary file renamed into place when complete.
inline void write_file_atomically(std::string const & path, std::string_view bytes)
{
    atomic_output_file out{path};
    out.write(bytes);
    out.commit();
}

} // namespace wgskit
