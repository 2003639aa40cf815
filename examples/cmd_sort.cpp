// wgskit sort [-t N] [-m MEM] [--markdup] [-l LEVEL] -o OUT.bam IN.sam|IN.bam|-: coordinate sort (samtools'
// order) within a memory bound, optional duplicate marking (samtools markdup semantics; needs MC/ms tags as
// from samtools fixmate -m), BAM output with its BAI index (OUT.bam.bai).
#include <cstdio>
#include <memory>
#include <string>

#include <wgskit/bam/bai.hpp>
#include <wgskit/bam/markdup.hpp>
#include <wgskit/bam/reader.hpp>
#include <wgskit/bam/sort.hpp>
#include <wgskit/core/exception.hpp>
#include <wgskit/version.hpp>

#include "commands.hpp"

namespace wgskit::cli
{

namespace
{

std::size_t parse_memory(std::string const & s)
{
    std::size_t used = 0;
    double v = 0;
    try
    {
        v = std::stod(s, &used);
    }
    catch (std::exception const &)
    {
        throw invalid_argument{"-m: '" + s + "' is not a size (e.g. 768M, 2G)"};
    }
    std::string unit = s.substr(used);
    double mult = unit.empty() ? 1 : unit == "K" || unit == "k" ? 1024.0 : unit == "M" || unit == "m" ? 1048576.0
                               : unit == "G" || unit == "g" ? 1073741824.0 : -1;
    if (mult < 0 || v <= 0)
        throw invalid_argument{"-m: '" + s + "' is not a size (e.g. 768M, 2G)"};
    return static_cast<std::size_t>(v * mult);
}

} // namespace

void register_sort(CLI::App & app)
{
    struct options
    {
        std::string input;
        std::string output;
        std::size_t threads = 1;
        std::string memory = "768M";
        bool markdup = false;
        int level = 6;
        std::int64_t max_read_length = 300;
        bool no_index = false;
    };
    auto opt = std::make_shared<options>();
    auto * cmd = app.add_subcommand("sort", "Coordinate-sort SAM/BAM to an indexed BAM, optionally marking duplicates");
    cmd->add_option("input", opt->input, "IN.sam | IN.bam | - (stdin)")->required();
    cmd->add_option("-o,--output", opt->output, "Output BAM (its index is written as OUT.bai)")->required();
    cmd->add_option("-t,--threads", opt->threads, "Threads for BGZF compression and decompression")
        ->check(CLI::Range(1, 1024));
    cmd->add_option("-m,--memory", opt->memory, "Records kept in memory before spilling a sorted run (e.g. 768M, 2G)");
    cmd->add_flag("--markdup", opt->markdup, "Mark duplicates (samtools markdup semantics; needs MC and ms tags)");
    cmd->add_option("-l,--level", opt->level, "BGZF compression level")->check(CLI::Range(0, 9));
    cmd->add_option("--max-read-length", opt->max_read_length, "Duplicate window, as samtools markdup -l")
        ->check(CLI::Range(1, 1 << 20));
    cmd->add_flag("--no-index", opt->no_index, "Do not write the BAI index");

    cmd->callback([opt] {
        std::size_t memory = parse_memory(opt->memory);
        std::size_t bg = opt->threads > 1 ? opt->threads : 0;
        bam::reader in{opt->input, {bg}};
        bam::header h = in.header();
        h.set_sort_order("coordinate");
        h.add_program("wgskit", "wgskit", WGSKIT_VERSION_STRING, "wgskit sort" + std::string{opt->markdup ? " --markdup" : ""});

        std::unique_ptr<bam::record_sink> file;
        if (opt->no_index)
            file = std::make_unique<bam::writer>(opt->output, h, bam::writer_options{bam::file_format::bam, opt->level, bg});
        else
            file = std::make_unique<bam::indexing_bam_writer>(opt->output, h, opt->level, bg);
        std::unique_ptr<bam::duplicate_marker> dups;
        bam::record_sink * sorted_to = file.get();
        if (opt->markdup)
        {
            dups = std::make_unique<bam::duplicate_marker>(h, *file, bam::markdup_options{opt->max_read_length});
            sorted_to = dups.get();
        }
        bam::coordinate_sorter sorter{h, *sorted_to, {memory, bg, opt->output + ".sort"}};
        std::uint64_t n = bam::pump(in, sorter);
        sorter.finish();
        if (dups)
            dups->close();
        file->close();
        std::fprintf(stderr, "wgskit sort: %llu records, %zu temporary runs", static_cast<unsigned long long>(n),
                     sorter.runs());
        if (dups)
            std::fprintf(stderr, ", %llu examined, %llu marked duplicate",
                         static_cast<unsigned long long>(dups->examined()),
                         static_cast<unsigned long long>(dups->duplicates()));
        std::fprintf(stderr, "\n");
    });
}

} // namespace wgskit::cli
