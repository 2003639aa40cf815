// Shared by fuzz_sam and fuzz_bam: reads every record of a SAM/BAM input through bam::reader, touching the
// decoded fields, and hands each to a round-trip check. Parse errors (wgskit exceptions) are expected.
#pragma once

#include <stdexcept>

#include <wgskit/bam/reader.hpp>

namespace wgskit::fuzz
{

template <typename Check>
void read_alignments(std::string const & path, Check && check)
{
    try
    {
        bam::reader in{path};
        bam::record r;
        while (in.read(r))
        {
            (void)r.end_position();
            (void)r.sequence();
            (void)r.tag("NM");
            check(in, r);
        }
    }
    catch (std::runtime_error const &)
    {
    }
}

} // namespace wgskit::fuzz
