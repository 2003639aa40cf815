// An ordered parallel pipeline over batches:
//
//   producer (calling thread)  ->  N workers (in parallel)  ->  consumer (serialised, in input order)
//
// The producer fills a Batch; a worker turns it into a Result; the consumer sees (Batch, Result) pairs in exactly
// the order the producer made them, whatever the thread count, so output is identical for any N. At most
// max_in_flight batches exist at once (bounded memory); Batch and Result objects are reused between batches (a
// worker must overwrite its Result completely). The first exception thrown by any stage stops all stages and is
// re-thrown by run_ordered_pipeline once every thread has finished.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace wgskit
{

struct pipeline_options
{
    //! Worker threads; 0 runs every stage inline on the calling thread.
    std::size_t threads{1};
    //! Batches in flight (produced but not yet consumed); 0 means 2 * threads + 1.
    std::size_t max_in_flight{0};
};

//! Runs the pipeline until produce returns false (or a stage throws).
//!   produce: bool(Batch &)            fills the batch; false when there is no more input (the batch is unused)
//!   work:    void(Batch &, Result &)  may run on any worker thread, concurrently for different batches
//!   consume: void(Batch &, Result &)  called once per batch, in production order, never concurrently
template <typename Batch, typename Result, typename Produce, typename Work, typename Consume>
void run_ordered_pipeline(pipeline_options opt, Produce && produce, Work && work, Consume && consume)
{
    if (opt.threads == 0)
    {
        Batch batch{};
        Result result{};
        while (produce(batch))
        {
            work(batch, result);
            consume(batch, result);
        }
        return;
    }

    std::size_t const n_slots = opt.max_in_flight ? opt.max_in_flight : 2 * opt.threads + 1;
    struct slot
    {
        Batch batch{};
        Result result{};
        std::uint64_t seq{0};
        bool done{false};
    };
    std::vector<slot> slots(n_slots);

    std::mutex mutex;
    std::condition_variable cv_free;  // producer waits for a free slot
    std::condition_variable cv_work;  // workers wait for a batch
    std::vector<std::size_t> free_slots;
    std::deque<std::size_t> work_queue;
    std::vector<std::size_t> by_seq(n_slots); // seq % n_slots -> slot index (at most n_slots in flight)
    for (std::size_t i = 0; i < n_slots; ++i)
        free_slots.push_back(n_slots - 1 - i);
    std::uint64_t next_to_consume = 0;
    bool consuming = false;
    bool input_done = false;
    bool stop = false;
    std::exception_ptr error;

    auto fail = [&](std::exception_ptr e) {
        std::lock_guard lock{mutex};
        if (!error)
            error = e;
        stop = true;
        cv_free.notify_all();
        cv_work.notify_all();
    };

    // Called with the lock held: consumes every batch that is ready in order, unless another thread already is.
    auto drain = [&](std::unique_lock<std::mutex> & lock) {
        while (!consuming && !stop)
        {
            std::size_t c = by_seq[next_to_consume % n_slots];
            if (!slots[c].done || slots[c].seq != next_to_consume)
                return;
            consuming = true;
            lock.unlock();
            try
            {
                consume(slots[c].batch, slots[c].result);
            }
            catch (...)
            {
                lock.lock();
                consuming = false;
                throw;
            }
            lock.lock();
            consuming = false;
            slots[c].done = false;
            ++next_to_consume;
            free_slots.push_back(c);
            cv_free.notify_one();
        }
    };

    auto worker = [&] {
        try
        {
            while (true)
            {
                std::size_t s;
                {
                    std::unique_lock lock{mutex};
                    cv_work.wait(lock, [&] { return stop || !work_queue.empty() || input_done; });
                    if (stop || work_queue.empty())
                        return;
                    s = work_queue.front();
                    work_queue.pop_front();
                }
                work(slots[s].batch, slots[s].result);
                std::unique_lock lock{mutex};
                slots[s].done = true;
                drain(lock);
            }
        }
        catch (...)
        {
            fail(std::current_exception());
        }
    };

    std::vector<std::thread> threads;
    threads.reserve(opt.threads);
    try
    {
        for (std::size_t i = 0; i < opt.threads; ++i)
            threads.emplace_back(worker);
    }
    catch (...)
    {
        fail(std::current_exception());
    }

    std::uint64_t seq = 0;
    try
    {
        while (true)
        {
            std::size_t s;
            {
                std::unique_lock lock{mutex};
                cv_free.wait(lock, [&] { return stop || !free_slots.empty(); });
                if (stop)
                    break;
                s = free_slots.back();
                free_slots.pop_back();
            }
            if (!produce(slots[s].batch))
                break;
            {
                std::lock_guard lock{mutex};
                slots[s].seq = seq;
                slots[s].done = false;
                by_seq[seq % n_slots] = s;
                ++seq;
                work_queue.push_back(s);
            }
            cv_work.notify_one();
        }
    }
    catch (...)
    {
        fail(std::current_exception());
    }
    {
        std::lock_guard lock{mutex};
        input_done = true;
    }
    cv_work.notify_all();
    for (auto & t : threads)
        t.join();
    if (error)
        std::rethrow_exception(error);
}

} // namespace wgskit
