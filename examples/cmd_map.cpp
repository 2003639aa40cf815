// wgskit map [-t N] [-R '@RG\tID:x\tSM:y'] [-p] [-o OUT.sam] REF.fa R1.fq[.gz] [R2.fq[.gz]]: maps short reads
// (single-end, paired files, or interleaved pairs with -p) on REF.fa's index REF.fa.wgsx and writes SAM.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <wgskit/core/atomic_file.hpp>
#include <wgskit/core/batch_pipeline.hpp>
#include <wgskit/core/exception.hpp>
#include <wgskit/fm/fmd_index.hpp>
#include <wgskit/io/fastq.hpp>
#include <wgskit/io/paired_fastq.hpp>
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
        "map", "Map short reads (single-end or paired) to a reference indexed by 'wgskit index'; SAM output.\n"
               "BAM output (-o OUT.bam) is not available yet: it arrives with the bam/ block; pipe the SAM to "
               "'samtools view -b' meanwhile.");
    struct options
    {
        std::string reference, reads1, reads2, output, read_group;
        unsigned threads = 1;
        bool interleaved = false;
        std::size_t batch_pairs = 4000; // 3 batches in flight with 2 threads: peak memory below bwa mem's
    };
    auto opt = std::make_shared<options>();
    cmd->add_option("-t,--threads", opt->threads, "Worker threads (output is identical for any number)")
        ->check(CLI::Range(1u, 1024u));
    cmd->add_option("-R,--read-group", opt->read_group, "Read group header line, e.g. '@RG\\tID:x\\tSM:y'");
    cmd->add_flag("-p,--interleaved", opt->interleaved, "R1 holds both mates, alternating");
    cmd->add_option("-o,--output", opt->output, "Output SAM file (default: standard output); .bam is not supported yet");
    cmd->add_option("-K,--batch-reads", opt->batch_pairs, "Reads (pairs) a batch; the insert size is estimated per batch")
        ->check(CLI::Range(std::size_t{100}, std::size_t{10000000}));
    cmd->add_option("reference", opt->reference, "Reference FASTA indexed by 'wgskit index' (REF.fa.wgsx beside it)")
        ->required();
    cmd->add_option("reads1", opt->reads1, "R1 FASTQ (plain or gzip)")->required();
    cmd->add_option("reads2", opt->reads2, "R2 FASTQ (plain or gzip)");
    std::string command_line;
    cmd->callback([opt, cmd] {
        if (opt->output.size() >= 4 && opt->output.compare(opt->output.size() - 4, 4, ".bam") == 0)
            throw invalid_argument{"map: BAM output is not available yet (it arrives with the bam/ block); write SAM "
                                   "and convert with 'samtools view -b', or pipe: wgskit map ... | samtools view -b"};
        if (opt->interleaved && !opt->reads2.empty())
            throw invalid_argument{"map: -p (interleaved) takes one FASTQ, not two"};
        std::string const index_path = opt->reference + ".wgsx";
        if (!std::filesystem::exists(index_path))
            throw io_error{index_path, "no index for " + opt->reference + ": run 'wgskit index " + opt->reference +
                                           "' first"};
        fm::load_options lo;
        lo.verify_checksums = false;
        auto const index = fm::fmd_index::load(index_path, lo);

        map::map_options mo;
        std::string rg_line;
        if (!opt->read_group.empty())
        {
            rg_line = unescape_tabs(opt->read_group);
            mo.read_group = read_group_id(rg_line);
        }
        map::mapper const mapper{index, mo};
        bool const paired = opt->interleaved || !opt->reads2.empty();

        std::string header = "@HD\tVN:1.6\tSO:unsorted\n";
        for (std::size_t k = 0; k < index.contig_count(); ++k)
            header += "@SQ\tSN:" + std::string{index.contig_name(k)} + "\tLN:" + std::to_string(index.contig_length(k)) + "\n";
        if (!rg_line.empty())
            header += rg_line + "\n";
        std::string cl = "wgskit map";
        // -t is left out so that the output is byte-identical for any thread count.
        if (!opt->read_group.empty())
            cl += " -R '" + opt->read_group + "'";
        if (opt->interleaved)
            cl += " -p";
        if (!opt->output.empty())
            cl += " -o " + opt->output;
        cl += " " + opt->reference + " " + opt->reads1 + (opt->reads2.empty() ? "" : " " + opt->reads2);
        header += "@PG\tID:wgskit\tPN:wgskit\tVN:" WGSKIT_VERSION_STRING "\tCL:" + cl + "\n";

        std::unique_ptr<atomic_output_file> file;
        if (!opt->output.empty())
            file = std::make_unique<atomic_output_file>(opt->output);
        auto write = [&](std::string const & s) {
            if (file)
                file->write(s);
            else if (std::fwrite(s.data(), 1, s.size(), stdout) != s.size())
                throw io_error{"<stdout>", "write failed"};
        };
        write(header);

        struct batch
        {
            io::read_batch a, b;
        };
        struct result
        {
            std::vector<map::alignment> records;
            std::string text;
            map::workspace ws;
        };
        auto names = [&](std::int32_t k) { return index.contig_name(static_cast<std::size_t>(k)); };
        auto work = [&](batch & in, result & out) {
            if (paired)
                mapper.map_paired(in.a, in.b, out.records, out.ws);
            else
                mapper.map_single(in.a, out.records, out.ws);
            out.text.clear();
            for (auto const & r : out.records)
                map::write_sam(out.text, r, names);
        };
        auto consume = [&](batch &, result & out) { write(out.text); };
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
                po, [&](batch & b) { return reader->read_batch(b.a, b.b, opt->batch_pairs, max_bases); }, work,
                consume);
        }
        else
        {
            io::fastq_reader reader{opt->reads1};
            run_ordered_pipeline<batch, result>(
                po, [&](batch & b) { return reader.read_batch(b.a, opt->batch_pairs, max_bases); }, work, consume);
        }
        if (file)
            file->commit();
        else
            std::fflush(stdout);
        (void)cmd;
    });
}
} // namespace wgskit::cli
