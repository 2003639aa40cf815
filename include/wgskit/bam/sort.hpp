// External coordinate sort in samtools' order: reference id as unsigned (so unplaced reads, tid -1, come last),
// then position, then reverse-strand after forward; ties keep their input order (stable, as samtools sort).
// Records are kept in memory up to a byte budget; each full buffer is sorted and spilled as a temporary BAM
// (level 1) beside the output; finish() merges the runs and the last buffer k-way into the downstream sink.
// Temporary files are removed on success, on an exception, in the destructor and on SIGINT/SIGTERM/SIGHUP.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdio>
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
#include <wgskit/core/signal_cleanup.hpp>

namespace wgskit::bam
{

//! samtools sort's coordinate key: (tid as uint32, pos, strand) packed so that one integer compare orders it.
struct coordinate_key
{
    std::uint64_t high; // tid (unsigned) << 32 | (pos + 1)
    std::uint8_t reverse;

    static coordinate_key of(record const & r) noexcept
    {
        return {std::uint64_t{static_cast<std::uint32_t>(r.tid())} << 32 |
                    static_cast<std::uint32_t>(std::int64_t{r.pos()} + 1),
                static_cast<std::uint8_t>(r.has_flag(flag::reverse))};
    }
    friend bool operator<(coordinate_key a, coordinate_key b) noexcept
    {
        return a.high != b.high ? a.high < b.high : a.reverse < b.reverse;
    }
};

struct sort_options
{
    std::size_t memory{768u << 20}; //!< in-memory record budget in bytes
    std::size_t threads{0};         //!< BGZF threads for the temporary runs
    std::string temp_prefix;        //!< e.g. "<output>.sort": runs are "<prefix>.<pid>.<n>.bam"
};

class coordinate_sorter : public record_sink
{
public:
    //! Sorted records go to out on finish(). header describes the records (its references bound the tids).
    coordinate_sorter(header h, record_sink & out, sort_options opt) : header_{std::move(h)}, out_{out}, opt_{std::move(opt)}
    {
        if (opt_.temp_prefix.empty())
            opt_.temp_prefix = "wgskit.sort";
    }
    ~coordinate_sorter() override { remove_runs(); }

    void write(record const & r) override { write(record{r}); }
    void write(record && r) override
    {
        used_ += r.memory_size() + sizeof(entry);
        buffer_.push_back({coordinate_key::of(r), std::move(r)});
        if (used_ >= opt_.memory)
            spill();
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
            for (auto & e : buffer_)
                out_.write(std::move(e.rec));
            buffer_.clear();
            return;
        }
        merge();
        remove_runs();
    }

    std::size_t runs() const noexcept { return run_count_; }

private:
    struct entry
    {
        coordinate_key key;
        record rec;
    };

    void sort_buffer()
    {
        std::stable_sort(buffer_.begin(), buffer_.end(), [](entry const & a, entry const & b) { return a.key < b.key; });
    }

    void spill()
    {
        sort_buffer();
        std::string path = opt_.temp_prefix + "." + std::to_string(::getpid()) + "." + std::to_string(runs_.size()) + ".bam";
        run_cleanups_.emplace_back(path); // before the run exists under its name
        writer w{path, header_, {file_format::bam, 1, opt_.threads}};
        for (auto & e : buffer_)
            w.write(e.rec);
        w.close();
        runs_.push_back(path);
        ++run_count_;
        buffer_.clear();
        buffer_.shrink_to_fit();
        used_ = 0;
    }

    void merge()
    {
        // Sources: the runs in creation order, then the in-memory buffer (the latest records); ties go to the
        // lower source index, which keeps the input order.
        std::vector<std::unique_ptr<reader>> readers;
        for (auto const & p : runs_)
            readers.push_back(std::make_unique<reader>(p));
        std::size_t mem = readers.size(), mem_pos = 0;
        struct head
        {
            coordinate_key key;
            std::size_t source;
        };
        auto later = [](head const & a, head const & b) {
            return b.key < a.key || (!(a.key < b.key) && a.source > b.source);
        };
        std::priority_queue<head, std::vector<head>, decltype(later)> heap{later};
        std::vector<record> current(readers.size());
        for (std::size_t i = 0; i < readers.size(); ++i)
            if (readers[i]->read(current[i]))
                heap.push({coordinate_key::of(current[i]), i});
        if (mem_pos < buffer_.size())
            heap.push({buffer_[mem_pos].key, mem});
        while (!heap.empty())
        {
            head h = heap.top();
            heap.pop();
            if (h.source == mem)
            {
                out_.write(std::move(buffer_[mem_pos].rec));
                if (++mem_pos < buffer_.size())
                    heap.push({buffer_[mem_pos].key, mem});
                continue;
            }
            out_.write(std::move(current[h.source]));
            if (readers[h.source]->read(current[h.source]))
                heap.push({coordinate_key::of(current[h.source]), h.source});
        }
        buffer_.clear();
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
    std::vector<entry> buffer_;
    std::size_t used_{0};
    std::vector<std::string> runs_;
    std::vector<signal_cleanup> run_cleanups_;
    std::size_t run_count_{0};
    bool finished_{false};
};

} // namespace wgskit::bam
