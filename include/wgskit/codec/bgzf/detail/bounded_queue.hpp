// A bounded blocking queue between the caller's thread and the background thread that runs the ordered
// block pipeline (core/batch_pipeline.hpp): the writer feeds it blocks to compress, the reader drains it.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <utility>

namespace wgskit::codec::bgzf::detail
{

//! Blocks queued and in flight per worker thread. Deep enough that on a loaded machine a thread that gets the CPU
//! finds a run of blocks to work on instead of waiting for the next hand-off (64 KiB each: ~1 MiB per thread).
inline constexpr std::size_t blocks_per_thread = 8;

template <typename T>
class bounded_queue
{
public:
    explicit bounded_queue(std::size_t capacity) : capacity_{capacity ? capacity : 1} {}

    //! Waits for room; false if the queue was aborted (the item is dropped).
    bool push(T item)
    {
        std::unique_lock lock{mutex_};
        not_full_.wait(lock, [&] { return aborted_ || items_.size() < capacity_; });
        if (aborted_)
            return false;
        items_.push_back(std::move(item));
        not_empty_.notify_one();
        return true;
    }

    //! Waits for an item; nullopt once the queue is closed and empty, or aborted.
    std::optional<T> pop()
    {
        std::unique_lock lock{mutex_};
        not_empty_.wait(lock, [&] { return aborted_ || closed_ || !items_.empty(); });
        if (aborted_ || items_.empty())
            return std::nullopt;
        T item = std::move(items_.front());
        items_.pop_front();
        not_full_.notify_one();
        return item;
    }

    //! No more pushes: pop drains what is left, then returns nullopt.
    void close()
    {
        std::lock_guard lock{mutex_};
        closed_ = true;
        not_empty_.notify_all();
    }

    //! Wakes everyone; pending items are dropped, push and pop fail from now on.
    void abort()
    {
        std::lock_guard lock{mutex_};
        aborted_ = true;
        items_.clear();
        not_empty_.notify_all();
        not_full_.notify_all();
    }

private:
    std::size_t capacity_;
    std::mutex mutex_;
    std::condition_variable not_empty_;
    std::condition_variable not_full_;
    std::deque<T> items_;
    bool closed_{false};
    bool aborted_{false};
};

} // namespace wgskit::codec::bgzf::detail
