// Fuzzes the BGZF / gzip reader (one thread and two, so the worker path runs too): read everything or throw a
// wgskit exception; both thread counts must reach the same verdict and the same bytes.
#include <cstdlib>
#include <string>

#include <wgskit/codec/bgzf/reader.hpp>

#include "fuzz_input.hpp"

namespace
{
bool read_whole(std::string const & path, unsigned threads, std::string & out)
{
    try
    {
        wgskit::codec::bgzf::reader in{path, {threads}};
        out = in.read_all();
        return true;
    }
    catch (std::runtime_error const &)
    {
        return false;
    }
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const * data, std::size_t size)
{
    wgskit::fuzz::memory_file file{data, size};
    std::string one, two;
    bool const ok_one = read_whole(file.path(), 0, one);
    bool const ok_two = read_whole(file.path(), 2, two);
    if (ok_one != ok_two || one != two)
        std::abort();
    return 0;
}
