// A field of the example reads as one byte string: the qualities or the names of the first reads of
// examples/data/NA12878.chr22_R1.fastq.gz, concatenated. Shared by the rANS kernel tests.
#pragma once

#include "wgskit_test_paths.hpp"

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include <wgskit/codec/bgzf/reader.hpp>

namespace wgskit::test_support
{

//! The qualities (which = 0) or the names (1, without newlines) concatenated, at most cap bytes.
inline std::vector<std::uint8_t> example_fastq_field(int which, std::size_t cap)
{
    codec::bgzf::reader r{std::string{WGSKIT_SOURCE_DIR} + "/examples/data/NA12878.chr22_R1.fastq.gz"};
    std::string const text = r.read_all();
    std::vector<std::uint8_t> v;
    std::size_t line = 0;
    for (std::size_t pos = 0; pos < text.size() && v.size() < cap; ++line)
    {
        std::size_t end = text.find('\n', pos);
        if (end == std::string::npos)
            end = text.size();
        if (line % 4 == (which == 0 ? 3u : 0u))
            v.insert(v.end(), text.begin() + static_cast<std::ptrdiff_t>(pos), text.begin() + static_cast<std::ptrdiff_t>(end));
        pos = end + 1;
    }
    v.resize(std::min(v.size(), cap));
    return v;
}

} // namespace wgskit::test_support
