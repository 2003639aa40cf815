// One output record of the mapper and its SAM text.
//
// map::alignment is a small stand-in for a BAM record: at integration with the bam/ block it is to be replaced
// by bam::record and its SAM/BAM writers (write_sam below then goes away).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <wgskit/align/config.hpp>

namespace wgskit::map
{
namespace flag
{
inline constexpr std::uint16_t paired = 0x1, proper_pair = 0x2, unmapped = 0x4, mate_unmapped = 0x8,
                               reverse = 0x10, mate_reverse = 0x20, first = 0x40, second = 0x80,
                               secondary = 0x100, supplementary = 0x800;
}

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

//! Appends one SAM line. contig_name(k) gives the name of contig k.
template <typename ContigName>
void write_sam(std::string & out, alignment const & a, ContigName && contig_name)
{
    auto num = [&](std::int64_t v) { out += std::to_string(v); };
    out += a.qname;
    out += '\t';
    num(a.flag);
    out += '\t';
    if (a.contig < 0)
        out += '*';
    else
        out += contig_name(a.contig);
    out += '\t';
    num(a.pos + 1);
    out += '\t';
    num(a.mapq);
    out += '\t';
    if (a.cigar.empty())
        out += '*';
    else
        out += align::to_string(a.cigar);
    out += '\t';
    if (a.mate_contig < 0)
        out += '*';
    else if (a.mate_contig == a.contig)
        out += '=';
    else
        out += contig_name(a.mate_contig);
    out += '\t';
    num(a.mate_pos + 1);
    out += '\t';
    num(a.tlen);
    out += '\t';
    out += a.seq.empty() ? std::string_view{"*"} : std::string_view{a.seq};
    out += '\t';
    out += a.qual.empty() ? std::string_view{"*"} : std::string_view{a.qual};
    if (a.nm >= 0)
        out += "\tNM:i:", num(a.nm);
    if (!a.md.empty())
        out += "\tMD:Z:", out += a.md;
    if (!a.mc.empty())
        out += "\tMC:Z:", out += a.mc;
    if (a.as >= 0)
        out += "\tAS:i:", num(a.as);
    if (a.xs >= 0)
        out += "\tXS:i:", num(a.xs);
    if (!a.read_group.empty())
        out += "\tRG:Z:", out += a.read_group;
    if (!a.sa.empty())
        out += "\tSA:Z:", out += a.sa;
    if (!a.xa.empty())
        out += "\tXA:Z:", out += a.xa;
    out += '\n';
}
} // namespace wgskit::map
