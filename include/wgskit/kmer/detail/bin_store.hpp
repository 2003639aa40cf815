// The super-k-mer bins between splitting and counting: kept in memory until they exceed a byte budget, then
// spilled. Bins are grouped so that only `groups` spill files are ever open (one per group, buffered); each spill
// appends every non-empty bin of the group as one chunk and remembers (offset, size), so a bin is read back with
// a few pread calls, by any thread. Every write and read is checked: a full disk is an io_error, never a
// silently shorter bin. The spill folder and its files are removed by the destructor, and on SIGINT/SIGTERM/SIGHUP
// (core/signal_cleanup.hpp).
#pragma once

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <unistd.h>

#include <wgskit/core/exception.hpp>
#include <wgskit/core/signal_cleanup.hpp>

namespace wgskit::kmer::detail
{

class bin_store
{
public:
    bin_store(unsigned bins, unsigned groups, std::uint64_t memory_budget, std::string temp_parent) :
        memory_(bins),
        chunks_(bins),
        groups_{std::max(1u, std::min(groups, bins))},
        budget_{memory_budget},
        temp_parent_{std::move(temp_parent)}
    {}

    bin_store(bin_store const &) = delete;
    bin_store & operator=(bin_store const &) = delete;

    ~bin_store()
    {
        for (auto & f : files_)
            if (f.handle != nullptr)
                std::fclose(f.handle);
        if (!dir_.empty())
        {
            std::error_code ec;
            std::filesystem::remove_all(dir_, ec);
        }
    }

    unsigned bins() const noexcept { return static_cast<unsigned>(memory_.size()); }
    std::uint64_t spilled_bytes() const noexcept { return spilled_bytes_; }
    unsigned spills() const noexcept { return spills_; }
    std::string const & spill_folder() const noexcept { return dir_; }

    //! Appends bytes to a bin; spills every bin once the bytes held in memory pass the budget.
    void append(unsigned bin, std::uint8_t const * bytes, std::size_t n)
    {
        auto & v = memory_[bin];
        std::size_t const before = v.capacity();
        v.insert(v.end(), bytes, bytes + n);
        held_ += v.capacity() - before;
        if (held_ > budget_)
            spill();
    }

    //! Flushes the spill files; call once after the last append, before read().
    void finish_appending()
    {
        for (auto & f : files_)
            if (f.handle != nullptr && std::fflush(f.handle) != 0)
                throw io_error{f.path, std::string{"cannot write spill file: "} + std::strerror(errno)};
    }

    //! The bytes of a bin (spilled chunks in order, then what is still in memory) into out; then frees the bin's
    //! memory. Different bins may be read concurrently.
    void take(unsigned bin, std::vector<std::uint8_t> & out)
    {
        std::uint64_t total = memory_[bin].size();
        for (auto const & c : chunks_[bin])
            total += c.size;
        out.resize(total);
        std::size_t at = 0;
        for (auto const & c : chunks_[bin])
        {
            auto const & f = files_[group_of(bin)];
            std::size_t done = 0;
            while (done < c.size)
            {
                ssize_t const r = ::pread(::fileno(f.handle), out.data() + at + done, c.size - done,
                                          static_cast<off_t>(c.offset + done));
                if (r < 0 && errno == EINTR)
                    continue;
                if (r <= 0)
                    throw io_error{f.path, r == 0 ? std::string{"spill file is shorter than written"}
                                                  : std::string{"cannot read spill file: "} + std::strerror(errno)};
                done += static_cast<std::size_t>(r);
            }
            at += c.size;
        }
        if (!memory_[bin].empty()) // memcpy from an empty vector's null data() is undefined behaviour
            std::memcpy(out.data() + at, memory_[bin].data(), memory_[bin].size());
        std::vector<std::uint8_t>{}.swap(memory_[bin]);
    }

private:
    struct chunk
    {
        std::uint64_t offset;
        std::uint64_t size;
    };
    struct spill_file
    {
        std::string path;
        std::FILE * handle = nullptr;
        std::uint64_t size = 0;
        signal_cleanup cleanup;
    };

    unsigned group_of(unsigned bin) const noexcept
    {
        return static_cast<unsigned>(std::uint64_t{bin} * groups_ / memory_.size());
    }

    void open_files()
    {
        std::string const parent = temp_parent_.empty() ? std::filesystem::temp_directory_path().string() : temp_parent_;
        // The pid lets a later run tell a killed run's folder (core/atomic_file.hpp remove_stale_temporaries).
        std::string tmpl = parent + "/wgskit-count." + std::to_string(::getpid()) + ".XXXXXX";
        if (::mkdtemp(tmpl.data()) == nullptr)
            throw io_error{parent, std::string{"cannot create a temporary folder for spilled bins: "} +
                                       std::strerror(errno)};
        dir_ = tmpl;
        dir_cleanup_ = signal_cleanup{dir_, signal_cleanup::kind::directory};
        files_.resize(groups_);
        for (unsigned g = 0; g < groups_; ++g)
        {
            auto & f = files_[g];
            f.path = dir_ + "/bins-" + std::to_string(g) + ".spill";
            f.cleanup = signal_cleanup{f.path};
            f.handle = std::fopen(f.path.c_str(), "w+b");
            if (f.handle == nullptr)
                throw io_error{f.path, std::string{"cannot create spill file: "} + std::strerror(errno)};
            std::setvbuf(f.handle, nullptr, _IOFBF, std::size_t{1} << 20);
        }
    }

    void spill()
    {
        if (files_.empty())
            open_files();
        for (unsigned bin = 0; bin < memory_.size(); ++bin)
        {
            auto & v = memory_[bin];
            if (v.empty())
                continue;
            auto & f = files_[group_of(bin)];
            if (std::fwrite(v.data(), 1, v.size(), f.handle) != v.size())
                throw io_error{f.path, std::string{"cannot write spill file (disk full?): "} + std::strerror(errno)};
            chunks_[bin].push_back({f.size, v.size()});
            f.size += v.size();
            spilled_bytes_ += v.size();
            std::vector<std::uint8_t>{}.swap(v);
        }
        held_ = 0;
        ++spills_;
    }

    std::vector<std::vector<std::uint8_t>> memory_;
    std::vector<std::vector<chunk>> chunks_;
    signal_cleanup dir_cleanup_; // declared before files_: released after them
    std::vector<spill_file> files_;
    unsigned groups_;
    std::uint64_t budget_;
    std::uint64_t held_ = 0;
    std::uint64_t spilled_bytes_ = 0;
    unsigned spills_ = 0;
    std::string temp_parent_;
    std::string dir_;
};

} // namespace wgskit::kmer::detail
