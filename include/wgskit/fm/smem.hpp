// Super-maximal exact matches (SMEMs) and bwa-mem-style seeds of a read on an fmd_index.
//
// A MEM is a read interval [begin, end) that occurs in the reference (either strand) and cannot be extended
// by one base on either side without losing all occurrences; an SMEM is a MEM contained in no other MEM.
// find_smems() returns them all (Li 2012's algorithm: for a start x, extend forward recording each change of
// occurrence count, then extend those intervals backward; the next x is the end of the longest match from x).
//
// collect_seeds() is bwa mem's seeding (mem_collect_intv) with its defaults:
//   1. SMEMs of length >= min_seed_length (bwa -k 19);
//   2. re-seeding: inside each SMEM of length >= min_seed_length * reseed_factor (bwa -r 1.5) that occurs at most
//      reseed_max_occ (10) times, the SMEMs through its middle base that occur more often than it does, i.e. the
//      shorter, more frequent matches a long unique SMEM hides (a repeat copy with a difference);
//   3. when third_pass_max_occ > 0 (bwa's max_mem_intv, 20): from each start, the shortest forward match longer
//      than min_seed_length bases that occurs fewer than third_pass_max_occ times.
// Seeds are sorted by (begin, end); they may repeat between the passes as in bwa. Seeds occurring more than
// max_occ (bwa -c 500) times are kept; locate(seed, max_occ) samples max_occ of their hits as bwa does.
// Two options depart from bwa (the mapper sets both; docs/benchmarks.md has what they cost and save):
// reseed_unique = false leaves step 2 out for SMEMs that occur once; first_pass_min_forward leaves out of step 1
// the SMEMs that reach only a few bases past a search start after a mismatch.
#pragma once

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include <wgskit/core/platform.hpp>
#include <wgskit/fm/detail/search_task.hpp>
#include <wgskit/fm/fmd_index.hpp>

namespace wgskit::fm
{

inline constexpr std::uint64_t no_text_position = ~std::uint64_t{0};

//! An exact match of read[begin, end) with its bi-interval (interval.s occurrences over both strands).
//! A unique match (interval.s == 1) that the search followed along the reference text instead of the index
//! carries the text position of its one occurrence instead: then text_position != no_text_position and
//! interval.k, interval.l are not set (locate() below takes either form).
struct smem
{
    std::uint32_t begin;
    std::uint32_t end;
    bi_interval interval;
    std::uint64_t text_position = no_text_position;
    std::uint32_t length() const noexcept { return end - begin; }
    bool followed() const noexcept { return text_position != no_text_position; }
    friend bool operator==(smem const &, smem const &) = default;
};

struct seed_options
{
    std::uint32_t min_seed_length = 19;  // bwa mem -k
    double reseed_factor = 1.5;          // bwa mem -r
    std::uint64_t reseed_max_occ = 10;   // bwa mem split_width
    std::uint64_t third_pass_max_occ = 20; // bwa mem max_mem_intv; 0 turns the third pass off
    std::uint64_t max_occ = 500;         // bwa mem -c: hits located a seed (see locate)
    //! Leave out the third-pass seeds that lie inside a unique (one occurrence) first-pass SMEM: such a seed
    //! has that SMEM's one hit, shifted, and adds nothing to a chain holding the SMEM. The search from such a
    //! start stops as soon as its match is unique instead of extending to min_seed_length + 1 bases.
    bool skip_unique_contained = false;
    //! Re-seed inside SMEMs that occur once (bwa does). false leaves them out, which spares the mapper
    //! 28% of its CPU (the backward half of a re-seeding search extends a dozen intervals a base): the copy
    //! with a difference that such a re-seeding finds is also reached by the third pass, whose matches of
    //! min_seed_length + 1 bases inside a unique SMEM are kept when they occur more than once (the mapper's
    //! accuracy on simulated reads is the same within one read, see docs/benchmarks.md).
    bool reseed_unique = true;
    //! The first pass's searches start at the read's first base and then where the longest match of the previous
    //! start ended, i.e. at a mismatch. From such a later start x, extend backward only the forward matches
    //! [x, e) of at least this many bases (or ending at the read's end or an N); 0 extends them all (bwa). The
    //! shorter ones extended left cross the mismatch with the previous match's bases and few after it: random
    //! short matches, or a copy that shares the mismatching base and differs again within that many bases; yet
    //! extending them is most of the first pass's backward work (a dozen intervals, each grown until it no longer
    //! occurs).
    std::uint32_t first_pass_min_forward = 0;
};

//! The bi-intervals of all strings of length() bases, so that a forward search can start that many bases in
//! with one lookup instead of length() - 1 dependent index steps: the third seeding pass, whose matches are
//! longer than min_seed_length >= length() - 1, and the first pass's searches whose shorter forward matches do not
//! count (smems_through) look up their first bases. 4^9 entries: 6 MB, 0.35 M steps to build.
class prefix_table
{
public:
    prefix_table() = default;

    static prefix_table build(fmd_index const & index, unsigned length = 9);

    unsigned length() const noexcept { return length_; }
    bool empty() const noexcept { return entries_.empty(); }

    //! Whether read codes q hold length() bases from x, all of them A, C, G or T (so that the table has their entry).
    bool covers(std::uint8_t const * q, std::uint32_t x, std::uint32_t len) const noexcept
    {
        return !empty() && len - x >= length_ &&
               std::all_of(q + x, q + x + length_, [](std::uint8_t c) { return c <= 3; });
    }

    //! The entry of codes[0, length()) (all bases 0..3), first base most significant.
    std::size_t slot(std::uint8_t const * codes) const noexcept
    {
        std::size_t k = 0;
        for (unsigned j = 0; j < length_; ++j)
            k = (k << 2) | codes[j];
        return k;
    }
    bi_interval const & operator[](std::size_t k) const noexcept { return entries_[k]; }
    void prefetch(std::size_t k) const noexcept { __builtin_prefetch(&entries_[k]); }

private:
    unsigned length_ = 0;
    std::vector<bi_interval> entries_;
};

namespace detail
{

//! Length from which a unique forward match is followed in the text rather than extended in the index.
inline constexpr std::uint32_t follow_min_length = 24;

//! The SMEM search's working lists: a vector whose size is kept beside it, so that appending is a compare and a
//! store inlined into the search (std::vector::push_back stayed an out-of-line call from the coroutine bodies,
//! ~4% of the mapper). Storage only grows; clear() keeps it.
class smem_list
{
public:
    void clear() noexcept { size_ = 0; }
    void truncate(std::size_t n) noexcept { size_ = std::min(size_, n); }
    WGSKIT_ALWAYS_INLINE void push_back(smem const & m)
    {
        if (size_ == items_.size()) [[unlikely]]
            items_.resize(std::max<std::size_t>(32, 2 * items_.size()));
        items_[size_++] = m;
    }
    bool empty() const noexcept { return size_ == 0; }
    std::size_t size() const noexcept { return size_; }
    smem * begin() noexcept { return items_.data(); }
    smem * end() noexcept { return items_.data() + size_; }
    smem const * begin() const noexcept { return items_.data(); }
    smem const * end() const noexcept { return items_.data() + size_; }
    smem & front() noexcept { return items_[0]; }
    smem & back() noexcept { return items_[size_ - 1]; }

private:
    std::vector<smem> items_;
    std::size_t size_{0};
};

//! Reusable buffers of the SMEM search.
struct smem_workspace
{
    smem_list prev, curr, found;
    std::vector<smem> pass, inner;
    std::vector<std::uint8_t> codes;
    std::vector<std::uint32_t> unique_end; //!< per read position, for seed_options::skip_unique_contained
};

#if defined(__x86_64__) && !defined(__POPCNT__)
//! The index steps of a search as out-of-line calls compiled for popcnt: coroutine bodies are compiled for the
//! default target whatever attribute the coroutine carries, and rank is popcount-bound.
template <typename Core>
class popcnt_steps
{
public:
    explicit popcnt_steps(Core const & core) noexcept : core_{&core} {}

    bi_interval init(unsigned c) const noexcept { return core_->init(c); }
    [[gnu::target("popcnt"), gnu::flatten, gnu::noinline]] bi_interval extend_forward(bi_interval const & p,
                                                                                      unsigned c) const noexcept
    {
        return core_->extend_forward(p, c);
    }
    [[gnu::target("popcnt"), gnu::flatten, gnu::noinline]] bi_interval extend_backward(bi_interval const & p,
                                                                                       unsigned c) const noexcept
    {
        return core_->extend_backward(p, c);
    }
    [[gnu::target("popcnt"), gnu::flatten, gnu::noinline]] bool walk_step(std::uint64_t & i, std::uint64_t & steps,
                                                                          std::uint64_t & out) const noexcept
    {
        return core_->walk_step(i, steps, out);
    }
    std::uint64_t text_match(std::uint64_t t, std::uint8_t const * q, std::uint64_t n) const noexcept
    {
        return core_->text_match(t, q, n);
    }
    void prefetch_walk(std::uint64_t i) const noexcept { core_->prefetch_walk(i); }
    void prefetch_forward(bi_interval const & p) const noexcept { core_->prefetch_forward(p); }
    void prefetch_backward(bi_interval const & p) const noexcept { core_->prefetch_backward(p); }

private:
    Core const * core_;
};
#endif

//! Runs f(steps) with the index steps of core compiled for popcnt where the CPU has it.
template <typename Core, typename F>
decltype(auto) with_search_steps(Core const & core, F && f)
{
#if defined(__x86_64__) && !defined(__POPCNT__)
    if (cpu_has_popcnt())
        return f(popcnt_steps<Core>{core});
#endif
    return f(core);
}

//! The text position of the suffix at BWT index i (fmd_core::text_position, waiting at each LF step).
template <typename Steps>
search_task<std::uint64_t> text_position(Steps const & core, std::uint64_t i, memory_wait & wait)
{
    std::uint64_t steps = 0, out = 0;
    if (wait.interleaved)
        core.prefetch_walk(i);
    co_await wait;
    while (!core.walk_step(i, steps, out))
    {
        if (wait.interleaved)
            core.prefetch_walk(i);
        co_await wait;
    }
    co_return out;
}

//! Appends to out the SMEMs (occurring >= min_occ times) that cover read position x, sorted by begin;
//! returns the end of the longest match starting at x. When x > 0 and min_forward > 0, only the SMEMs [b, e) with
//! e - x >= min_forward, e == len or an N at e are appended (seed_options::first_pass_min_forward).
template <typename Steps>
search_task<std::uint32_t> smems_through(Steps const & core, std::uint8_t const * q, std::uint32_t len,
                                         std::uint32_t x, std::uint64_t min_occ, smem_workspace & ws,
                                         std::vector<smem> & out, memory_wait & wait, std::uint32_t min_forward = 0,
                                         prefix_table const * prefixes = nullptr)
{
    if (q[x] > 3)
        co_return x + 1;
    min_occ = std::max<std::uint64_t>(min_occ, 1);
    auto & prev = ws.prev;
    auto & curr = ws.curr;
    auto & found = ws.found;
    curr.clear();
    found.clear();

    // Forward: every prefix [x, i) at which the occurrence count drops.
    bi_interval p = core.init(q[x]);
    if (p.s < min_occ) // no match through x occurs often enough
        co_return x + 1;
    std::uint32_t i = x + 1;
    // Only the longest forward match counts from the read's first base (nothing lies left of it), and from a later
    // start none shorter than min_forward does: when that exceeds the table's length, its entry is where the first
    // steps would arrive. Only an entry occurring at least twice is taken (min_occ is 1 here), so that those steps
    // would neither have stopped nor followed a unique match.
    if (prefixes && min_occ == 1 && (x == 0 || min_forward > prefixes->length()) && prefixes->covers(q, x, len) &&
        len - x > prefixes->length())
    {
        std::size_t const k = prefixes->slot(q + x);
        if (wait.interleaved)
            prefixes->prefetch(k);
        co_await wait;
        if ((*prefixes)[k].s >= 2)
        {
            p = (*prefixes)[k];
            i = x + prefixes->length();
        }
    }
    bool followed = false;
    std::uint64_t t = no_text_position; // text position of [x, i) when followed
    for (; i < len; ++i)
    {
        if (q[i] > 3)
            break;
        if (p.s == 1 && len - i >= follow_min_length)
        {
            // Unique: comparing the rest with the text after its one occurrence is cheaper than an index step
            // a base (one suffix-array walk, which locating the seed reuses).
            t = co_await text_position(core, p.k, wait);
            i += static_cast<std::uint32_t>(core.text_match(t + (i - x), q + i, len - i));
            followed = true;
            break;
        }
        if (wait.interleaved)
            core.prefetch_forward(p);
        co_await wait;
        bi_interval const next = core.extend_forward(p, q[i]);
        if (next.s != p.s)
            curr.push_back({x, i, p});
        if (next.s < min_occ)
            break;
        p = next;
    }
    if (followed)
        curr.push_back({x, i, {0, 0, 1}, t});
    else if (i == len || q[i] > 3)
        curr.push_back({x, i, p});
    std::reverse(curr.begin(), curr.end()); // longest (fewest occurrences) first
    std::uint32_t const longest_end = curr.front().end;
    if (min_forward > 0 && x > 0)
    {
        std::size_t keep = 0; // a prefix: the ends fall along the list
        for (smem const & m : curr)
        {
            if (m.end - x < min_forward && m.end < len && q[m.end] <= 3)
                break;
            ++keep;
        }
        curr.truncate(keep);
        if (curr.empty())
            co_return longest_end;
    }
    std::swap(prev, curr);

    // Backward: extend all of them one base at a time; the longest that stops at a start is an SMEM.
    for (std::int64_t j = static_cast<std::int64_t>(x) - 1; j >= -1; --j)
    {
        int const c = (j >= 0 && q[j] <= 3) ? q[j] : -1;
        if (c >= 0)
        {
            if (wait.interleaved)
                for (smem const & m : prev)
                    if (!m.followed())
                        core.prefetch_backward(m.interval);
            co_await wait;
        }
        curr.clear();
        for (smem const & m : prev)
        {
            bi_interval next{};
            std::uint64_t next_t = no_text_position;
            if (c >= 0 && m.followed())
            {
                // A followed match grows left when the text before its occurrence holds c.
                auto const cc = static_cast<std::uint8_t>(c);
                if (m.text_position > 0 && core.text_match(m.text_position - 1, &cc, 1) == 1)
                    next = {0, 0, 1}, next_t = m.text_position - 1;
            }
            else if (c >= 0)
                next = core.extend_backward(m.interval, static_cast<unsigned>(c));
            if (c < 0 || next.s < min_occ)
            {
                // m cannot grow left: a MEM starting at j + 1 unless a longer one already survives this round.
                if (curr.empty() && (found.empty() || static_cast<std::uint32_t>(j + 1) < found.back().begin))
                    found.push_back({static_cast<std::uint32_t>(j + 1), m.end, m.interval, m.text_position});
            }
            else if (curr.empty() || next.s != curr.back().interval.s)
                curr.push_back({static_cast<std::uint32_t>(j), m.end, next, next_t});
        }
        if (curr.empty())
            break;
        std::swap(prev, curr);
    }
    out.insert(out.end(), std::make_reverse_iterator(found.end()), std::make_reverse_iterator(found.begin()));
    co_return longest_end;
}

template <typename Steps>
search_task<int> all_smems(Steps const & core, std::uint8_t const * q, std::uint32_t len, std::uint64_t min_occ,
                           smem_workspace & ws, std::vector<smem> & out, memory_wait & wait,
                           std::uint32_t min_forward = 0, prefix_table const * prefixes = nullptr)
{
    for (std::uint32_t x = 0; x < len;)
        x = q[x] > 3 ? x + 1
                     : co_await smems_through(core, q, len, x, min_occ, ws, out, wait, min_forward, prefixes);
    co_return 0;
}

//! bwa's third seeding pass: the shortest match from x longer than min_length occurring < max_occ times.
//! unique_end: the end of a unique match of the read starting at or before x (0 if none); a match from x inside
//! it is not returned (it is its sub-match, with its one hit).
template <typename Steps>
search_task<std::uint32_t> rare_forward_match(Steps const & core, std::uint8_t const * q, std::uint32_t len,
                                              std::uint32_t x, std::uint32_t min_length, std::uint64_t max_occ,
                                              smem & out, memory_wait & wait, prefix_table const * prefixes,
                                              std::uint32_t unique_end = 0)
{
    out.interval.s = 0;
    if (q[x] > 3)
        co_return x + 1;
    bi_interval p = core.init(q[x]);
    std::uint32_t i = x + 1;
    // The steps below x + length() can neither stop at a non-base (there is none) nor return a match (it is
    // shorter than min_length + 1): the table's entry is where they would arrive.
    if (prefixes && min_length + 1 >= prefixes->length() && prefixes->covers(q, x, len))
    {
        std::size_t const k = prefixes->slot(q + x);
        if (wait.interleaved)
            prefixes->prefetch(k);
        co_await wait;
        p = (*prefixes)[k];
        i = x + prefixes->length();
    }
    for (; i < len; ++i)
    {
        if (q[i] > 3)
            co_return i + 1;
        if (wait.interleaved)
            core.prefetch_forward(p);
        co_await wait;
        p = core.extend_forward(p, q[i]);
        if (p.s < max_occ && i - x >= min_length)
        {
            out = {x, i + 1, p};
            co_return i + 1;
        }
        if (p.s == 0 || (p.s == 1 && std::uint64_t{x} + min_length + 1 <= unique_end))
        {
            // Counts only fall from here: no match (s == 0) or the unique sub-match left out; what remains is where
            // the steps would have stopped.
            for (std::uint32_t j = i + 1; j < len; ++j)
                if (q[j] > 3 || j - x >= min_length)
                    co_return j + 1;
            co_return len;
        }
    }
    co_return len;
}

template <typename Steps>
search_task<int> collect_seeds(Steps const & core, std::uint8_t const * q, std::uint32_t len,
                               seed_options const & opt, smem_workspace & ws, std::vector<smem> & out,
                               memory_wait & wait, prefix_table const * prefixes = nullptr)
{
    out.clear();
    auto & pass = ws.pass;
    pass.clear();
    co_await all_smems(core, q, len, 1, ws, pass, wait, opt.first_pass_min_forward, prefixes);
    for (smem const & m : pass)
        if (m.length() >= opt.min_seed_length)
            out.push_back(m);

    auto const split_length = static_cast<std::uint32_t>(opt.min_seed_length * opt.reseed_factor + .499);
    std::size_t const first = out.size();
    auto & inner = ws.inner;
    for (std::size_t k = 0; k < first; ++k)
    {
        smem const m = out[k];
        if (m.length() < split_length || m.interval.s > opt.reseed_max_occ ||
            (m.interval.s == 1 && !opt.reseed_unique))
            continue;
        inner.clear();
        co_await smems_through(core, q, len, (m.begin + m.end) / 2, m.interval.s + 1, ws, inner, wait);
        for (smem const & s : inner)
            if (s.length() >= opt.min_seed_length && s.interval.s > m.interval.s)
                out.push_back(s);
    }

    if (opt.third_pass_max_occ > 0)
    {
        // unique_end[x]: the furthest end of a unique first-pass SMEM beginning at or before x.
        auto & unique_end = ws.unique_end;
        unique_end.assign(opt.skip_unique_contained ? len : 0, 0);
        if (opt.skip_unique_contained)
        {
            for (std::size_t k = 0; k < first; ++k)
                if (out[k].interval.s == 1 && out[k].begin < len)
                    unique_end[out[k].begin] = std::max(unique_end[out[k].begin], out[k].end);
            for (std::uint32_t x = 1; x < len; ++x)
                unique_end[x] = std::max(unique_end[x], unique_end[x - 1]);
        }
        for (std::uint32_t x = 0; x < len;)
        {
            if (q[x] > 3)
            {
                ++x;
                continue;
            }
            smem m{};
            x = co_await rare_forward_match(core, q, len, x, opt.min_seed_length, opt.third_pass_max_occ, m, wait,
                                            prefixes, unique_end.empty() ? 0u : unique_end[x]);
            if (m.interval.s > 0)
                out.push_back(m);
        }
    }
    std::sort(out.begin(), out.end(),
              [](smem const & a, smem const & b) { return a.begin != b.begin ? a.begin < b.begin : a.end < b.end; });
    co_return 0;
}

//! Searches of a batch of reads advanced round robin, Lanes at a time: read r's search is make(steps, r, ws,
//! wait) (a search_task over the lane's workspace), started when a lane frees.
template <std::size_t Lanes, typename Steps, typename Make>
void interleave_searches(Steps const & steps, std::size_t count, Make && make)
{
    struct lane
    {
        smem_workspace ws;
        memory_wait wait{true, {}};
    };
    std::vector<lane> lanes(std::min(Lanes, count));
    std::vector<std::optional<search_task<int>>> tasks(lanes.size());
    std::size_t next = 0, active = 0;
    auto const start = [&](std::size_t j) {
        while (next < count)
        {
            tasks[j].emplace(make(steps, next++, lanes[j].ws, lanes[j].wait));
            tasks[j]->start();
            if (!tasks[j]->done())
                return true;
        }
        tasks[j].reset();
        return false;
    };
    for (std::size_t j = 0; j < lanes.size(); ++j)
        active += start(j) ? 1 : 0;
    while (active > 0)
        for (std::size_t j = 0; j < lanes.size(); ++j)
        {
            if (!tasks[j])
                continue;
            lanes[j].wait.waiting.resume();
            if (tasks[j]->done() && !start(j))
                --active;
        }
}

} // namespace detail

//! The hits of a seed: its one occurrence when it was followed in the text, else fmd_index::locate.
inline std::vector<hit> locate(fmd_index const & index, smem const & m,
                               std::uint64_t max_hits = ~std::uint64_t{0})
{
    if (m.followed())
        return max_hits == 0 ? std::vector<hit>{} : std::vector<hit>{index.text_hit(m.text_position, m.length())};
    return index.locate(m.interval, m.length(), max_hits);
}

//! All SMEMs of read (A, C, G, T in either case; other letters break matches) that occur at least min_occ
//! times, sorted by begin; min_forward > 0 leaves some out as seed_options::first_pass_min_forward says.
inline std::vector<smem> find_smems(fmd_index const & index, std::string_view read, std::uint64_t min_occ = 1,
                                    std::uint32_t min_forward = 0)
{
    detail::smem_workspace ws;
    detail::encode(read, ws.codes);
    std::vector<smem> out;
    detail::memory_wait alone;
    index.visit([&](auto const & core) {
        return detail::with_search_steps(core, [&](auto const & steps) {
            return detail::all_smems(steps, ws.codes.data(), static_cast<std::uint32_t>(ws.codes.size()), min_occ,
                                     ws, out, alone, min_forward)
                .run();
        });
    });
    return out;
}

//! bwa mem's seeds of read (see the header comment).
inline std::vector<smem> collect_seeds(fmd_index const & index, std::string_view read, seed_options const & options = {})
{
    detail::smem_workspace ws;
    detail::encode(read, ws.codes);
    std::vector<smem> out;
    detail::memory_wait alone;
    index.visit([&](auto const & core) {
        return detail::with_search_steps(core, [&](auto const & steps) {
            return detail::collect_seeds(steps, ws.codes.data(), static_cast<std::uint32_t>(ws.codes.size()), options,
                                         ws, out, alone)
                .run();
        });
    });
    return out;
}

//! Seeds of many reads: out[r] receives read r's seeds (the same as collect_seeds of each). The reads' searches
//! are interleaved, with the index lines each next step reads prefetched; prefixes (prefix_table::build of
//! this index), when given, saves the third pass and some first-pass searches their first steps (same seeds).
inline void collect_seeds(fmd_index const & index, std::span<std::string_view const> reads,
                          std::vector<std::vector<smem>> & out, seed_options const & options = {},
                          prefix_table const * prefixes = nullptr)
{
    constexpr std::size_t lanes = 8;
    out.resize(reads.size());
    index.visit([&](auto const & core) {
        return detail::with_search_steps(core, [&](auto const & steps) {
            detail::interleave_searches<lanes>(
                steps, reads.size(),
                [&](auto const & st, std::size_t r, detail::smem_workspace & ws, detail::memory_wait & wait) {
                    detail::encode(reads[r], ws.codes);
                    return detail::collect_seeds(st, ws.codes.data(), static_cast<std::uint32_t>(ws.codes.size()),
                                                 options, ws, out[r], wait, prefixes);
                });
            return 0;
        });
    });
}

inline prefix_table prefix_table::build(fmd_index const & index, unsigned length)
{
    if (length == 0 || length > 12)
        throw invalid_argument{"fm::prefix_table: length must be 1 to 12"};
    prefix_table t;
    t.length_ = length;
    index.visit([&](auto const & core) {
        // Level by level: the entries of length j + 1 extend those of length j by each base.
        std::vector<bi_interval> level(4), next;
        for (unsigned c = 0; c < 4; ++c)
            level[c] = core.init(c);
        for (unsigned j = 1; j < length; ++j)
        {
            next.resize(level.size() * 4);
            for (std::size_t k = 0; k < level.size(); ++k)
                for (unsigned c = 0; c < 4; ++c)
                    next[4 * k + c] = core.extend_forward(level[k], c);
            std::swap(level, next);
        }
        t.entries_ = std::move(level);
        return 0;
    });
    return t;
}

} // namespace wgskit::fm
