// wgskit compress [-t N] [--block N] IN.fq[.gz] [IN2.fq[.gz]] -o OUT.wfq
// wgskit decompress [-t N] [--block K | --blocks K-L] IN.wfq -o OUT.fq | -o OUT_1.fq -o OUT_2.fq | -o PREFIX
// Lossless FASTQ compression (codec/fastq): decompress gives back the input bytes exactly.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <wgskit/codec/fastq/fastq_codec.hpp>
#include <wgskit/core/exception.hpp>

#include "commands.hpp"

namespace wgskit::cli
{

void register_compress(CLI::App & app)
{
    struct options
    {
        std::vector<std::string> inputs;
        std::string output;
        std::size_t threads = 1;
        std::uint32_t block = codec::fastq::compress_options{}.block_records;
        unsigned order = codec::fastq::compress_options{}.base_order;
    };
    auto opt = std::make_shared<options>();
    auto * cmd = app.add_subcommand("compress", "Compress FASTQ (single or paired, plain or gzip) losslessly to .wfq");
    cmd->add_option("inputs", opt->inputs, "IN.fq[.gz] [IN2.fq[.gz]] (mate files)")->required()->expected(1, 2);
    cmd->add_option("-o,--output", opt->output, "Output .wfq file")->required();
    cmd->add_option("-t,--threads", opt->threads, "Worker threads")->check(CLI::Range(1, 1024));
    cmd->add_option("--block", opt->block, "Records (pairs) per block")->check(CLI::Range(1, 1 << 24));
    cmd->add_option("--base-order", opt->order, "Bases of context for the base model (1..13)")->check(CLI::Range(1, 13));
    cmd->callback([opt] {
        codec::fastq::compress(opt->inputs, opt->output, {opt->threads, opt->block, opt->order});
    });
}

void register_decompress(CLI::App & app)
{
    struct options
    {
        std::string input;
        std::vector<std::string> outputs;
        std::size_t threads = 1;
        std::string blocks;
    };
    auto opt = std::make_shared<options>();
    auto * cmd = app.add_subcommand("decompress", "Decompress a .wfq file back to the original FASTQ bytes");
    cmd->add_option("input", opt->input, "IN.wfq")->required();
    cmd->add_option("-o,--output", opt->outputs,
                    "OUT.fq; for pairs OUT_1.fq -o OUT_2.fq, or one PREFIX (writes PREFIX_1.fq, PREFIX_2.fq)")
        ->required()
        ->expected(1, 2);
    cmd->add_option("-t,--threads", opt->threads, "Worker threads")->check(CLI::Range(1, 1024));
    cmd->add_option("--block,--blocks", opt->blocks, "Only block K, or blocks K-L (0-based, inclusive)");
    cmd->callback([opt] {
        codec::fastq::decompress_options d;
        d.threads = opt->threads;
        if (!opt->blocks.empty())
        {
            auto const dash = opt->blocks.find('-');
            try
            {
                std::size_t used = 0;
                std::uint64_t const first = std::stoull(opt->blocks.substr(0, dash), &used);
                std::uint64_t last = first;
                if (used != (dash == std::string::npos ? opt->blocks.size() : dash))
                    throw std::invalid_argument{"junk"};
                if (dash != std::string::npos)
                {
                    std::string const tail = opt->blocks.substr(dash + 1);
                    last = std::stoull(tail, &used);
                    if (used != tail.size() || last < first)
                        throw std::invalid_argument{"junk"};
                }
                d.first_block = first;
                d.block_count = last - first + 1;
            }
            catch (std::exception const &)
            {
                throw invalid_argument{"--block: expected K or K-L (block numbers), got '" + opt->blocks + "'"};
            }
        }
        auto outputs = opt->outputs;
        if (codec::fastq::read_info(opt->input).paired && outputs.size() == 1)
            outputs = {outputs[0] + "_1.fq", outputs[0] + "_2.fq"};
        codec::fastq::decompress(opt->input, outputs, d);
    });
}

} // namespace wgskit::cli
