// wgskit index [-p PREFIX] [-t N] REF.fa[.gz]: builds the FM-index file REF.fa.wgsx (or PREFIX.wgsx).
#include <chrono>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include <wgskit/codec/twobit/packed_dna.hpp>
#include <wgskit/core/exception.hpp>
#include <wgskit/fm/fmd_index.hpp>
#include <wgskit/io/packed_reference.hpp>

#include "commands.hpp"

namespace wgskit::cli
{
void register_index(CLI::App & app)
{
    auto * cmd = app.add_subcommand("index", "Build the FM-index of a reference (REF.fa.wgsx) for mapping");
    struct options
    {
        std::string reference;
        std::string prefix;
        unsigned threads = 1;
        std::uint32_t sa_rate = fm::build_options{}.sa_sample_rate;
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
        auto contigs = io::read_packed_reference(opt->reference);
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
