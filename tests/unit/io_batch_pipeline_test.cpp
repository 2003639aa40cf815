// The ordered batch pipeline: order, bounded memory, exceptions from every stage, any thread count.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <mutex>
#include <random>
#include <stdexcept>
#include <thread>
#include <vector>

#include <wgskit/core/batch_pipeline.hpp>

namespace
{

struct int_batch
{
    std::vector<int> values;
    int index{-1};
};

void random_sleep()
{
    thread_local std::mt19937 rng{std::random_device{}()};
    std::this_thread::sleep_for(std::chrono::microseconds(rng() % 300));
}

} // namespace

TEST_CASE("pipeline: results arrive in input order for any thread count", "[pipeline]")
{
    for (std::size_t threads : {0u, 1u, 2u, 4u})
    {
        for (std::size_t in_flight : {0u, 1u, 3u})
        {
            INFO("threads " << threads << ", in flight " << in_flight);
            int const n_batches = 200;
            int produced = 0;
            std::atomic<int> alive{0};
            int max_alive = 0;
            std::vector<long> out;
            std::atomic<int> consumers_inside{0};
            bool overlap = false;
            wgskit::run_ordered_pipeline<int_batch, long>(
                {threads, in_flight},
                [&](int_batch & b) {
                    if (produced == n_batches)
                        return false;
                    b.index = produced++;
                    b.values.assign(static_cast<std::size_t>(1 + b.index % 7), b.index);
                    max_alive = std::max(max_alive, ++alive);
                    return true;
                },
                [&](int_batch & b, long & r) {
                    random_sleep();
                    r = 0;
                    for (int v : b.values)
                        r += v;
                },
                [&](int_batch & b, long & r) {
                    if (++consumers_inside != 1)
                        overlap = true;
                    CHECK(r == long(b.index) * long(1 + b.index % 7));
                    out.push_back(b.index);
                    --alive;
                    --consumers_inside;
                });
            REQUIRE(out.size() == std::size_t(n_batches));
            for (int i = 0; i < n_batches; ++i)
                CHECK(out[std::size_t(i)] == i);
            CHECK_FALSE(overlap);
            std::size_t limit = threads == 0 ? 1 : (in_flight ? in_flight : 2 * threads + 1);
            CHECK(std::size_t(max_alive) <= limit);
        }
    }
}

TEST_CASE("pipeline: an exception in any stage stops everything and is re-thrown", "[pipeline]")
{
    enum stage { producer, worker, consumer };
    for (std::size_t threads : {0u, 1u, 4u})
        for (stage where : {producer, worker, consumer})
            for (int fail_at : {0, 1, 37})
            {
                INFO("threads " << threads << ", stage " << int(where) << ", at batch " << fail_at);
                int produced = 0;
                std::atomic<int> consumed{0};
                auto run = [&] {
                    wgskit::run_ordered_pipeline<int_batch, int>(
                        {threads, 0},
                        [&](int_batch & b) {
                            if (where == producer && produced == fail_at)
                                throw std::runtime_error{"producer failed"};
                            if (produced == 100000)
                                return false;
                            b.index = produced++;
                            return true;
                        },
                        [&](int_batch & b, int & r) {
                            if (where == worker && b.index == fail_at)
                                throw std::runtime_error{"worker failed"};
                            r = b.index;
                        },
                        [&](int_batch & b, int &) {
                            if (where == consumer && b.index == fail_at)
                                throw std::runtime_error{"consumer failed"};
                            ++consumed;
                        });
                };
                char const * expected = where == producer ? "producer failed"
                                        : where == worker ? "worker failed"
                                                          : "consumer failed";
                CHECK_THROWS_WITH(run(), expected);
                CHECK(produced < 100000); // stopped early
                CHECK(consumed <= fail_at);
            }
}

TEST_CASE("pipeline: empty input", "[pipeline]")
{
    for (std::size_t threads : {0u, 1u, 4u})
    {
        int calls = 0;
        wgskit::run_ordered_pipeline<int_batch, int>(
            {threads, 0}, [&](int_batch &) { ++calls; return false; }, [](int_batch &, int &) {},
            [](int_batch &, int &) { FAIL("consumer called"); });
        CHECK(calls == 1);
    }
}
