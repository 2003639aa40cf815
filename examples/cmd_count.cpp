// wgskit count -k K [-t N] [-m MEM] [-o DB] [--dump TSV] [--hist TSV] [--profile JSON] [--min-count C]
//              [--max-count C] READS...: canonical k-mer counting of FASTA/FASTQ (plain or gzip).
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include <unistd.h>

#include <wgskit/core/atomic_file.hpp>
#include <wgskit/core/exception.hpp>
#include <wgskit/kmer/counter.hpp>
#include <wgskit/kmer/database.hpp>
#include <wgskit/kmer/profile.hpp>

#include "commands.hpp"

namespace wgskit::cli
{

namespace
{

//! "2G", "500M", "64K", "1000" (bytes; binary multiples).
std::uint64_t parse_size(std::string const & text)
{
    std::size_t used = 0;
    double value = 0;
    try
    {
        value = std::stod(text, &used);
    }
    catch (std::exception const &)
    {
        throw invalid_argument{"-m " + text + ": not a size (use e.g. 4G, 500M, 64K)"};
    }
    std::string unit = text.substr(used);
    double scale = 1;
    if (unit == "K" || unit == "k" || unit == "KB")
        scale = 1024.0;
    else if (unit == "M" || unit == "m" || unit == "MB")
        scale = 1024.0 * 1024;
    else if (unit == "G" || unit == "g" || unit == "GB")
        scale = 1024.0 * 1024 * 1024;
    else if (!unit.empty())
        throw invalid_argument{"-m " + text + ": unknown unit '" + unit + "' (use K, M or G)"};
    if (value <= 0)
        throw invalid_argument{"-m " + text + ": the memory budget must be positive"};
    return static_cast<std::uint64_t>(value * scale);
}

//! Fails early (before hours of counting) when an output's folder is missing or not writable.
void check_writable(std::string const & path)
{
    if (path.empty())
        return;
    auto parent = std::filesystem::path{path}.parent_path();
    if (parent.empty())
        parent = ".";
    if (::access(parent.c_str(), W_OK) != 0)
        throw io_error{path, std::string{"cannot write to folder "} + parent.string() + ": " + std::strerror(errno)};
}

//! More bins for bigger inputs, so that one bin's hash table stays small (cache-friendly) while it is counted:
//! about 4 MB of input text a bin (gzip counted as 4x its size), 2048 to 16384 bins.
unsigned bins_for(std::vector<std::string> const & inputs)
{
    double bytes = 0;
    for (auto const & in : inputs)
    {
        std::error_code ec;
        auto const size = std::filesystem::file_size(in, ec);
        if (!ec)
            bytes += static_cast<double>(size) * (in.ends_with(".gz") || in.ends_with(".bgz") ? 4 : 1);
    }
    unsigned bins = 2048;
    while (bins < 16384 && bytes / bins > 4.0 * 1024 * 1024)
        bins *= 2;
    return bins;
}

struct options
{
    unsigned k = 0;
    std::size_t threads = 1;
    std::string memory = "2G";
    std::string database, dump, hist, profile, temp_dir;
    std::uint32_t min_count = 1;
    std::uint32_t max_count = std::numeric_limits<std::uint32_t>::max();
    unsigned bins = 0;
    unsigned sample = 1;
    std::vector<std::string> inputs;
};

template <kmer::kmer_word W>
void run(options const & o)
{
    kmer::count_options opt;
    opt.k = o.k;
    opt.threads = o.threads;
    // Half the budget for bins in memory; the rest covers counting buffers and the kept results.
    opt.memory_budget = std::max<std::uint64_t>(parse_size(o.memory) / 2, 1);
    opt.temp_dir = o.temp_dir;
    opt.min_count = o.min_count;
    opt.max_count = o.max_count;
    opt.keep_kmers = !o.database.empty() || !o.dump.empty();
    opt.bins = o.bins != 0 ? o.bins : bins_for(o.inputs);
    opt.sample_one_in = o.sample;
    auto const counts = kmer::count_kmers<W>(o.inputs, opt);

    if (!o.database.empty())
        kmer::write_database(counts, o.database);
    if (!o.dump.empty())
        kmer::write_dump(counts, o.dump);
    if (!o.hist.empty())
        kmer::write_histogram(counts.histogram, o.hist);
    if (!o.profile.empty())
    {
        auto const g = kmer::fit_genome_profile(counts.histogram, o.k, sampled_fraction(counts.stats));
        auto j = kmer::to_json(g, counts.histogram);
        write_file_atomically(o.profile, j.dump(2) + "\n");
    }
    auto const & s = counts.stats;
    std::printf("sequences\t%llu\nbases\t%llu\nk\t%u\nkmers\t%llu\ndistinct_kmers\t%llu\nkept_kmers\t%llu\n"
                "spilled_bytes\t%llu\n",
                static_cast<unsigned long long>(s.sequences), static_cast<unsigned long long>(s.bases), o.k,
                static_cast<unsigned long long>(s.total_kmers), static_cast<unsigned long long>(s.distinct_kmers),
                static_cast<unsigned long long>(s.kept_kmers), static_cast<unsigned long long>(s.spilled_bytes));
    if (o.sample > 1)
        std::printf("sampled_kmers\t%llu\n", static_cast<unsigned long long>(s.sampled_kmers));
    if (std::fflush(stdout) != 0)
        throw io_error{"<stdout>", std::string{"write failed: "} + std::strerror(errno)};
}

} // namespace

void register_count(CLI::App & app)
{
    auto o = std::make_shared<options>();
    auto * cmd = app.add_subcommand("count", "Count canonical k-mers of FASTA/FASTQ reads (plain or gzip)");
    cmd->add_option("-k", o->k, "k-mer length (1..63)")->required();
    cmd->add_option("-t,--threads", o->threads, "Worker threads")->check(CLI::Range(1, 1024));
    cmd->add_option("-m,--memory", o->memory, "Memory budget (e.g. 4G, 500M); bins spill to disk beyond half of it")
        ->capture_default_str();
    cmd->add_option("-o,--output", o->database, "Write the k-mer database (sorted k-mers and counts) here");
    cmd->add_option("--dump", o->dump, "Write KMER<TAB>COUNT lines, sorted by canonical k-mer");
    cmd->add_option("--hist", o->hist, "Write COUNT<TAB>NUMBER_OF_KMERS (all k-mers, before the count filters)");
    cmd->add_option("--profile", o->profile, "Write a genome profile (size, heterozygosity, coverage) as JSON");
    cmd->add_option("--min-count", o->min_count, "Keep k-mers seen at least this often")->check(CLI::PositiveNumber);
    cmd->add_option("--max-count", o->max_count, "Keep k-mers seen at most this often")->check(CLI::PositiveNumber);
    cmd->add_option("--tmp-dir", o->temp_dir, "Folder for spilled bins (default: the system temporary folder)");
    cmd->add_option("--bins", o->bins, "Minimizer bins (default: from the input size, 2048..16384)")
        ->check(CLI::Range(1, 65536));
    cmd->add_option("--sample", o->sample,
                    "Count about 1 in N k-mers, chosen by minimizer hash (for --hist and --profile; the profile "
                    "scales its genome size back up)")
        ->check(CLI::Range(1, 1024));
    cmd->add_option("reads", o->inputs, "FASTA/FASTQ files (plain or gzip)")->required();

    cmd->callback([o] {
        if (o->k < 1 || o->k > kmer::max_supported_k)
            throw invalid_argument{"-k " + std::to_string(o->k) + " is out of range (1.." +
                                   std::to_string(kmer::max_supported_k) + ")"};
        if (o->min_count > o->max_count)
            throw invalid_argument{"--min-count " + std::to_string(o->min_count) + " exceeds --max-count " +
                                   std::to_string(o->max_count)};
        if (o->sample > 1 && (!o->database.empty() || !o->dump.empty()))
            throw invalid_argument{"--sample counts a sample of the k-mers: it cannot write -o or --dump"};
        parse_size(o->memory);
        for (auto const * p : {&o->database, &o->dump, &o->hist, &o->profile})
            check_writable(*p);
        if (!o->temp_dir.empty() && ::access(o->temp_dir.c_str(), W_OK) != 0)
            throw io_error{o->temp_dir, std::string{"cannot write spill files here: "} + std::strerror(errno)};
        for (auto const & in : o->inputs)
            if (in != "-" && ::access(in.c_str(), R_OK) != 0)
                throw io_error{in, std::string{"cannot open: "} + std::strerror(errno)};
        if (o->k <= 32)
            run<std::uint64_t>(*o);
        else
            run<kmer::uint128_t>(*o);
    });
}

} // namespace wgskit::cli
