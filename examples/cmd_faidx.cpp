// wgskit faidx REF.fa [REGION...]: build REF.fa.fai if missing and print regions as FASTA, like samtools faidx.
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include <wgskit/core/exception.hpp>
#include <wgskit/io/faidx.hpp>

#include "commands.hpp"

namespace wgskit::cli
{

void register_faidx(CLI::App & app)
{
    struct options
    {
        std::string fasta;
        std::vector<std::string> regions;
        bool rebuild = false;
        std::size_t width = 60;
    };
    auto opt = std::make_shared<options>();
    auto * cmd = app.add_subcommand("faidx", "Index a FASTA file (.fai, samtools-compatible) and print regions");
    cmd->add_option("fasta", opt->fasta, "Uncompressed FASTA file")->required();
    cmd->add_option("regions", opt->regions, "Regions: NAME, NAME:BEG-END or NAME:BEG (1-based, inclusive)");
    cmd->add_flag("-i,--rebuild", opt->rebuild, "Rebuild the .fai even if it exists");
    cmd->add_option("-n,--length", opt->width, "Bases per output line")->check(CLI::PositiveNumber);

    cmd->callback([opt] {
        io::indexed_fasta ref{opt->fasta, opt->rebuild};
        std::string out;
        for (auto const & text : opt->regions)
        {
            std::string seq = ref.fetch(ref.parse_region(text));
            out.clear();
            out.reserve(seq.size() + seq.size() / opt->width + text.size() + 4);
            out += '>';
            out += text;
            out += '\n';
            for (std::size_t i = 0; i < seq.size(); i += opt->width)
            {
                out.append(seq, i, opt->width);
                out += '\n';
            }
            if (std::fwrite(out.data(), 1, out.size(), stdout) != out.size())
                throw io_error{"<stdout>", std::string{"write failed: "} + std::strerror(errno)};
        }
        if (std::fflush(stdout) != 0)
            throw io_error{"<stdout>", std::string{"write failed: "} + std::strerror(errno)};
    });
}

} // namespace wgskit::cli
