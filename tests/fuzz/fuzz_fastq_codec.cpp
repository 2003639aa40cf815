// Fuzzes the .wfq decoder: any input either decodes or throws parse_error (never over-reads, over-allocates or
// hangs). Inputs starting with 'B' skip the container (whose index checksum stops most mutations early) and go
// straight to one block's header and payload decoder.
#include <cstdint>
#include <span>
#include <string>

#include <wgskit/codec/fastq/fastq_codec.hpp>

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const * data, std::size_t size)
{
    namespace fq = wgskit::codec::fastq;
    std::span<std::uint8_t const> const in{data, size};
    std::uint64_t const limit = std::uint64_t{1} << 18; // also bounds the base model (order <= 10)
    if (size > 0 && data[0] == 'B')
    {
        fq::detail::block_header h;
        std::string why;
        if (fq::detail::parse_block_header(in.subspan(1), h, why))
        {
            std::string out[2];
            (void)fq::detail::decode_block(h, out, limit);
        }
        return 0;
    }
    try
    {
        (void)fq::decompress_bytes(in, {.max_block_bytes = limit});
    }
    catch (wgskit::parse_error const &)
    {
    }
    return 0;
}
