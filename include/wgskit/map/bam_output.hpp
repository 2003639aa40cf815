// The mapper's output as bam::record objects and its bam::header: what leaves the map block. bam's writers
// format them (SAM text or BAM), and the workflow streams them into the sorter without any text in between.
//
//   auto hdr = map::make_header(index, rg_line, "wgskit map ...");
//   m.map_paired(m1, m2, alignments, ws);
//   map::to_records(alignments, records);        // same order; records.size() == alignments.size()
//   map::add_mate_tags(records);                 // MC/ms for duplicate marking (as samtools fixmate -m)
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <wgskit/bam/header.hpp>
#include <wgskit/bam/markdup.hpp>
#include <wgskit/bam/record.hpp>
#include <wgskit/core/exception.hpp>
#include <wgskit/fm/fmd_index.hpp>
#include <wgskit/io/fastq.hpp>
#include <wgskit/map/alignment.hpp>
#include <wgskit/map/mapper.hpp>
#include <wgskit/version.hpp>

namespace wgskit::map
{

//! @HD (unsorted), one @SQ per contig of the index, the @RG line if given (without its newline), and @PG.
//! Throws parse_error when the read group line is not valid SAM header text.
inline bam::header make_header(fm::fmd_index const & index, std::string_view read_group_line,
                               std::string_view command_line)
{
    std::string text = "@HD\tVN:1.6\tSO:unsorted\n";
    for (std::size_t k = 0; k < index.contig_count(); ++k)
        text += "@SQ\tSN:" + std::string{index.contig_name(k)} + "\tLN:" + std::to_string(index.contig_length(k)) + "\n";
    if (!read_group_line.empty())
        text += std::string{read_group_line} + "\n";
    text += "@PG\tID:wgskit\tPN:wgskit\tVN:" WGSKIT_VERSION_STRING "\tCL:" + std::string{command_line} + "\n";
    return bam::header::from_text(std::move(text), "<read group / program line>");
}

//! One alignment as a BAM record. FASTQ qualities (Phred+33) become Phred values; tags in the order
//! NM, MD, AS, XS, RG, SA. cigar_ops is scratch space (reused between calls).
inline bam::record to_record(alignment const & a, std::vector<std::uint32_t> & cigar_ops)
{
    cigar_ops.clear();
    for (auto const & e : a.cigar)
    {
        auto const code = bam::cigar_letters.find(e.op);
        cigar_ops.push_back(bam::cigar_op(static_cast<bam::cigar_code>(code), e.length));
    }
    std::string qual = a.qual;
    for (auto & c : qual)
    {
        if (c < 33)
            throw invalid_argument{"map: read " + a.qname + " has a quality character below '!'"};
        c = static_cast<char>(c - 33);
    }
    bam::record_fields f;
    f.qname = a.qname;
    f.flag = a.flag;
    f.tid = a.contig;
    f.pos = a.pos;
    f.mapq = a.mapq;
    f.cigar = cigar_ops;
    f.mate_tid = a.mate_contig;
    f.mate_pos = a.mate_pos;
    f.tlen = a.tlen;
    f.seq = a.seq;
    f.qual = qual;
    bam::record r = bam::record::from_fields(f);
    if (a.nm >= 0)
        r.set_tag_int("NM", a.nm);
    if (!a.md.empty())
        r.set_tag_string("MD", a.md);
    if (!a.mc.empty())
        r.set_tag_string("MC", a.mc);
    if (a.as >= 0)
        r.set_tag_int("AS", a.as);
    if (a.xs >= 0)
        r.set_tag_int("XS", a.xs);
    if (!a.read_group.empty())
        r.set_tag_string("RG", a.read_group);
    if (!a.sa.empty())
        r.set_tag_string("SA", a.sa);
    if (!a.xa.empty())
        r.set_tag_string("XA", a.xa);
    return r;
}

//! Converts a batch in order (out is overwritten).
inline void to_records(std::vector<alignment> const & in, std::vector<bam::record> & out)
{
    std::vector<std::uint32_t> ops;
    out.clear();
    out.reserve(in.size());
    for (auto const & a : in)
        out.push_back(to_record(a, ops));
}

//! For paired output (pair i's mate-1 records, then its mate-2 records, then pair i + 1...): gives both primary
//! records of each pair the MC and ms tags duplicate marking needs (bam::set_mate_tags).
inline void add_mate_tags(std::vector<bam::record> & records)
{
    std::size_t first = records.size();
    for (std::size_t i = 0; i < records.size(); ++i)
    {
        auto const & r = records[i];
        if (!r.has_flag(bam::flag::paired) || r.has_flag(bam::flag::secondary | bam::flag::supplementary))
            continue;
        if (r.has_flag(bam::flag::first))
            first = i;
        else if (first < records.size())
        {
            bam::set_mate_tags(records[first], records[i]);
            first = records.size();
        }
    }
}

//! A batch of reads for the ordered pipeline: single-end reads in mates1, pairs in mates1[i] / mates2[i].
struct read_pairs
{
    io::read_batch mates1, mates2;
};

//! A mapped batch: the mapper's output as records, with the buffers reused between batches.
struct mapped_batch
{
    std::vector<alignment> alignments;
    std::vector<bam::record> records;
    workspace ws;
};

//! Maps one batch (paired or single-end) into out.records, in input order. mate_tags adds MC/ms (pairs).
inline void map_batch(mapper const & m, read_pairs const & in, bool paired, bool mate_tags, mapped_batch & out)
{
    if (paired)
        m.map_paired(in.mates1, in.mates2, out.alignments, out.ws);
    else
        m.map_single(in.mates1, out.alignments, out.ws);
    to_records(out.alignments, out.records);
    if (paired && mate_tags)
        add_mate_tags(out.records);
}

} // namespace wgskit::map
