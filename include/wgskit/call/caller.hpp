// The variant caller's entry points: call_variants(BAM + .bai, reference FASTA + .fai) -> VCF.gz + index, and
// call_variants_stream(record_source) for records coming from another block in process.
//
// Work is split into fixed chunks (1 Mb of a contig, or of each -r region); worker threads call chunks
// (region_caller) and the records are written in chunk order, so the output is identical for any thread count.
#pragma once

#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <unistd.h>

#include <wgskit/bam/bai.hpp>
#include <wgskit/bam/header.hpp>
#include <wgskit/bam/stream.hpp>
#include <wgskit/call/region_caller.hpp>
#include <wgskit/core/batch_pipeline.hpp>
#include <wgskit/core/exception.hpp>
#include <wgskit/io/faidx.hpp>
#include <wgskit/vcf/header.hpp>
#include <wgskit/vcf/record.hpp>
#include <wgskit/vcf/writer.hpp>
#include <wgskit/version.hpp>

namespace wgskit::call
{

struct caller_options
{
    int threads = 1;
    std::vector<std::string> regions; //!< "chr", "chr:beg-end" (1-based inclusive); empty = every contig
    bool gvcf = false;
    std::string command_line;         //!< for ##commandline
    calling_thresholds thresholds{};
    std::int64_t chunk_size = 100'000; //!< bases per work unit (its reads are held in memory)
    int compression_level = 6;
};

struct call_summary
{
    std::uint64_t records = 0, snps = 0, indels = 0, multiallelic = 0, transitions = 0, transversions = 0, het = 0,
                  hom_alt = 0, pass = 0;
};

namespace detail
{

inline constexpr std::int64_t read_padding = 1000; //!< reads and reference fetched beyond a chunk

inline std::string sample_name(bam::header const & h, std::string const & bam_path)
{
    for (auto line : h.lines("RG"))
        if (auto sm = bam::header::line_field(line, "SM"))
            return *sm;
    std::string base = bam_path.substr(bam_path.find_last_of('/') + 1);
    if (auto dot = base.find('.'); dot != std::string::npos && dot > 0)
        base.resize(dot);
    return base.empty() ? std::string{"SAMPLE"} : base;
}

inline vcf::header make_header(io::fasta_index const & fai, std::string const & sample, std::string const & reference,
                               caller_options const & o)
{
    vcf::header h;
    for (auto const & e : fai.entries())
        h.add_contig(e.name, static_cast<std::int64_t>(e.length));
    h.add_meta("##source=wgskit call " WGSKIT_VERSION_STRING);
    h.add_meta("##reference=file://" + reference);
    if (!o.command_line.empty())
        h.add_meta("##commandline=\"" + o.command_line + "\"");
    if (o.gvcf)
    {
        h.add_meta("##ALT=<ID=*,Description=\"Any allele not listed (gVCF)\">");
        h.add_meta("##INFO=<ID=END,Number=1,Type=Integer,Description=\"End position of the reference block\">");
    }
    h.add_meta("##INFO=<ID=DP,Number=1,Type=Integer,Description=\"Reads (SNP: bases) used at the site\">");
    h.add_meta("##INFO=<ID=MQ,Number=1,Type=Integer,Description=\"Root-mean-square mapping quality of those reads\">");
    h.add_meta("##FILTER=<ID=LowQual,Description=\"QUAL below " + vcf::format_qual(static_cast<float>(o.thresholds.low_qual)) + "\">");
    h.add_meta("##FILTER=<ID=LowDepth,Description=\"DP below " + std::to_string(o.thresholds.low_depth) + "\">");
    h.add_meta("##FORMAT=<ID=GT,Number=1,Type=String,Description=\"Genotype\">");
    h.add_meta("##FORMAT=<ID=GQ,Number=1,Type=Integer,Description=\"Genotype quality (phred)\">");
    h.add_meta("##FORMAT=<ID=DP,Number=1,Type=Integer,Description=\"Read depth\">");
    h.add_meta("##FORMAT=<ID=AD,Number=R,Type=Integer,Description=\"Reads supporting each allele\">");
    h.add_meta("##FORMAT=<ID=PL,Number=G,Type=Integer,Description=\"Phred-scaled genotype likelihoods, normalised\">");
    if (o.gvcf)
        h.add_meta("##FORMAT=<ID=MIN_DP,Number=1,Type=Integer,Description=\"Minimum depth in the reference block\">");
    h.add_sample(sample);
    return h;
}

template <typename T>
std::string join(std::vector<T> const & v)
{
    std::string s;
    for (std::size_t i = 0; i < v.size(); ++i)
    {
        if (i)
            s += ',';
        if constexpr (std::is_same_v<T, std::string>)
            s += v[i];
        else
            s += std::to_string(v[i]);
    }
    return s;
}

inline vcf::record to_vcf(called_record const & c, std::int32_t contig)
{
    vcf::record r;
    r.contig = contig;
    r.pos = c.pos;
    r.ref = c.ref;
    r.alt = c.alt;
    if (c.block)
    {
        r.info = "END=" + std::to_string(c.block_end);
        r.format = "GT:GQ:DP:MIN_DP";
        r.samples = {"0/0:" + std::to_string(c.gq) + ":" + std::to_string(c.dp) + ":" + std::to_string(c.min_dp)};
        return r;
    }
    r.qual = static_cast<float>(std::round(c.qual * 100) / 100);
    if (c.low_qual)
        r.filter.push_back("LowQual");
    if (c.low_depth)
        r.filter.push_back("LowDepth");
    if (r.filter.empty())
        r.filter.push_back("PASS");
    r.info = "DP=" + std::to_string(c.dp) + ";MQ=" + std::to_string(static_cast<int>(std::lround(c.mq)));
    r.format = "GT:GQ:DP:AD:PL";
    r.samples = {std::to_string(c.gt1) + "/" + std::to_string(c.gt2) + ":" + std::to_string(c.gq) + ":" +
                 std::to_string(c.dp) + ":" + join(c.ad) + ":" + join(c.pl)};
    return r;
}

inline bool is_transition(char a, char b) noexcept
{
    auto purine = [](char c) { return c == 'A' || c == 'G'; };
    return a != b && purine(a) == purine(b);
}

inline void count(call_summary & s, called_record const & c)
{
    if (c.block)
        return;
    ++s.records;
    if (!c.low_qual && !c.low_depth)
        ++s.pass;
    std::size_t real_alts = 0;
    for (auto const & a : c.alt)
        real_alts += a != "<*>";
    if (real_alts > 1)
        ++s.multiallelic;
    if (c.indel)
        ++s.indels;
    else
    {
        ++s.snps;
        std::size_t called = std::max(c.gt1, c.gt2);
        if (called >= 1 && called <= c.alt.size() && c.alt[called - 1].size() == 1)
            ++(is_transition(c.ref[0], c.alt[called - 1][0]) ? s.transitions : s.transversions);
    }
    if (c.gt1 == c.gt2)
        ++s.hom_alt;
    else
        ++s.het;
}

struct chunk
{
    std::int32_t contig{0};      //!< index in the reference .fai (= VCF header order)
    std::string name;
    std::int64_t beg{0}, end{0}; //!< 0-based half-open
};

//! The chunks of the requested regions (all contigs of the reference when none), in reference order.
inline std::vector<chunk> plan_chunks(io::indexed_fasta const & fasta, std::vector<std::string> const & regions,
                                      std::int64_t chunk_size)
{
    std::vector<io::region> rs;
    auto const & entries = fasta.index().entries();
    if (regions.empty())
        for (auto const & e : entries)
            rs.push_back({e.name, 0, e.length});
    else
        for (auto const & text : regions)
            rs.push_back(fasta.parse_region(text));
    std::vector<chunk> out;
    for (auto const & r : rs)
    {
        std::int32_t contig = 0;
        while (static_cast<std::size_t>(contig) < entries.size() && entries[static_cast<std::size_t>(contig)].name != r.contig)
            ++contig;
        for (auto b = static_cast<std::int64_t>(r.start); b < static_cast<std::int64_t>(r.end); b += chunk_size)
            out.push_back({contig, r.contig, b, std::min<std::int64_t>(static_cast<std::int64_t>(r.end), b + chunk_size)});
    }
    std::stable_sort(out.begin(), out.end(), [](auto const & a, auto const & b) {
        return a.contig != b.contig ? a.contig < b.contig : a.beg < b.beg;
    });
    for (std::size_t i = 1; i < out.size(); ++i)
        if (out[i].contig == out[i - 1].contig && out[i].beg < out[i - 1].end)
            throw invalid_argument{"call: regions overlap (" + out[i].name + ":" + std::to_string(out[i].beg + 1) + ")"};
    return out;
}

//! The BAM's references must be the reference's (same names and lengths for the contigs they share, at least one
//! shared); otherwise the reference is the wrong one.
inline void check_reference(bam::header const & h, io::fasta_index const & fai, std::string const & bam_path,
                            std::string const & ref_path)
{
    std::size_t shared = 0;
    for (auto const & r : h.references())
        if (auto const * e = fai.find(r.name))
        {
            if (e->length != r.length)
                throw invalid_argument{"call: " + ref_path + " is not the reference of " + bam_path + ": '" + r.name +
                                       "' has length " + std::to_string(e->length) + " in the FASTA and " +
                                       std::to_string(r.length) + " in the BAM header"};
            ++shared;
        }
    if (shared == 0 && !h.references().empty())
        throw invalid_argument{"call: " + ref_path + " is not the reference of " + bam_path +
                               ": no contig of the BAM header is in the FASTA"};
}

inline std::string find_bai(std::string const & bam_path)
{
    for (std::string c : {bam_path + ".bai", bam_path.substr(0, bam_path.size() - (bam_path.size() > 4 && bam_path.ends_with(".bam") ? 4 : 0)) + ".bai"})
        if (::access(c.c_str(), R_OK) == 0)
            return c;
    if (::access((bam_path + ".csi").c_str(), R_OK) == 0)
        throw invalid_argument{"call: " + bam_path + " has a .csi index only; wgskit reads .bai (samtools index -b " +
                               bam_path + ")"};
    throw invalid_argument{"call: no index for " + bam_path + " (expected " + bam_path +
                           ".bai); create it with 'samtools index " + bam_path + "' or write the BAM with 'wgskit sort'"};
}

//! Calls one chunk from the records overlapping it +- read_padding (in file order).
//! The records are released once decoded (peak memory: one copy of a chunk's reads, not two).
inline std::vector<called_record> call_chunk(std::vector<bam::record> records, io::indexed_fasta const & fasta,
                                             chunk const & c, caller_options const & opts)
{
    auto reads = prepare_reads(records, opts.thresholds.pileup);
    std::vector<bam::record>{}.swap(records);
    std::int64_t const rb = std::max<std::int64_t>(0, c.beg - read_padding);
    std::string const ref = fasta.fetch(c.name, static_cast<std::uint64_t>(rb), static_cast<std::uint64_t>(c.end + read_padding));
    region_caller caller{opts.thresholds};
    return caller.call(std::move(reads), ref, rb, c.beg, c.end, opts.gvcf);
}

} // namespace detail

//! Calls variants of the sample in a coordinate-sorted, indexed BAM against the reference; writes out_vcf
//! (BGZF + .tbi/.csi when it ends in .gz). Throws io_error / parse_error / invalid_argument with clear messages.
inline call_summary call_variants(std::string const & bam_path, std::string const & reference_fasta,
                                  std::string const & out_vcf, caller_options const & opts)
{
    if (opts.threads < 1)
        throw invalid_argument{"call: threads must be at least 1"};
    if (opts.chunk_size < 1000)
        throw invalid_argument{"call: chunk size must be at least 1000"};
    if (::access(bam_path.c_str(), R_OK) != 0)
        throw io_error{bam_path, "cannot open the BAM file"};
    std::string const bai = detail::find_bai(bam_path);
    io::indexed_fasta fasta{reference_fasta};
    bam::indexed_reader first{bam_path, bai};
    bam::header const bam_header = first.header();
    detail::check_reference(bam_header, fasta.index(), bam_path, reference_fasta);
    auto chunks = detail::plan_chunks(fasta, opts.regions, opts.chunk_size);
    vcf::header vh = detail::make_header(fasta.index(), detail::sample_name(bam_header, bam_path), reference_fasta, opts);
    vcf::writer out{out_vcf, vh, vcf::writer_options{std::max(1, opts.threads), opts.compression_level}};

    // One BAM reader per worker, handed out from a pool.
    std::mutex pool_mutex;
    std::vector<std::unique_ptr<bam::indexed_reader>> pool;
    pool.push_back(std::make_unique<bam::indexed_reader>(std::move(first)));
    auto take_reader = [&] {
        std::lock_guard lock{pool_mutex};
        if (pool.empty())
            return std::make_unique<bam::indexed_reader>(bam_path, bai);
        auto r = std::move(pool.back());
        pool.pop_back();
        return r;
    };
    auto give_reader = [&](std::unique_ptr<bam::indexed_reader> r) {
        std::lock_guard lock{pool_mutex};
        pool.push_back(std::move(r));
    };

    call_summary summary;
    std::size_t next = 0;
    struct batch
    {
        detail::chunk c;
    };
    run_ordered_pipeline<batch, std::vector<called_record>>(
        pipeline_options{static_cast<std::size_t>(opts.threads > 1 ? opts.threads : 0), 0},
        [&](batch & b) {
            if (next >= chunks.size())
                return false;
            b.c = chunks[next++];
            return true;
        },
        [&](batch & b, std::vector<called_record> & result) {
            auto reader = take_reader();
            auto tid = bam_header.tid(b.c.name);
            std::vector<bam::record> records;
            if (tid && *tid >= 0)
                records = reader->query(*tid, std::max<std::int64_t>(0, b.c.beg - detail::read_padding),
                                        b.c.end + detail::read_padding);
            give_reader(std::move(reader));
            result = detail::call_chunk(std::move(records), fasta, b.c, opts);
        },
        [&](batch & b, std::vector<called_record> & result) {
            for (auto const & c : result)
            {
                detail::count(summary, c);
                out.write(detail::to_vcf(c, b.c.contig));
            }
        });
    out.close();
    return summary;
}

//! The in-process path: records from another block (e.g. the sorter's output), coordinate-sorted, one thread.
//! Gives the same records as call_variants on the same alignments written to an indexed BAM.
inline call_summary call_variants(bam::record_source & in, std::string const & reference_fasta,
                                  std::string const & out_vcf, caller_options const & opts)
{
    if (opts.chunk_size < 1000)
        throw invalid_argument{"call: chunk size must be at least 1000"};
    io::indexed_fasta fasta{reference_fasta};
    bam::header const & h = in.header();
    detail::check_reference(h, fasta.index(), "the input records", reference_fasta);
    auto chunks = detail::plan_chunks(fasta, opts.regions, opts.chunk_size);
    vcf::header vh = detail::make_header(fasta.index(), detail::sample_name(h, "SAMPLE"), reference_fasta, opts);
    vcf::writer out{out_vcf, vh, vcf::writer_options{std::max(1, opts.threads), opts.compression_level}};
    call_summary summary;
    std::vector<bam::record> window; // records that may overlap the current chunk or later ones
    bam::record r;
    bool more = in.read(r), checked_order = true;
    std::int32_t last_tid = -1;
    std::int64_t last_pos = -1;
    for (auto const & c : chunks)
    {
        auto tid = h.tid(c.name);
        std::int32_t const t = tid ? *tid : -2;
        std::int64_t const lo = std::max<std::int64_t>(0, c.beg - detail::read_padding), hi = c.end + detail::read_padding;
        // Read on until the stream passes this chunk (records of earlier contigs are skipped).
        auto before = [&](bam::record const & x) {
            auto xt = static_cast<std::uint32_t>(x.tid()), ct = static_cast<std::uint32_t>(t);
            return xt < ct || (x.tid() == t && x.pos() < hi);
        };
        while (more && t >= 0 && before(r))
        {
            if (r.tid() < last_tid || (r.tid() == last_tid && r.pos() < last_pos))
                checked_order = false;
            last_tid = r.tid(), last_pos = r.pos();
            if (!checked_order)
                throw invalid_argument{"call: the input records are not coordinate-sorted"};
            if (r.tid() == t)
                window.push_back(r);
            more = in.read(r);
        }
        std::vector<bam::record> records;
        for (auto const & x : window)
            if (x.tid() == t && x.pos() < hi &&
                (x.has_flag(bam::flag::unmapped) ? std::int64_t{x.pos()} + 1 : x.end_position()) > lo)
                records.push_back(x);
        for (auto const & rec : detail::call_chunk(std::move(records), fasta, c, opts))
        {
            detail::count(summary, rec);
            out.write(detail::to_vcf(rec, c.contig));
        }
        // Keep what may still reach the next chunk's padded span.
        std::erase_if(window, [&](bam::record const & x) { return x.tid() != t || x.end_position() <= c.end - detail::read_padding; });
    }
    out.close();
    return summary;
}

} // namespace wgskit::call
