// Crash-safe outputs: bytes go to a temporary file in the target's folder, which is renamed over the target only
// when everything was written and closed. A failure, an exception or a destructor without commit() removes the
// temporary, so no half-written file ever stands under a final name.
#pragma once

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

#include <unistd.h>

#include <wgskit/core/exception.hpp>

namespace wgskit
{

class atomic_output_file
{
public:
    //! Creates "<path>.tmp.<pid>.<n>" beside path.
    explicit atomic_output_file(std::string path) : path_{std::move(path)}
    {
        static std::atomic<unsigned> counter{0};
        temp_ = path_ + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter++);
        file_ = std::fopen(temp_.c_str(), "wb");
        if (file_ == nullptr)
            throw io_error{path_, std::string{"cannot create: "} + std::strerror(errno)};
    }

    atomic_output_file(atomic_output_file const &) = delete;
    atomic_output_file & operator=(atomic_output_file const &) = delete;

    ~atomic_output_file() { discard(); }

    std::string const & path() const noexcept { return path_; }
    std::string const & temporary_path() const noexcept { return temp_; }

    void write(std::string_view bytes)
    {
        if (file_ == nullptr)
            throw io_error{path_, "write after commit or discard"};
        if (!bytes.empty() && std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size())
        {
            int const err = errno;
            discard();
            throw io_error{path_, std::string{"write failed: "} + std::strerror(err)};
        }
    }

    //! Flushes, closes and renames the temporary over the target.
    void commit()
    {
        if (file_ == nullptr)
            throw io_error{path_, "commit after commit or discard"};
        bool ok = std::fflush(file_) == 0;
        int err = errno;
        if (std::fclose(file_) != 0 && ok)
        {
            ok = false;
            err = errno;
        }
        file_ = nullptr;
        if (ok && std::rename(temp_.c_str(), path_.c_str()) != 0)
        {
            ok = false;
            err = errno;
        }
        if (!ok)
        {
            std::remove(temp_.c_str());
            throw io_error{path_, std::string{"cannot complete the file: "} + std::strerror(err)};
        }
        committed_ = true;
    }

    //! Closes and removes the temporary (no-op once committed).
    void discard() noexcept
    {
        if (file_ != nullptr)
        {
            std::fclose(file_);
            file_ = nullptr;
        }
        if (!committed_)
            std::remove(temp_.c_str());
    }

private:
    std::string path_;
    std::string temp_;
    std::FILE * file_ = nullptr;
    bool committed_ = false;
};

//! Writes text to path through a temporary file renamed into place when complete.
inline void write_file_atomically(std::string const & path, std::string_view text)
{
    atomic_output_file out{path};
    out.write(text);
    out.commit();
}

} // namespace wgskit
