// Temporary files removed when the process is interrupted. SIGINT, SIGTERM and SIGHUP would otherwise end the
// process without unwinding, leaving "<out>.tmp.*" files, sort runs and spill folders behind. Paths live in a
// fixed table (no allocation in the handler); the handler only unlinks / rmdirs them, then re-raises the signal
// with its default action, so the exit status still says "killed by signal N".
// The handlers are installed on the first registration, only for signals whose disposition is still the default
// (a program that set its own handler, or nohup's ignored SIGHUP, is left alone). SIGXFSZ is set to ignored at the
// same time when it is at its default, so that exceeding `ulimit -f` makes write() fail with EFBIG (an io_error
// naming the file) instead of killing the process with a half-written temporary.
#pragma once

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstddef>
#include <cstring>
#include <mutex>
#include <string>
#include <utility>

#include <signal.h>
#include <unistd.h>

namespace wgskit
{

namespace detail
{

//! An entry of a table that a signal handler reads: its state (the handler looks at armed entries only) and a path.
struct handler_slot
{
    static constexpr int free = 0, claimed = 1, armed = 2;
    std::atomic<int> state{free};
    char path[4096] = {};
};

struct cleanup_slot : handler_slot
{
    bool directory = false;
};

inline constexpr std::size_t cleanup_slot_count = 1024; // 4 MiB of zero pages until used
inline cleanup_slot cleanup_slots[cleanup_slot_count];

//! A claimed entry of a table that a signal handler reads (a handler_slot):
//! claim() finds a free one and copies the path in, the owner fills in its other fields (get()) while the handler
//! still skips it, arm() shows it to the handler; the destructor and release() give it back. Moves only.
template <typename Slot>
class slot_handle
{
public:
    slot_handle() = default;
    template <std::size_t N>
    static slot_handle claim(Slot (&table)[N], std::string const & path) noexcept
    {
        slot_handle h;
        if (path.empty() || path.size() >= sizeof(Slot::path))
            return h;
        for (auto & s : table)
        {
            int expected = Slot::free;
            if (s.state.compare_exchange_strong(expected, Slot::claimed, std::memory_order_acquire))
            {
                std::memcpy(s.path, path.c_str(), path.size() + 1);
                h.slot_ = &s;
                return h;
            }
        }
        return h;
    }
    slot_handle(slot_handle && o) noexcept : slot_{std::exchange(o.slot_, nullptr)} {}
    slot_handle & operator=(slot_handle && o) noexcept
    {
        if (this != &o)
        {
            release();
            slot_ = std::exchange(o.slot_, nullptr);
        }
        return *this;
    }
    slot_handle(slot_handle const &) = delete;
    slot_handle & operator=(slot_handle const &) = delete;
    ~slot_handle() { release(); }

    Slot * get() const noexcept { return slot_; }
    void arm() noexcept
    {
        if (slot_ != nullptr)
            slot_->state.store(Slot::armed, std::memory_order_release);
    }
    void release() noexcept
    {
        if (slot_ != nullptr)
            std::exchange(slot_, nullptr)->state.store(Slot::free, std::memory_order_release);
    }

private:
    Slot * slot_ = nullptr;
};

//! Async-signal-safe: files first, then folders (which must be empty to go).
inline void remove_registered_paths() noexcept
{
    for (auto & s : cleanup_slots)
        if (s.state.load(std::memory_order_acquire) == cleanup_slot::armed && !s.directory)
            ::unlink(s.path);
    for (auto & s : cleanup_slots)
        if (s.state.load(std::memory_order_acquire) == cleanup_slot::armed && s.directory)
            ::rmdir(s.path);
}

inline void cleanup_signal_handler(int sig) noexcept
{
    int const saved_errno = errno;
    remove_registered_paths();
    // SA_RESETHAND restored the default action; the re-raised signal is delivered when this handler returns.
    ::raise(sig);
    errno = saved_errno;
}

inline void install_cleanup_handlers_once() noexcept
{
    for (int sig : {SIGINT, SIGTERM, SIGHUP})
    {
        struct ::sigaction old{};
        if (::sigaction(sig, nullptr, &old) != 0 || (old.sa_flags & SA_SIGINFO) || old.sa_handler != SIG_DFL)
            continue;
        struct ::sigaction sa{};
        sa.sa_handler = cleanup_signal_handler;
        sigemptyset(&sa.sa_mask);
        for (int other : {SIGINT, SIGTERM, SIGHUP})
            sigaddset(&sa.sa_mask, other); // one cleanup at a time
        sa.sa_flags = SA_RESETHAND;
        ::sigaction(sig, &sa, nullptr);
    }
    struct ::sigaction old{};
    if (::sigaction(SIGXFSZ, nullptr, &old) == 0 && !(old.sa_flags & SA_SIGINFO) && old.sa_handler == SIG_DFL)
        ::signal(SIGXFSZ, SIG_IGN);
}

} // namespace detail

//! Installs the SIGINT/SIGTERM/SIGHUP cleanup handlers and ignores SIGXFSZ (see the top of this file). Called by
//! every registration; programs may call it early themselves. Idempotent.
inline void install_signal_cleanup()
{
    static std::once_flag once;
    std::call_once(once, detail::install_cleanup_handlers_once);
}

//! A path removed if the process is killed by SIGINT/SIGTERM/SIGHUP while this object lives (RAII; moves only).
//! Registration never fails: a path too long for the table, or a full table, is simply not cleaned on a signal.
class signal_cleanup
{
public:
    enum class kind { file, directory };

    signal_cleanup() = default;
    explicit signal_cleanup(std::string const & path, kind k = kind::file)
    {
        install_signal_cleanup();
        slot_ = detail::slot_handle<detail::cleanup_slot>::claim(detail::cleanup_slots, path);
        if (auto * s = slot_.get())
            s->directory = k == kind::directory;
        slot_.arm();
    }

    //! Whether the path is in the table.
    bool registered() const noexcept { return slot_.get() != nullptr; }

    //! Forgets the path (it was renamed into place or removed by its owner).
    void release() noexcept { slot_.release(); }

private:
    detail::slot_handle<detail::cleanup_slot> slot_;
};

} // namespace wgskit
