// wgskit: one command, one subcommand per task. Errors are printed as "wgskit: error: ..." with exit code 1.
#include <cstdio>
#include <exception>
#include <string>

#include <wgskit/core/signal_cleanup.hpp>
#include <wgskit/simd/arch.hpp>
#include <wgskit/version.hpp>

#include "commands.hpp"

namespace
{
std::string compiler_name()
{
#if defined(__clang__)
    return "clang " __clang_version__;
#elif defined(__GNUC__)
    return "g++ " __VERSION__;
#else
    return "unknown compiler";
#endif
}

void print_version()
{
    using namespace wgskit::simd;
    std::string compiled, available;
    for (isa i : compiled_isas())
        compiled += (compiled.empty() ? "" : " ") + std::string{isa_name(i)};
    for (isa i : available_isas())
        available += (available.empty() ? "" : " ") + std::string{isa_name(i)};
    std::printf("wgskit %s\ncompiler: %s\nsimd compiled in: %s\nsimd supported by this cpu: %s\nsimd selected: %s\n",
                WGSKIT_VERSION_STRING, compiler_name().c_str(), compiled.c_str(), available.c_str(),
                std::string{isa_name(active_isa())}.c_str());
}
} // namespace

int main(int argc, char ** argv)
{
    // Before any output exists: interrupted runs leave no temporaries, `ulimit -f` gives an error, not SIGXFSZ.
    wgskit::install_signal_cleanup();
    CLI::App app{"wgskit: whole-genome sequencing toolkit (FASTQ to VCF)", "wgskit"};
    app.set_help_all_flag("--help-all", "Show help for every subcommand");
    bool version = false;
    app.add_flag("--version", version, "Print the version, compiler and SIMD architectures, then exit");
    app.require_subcommand(0, 1);

    wgskit::cli::register_call(app);
    wgskit::cli::register_compress(app);
    wgskit::cli::register_count(app);
    wgskit::cli::register_crypt(app);
    wgskit::cli::register_decompress(app);
    wgskit::cli::register_faidx(app);
    wgskit::cli::register_index(app);
    wgskit::cli::register_map(app);
    wgskit::cli::register_sort(app);
    wgskit::cli::register_stats(app);
    wgskit::cli::register_wgs(app);

    try
    {
        app.parse(argc, argv);
        if (version)
        {
            print_version();
            return 0;
        }
        if (app.get_subcommands().empty())
        {
            std::fputs(app.help().c_str(), stderr);
            return 1;
        }
    }
    catch (CLI::ParseError const & e)
    {
        return app.exit(e);
    }
    catch (std::exception const & e)
    {
        std::fprintf(stderr, "wgskit: error: %s\n", e.what());
        return 1;
    }
    return 0;
}
