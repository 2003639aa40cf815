// One output record of the mapper, as the mapper builds it (plain fields, cheap to edit while pairing).
// Records leave the map block as bam::record (map/bam_output.hpp), written by bam's SAM and BAM writers.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <wgskit/align/config.hpp>
#include <wgskit/bam/record.hpp>

namespace wgskit::map
{
//! The FLAG bits are bam's; "second" is the mapper's name for bam's "last" (0x80).
namespace flag
{
using namespace bam::flag;
inline constexpr std::uint16_t second = bam::flag::last;
} // namespace flag

struct alignment
{
    std::string qname;
    std::uint16_t flag = 0;
    std::int32_t contig = -1; //!< -1: '*'
    std::int64_t pos = -1;    //!< 0-based; -1: unset
    std::uint8_t mapq = 0;
    align::cigar cigar;       //!< empty: '*'
    std::int32_t mate_contig = -1;
    std::int64_t mate_pos = -1;
    std::int64_t tlen = 0;
    std::string seq, qual;    //!< as stored in SAM (reverse-complemented / reversed for reverse-strand records)
    std::int32_t nm = -1, as = -1, xs = -1; //!< -1: tag absent
    std::string md, sa, read_group;         //!< empty: tag absent
    std::string mc;                         //!< MC: the mate's CIGAR (mate mapped); empty: absent
    std::string xa;                         //!< XA: alternative hits, "contig,(+|-)pos,CIGAR,NM;" each; empty: absent
};

} // namespace wgskit::map
