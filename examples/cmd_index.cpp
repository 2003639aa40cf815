// wgskit index [-p PREFIX] [-t N] REF.fa[.gz]: builds the FM-index file REF.fa.wgsx (or PREFIX.wgsx).
#include <chrono>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include <zlib.h>

#include <wgskit/codec/twobit/packed_dna.hpp>
#include <wgskit/core/exception.hpp>
#include <wgskit/fm/fmd_index.hpp>

#include "commands.hpp"

namespace wgskit::cli
{
namespace
{
// TEMPORARY local FASTA loader (plain or gzip): to be replaced by include/wgskit/io/fasta.hpp when merging.
// Names end at the first blank; sequence lines are concatenated with blanks dropped. Each contig is packed to
// 2 bits as soon as it is complete, so only one contig is held as text.
std::vector<fm::packed_reference_sequence> load_fasta_for_index(std::string const & path)
{
    gzFile in = gzopen(path.c_str(), "rb");
    if (in == nullptr)
        throw io_error{path, "cannot open"};
    gzbuffer(in, 1u << 17);
    std::vector<fm::packed_reference_sequence> contigs;
    std::vector<char> buf(1u << 16);
    std::string line, name, seq;
    std::uint64_t line_no = 0, header_line = 0;
    auto finish_contig = [&] {
        if (header_line == 0)
            return;
        try
        {
            contigs.push_back({name, codec::twobit::pack(seq)});
        }
        catch (invalid_argument const & e)
        {
            throw parse_error{path, header_line, "contig '" + name + "': " + e.what()};
        }
        seq.clear();
        seq.shrink_to_fit();
    };
    auto flush_line = [&] {
        ++line_no;
        if (!line.empty() && line[0] == '>')
        {
            finish_contig();
            name = line.substr(1, line.find_first_of(" \t\r", 1) - 1);
            if (name.empty())
                throw parse_error{path, line_no, "FASTA header without a name"};
            header_line = line_no;
        }
        else if (!line.empty())
        {
            if (header_line == 0)
                throw parse_error{path, line_no, "sequence before the first '>' header"};
            for (char c : line)
                if (c > ' ')
                    seq.push_back(c);
        }
        line.clear();
    };
    for (;;)
    {
        int const got = gzread(in, buf.data(), static_cast<unsigned>(buf.size()));
        if (got < 0)
        {
            int err = 0;
            std::string const msg = gzerror(in, &err);
            gzclose(in);
            throw parse_error{path, 0, "decompression failed: " + msg};
        }
        if (got == 0)
            break;
        for (int i = 0; i < got; ++i)
        {
            if (buf[static_cast<std::size_t>(i)] == '\n')
                flush_line();
            else
                line.push_back(buf[static_cast<std::size_t>(i)]);
        }
    }
    gzclose(in);
    if (!line.empty())
        flush_line();
    finish_contig();
    if (contigs.empty())
        throw parse_error{path, 0, "no FASTA records"};
    return contigs;
}
} // namespace

void register_index(CLI::App & app)
{
    auto * cmd = app.add_subcommand("index", "Build the FM-index of a reference (REF.fa.wgsx) for mapping");
    struct options
    {
        std::string reference;
        std::string prefix;
        unsigned threads = 1;
        std::uint32_t sa_rate = 32;
    };
    auto opt = std::make_shared<options>();
    cmd->add_option("-p,--prefix", opt->prefix, "Write PREFIX.wgsx instead of REF.wgsx");
    cmd->add_option("-t,--threads", opt->threads, "Threads (construction is single-threaded for now)")
        ->check(CLI::Range(1u, 1024u));
    cmd->add_option("-s,--sa-rate", opt->sa_rate, "Keep every s-th suffix array entry (locate cost ~s steps)")
        ->check(CLI::Range(1u, 1u << 20));
    cmd->add_option("reference", opt->reference, "Reference FASTA (plain or gzip)")->required();
    cmd->callback([opt] {
        using clock = std::chrono::steady_clock;
        auto const t0 = clock::now();
        std::string const out = (opt->prefix.empty() ? opt->reference : opt->prefix) + ".wgsx";
        std::fprintf(stderr, "[wgskit index] reading %s\n", opt->reference.c_str());
        auto contigs = load_fasta_for_index(opt->reference);
        fm::build_options build;
        build.sa_sample_rate = opt->sa_rate;
        build.progress = [](std::string_view line) {
            std::fprintf(stderr, "[wgskit index] %.*s\n", static_cast<int>(line.size()), line.data());
        };
        auto const index = fm::fmd_index::build(contigs, build);
        contigs.clear();
        index.save(out);
        std::fprintf(stderr, "[wgskit index] wrote %s (%zu contigs, %llu bases, %zu bytes) in %.1f s\n", out.c_str(),
                     index.contig_count(), static_cast<unsigned long long>(index.reference_length()),
                     index.size_bytes(), std::chrono::duration<double>(clock::now() - t0).count());
    });
}

} // namespace wgskit::cli
