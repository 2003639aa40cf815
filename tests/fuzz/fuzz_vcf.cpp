// Fuzzes the VCF reader (plain and gzip/BGZF input) and the .tbi/.csi loader: the input must be read or
// rejected with a wgskit exception — never a crash, hang, leak or out-of-bounds access. What is read must
// survive a round trip: header text → parse gives the same header, each record formatted and parsed again
// gives the same record.
#include <cstdlib>

#include <wgskit/vcf/all.hpp>

#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const * data, std::size_t size)
{
    namespace vcf = wgskit::vcf;
    wgskit::fuzz::memory_file file{data, size};
    try
    {
        vcf::reader in{file.path()};
        vcf::header const & h = in.header();
        if (!(vcf::header::parse(h.text(), "copy") == h))
            std::abort();
        vcf::header copy = h;
        vcf::record r, back;
        std::string line;
        while (in.read(r))
        {
            line.clear();
            try
            {
                vcf::detail::format_record(in.header(), r, line);
            }
            catch (wgskit::invalid_argument const &)
            {
                continue; // e.g. a VCF 4.5 empty sample column, which we read but do not write
            }
            line.pop_back();
            copy = in.header(); // contigs seen so far
            vcf::detail::parse_record(line, copy, back, "copy", 1);
            if (!(back == r))
                std::abort();
            (void)r.end();
        }
    }
    catch (std::runtime_error const &)
    {
    }
    // The same bytes as an index file (BGZF-compressed TBI/CSI when the fuzzer finds the framing).
    try
    {
        auto idx = vcf::read_tabix_index(file.path());
        for (std::size_t i = 0; i < idx.names.size() && i < 4; ++i)
            (void)idx.bins.chunks_for(i, 0, 1 << 20);
    }
    catch (std::runtime_error const &)
    {
    }
    return 0;
}
