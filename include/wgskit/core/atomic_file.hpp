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
#include <csignal>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

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

namespace detail
{
//! The process id in a temporary name wgskit makes, or 0 for any other name: "<target>.tmp.<pid>.<n>"
//! (atomic_output_file), "<prefix>.sort.<pid>.<n>.zst" (bam::coordinate_sorter's runs; ".bam" before 2026-12) and
//! "wgskit-count.<pid>.XXXXXX" (kmer::counter's spill folder).
inline ::pid_t temporary_owner(std::string_view name) noexcept
{
    auto digits = [](std::string_view s) { return !s.empty() && s.find_first_not_of("0123456789") == s.npos; };
    auto pid_of = [&](std::string_view s) -> ::pid_t {
        if (!digits(s) || s.size() > 9)
            return 0;
        ::pid_t pid = 0;
        for (char c : s)
            pid = pid * 10 + (c - '0');
        return pid;
    };
    // "<pid>.<n>" right after marker, followed by the rest of the name (suffix).
    auto owner_after = [&](std::string_view marker, std::string_view suffix) -> ::pid_t {
        if (name.size() < suffix.size() || name.substr(name.size() - suffix.size()) != suffix)
            return 0;
        std::string_view const body = name.substr(0, name.size() - suffix.size());
        std::size_t const at = body.rfind(marker);
        if (at == body.npos)
            return 0;
        std::string_view const tail = body.substr(at + marker.size());
        std::size_t const dot = tail.find('.');
        if (dot == tail.npos || !digits(tail.substr(dot + 1)))
            return 0;
        return pid_of(tail.substr(0, dot));
    };
    if (::pid_t const pid = owner_after(".tmp.", ""); pid != 0)
        return pid;
    for (std::string_view run_suffix : {".zst", ".bam"})
        if (::pid_t const pid = owner_after(".sort.", run_suffix); pid != 0)
            return pid;
    constexpr std::string_view count = "wgskit-count.";
    if (name.substr(0, count.size()) == count)
    {
        std::string_view const tail = name.substr(count.size());
        std::size_t const dot = tail.find('.');
        if (dot != tail.npos && tail.size() - dot - 1 == 6)
            return pid_of(tail.substr(0, dot));
    }
    return 0;
}
} // namespace detail

//! Removes what wgskit processes that were killed without a chance to clean up (SIGKILL, power loss) left in
//! folder: temporaries, sort runs and spill folders whose owner process no longer runs on this machine. A live
//! owner's files are left alone, so a run beside another in the same folder is safe on one machine (not across
//! machines sharing the folder: a pid from another host looks dead here). Returns the paths removed.
inline std::vector<std::filesystem::path> remove_stale_temporaries(std::filesystem::path const & folder)
{
    // Listed first, removed after: removing entries while a directory is read may hide others from the listing.
    std::vector<std::filesystem::path> stale, removed;
    std::error_code ec;
    for (auto const & entry : std::filesystem::directory_iterator{folder, ec})
    {
        ::pid_t const owner = detail::temporary_owner(entry.path().filename().string());
        if (owner > 0 && owner != ::getpid() && ::kill(owner, 0) != 0 && errno == ESRCH)
            stale.push_back(entry.path());
    }
    for (auto const & path : stale)
    {
        std::error_code rm;
        std::filesystem::remove_all(path, rm);
        if (!rm)
            removed.push_back(path);
    }
    return removed;
}

} // namespace wgskit
