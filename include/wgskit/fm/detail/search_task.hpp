// Interleaving of several reads' index searches (bwa-mem2's idea), written as coroutines rather than hand-made
// state machines: a search prefetches the occurrence lines its next step reads and waits; the driver resumes
// another read's search meanwhile, so the memory latency of one hides behind the work on the others. The same
// search run alone never waits (memory_wait::interleaved false) and gives the same result.
#pragma once

#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <new>
#include <utility>

namespace wgskit::fm::detail
{

//! Freed coroutine frames kept for reuse, by size class, one cache per thread: a read's searches start and end
//! dozens of coroutines (one per seeding start), each frame otherwise a malloc and a free. The cache holds at most
//! as many frames as were ever alive at once on the thread (a few per interleaved lane).
class frame_cache
{
public:
    frame_cache() = default;
    frame_cache(frame_cache const &) = delete;
    frame_cache & operator=(frame_cache const &) = delete;
    ~frame_cache()
    {
        for (auto *& head : free_)
            while (head)
                ::operator delete(std::exchange(head, head->next));
    }

    void * get(std::size_t n)
    {
        std::size_t const c = size_class(n);
        if (c < classes && free_[c])
            return std::exchange(free_[c], free_[c]->next);
        return ::operator new(c < classes ? c * granule : n);
    }

    void put(void * p, std::size_t n) noexcept
    {
        std::size_t const c = size_class(n);
        if (c >= classes)
        {
            ::operator delete(p);
            return;
        }
        free_[c] = ::new (p) node{free_[c]};
    }

    static frame_cache & of_this_thread()
    {
        thread_local frame_cache cache;
        return cache;
    }

private:
    struct node
    {
        node * next;
    };
    static constexpr std::size_t granule = 64, classes = 32; // frames up to 2 KB are cached
    static std::size_t size_class(std::size_t n) noexcept { return (n + granule - 1) / granule; }

    node * free_[classes] = {};
};

//! The point where a search waits for prefetched memory (`co_await wait`); one per interleaved lane. It records
//! the innermost waiting coroutine, which the driver resumes.
struct memory_wait
{
    bool interleaved = false;
    std::coroutine_handle<> waiting;

    bool await_ready() const noexcept { return !interleaved; }
    void await_suspend(std::coroutine_handle<> h) noexcept { waiting = h; }
    void await_resume() const noexcept {}
};

//! A lazily started search returning T. `co_await task` runs it inside the awaiting search (symmetric transfer:
//! no stack growth) and resumes the awaiting one when it ends; start() runs a top-level one until it first
//! waits or ends.
template <typename T>
class [[nodiscard]] search_task
{
public:
    struct promise_type
    {
        T value{};
        std::coroutine_handle<> continuation = std::noop_coroutine();

        static void * operator new(std::size_t n) { return frame_cache::of_this_thread().get(n); }
        static void operator delete(void * p, std::size_t n) noexcept { frame_cache::of_this_thread().put(p, n); }

        search_task get_return_object() noexcept
        {
            return search_task{std::coroutine_handle<promise_type>::from_promise(*this)};
        }
        std::suspend_always initial_suspend() const noexcept { return {}; }
        struct final_awaiter
        {
            bool await_ready() const noexcept { return false; }
            std::coroutine_handle<> await_suspend(std::coroutine_handle<promise_type> h) const noexcept
            {
                return h.promise().continuation;
            }
            void await_resume() const noexcept {}
        };
        final_awaiter final_suspend() const noexcept { return {}; }
        void return_value(T v) noexcept { value = std::move(v); }
        void unhandled_exception() const noexcept { std::terminate(); } // searches are noexcept work
    };

    search_task(search_task && o) noexcept : h_{std::exchange(o.h_, {})} {}
    search_task & operator=(search_task && o) noexcept
    {
        if (this != &o)
        {
            if (h_)
                h_.destroy();
            h_ = std::exchange(o.h_, {});
        }
        return *this;
    }
    search_task(search_task const &) = delete;
    search_task & operator=(search_task const &) = delete;
    ~search_task()
    {
        if (h_)
            h_.destroy();
    }

    bool await_ready() const noexcept { return false; }
    std::coroutine_handle<> await_suspend(std::coroutine_handle<> awaiting) noexcept
    {
        h_.promise().continuation = awaiting;
        return h_;
    }
    T await_resume() noexcept { return std::move(h_.promise().value); }

    void start() { h_.resume(); }
    bool done() const noexcept { return h_.done(); }
    T & result() noexcept { return h_.promise().value; }

    //! Runs a search that never waits to its end and returns its result.
    T run() &&
    {
        h_.resume();
        return std::move(h_.promise().value);
    }

private:
    explicit search_task(std::coroutine_handle<promise_type> h) noexcept : h_{h} {}
    std::coroutine_handle<promise_type> h_;
};

} // namespace wgskit::fm::detail
