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

//! Scratch space of to_record, reused between calls.
struct record_scratch
{
    bam::record_fields fields;
    std::string qual;
};

//! One alignment as a BAM record, written into out (its storage reused). FASTQ qualities (Phred+33) become Phred
//! values; tags in the order NM, MD, AS, XS, RG, SA.
inline void to_record(alignment const & a, record_scratch & scratch, bam::record & out)
{
    bam::record_fields & f = scratch.fields;
    f.cigar.clear();
    for (auto const & e : a.cigar)
    {
        auto const code = bam::cigar_letters.find(e.op);
        f.cigar.push_back(bam::cigar_op(static_cast<bam::cigar_code>(code), e.length));
    }
    std::string & qual = scratch.qual;
    qual.assign(a.qual);
    bool below = false; // checked after the loop, which then vectorises
    for (auto & c : qual)
    {
        below |= c < 33;
        c = static_cast<char>(c - 33);
    }
    if (below)
        throw invalid_argument{"map: read " + a.qname + " has a quality character below '!'"};
    f.qname = a.qname;
    f.flag = a.flag;
    f.tid = a.contig;
    f.pos = a.pos;
    f.mapq = a.mapq;
    f.mate_tid = a.mate_contig;
    f.mate_pos = a.mate_pos;
    f.tlen = a.tlen;
    f.seq = a.seq;
    f.qual = qual;
    // Room for the tags below and the MC/ms that add_mate_tags puts later: no reallocation once filled.
    std::size_t const tag_room = 64 + a.md.size() + a.mc.size() + a.read_group.size() + a.sa.size() + a.xa.size();
    out.assign(f, tag_room);
    if (a.nm >= 0)
        out.set_tag_int("NM", a.nm);
    if (!a.md.empty())
        out.set_tag_string("MD", a.md);
    if (!a.mc.empty())
        out.set_tag_string("MC", a.mc);
    if (a.as >= 0)
        out.set_tag_int("AS", a.as);
    if (a.xs >= 0)
        out.set_tag_int("XS", a.xs);
    if (!a.read_group.empty())
        out.set_tag_string("RG", a.read_group);
    if (!a.sa.empty())
        out.set_tag_string("SA", a.sa);
    if (!a.xa.empty())
        out.set_tag_string("XA", a.xa);
}

//! One alignment as a new BAM record.
inline bam::record to_record(alignment const & a)
{
    record_scratch scratch;
    bam::record r;
    to_record(a, scratch, r);
    return r;
}

//! Converts a batch in order (out is overwritten; the records it already holds are refilled in place).
inline void to_records(std::vector<alignment> const & in, std::vector<bam::record> & out)
{
    record_scratch scratch;
    out.resize(in.size());
    for (std::size_t i = 0; i < in.size(); ++i)
        to_record(in[i], scratch, out[i]);
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
