// Read QC over whole inputs: single or paired FASTQ through the ordered batch pipeline (identical figures for any
// thread count), and the statistics as JSON.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include <wgskit/core/batch_pipeline.hpp>
#include <wgskit/io/fastq.hpp>
#include <wgskit/io/paired_fastq.hpp>
#include <wgskit/qc/read_stats.hpp>

namespace wgskit::qc
{

//! Statistics of both mates of a paired input.
struct paired_read_stats
{
    read_stats mate1;
    read_stats mate2;
    std::uint64_t pairs() const noexcept { return mate1.records(); }
};

//! Reads every record of in and accumulates its statistics on opt.threads worker threads.
inline read_stats compute_read_stats(io::fastq_reader & in, pipeline_options opt = {},
                                     std::size_t batch_records = io::fastq_reader::default_batch_records)
{
    read_stats total;
    run_ordered_pipeline<io::read_batch, read_stats>(
        opt, [&](io::read_batch & b) { return in.read_batch(b, batch_records); },
        [](io::read_batch & b, read_stats & s) {
            s.reset();
            s.add(b);
        },
        [&](io::read_batch &, read_stats & s) { total.merge(s); });
    return total;
}

//! Reads every pair of in (mate names checked by the reader) and accumulates both mates' statistics.
inline paired_read_stats compute_read_stats(io::paired_fastq_reader & in, pipeline_options opt = {},
                                            std::size_t batch_pairs = io::paired_fastq_reader::default_batch_pairs)
{
    struct mates
    {
        io::read_batch r1, r2;
    };
    paired_read_stats total;
    run_ordered_pipeline<mates, paired_read_stats>(
        opt, [&](mates & b) { return in.read_batch(b.r1, b.r2, batch_pairs); },
        [](mates & b, paired_read_stats & s) {
            s.mate1.reset();
            s.mate2.reset();
            s.mate1.add(b.r1);
            s.mate2.add(b.r2);
        },
        [&](mates &, paired_read_stats & s) {
            total.mate1.merge(s.mate1);
            total.mate2.merge(s.mate2);
        });
    return total;
}

//! The statistics of one input as a JSON object.
inline nlohmann::ordered_json to_json(read_stats const & s)
{
    nlohmann::ordered_json j;
    j["records"] = s.records();
    j["bases"] = s.bases();
    j["min_length"] = s.min_length();
    j["mean_length"] = s.mean_length();
    j["max_length"] = s.max_length();
    j["gc_percent"] = s.gc_percent();
    j["n_percent"] = s.n_percent();
    j["mean_quality"] = s.mean_quality();
    j["q20_fraction"] = s.q20_fraction();
    j["q30_fraction"] = s.q30_fraction();
    j["per_cycle_mean_quality"] = s.per_cycle_mean_quality();
    return j;
}

} // namespace wgskit::qc
