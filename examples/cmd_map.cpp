// wgskit map [-t N] [-R '@RG\tID:x\tSM:y'] [-p] [--bwa-seeds] [-o OUT.sam|OUT.bam] REF.fa R1.fq[.gz]
// [R2.fq[.gz]]: maps short reads (single-end, paired files, or interleaved pairs with -p) on REF.fa's index
// REF.fa.wgsx; SAM (standard output or -o x.sam) or BAM (-o x.bam) through bam's writers.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <wgskit/bam/writer.hpp>
#include <wgskit/core/batch_pipeline.hpp>
#include <wgskit/core/exception.hpp>
#include <wgskit/fm/fmd_index.hpp>
#include <wgskit/io/fastq.hpp>
#include <wgskit/io/paired_fastq.hpp>
#include <wgskit/map/bam_output.hpp>
#include <wgskit/map/mapper.hpp>
#include <wgskit/version.hpp>

#include "commands.hpp"

namespace wgskit::cli
{
namespace
{
//! "\t" written as two characters on a command line becomes a tab.
std::string unescape_tabs(std::string s)
{
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i)
    {
        if (s[i] == '\\' && i + 1 < s.size() && s[i + 1] == 't')
            out += '\t', ++i;
        else
            out += s[i];
    }
    return out;
}

std::string read_group_id(std::string const & line)
{
    if (line.rfind("@RG\t", 0) != 0)
        throw invalid_argument{"map -R: the read group line must start with '@RG\\t' (got '" + line + "')"};
    auto const p = line.find("\tID:");
    if (p == std::string::npos)
        throw invalid_argument{"map -R: the read group line has no ID field"};
    auto const e = line.find('\t', p + 4);
    std::string id = line.substr(p + 4, e == std::string::npos ? std::string::npos : e - p - 4);
    if (id.empty())
        throw invalid_argument{"map -R: empty read group ID"};
    return id;
}
} // namespace

void register_map(CLI::App & app)
{
    auto * cmd = app.add_subcommand(
        "map", "Map short reads (single-end or paired) to a reference indexed by 'wgskit index'; SAM on standard "
               "output, or -o OUT.sam / OUT.bam (unsorted).");
    struct options
    {
        std::string reference, reads1, reads2, output, read_group;
        unsigned threads = 1;
        bool interleaved = false, mate_score = false, huge_pages = true, bwa_seeds = false;
        std::size_t batch_pairs = 4000; // 3 batches in flight with 2 threads: peak memory below bwa mem's
    };
    auto opt = std::make_shared<options>();
    cmd->add_option("-t,--threads", opt->threads, "Worker threads (output is identical for any number)")
        ->check(CLI::Range(1u, 1024u));
    cmd->add_option("-R,--read-group", opt->read_group, "Read group header line, e.g. '@RG\\tID:x\\tSM:y'");
    cmd->add_flag("-p,--interleaved", opt->interleaved, "R1 holds both mates, alternating");
    cmd->add_flag("--mate-score", opt->mate_score,
                  "Add the ms (mate base-quality score) tag as samtools fixmate -m does, so that 'wgskit sort "
                  "--markdup' can read the output directly");
    cmd->add_flag("--huge-pages,!--no-huge-pages", opt->huge_pages,
                  "Copy the index onto transparent huge pages (default; fewer TLB misses) rather than map the file "
                  "(--no-huge-pages: shared with other processes through the page cache)");
    cmd->add_flag("--bwa-seeds", opt->bwa_seeds,
                  "Seed exactly as bwa mem: re-seed inside SMEMs that occur once too, and keep every first-pass SMEM "
                  "(about 1.75x the CPU, the same accuracy on simulated reads)");
    cmd->add_option("-o,--output", opt->output, "Output file: BAM if it ends in .bam, else SAM (default: SAM on standard output)");
    cmd->add_option("-K,--batch-reads", opt->batch_pairs, "Reads (pairs) a batch; the insert size is estimated per batch")
        ->check(CLI::Range(std::size_t{100}, std::size_t{10000000}));
    cmd->add_option("reference", opt->reference, "Reference FASTA indexed by 'wgskit index' (REF.fa.wgsx beside it)")
        ->required();
    cmd->add_option("reads1", opt->reads1, "R1 FASTQ (plain or gzip)")->required();
    cmd->add_option("reads2", opt->reads2, "R2 FASTQ (plain or gzip)");
    std::string command_line;
    cmd->callback([opt, cmd] {
        bool const bam_output = opt->output.size() >= 4 && opt->output.compare(opt->output.size() - 4, 4, ".bam") == 0;
        if (opt->interleaved && !opt->reads2.empty())
            throw invalid_argument{"map: -p (interleaved) takes one FASTQ, not two"};
        std::string const index_path = opt->reference + ".wgsx";
        if (!std::filesystem::exists(index_path))
            throw io_error{index_path, "no index for " + opt->reference + ": run 'wgskit index " + opt->reference +
                                           "' first"};
        fm::load_options lo;
        lo.verify_checksums = false;
        lo.huge_pages = opt->huge_pages;
        auto const index = fm::fmd_index::load(index_path, lo);

        map::map_options mo;
        if (opt->bwa_seeds)
            mo.seeds.reseed_unique = true, mo.seeds.first_pass_min_forward = 0;
        std::string rg_line;
        if (!opt->read_group.empty())
        {
            rg_line = unescape_tabs(opt->read_group);
            mo.read_group = read_group_id(rg_line);
        }
        map::mapper const mapper{index, mo};
        bool const paired = opt->interleaved || !opt->reads2.empty();

        std::string cl = "wgskit map";
        // -t is left out so that the output is byte-identical for any thread count.
        if (!opt->read_group.empty())
            cl += " -R '" + opt->read_group + "'";
        if (opt->interleaved)
            cl += " -p";
        if (opt->bwa_seeds)
            cl += " --bwa-seeds";
        if (!opt->output.empty())
            cl += " -o " + opt->output;
        cl += " " + opt->reference + " " + opt->reads1 + (opt->reads2.empty() ? "" : " " + opt->reads2);
        bam::writer sink{opt->output.empty() ? "-" : opt->output, map::make_header(index, rg_line, cl),
                        bam::writer_options{bam_output ? bam::file_format::bam : bam::file_format::sam, 6,
                                            opt->threads > 1 ? opt->threads : 0}};

        using batch = map::read_pairs;
        using result = map::mapped_batch;
        auto work = [&](batch & in, result & out) { map::map_batch(mapper, in, paired, opt->mate_score, out); };
        auto consume = [&](batch &, result & out) {
            for (auto const & r : out.records)
                sink.write(r);
        };
        pipeline_options po;
        po.threads = opt->threads;
        po.max_in_flight = opt->threads + 1; // batches are large: bound the memory
        std::uint64_t const max_bases = std::uint64_t{1} << 40;
        if (paired)
        {
            std::unique_ptr<io::paired_fastq_reader> reader =
                opt->interleaved ? std::make_unique<io::paired_fastq_reader>(opt->reads1, io::interleaved)
                                 : std::make_unique<io::paired_fastq_reader>(opt->reads1, opt->reads2);
            run_ordered_pipeline<batch, result>(
                po, [&](batch & b) { return reader->read_batch(b.mates1, b.mates2, opt->batch_pairs, max_bases); }, work,
                consume);
        }
        else
        {
            io::fastq_reader reader{opt->reads1};
            run_ordered_pipeline<batch, result>(
                po, [&](batch & b) { return reader.read_batch(b.mates1, opt->batch_pairs, max_bases); }, work, consume);
        }
        sink.close();
        (void)cmd;
    });
}
} // namespace wgskit::cli
