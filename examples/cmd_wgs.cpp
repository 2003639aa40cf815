// wgskit wgs -r REF.fa -1 R1.fq.gz -2 R2.fq.gz -o OUTDIR [-t N] [--sample NAME]: the workflow in one process.
#include <cstdio>
#include <memory>
#include <string>
#include <thread>

#include <wgskit/workflow/wgs.hpp>

#include "commands.hpp"

namespace wgskit::cli
{

void register_wgs(CLI::App & app)
{
    auto opt = std::make_shared<workflow::wgs_options>();
    auto * cmd = app.add_subcommand("wgs", "FASTQ pairs to outputs in one process (reference, reads QC; mapping, "
                                           "sorting and calling as those blocks land)");
    cmd->add_option("-r,--reference", opt->reference, "Reference FASTA (plain or gzip)")->required();
    cmd->add_option("-1,--reads1", opt->reads1, "R1 FASTQ (plain or gzip)")->required();
    cmd->add_option("-2,--reads2", opt->reads2, "R2 FASTQ (plain or gzip)")->required();
    cmd->add_option("-o,--outdir", opt->outdir, "Output folder (created if missing)")->required();
    cmd->add_option("-t,--threads", opt->threads, "Worker threads")->check(CLI::Range(1, 1024));
    cmd->add_option("--sample", opt->sample, "Sample name and output prefix (default: from R1's file name)");
    cmd->callback([opt] {
        opt->command_line = "wgskit wgs -r " + opt->reference + " -1 " + opt->reads1 + " -2 " + opt->reads2 +
                            " -o " + opt->outdir + " -t " + std::to_string(opt->threads) +
                            (opt->sample.empty() ? "" : " --sample " + opt->sample);
        auto const out = workflow::run_wgs(*opt, workflow::progress_log{stderr});
        std::printf("outputs:\n  metrics: %s\n  index:   %s\n", out.metrics.string().c_str(),
                    out.index.string().c_str());
    });
}

} // namespace wgskit::cli
