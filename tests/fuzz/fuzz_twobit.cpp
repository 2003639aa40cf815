// Fuzzes 2-bit packing with arbitrary bytes: pack either throws invalid_argument or round-trips exactly, and the
// reverse complement is an involution — on the dispatched architecture and on the scalar reference alike.
#include <cstdlib>
#include <string_view>

#include <wgskit/codec/twobit/packed_dna.hpp>

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const * data, std::size_t size)
{
    using namespace wgskit::codec::twobit;
    std::string_view const text{reinterpret_cast<char const *>(data), size};
    for (auto isa : wgskit::simd::available_isas())
    {
        wgskit::simd::scoped_isa force{isa};
        try
        {
            packed_dna const p = pack(text);
            if (unpack(p) != text || reverse_complement(reverse_complement(p)) != p)
                std::abort();
        }
        catch (wgskit::invalid_argument const &)
        {
        }
    }
    return 0;
}
