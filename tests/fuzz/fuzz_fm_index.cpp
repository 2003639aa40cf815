// Fuzzes the FM-index file loader: a damaged index file is rejected with a parse_error, never read past its end.
// Seeds are real index files (scripts/fuzz builds them with wgskit's own library from small FASTA files).
#include <cstdlib>

#include <wgskit/fm/fmd_index.hpp>

#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const * data, std::size_t size)
{
    wgskit::fuzz::memory_file file{data, size};
    try
    {
        auto const index = wgskit::fm::fmd_index::load(file.path());
        // A file that passed every check must answer queries.
        (void)index.count("ACGTACGTAC");
        (void)index.count("GGGCCC");
    }
    catch (std::runtime_error const &)
    {
    }
    return 0;
}
