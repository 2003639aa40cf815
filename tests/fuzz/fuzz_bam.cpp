// Fuzzes bam::reader on BAM: the input is the uncompressed BAM stream ("BAM\1", header, records), which the
// reader also accepts without BGZF framing, so the fuzzer mutates the binary records directly. Also the BAI
// loader on the same bytes. Read or reject with a wgskit exception — never crash, hang, leak or read out of
// bounds. Each record read must re-encode to bytes that decode to the same record.
#include <cstdlib>

#include <wgskit/bam/bai.hpp>
#include <wgskit/bam/detail/bam_codec.hpp>

#include "fuzz_alignment_input.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const * data, std::size_t size)
{
    namespace bam = wgskit::bam;
    wgskit::fuzz::memory_file file{data, size};
    std::string bytes, again;
    bam::record back;
    wgskit::fuzz::read_alignments(file.path(), [&](bam::reader const & in, bam::record const & r) {
        bytes.clear();
        bam::detail::encode_record(r, bytes);
        if (bytes.size() < 4)
            std::abort();
        bam::detail::decode_record(std::string_view{bytes}.substr(4), in.header().reference_count(), back, "copy", 1);
        again.clear();
        bam::detail::encode_record(back, again);
        if (again != bytes)
            std::abort();
    });
    try
    {
        auto idx = bam::bai_index::parse({reinterpret_cast<char const *>(data), size}, "fuzz.bai");
        for (std::size_t i = 0; i < idx.refs.size() && i < 4; ++i)
            (void)idx.chunks_for(i, 0, 1 << 20);
    }
    catch (std::runtime_error const &)
    {
    }
    return 0;
}
