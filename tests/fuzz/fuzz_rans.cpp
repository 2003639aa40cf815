// Fuzzes rANS Nx16: any input decodes or throws parse_error (never over-reads or over-allocates), and any input,
// compressed with flags taken from its first bytes, decompresses to itself.
#include <cstdlib>
#include <span>
#include <vector>

#include <wgskit/codec/rans/rans_nx16.hpp>

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const * data, std::size_t size)
{
    namespace rans = wgskit::codec::rans;
    std::span<std::uint8_t const> const in{data, size};
    try
    {
        auto const out = rans::decompress(in, {.size = std::nullopt, .max_size = std::size_t{1} << 24});
        (void)out;
    }
    catch (wgskit::parse_error const &)
    {
    }
    if (size >= 2)
    {
        static constexpr unsigned choices[] = {0, rans::order1, rans::x32, rans::order1 | rans::x32, rans::rle,
                                               rans::pack, rans::order1 | rans::rle, rans::stripe | rans::stripe_ways(4),
                                               rans::cat, rans::pack | rans::rle | rans::order1};
        unsigned const flags = choices[data[0] % (sizeof choices / sizeof choices[0])];
        auto const payload = in.subspan(1);
        auto const packed = rans::compress(payload, flags);
        auto const back = rans::decompress(packed);
        if (back.size() != payload.size() || !std::equal(back.begin(), back.end(), payload.begin()))
            std::abort();
    }
    return 0;
}
