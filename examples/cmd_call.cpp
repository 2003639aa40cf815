// wgskit call [-t N] [-r REGION]... [--gvcf] -f REF.fa -o OUT.vcf.gz IN.bam: diploid SNP and indel calling from a
// coordinate-sorted, indexed BAM (pileup + genotype likelihoods; indels realigned with a pair-HMM against
// candidate haplotypes); BGZF VCF with its tabix index; output identical for any thread count.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <wgskit/call/caller.hpp>

#include "commands.hpp"

namespace wgskit::cli
{

void register_call(CLI::App & app)
{
    struct options
    {
        std::string input, reference, output;
        call::caller_options call;
    };
    auto opt = std::make_shared<options>();
    auto * cmd = app.add_subcommand("call", "Call SNPs and indels (diploid) from an indexed BAM to VCF.gz");
    cmd->add_option("input", opt->input, "Coordinate-sorted BAM with its .bai")->required();
    cmd->add_option("-f,--reference", opt->reference, "Reference FASTA (its .fai is built when missing)")->required();
    cmd->add_option("-o,--output", opt->output, "Output VCF (.vcf.gz: BGZF + .tbi/.csi; .vcf: plain)")->required();
    cmd->add_option("-t,--threads", opt->call.threads, "Worker threads (regions in parallel)")->check(CLI::Range(1, 1024));
    cmd->add_option("-r,--region", opt->call.regions, "Region chr[:beg-end] (1-based, repeatable); default: all");
    cmd->add_flag("--gvcf", opt->call.gvcf, "gVCF: reference blocks (<*>, END, GQ bands, MIN_DP) between variants");
    cmd->add_option("--min-mapq", opt->call.thresholds.pileup.min_mapq, "Skip reads with lower MAPQ")
        ->check(CLI::Range(0, 254));
    cmd->add_option("--min-baseq", opt->call.thresholds.pileup.min_baseq, "Ignore bases with lower quality")
        ->check(CLI::Range(0, 93));
    cmd->add_option("--min-alt-count", opt->call.thresholds.min_alt_count, "Reads supporting a candidate allele")
        ->check(CLI::Range(1, 1000000));
    cmd->add_option("--min-alt-fraction", opt->call.thresholds.min_alt_fraction, "Fraction of the depth for a candidate")
        ->check(CLI::Range(0.0, 1.0));
    cmd->add_option("--chunk", opt->call.chunk_size, "Bases per work unit")->check(CLI::Range(1000, 1 << 30));

    cmd->callback([opt] {
        // ##commandline: rebuilt from the parsed options (the callback does not see argv).
        opt->call.command_line = "wgskit call -t " + std::to_string(opt->call.threads) +
                                 (opt->call.gvcf ? " --gvcf" : "") + " -f " + opt->reference + " -o " + opt->output;
        for (auto const & r : opt->call.regions)
            opt->call.command_line += " -r " + r;
        opt->call.command_line += " " + opt->input;
        auto s = call::call_variants(opt->input, opt->reference, opt->output, opt->call);
        std::fprintf(stderr,
                     "wgskit call: %llu records (%llu PASS): %llu SNPs, %llu indels, %llu multi-allelic; ts/tv %.2f; "
                     "%llu het, %llu hom-alt\n",
                     static_cast<unsigned long long>(s.records), static_cast<unsigned long long>(s.pass),
                     static_cast<unsigned long long>(s.snps), static_cast<unsigned long long>(s.indels),
                     static_cast<unsigned long long>(s.multiallelic),
                     s.transversions ? static_cast<double>(s.transitions) / static_cast<double>(s.transversions) : 0.0,
                     static_cast<unsigned long long>(s.het), static_cast<unsigned long long>(s.hom_alt));
    });
}

} // namespace wgskit::cli
