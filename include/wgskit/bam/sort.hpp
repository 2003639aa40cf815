// External coordinate sort in samtools' order: reference id as unsigned (so unplaced reads, tid -1, come last),
// then position, then reverse-strand after forward; ties keep their input order (stable, as samtools sort).
// Records are held in memory in their BAM encoding, packed into large chunks (no allocation per record), up to a
// byte budget that counts everything the sorter holds: the chunks' capacity, and per record its 16-byte sort key
// and the radix sort's scratch copy. A full buffer is radix-sorted by packed keys and spilled as a sorted run
// (the BAM records, zstd level 1, compressed on the worker threads) beside the output; finish() merges the runs
// and the last buffer k-way into the downstream sink.
// Temporary files are removed on success, on an exception, in the destructor and on SIGINT/SIGTERM/SIGHUP.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <queue>
#include <string>
#include <vector>

#include <unistd.h>

#include <wgskit/bam/header.hpp>
#include <wgskit/bam/reader.hpp>
#include <wgskit/bam/record.hpp>
#include <wgskit/bam/stream.hpp>
#include <wgskit/bam/writer.hpp>
#include <wgskit/codec/zstd/file.hpp>
#include <wgskit/core/signal_cleanup.hpp>

namespace wgskit::bam
{

struct sort_options
{
    std::size_t memory{768u << 20}; //!< budget in bytes for the records held (see coordinate_sorter::held)
    std::size_t threads{0};         //!< threads compressing a run
    std::string temp_prefix;        //!< e.g. "<output>.sort": runs are "<prefix>.<pid>.<n>.zst" (records, no header)
};

namespace detail
{

//! A record's sort key packed in two words: hi = tid (unsigned) << 32 | (pos + 1), lo = reverse << 63 | tie,
//! where tie is the record's input rank (arena position or run number). Keys are unique, so any sort is stable.
struct packed_sort_key
{
    std::uint64_t hi;
    std::uint64_t lo;

    //! From an encoded BAM record (block_size first).
    static std::uint64_t high_of(char const * rec) noexcept
    {
        auto tid = load<std::uint32_t>(rec + 4);
        auto pos = load<std::int32_t>(rec + 8);
        return std::uint64_t{tid} << 32 | static_cast<std::uint32_t>(std::int64_t{pos} + 1);
    }
    static std::uint64_t reverse_of(char const * rec) noexcept
    {
        return (load<std::uint16_t>(rec + 18) & flag::reverse) != 0 ? std::uint64_t{1} << 63 : 0;
    }
    friend bool operator<(packed_sort_key a, packed_sort_key b) noexcept
    {
        return a.hi != b.hi ? a.hi < b.hi : a.lo < b.lo;
    }
    friend bool operator>(packed_sort_key a, packed_sort_key b) noexcept { return b < a; }
};

//! Stable LSD radix sort of keys by hi, then by lo's top 16 bits (the reverse flag), in 16-bit digits; digits
//! equal in every key are skipped (for one chromosome tid's, often pos' high digit). Keys that come in increasing
//! order of lo's low bits (input order) end up ordered by (hi, lo). tmp is scratch of the same size.
inline void radix_sort_keys(std::vector<packed_sort_key> & keys, std::vector<packed_sort_key> & tmp)
{
    std::size_t const n = keys.size();
    if (n < 2)
        return;
    tmp.resize(n);
    auto digit = [](packed_sort_key const & k, int d) -> std::uint32_t {
        std::uint64_t w = d < 4 ? k.lo : k.hi;
        return static_cast<std::uint32_t>(w >> (16 * (d & 3))) & 0xffff;
    };
    std::vector<std::uint32_t> count(1 << 16);
    for (int d = 3; d < 8; ++d)
    {
        std::fill(count.begin(), count.end(), 0u);
        for (auto const & k : keys)
            ++count[digit(k, d)];
        if (count[digit(keys[0], d)] == n)
            continue; // one value everywhere: this digit does not reorder anything
        std::uint32_t sum = 0;
        for (auto & c : count)
        {
            std::uint32_t here = c;
            c = sum;
            sum += here;
        }
        for (auto const & k : keys)
            tmp[count[digit(k, d)]++] = k;
        keys.swap(tmp);
    }
}

//! Records in their BAM encoding (block_size + body), appended into large chunks. A position is
//! chunk << 32 | offset, increasing in input order. Chunks are kept for reuse after clear().
class record_arena
{
public:
    explicit record_arena(std::size_t chunk_size) : chunk_size_{chunk_size} {}

    //! Bytes a record may need (long CIGARs move into a CG tag: 16 bytes more).
    static std::size_t bound(record const & r) noexcept { return 4 + fixed_record_size + r.variable_data().size() + 16; }

    //! Capacity an append of need bytes would add (0 if it fits in a chunk held already).
    std::size_t growth(std::size_t need) const noexcept
    {
        for (std::size_t c = current_; c < chunks_.size(); ++c)
            if (chunks_[c].capacity() - chunks_[c].size() >= need)
                return 0;
        return std::max(need, chunk_size_);
    }

    void append(record const & r) { encode_record(r, room(bound(r))); }
    //! A record already encoded (block_size + body).
    void append(std::string_view encoded) { room(encoded.size()).append(encoded); }

    std::size_t count() const noexcept { return count_; }
    std::size_t capacity() const noexcept { return capacity_; }

    //! Calls f(position, record bytes) for every record in input order.
    template <typename F>
    void for_each(F && f) const
    {
        for (std::size_t c = 0; c <= current_ && c < chunks_.size(); ++c)
        {
            std::string const & b = chunks_[c];
            for (std::size_t at = 0; at < b.size();)
            {
                f(std::uint64_t{c} << 32 | at, b.data() + at);
                at += 4 + std::size_t{load<std::uint32_t>(b.data() + at)};
            }
        }
    }

    //! The record (block_size + body) at a position.
    std::string_view at(std::uint64_t position) const noexcept
    {
        char const * p = chunks_[position >> 32].data() + (position & 0xffffffffu);
        return {p, 4 + std::size_t{load<std::uint32_t>(p)}};
    }

    //! Empties the chunks, keeping those of the regular size (their pages stay mapped for the next buffer);
    //! a chunk made for one oversized record goes.
    void clear() noexcept
    {
        std::erase_if(chunks_, [&](std::string const & c) { return c.capacity() > chunk_size_; });
        capacity_ = 0;
        for (auto & c : chunks_)
        {
            c.clear();
            capacity_ += c.capacity();
        }
        current_ = 0;
        count_ = 0;
    }
    void release() noexcept
    {
        chunks_ = {};
        capacity_ = 0;
        clear();
    }

private:
    //! The chunk to append need bytes to (counted as one more record).
    std::string & room(std::size_t need)
    {
        while (current_ < chunks_.size() && chunks_[current_].capacity() - chunks_[current_].size() < need)
            ++current_;
        if (current_ == chunks_.size())
        {
            chunks_.emplace_back();
            chunks_.back().reserve(std::max(need, chunk_size_));
            capacity_ += chunks_.back().capacity();
        }
        ++count_;
        return chunks_[current_];
    }

    std::size_t chunk_size_;
    std::vector<std::string> chunks_;
    std::size_t current_{0};
    std::size_t count_{0};
    std::size_t capacity_{0};
};

//! Reads back a sorted run: BAM records one after another, zstd-compressed, no header.
class run_reader
{
public:
    explicit run_reader(std::string const & path) : path_{path}, in_{path} {}

    //! The next record's bytes (block_size + body) into rec; false at the end.
    bool next(std::string & rec)
    {
        char size_bytes[4];
        std::size_t got = in_.read(size_bytes, 4);
        if (got == 0)
            return false;
        auto size = load<std::uint32_t>(size_bytes);
        if (got < 4 || size < fixed_record_size || size > (1u << 30))
            throw parse_error{path_, 0, "corrupt temporary sort run (record size)"};
        rec.resize(4 + std::size_t{size});
        std::memcpy(rec.data(), size_bytes, 4);
        if (in_.read(rec.data() + 4, size) < size)
            throw parse_error{path_, 0, "truncated temporary sort run"};
        return true;
    }

private:
    std::string path_;
    codec::zstd::file_reader in_;
};

} // namespace detail

class coordinate_sorter : public record_sink
{
public:
    //! Sorted records go to out on finish(). header describes the records (its references bound the tids).
    coordinate_sorter(header h, record_sink & out, sort_options opt) :
        header_{std::move(h)}, out_{out}, opt_{std::move(opt)},
        arena_{std::clamp<std::size_t>(opt_.memory / 16, std::size_t{4} << 10, std::size_t{8} << 20)}
    {
        if (opt_.temp_prefix.empty())
            opt_.temp_prefix = "wgskit.sort";
    }
    ~coordinate_sorter() override { remove_runs(); }

    //! The record is encoded into the buffer: r is left as it was (a reader can reuse its storage).
    void write(record const & r) override
    {
        if (arena_.count() > 0 && held() + arena_.growth(detail::record_arena::bound(r)) + key_bytes > opt_.memory)
            spill();
        arena_.append(r);
    }
    void write(record && r) override { write(static_cast<record const &>(r)); }
    //! A record in its BAM encoding (block_size + body), already validated, as bam::reader::read_encoded gives it.
    void write_encoded(std::string_view rec)
    {
        if (arena_.count() > 0 && held() + arena_.growth(rec.size()) + key_bytes > opt_.memory)
            spill();
        arena_.append(rec);
    }

    //! Merges everything into the downstream sink (which is not closed here).
    void close() override { finish(); }
    void finish()
    {
        if (finished_)
            return;
        finished_ = true;
        sort_buffer();
        if (runs_.empty())
        {
            record r;
            for (auto const & k : keys_)
                emit(arena_.at(k.lo & position_mask), r);
        }
        else
        {
            merge();
            remove_runs();
        }
        keys_ = {};
        arena_.release();
    }

    std::size_t runs() const noexcept { return run_count_; }
    //! Bytes held for the in-memory buffer (chunk capacity, keys and their sort scratch); stays within the
    //! memory option, except that one record always fits.
    std::size_t held() const noexcept
    {
        return arena_.capacity() + arena_.count() * key_bytes;
    }

private:
    static constexpr std::uint64_t position_mask = ~(std::uint64_t{1} << 63);
    //! Per record: its key, and the radix sort's scratch copy of it.
    static constexpr std::size_t key_bytes = 2 * sizeof(detail::packed_sort_key);

    void sort_buffer()
    {
        keys_.clear();
        keys_.reserve(arena_.count()); // counted in held() from the start
        arena_.for_each([&](std::uint64_t position, char const * rec) {
            keys_.push_back({detail::packed_sort_key::high_of(rec), detail::packed_sort_key::reverse_of(rec) | position});
        });
        std::vector<detail::packed_sort_key> scratch;
        detail::radix_sort_keys(keys_, scratch);
    }

    void spill()
    {
        sort_buffer();
        std::string path = opt_.temp_prefix + "." + std::to_string(::getpid()) + "." + std::to_string(runs_.size()) + ".zst";
        run_cleanups_.emplace_back(path); // before the run exists under its name
        codec::zstd::file_writer w{path, 1, opt_.threads};
        for (auto const & k : keys_)
            w.write(arena_.at(k.lo & position_mask));
        w.close();
        runs_.push_back(path);
        ++run_count_;
        keys_.clear();
        arena_.clear();
    }

    void emit(std::string_view rec, record & r)
    {
        detail::decode_record(rec.substr(4), header_.reference_count(), r, opt_.temp_prefix, 0);
        out_.write(std::move(r));
    }

    void merge()
    {
        // Sources: the runs in creation order, then the in-memory buffer (the latest records); ties go to the
        // lower source index, which keeps the input order. Runs are inflated on the calling thread (zstd inflates
        // at ~0.7 GB/s here, a small share of the merge).
        std::size_t const n_runs = runs_.size();
        std::vector<std::unique_ptr<detail::run_reader>> readers;
        for (auto const & p : runs_)
            readers.push_back(std::make_unique<detail::run_reader>(p));
        std::size_t const mem = n_runs;
        std::size_t mem_pos = 0;
        using head = detail::packed_sort_key; // lo = reverse << 63 | source
        std::priority_queue<head, std::vector<head>, std::greater<>> heap;
        std::vector<std::string> current(n_runs);
        auto push_run = [&](std::size_t i) {
            if (readers[i]->next(current[i]))
                heap.push({head::high_of(current[i].data()), head::reverse_of(current[i].data()) | i});
        };
        auto push_mem = [&] {
            if (mem_pos < keys_.size())
                heap.push({keys_[mem_pos].hi, (keys_[mem_pos].lo & ~position_mask) | mem});
        };
        for (std::size_t i = 0; i < n_runs; ++i)
            push_run(i);
        push_mem();
        record r;
        while (!heap.empty())
        {
            std::size_t source = heap.top().lo & position_mask;
            heap.pop();
            if (source == mem)
            {
                emit(arena_.at(keys_[mem_pos++].lo & position_mask), r);
                push_mem();
                continue;
            }
            emit(current[source], r);
            push_run(source);
        }
    }

    void remove_runs() noexcept
    {
        for (auto const & p : runs_)
            std::remove(p.c_str());
        runs_.clear();
        run_cleanups_.clear();
    }

    header header_;
    record_sink & out_;
    sort_options opt_;
    detail::record_arena arena_;
    std::vector<detail::packed_sort_key> keys_;
    std::vector<std::string> runs_;
    std::vector<signal_cleanup> run_cleanups_;
    std::size_t run_count_{0};
    bool finished_{false};
};

//! Every record of in into the sorter, in their BAM encoding (no decoding on the way). Returns the count.
inline std::uint64_t pump(reader & in, coordinate_sorter & sorter)
{
    std::uint64_t n = 0;
    std::string_view rec;
    while (in.read_encoded(rec))
    {
        sorter.write_encoded(rec);
        ++n;
    }
    return n;
}

} // namespace wgskit::bam
