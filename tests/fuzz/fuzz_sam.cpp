// Fuzzes bam::reader on SAM text (plain or gzip): read or reject with a wgskit exception — never crash, hang,
// leak or read out of bounds. Each record read must format back to SAM that parses to the same record.
#include <cstdlib>

#include <wgskit/bam/reader.hpp>
#include <wgskit/bam/sam.hpp>

#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const * data, std::size_t size)
{
    namespace bam = wgskit::bam;
    wgskit::fuzz::memory_file file{data, size};
    try
    {
        bam::reader in{file.path()};
        bam::record r, back;
        std::string line;
        while (in.read(r))
        {
            (void)r.end_position();
            (void)r.sequence();
            if (in.is_bam())
                continue;
            line.clear();
            bam::format_sam_record(r, in.header(), line);
            if (!line.empty() && line.back() == '\n')
                line.pop_back();
            bam::parse_sam_record(line, in.header(), back, "copy", 1);
            std::string again;
            bam::format_sam_record(back, in.header(), again);
            if (again != line + '\n' && again != line)
                std::abort();
        }
    }
    catch (std::runtime_error const &)
    {
    }
    return 0;
}
