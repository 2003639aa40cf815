// wgskit wgs -r REF.fa -1 R1.fq.gz -2 R2.fq.gz -o OUTDIR [-t N] [--sample NAME]: the workflow in one process
// (index, map, sort, mark duplicates, QC, calling when the call block is in the build, report).
// --encrypt-to PUB: every per-sample output is then encrypted with crypt4gh for those recipients once the run has
// finished, and its plaintext removed (the plaintext exists in OUTDIR only while the run lasts).
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include <wgskit/crypt/all.hpp>
#include <wgskit/workflow/wgs.hpp>

#include "commands.hpp"

namespace wgskit::cli
{

void register_wgs(CLI::App & app)
{
    auto opt = std::make_shared<workflow::wgs_options>();
    auto memory_mb = std::make_shared<std::size_t>(768);
    auto plain = std::make_shared<bool>(false);
    auto recipients = std::make_shared<std::vector<std::string>>();
    auto * cmd = app.add_subcommand("wgs", "FASTQ pairs to an indexed, duplicate-marked BAM, QC metrics and an HTML "
                                           "report in one process (variant calls when the call block is in the build)");
    cmd->add_option("-r,--reference", opt->reference, "Reference FASTA (plain or gzip)")->required();
    cmd->add_option("-1,--reads1", opt->reads1, "R1 FASTQ (plain or gzip)")->required();
    cmd->add_option("-2,--reads2", opt->reads2, "R2 FASTQ (plain or gzip)")->required();
    cmd->add_option("-o,--outdir", opt->outdir, "Output folder (created if missing)")->required();
    cmd->add_option("-t,--threads", opt->threads, "Worker threads")->check(CLI::Range(1, 1024));
    cmd->add_option("--sample", opt->sample, "Sample name and output prefix (default: from R1's file name)");
    cmd->add_option("-m,--sort-memory", *memory_mb, "Megabytes of records the sorter holds before spilling a run")
        ->check(CLI::Range(16, 1 << 20));
    cmd->add_option("-K,--batch-pairs", opt->batch_pairs, "Read pairs a mapper batch (insert size estimated per batch)")
        ->check(CLI::Range(std::size_t{100}, std::size_t{10000000}));
    cmd->add_option("-k,--kmer", opt->kmer_k, "k of the k-mer spectrum (0: none)")->check(CLI::Range(0, 31));
    cmd->add_option("--kmer-sample", opt->kmer_sample,
                    "Spectrum of 1 in N k-mers, chosen by minimizer hash (0: 1 below 80 Mb of reference, up to 64 "
                    "for a human genome)")
        ->check(CLI::Range(0, 1024));
    cmd->add_option("-l,--bam-level", opt->bam_level,
                    "BGZF compression level of the BAM, as samtools -l (5: ~30% less CPU to compress, ~0.5% larger)")
        ->check(CLI::Range(0, 9));
    cmd->add_option("--regions", opt->regions, "Calling regions (chr, chr:beg-end; comma-separated)");
    cmd->add_flag("--huge-pages,!--no-huge-pages", opt->huge_pages,
                  "Mapper's index copied onto transparent huge pages (default) rather than mapped from the file");
    cmd->add_flag("--force", opt->force, "Rerun every step, even those whose outputs are complete");
    cmd->add_flag("--plain-progress", *plain, "Timestamped progress lines even on a terminal");
    cmd->add_option("--encrypt-to", *recipients,
                    "crypt4gh public key (repeatable): outputs are written as NAME.*.c4gh for these recipients")
        ->check(CLI::ExistingFile);
    cmd->callback([opt, memory_mb, plain, recipients] {
        std::vector<crypt::public_key> keys;
        for (auto const & k : *recipients) // read before the run, so that a bad key fails at once
            keys.push_back(crypt::read_public_key(k));
        opt->sort_memory = *memory_mb << 20;
        opt->command_line = "wgskit wgs -r " + opt->reference + " -1 " + opt->reads1 + " -2 " + opt->reads2 +
                            " -o " + opt->outdir + (opt->sample.empty() ? "" : " --sample " + opt->sample);
        workflow::install_interrupt_handlers();
        workflow::progress_log log{stderr, *plain};
        auto out = workflow::run_wgs(*opt, log);
        if (!keys.empty())
        {
            auto encrypt = [&](std::filesystem::path & p, char const * companion) {
                if (p.empty())
                    return;
                if (companion != nullptr)
                    crypt::encrypt_output(p.string() + companion, keys);
                p = crypt::encrypt_output(p.string(), keys);
            };
            encrypt(out.bam, ".bai");
            encrypt(out.vcf, ".tbi");
            encrypt(out.metrics, nullptr);
            encrypt(out.multiqc, nullptr);
            encrypt(out.report, nullptr);
            log.line("encrypt", "outputs encrypted for " + std::to_string(keys.size()) + " recipient(s); plaintext removed");
        }
        std::printf(keys.empty() ? "outputs:\n  bam:     %s (+ .bai)\n" : "outputs:\n  bam:     %s (+ .bai.c4gh)\n", out.bam.string().c_str());
        if (!out.vcf.empty())
            std::printf(keys.empty() ? "  vcf:     %s (+ .tbi)\n" : "  vcf:     %s (+ .tbi.c4gh)\n", out.vcf.string().c_str());
        std::printf("  metrics: %s\n  multiqc: %s\n  report:  %s\n  index:   %s\n", out.metrics.string().c_str(),
                    out.multiqc.string().c_str(), out.report.string().c_str(), out.index.string().c_str());
        if (!out.skipped.empty())
        {
            std::string s;
            for (auto const & x : out.skipped)
                s += " " + x;
            std::printf("skipped (complete from an earlier run):%s\n", s.c_str());
        }
    });
}

} // namespace wgskit::cli
