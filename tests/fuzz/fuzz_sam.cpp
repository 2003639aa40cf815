// Fuzzes bam::reader on SAM text (plain or gzip): read or reject with a wgskit exception — never crash, hang,
// leak or read out of bounds. Each record read must format back to SAM that parses and formats to the same text.
#include <cstdlib>

#include <wgskit/bam/sam.hpp>

#include "fuzz_alignment_input.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const * data, std::size_t size)
{
    namespace bam = wgskit::bam;
    wgskit::fuzz::memory_file file{data, size};
    std::string line, again;
    bam::record back;
    wgskit::fuzz::read_alignments(file.path(), [&](bam::reader const & in, bam::record const & r) {
        if (in.is_bam())
            return;
        line.clear();
        bam::format_sam_record(r, in.header(), line);
        if (!line.empty() && line.back() == '\n')
            line.pop_back();
        bam::parse_sam_record(line, in.header(), back, "copy", 1);
        again.clear();
        bam::format_sam_record(back, in.header(), again);
        if (again != line + '\n' && again != line)
            std::abort();
    });
    return 0;
}
