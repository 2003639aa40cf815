// Fuzzes the FASTA reader, the .fai builder and loader, and random access: read or throw, never crash or
// over-read; and where both the streaming reader and the index accept the input, they return the same sequences.
#include <cstdlib>
#include <string>
#include <vector>

#include <wgskit/io/faidx.hpp>
#include <wgskit/io/fasta.hpp>

#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const * data, std::size_t size)
{
    wgskit::fuzz::memory_file file{data, size};
    std::vector<wgskit::io::fasta_record> streamed;
    bool stream_ok = true;
    try
    {
        wgskit::io::fasta_reader in{file.path()};
        wgskit::io::fasta_record rec;
        while (in.next(rec))
            streamed.push_back(rec);
    }
    catch (std::runtime_error const &)
    {
        stream_ok = false;
    }
    try
    {
        auto const index = wgskit::io::fasta_index::build(file.path());
        std::string const fai = index.to_string();
        wgskit::fuzz::memory_file fai_file{reinterpret_cast<std::uint8_t const *>(fai.data()), fai.size()};
        if (wgskit::io::fasta_index::load(fai_file.path()).to_string() != fai)
            std::abort();
        wgskit::io::indexed_fasta fasta{file.path(), index};
        std::size_t k = 0;
        for (auto const & e : index.entries())
        {
            std::string const whole = fasta.fetch(e.name, 0, e.length);
            if (whole.size() != e.length)
                std::abort();
            if (e.length > 2 && fasta.fetch(e.name, 1, e.length - 1) != whole.substr(1, e.length - 2))
                std::abort();
            // .fai leaves out empty sequences; the streaming reader does not.
            while (stream_ok && k < streamed.size() && streamed[k].sequence.empty() && e.length != 0)
                ++k;
            if (stream_ok && k < streamed.size() && streamed[k].name == e.name && streamed[k].sequence != whole)
                std::abort();
            ++k;
        }
    }
    catch (std::runtime_error const &)
    {
    }
    catch (std::invalid_argument const &)
    {
    }
    return 0;
}
