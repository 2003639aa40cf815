// wgskit stats [-t N] [--json OUT] R1.fq[.gz] [R2.fq[.gz]] | --interleaved IN.fq[.gz]: read QC through the
// ordered batch pipeline (identical results for any thread count).
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include <wgskit/core/batch_pipeline.hpp>
#include <wgskit/core/exception.hpp>
#include <wgskit/core/atomic_file.hpp>
#include <wgskit/io/fastq.hpp>
#include <wgskit/io/paired_fastq.hpp>
#include <wgskit/qc/read_qc.hpp>

#include "commands.hpp"

namespace wgskit::cli
{

namespace
{

std::string fmt(char const * f, double v)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, f, v);
    return buf;
}

std::string to_table(std::vector<std::string> const & names, std::vector<qc::read_stats> const & stats)
{
    std::string t;
    auto row = [&](std::string const & label, auto && value) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%-22s", label.c_str());
        t += buf;
        for (auto const & s : stats)
        {
            std::snprintf(buf, sizeof buf, "  %20s", value(s).c_str());
            t += buf;
        }
        t += '\n';
    };
    row("file", [&, k = std::size_t{0}](qc::read_stats const &) mutable {
        std::string n = names[k++];
        auto slash = n.rfind('/');
        return slash == std::string::npos ? n : n.substr(slash + 1);
    });
    row("records", [](auto const & s) { return std::to_string(s.records()); });
    row("bases", [](auto const & s) { return std::to_string(s.bases()); });
    row("min length", [](auto const & s) { return std::to_string(s.min_length()); });
    row("mean length", [](auto const & s) { return fmt("%.2f", s.mean_length()); });
    row("max length", [](auto const & s) { return std::to_string(s.max_length()); });
    row("GC %", [](auto const & s) { return fmt("%.2f", s.gc_percent()); });
    row("N %", [](auto const & s) { return fmt("%.4f", s.n_percent()); });
    row("mean base quality", [](auto const & s) { return fmt("%.2f", s.mean_quality()); });
    row("Q20 fraction", [](auto const & s) { return fmt("%.4f", s.q20_fraction()); });
    row("Q30 fraction", [](auto const & s) { return fmt("%.4f", s.q30_fraction()); });
    t += "\nper-cycle mean quality\n";
    std::vector<std::vector<double>> cyc;
    std::size_t n = 0;
    for (auto const & s : stats)
    {
        cyc.push_back(s.per_cycle_mean_quality());
        n = std::max(n, cyc.back().size());
    }
    for (std::size_t i = 0; i < n; ++i)
    {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%-22zu", i + 1);
        t += buf;
        for (auto const & c : cyc)
        {
            std::snprintf(buf, sizeof buf, "  %20s", i < c.size() ? fmt("%.2f", c[i]).c_str() : "-");
            t += buf;
        }
        t += '\n';
    }
    return t;
}

} // namespace

void register_stats(CLI::App & app)
{
    struct options
    {
        std::vector<std::string> inputs;
        std::size_t threads = 1;
        std::string json;
        bool interleaved = false;
        std::size_t batch_records = 4096;
    };
    auto opt = std::make_shared<options>();
    auto * cmd = app.add_subcommand("stats", "Read QC for FASTQ (single, paired or interleaved; plain or gzip)");
    cmd->add_option("inputs", opt->inputs, "R1.fq[.gz] [R2.fq[.gz]]")->required()->expected(1, 2);
    cmd->add_option("-t,--threads", opt->threads, "Worker threads")->check(CLI::Range(1, 1024));
    cmd->add_option("--json", opt->json, "Also write the statistics as JSON to this file");
    cmd->add_flag("--interleaved", opt->interleaved, "Mates alternate in one file");
    cmd->add_option("--batch-records", opt->batch_records, "Records per batch")->check(CLI::Range(1, 1 << 24));

    cmd->callback([opt] {
        if (opt->interleaved && opt->inputs.size() != 1)
            throw invalid_argument{"--interleaved takes exactly one input file"};
        bool paired = opt->interleaved || opt->inputs.size() == 2;

        pipeline_options const po{opt->threads, 0};
        std::vector<std::string> names;
        std::vector<qc::read_stats> total;
        if (paired)
        {
            std::unique_ptr<io::paired_fastq_reader> in;
            if (opt->interleaved)
                in = std::make_unique<io::paired_fastq_reader>(opt->inputs[0], io::interleaved);
            else
                in = std::make_unique<io::paired_fastq_reader>(opt->inputs[0], opt->inputs[1]);
            names = {in->path1() + (opt->interleaved ? " (mate 1)" : ""),
                     in->path2() + (opt->interleaved ? " (mate 2)" : "")};
            auto stats = qc::compute_read_stats(*in, po, opt->batch_records);
            total = {stats.mate1, stats.mate2};
        }
        else
        {
            io::fastq_reader in{opt->inputs[0]};
            names = {in.path()};
            total = {qc::compute_read_stats(in, po, opt->batch_records)};
        }

        std::string table = to_table(names, total);
        if (std::fwrite(table.data(), 1, table.size(), stdout) != table.size() || std::fflush(stdout) != 0)
            throw io_error{"<stdout>", std::string{"write failed: "} + std::strerror(errno)};
        if (!opt->json.empty())
        {
            nlohmann::ordered_json j{{"paired", paired}, {"inputs", nlohmann::ordered_json::array()}};
            for (std::size_t k = 0; k < total.size(); ++k)
            {
                auto entry = qc::to_json(total[k]);
                entry["file"] = names[k];
                j["inputs"].push_back(std::move(entry));
            }
            write_file_atomically(opt->json, j.dump(2) + "\n");
        }
    });
}

} // namespace wgskit::cli
