// Files read through a memory mapping that shrink while they are read. Touching a mapped page past the new end
// of the file raises SIGBUS, which would kill the process like a crash and leave its temporaries behind. While a
// mapping_guard lives, a SIGBUS inside its range instead prints "wgskit: error: <file>: ..." (the form of every
// other error), removes the temporaries registered with signal_cleanup and exits with status 1. Ranges live in
// a fixed table (no allocation in the handler). A SIGBUS anywhere else, or with no guard, keeps its default
// action. The handler is installed on the first guard, only while SIGBUS is at its default disposition.
#pragma once

#include <atomic>
#include <csignal>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <string>
#include <utility>

#include <signal.h>
#include <unistd.h>

#include <wgskit/core/signal_cleanup.hpp>

namespace wgskit
{

namespace detail
{

struct mapping_slot : handler_slot
{
    std::uintptr_t begin = 0, end = 0;
};

inline constexpr std::size_t mapping_slot_count = 64;
inline mapping_slot mapping_slots[mapping_slot_count];

//! Async-signal-safe write of a C string to stderr.
inline void write_stderr(char const * s) noexcept
{
    std::size_t n = std::strlen(s);
    while (n > 0)
    {
        ssize_t const w = ::write(STDERR_FILENO, s, n);
        if (w <= 0)
            return;
        s += w, n -= static_cast<std::size_t>(w);
    }
}

inline void mapping_sigbus_handler(int sig, siginfo_t * info, void *) noexcept
{
    auto const at = reinterpret_cast<std::uintptr_t>(info->si_addr);
    for (auto & s : mapping_slots)
        if (s.state.load(std::memory_order_acquire) == mapping_slot::armed && at >= s.begin && at < s.end)
        {
            write_stderr("wgskit: error: ");
            write_stderr(s.path);
            write_stderr(": the file became shorter while it was being read (truncated or rewritten by another "
                         "process?)\n");
            remove_registered_paths();
            ::_exit(1);
        }
    // Not one of ours: the default action, by the fault that raises it again on return (or, for a signal sent
    // by kill/raise, by sending it again: it is delivered when the handler returns).
    ::signal(sig, SIG_DFL);
    if (info->si_code <= 0)
        ::raise(sig);
}

inline void install_mapping_handler_once() noexcept
{
    struct ::sigaction old{};
    if (::sigaction(SIGBUS, nullptr, &old) != 0 || (old.sa_flags & SA_SIGINFO) || old.sa_handler != SIG_DFL)
        return;
    struct ::sigaction sa{};
    sa.sa_sigaction = mapping_sigbus_handler;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_SIGINFO;
    ::sigaction(SIGBUS, &sa, nullptr);
}

} // namespace detail

//! The range [data, data + size) of a mapping of path: a SIGBUS inside it while this object lives ends the process
//! with an error naming the file (see the top of this file). RAII, moves only; never fails (a full table or an
//! overlong path leaves the range unguarded).
class mapping_guard
{
public:
    mapping_guard() = default;
    mapping_guard(std::string const & path, void const * data, std::size_t size)
    {
        static std::once_flag once;
        std::call_once(once, detail::install_mapping_handler_once);
        if (size == 0)
            return;
        slot_ = detail::slot_handle<detail::mapping_slot>::claim(detail::mapping_slots, path);
        if (auto * s = slot_.get())
        {
            s->begin = reinterpret_cast<std::uintptr_t>(data);
            s->end = s->begin + size;
        }
        slot_.arm();
    }

    bool guarded() const noexcept { return slot_.get() != nullptr; }

    //! Forgets the range (call before unmapping it).
    void release() noexcept { slot_.release(); }

private:
    detail::slot_handle<detail::mapping_slot> slot_;
};

} // namespace wgskit
