// One block of the .wfq container: up to N records (pairs: N records of each mate, coded mate 1, mate 2, mate 1...)
// coded into one range-coder stream, record by record:
//
//   flags (extras?, same length as the previous read of this mate?, non-ACGT bytes?)
//   [extras: line-end "\r" mask, blank lines before the record, '+' line content, missing final newline]
//   [length]  name (tokenised against the previous name)  [non-ACGT runs]  bases (order-k)  qualities
//
// then the trailer (blank lines at the end of the file) of each mate. Block layout (little endian):
//
//   "WFQB"  u32 records (per mate)  u8 mates  u8 base order  u16 quality alphabet size A
//   per mate: u64 bytes, u32 crc32 of those bytes          A bytes: the quality values, ascending
//   u64 payload size  payload (range coder)
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <libdeflate.h>

#include <wgskit/codec/fastq/detail/fastq_splitter.hpp>
#include <wgskit/codec/fastq/detail/name_coder.hpp>
#include <wgskit/codec/fastq/detail/range_coder.hpp>
#include <wgskit/codec/rans/detail/byte_stream.hpp>
#include <wgskit/core/exception.hpp>
#include <wgskit/core/huge_pages.hpp>

namespace wgskit::codec::fastq::detail
{

using rans::detail::byte_reader;
using rans::detail::put_u32;
using rans::detail::put_u8;

inline constexpr std::uint32_t block_magic = 0x42514657u; // "WFQB"
inline constexpr unsigned default_base_order = 12;
inline constexpr unsigned max_base_order = 13;

inline void put_u64(std::vector<std::uint8_t> & out, std::uint64_t v)
{
    put_u32(out, static_cast<std::uint32_t>(v));
    put_u32(out, static_cast<std::uint32_t>(v >> 32));
}

inline bool get_u64(byte_reader & in, std::uint64_t & v) noexcept
{
    std::uint32_t lo = 0, hi = 0;
    if (!in.u32(lo) || !in.u32(hi))
        return false;
    v = (std::uint64_t{hi} << 32) | lo;
    return true;
}

inline std::uint32_t crc32_of(std::string_view s) noexcept { return libdeflate_crc32(0, s.data(), s.size()); }

//! Whether a block of about `bases` bases may use a base model of order k (at most 4^(k-1) contexts per base).
//! The decoder checks it too, so a corrupt header cannot make it clear a table far larger than the block.
constexpr bool base_order_fits(unsigned k, std::uint64_t bases) noexcept
{
    return k <= 1 || (std::uint64_t{1} << (2 * k - 2)) <= bases;
}

//! A, C, G, T -> 0..3; everything else (N, IUPAC, lower case, any byte) -> 4, coded as an exception run.
inline constexpr std::array<std::uint8_t, 256> base_code = [] {
    std::array<std::uint8_t, 256> t{};
    t.fill(4);
    t['A'] = 0;
    t['C'] = 1;
    t['G'] = 2;
    t['T'] = 3;
    return t;
}();
inline constexpr char base_letter[4] = {'A', 'C', 'G', 'T'};

//! The A/C/G/T codes of a block in coding order (record by record, mate 1 then mate 2), for the encoder's
//! look-ahead: it prefetches the base-model context `base_lookahead` bases before it is used.
class acgt_cursor
{
public:
    explicit acgt_cursor(std::span<mate_block const * const> mates) noexcept : mates_{mates}
    {
        done_ = mates.empty() || mates[0]->records.empty();
        if (!done_)
            seq_ = mates[0]->sequence(0);
    }

    //! The next code, or false at the end of the block.
    bool next(unsigned & code) noexcept
    {
        while (!done_)
        {
            while (pos_ < seq_.size())
            {
                unsigned const c = base_code[static_cast<unsigned char>(seq_[pos_++])];
                if (c <= 3)
                    return code = c, true;
            }
            if (++mate_ == mates_.size())
            {
                mate_ = 0;
                if (++record_ == mates_[0]->records.size())
                    return done_ = true, false;
            }
            seq_ = mates_[mate_]->sequence(record_);
            pos_ = 0;
        }
        return false;
    }

private:
    std::span<mate_block const * const> mates_;
    std::size_t record_{0}, pos_{0};
    unsigned mate_{0};
    std::string_view seq_;
    bool done_{false};
};

//! How many bases ahead the encoder prefetches (enough to cover a DRAM miss at a few ns per base).
inline constexpr unsigned base_lookahead = 48;
//! How many positions ahead the encoder prefetches a read's quality contexts.
inline constexpr unsigned quality_lookahead = 16;

//! The context layout of the quality model for an alphabet of A symbols: previous quality, max of the two before,
//! position in the read (16-cycle steps), how often the quality changed so far (4 buckets), and the mate. Coarse
//! position and change buckets keep the table small (3 MB for 40-odd values: quality coding is bound by its cache
//! misses) and cost almost nothing in size (+0.1% on simulated pairs, -0.3% on NovaSeq's binned qualities).
struct quality_context
{
    unsigned q1_shift, q2_shift, q1_bits, q2_bits;

    explicit quality_context(unsigned symbols) noexcept
    {
        unsigned bits = 1;
        while ((1u << bits) < symbols)
            ++bits;
        q1_bits = std::min(bits, 6u);
        q2_bits = std::min(bits, bits <= 4 ? 4u : 3u);
        q1_shift = bits - q1_bits;
        q2_shift = bits - q2_bits;
    }

    std::size_t contexts() const noexcept { return std::size_t{1} << (q1_bits + q2_bits + 3 + 2 + 1); }

    static unsigned position_bucket(std::uint32_t pos) noexcept { return pos < 112 ? pos >> 4 : 7; }
    static unsigned change_bucket(unsigned changes) noexcept
    {
        static constexpr std::uint8_t b[] = {0, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2};
        return changes < sizeof b ? b[changes] : 3;
    }

    std::size_t operator()(unsigned q1, unsigned q2, unsigned q3, std::uint32_t pos, unsigned changes,
                           unsigned mate) const noexcept
    {
        std::size_t c = q1 >> q1_shift;
        c = (c << q2_bits) | (std::max(q2, q3) >> q2_shift);
        c = (c << 3) | position_bucket(pos);
        c = (c << 2) | change_bucket(changes);
        return (c << 1) | mate;
    }
};

//! All adaptive state of one block's coder (the encoder and decoder build the same one).
struct block_models
{
    adaptive_model<8, 32> flags;
    adaptive_model<16, 32> cr_mask;
    adaptive_model<16, 32> extras;
    bytes_model prefix, plus, trailer;
    uint_model length;
    name_coder names;
    uint_model exception_runs, exception_gap, exception_len;
    adaptive_model<256, 24> exception_byte;
    base_model bases;
    quality_context qctx;
    context_models quals;

    block_models(unsigned base_order, unsigned quality_symbols) : bases{base_order}, qctx{quality_symbols}
    {
        quals.reset(qctx.contexts(), std::max(quality_symbols, 1u), 8);
    }
};

// Per-record flags, and the rarer "extras" coded only when flag_extras is set.
inline constexpr unsigned flag_extras = 1, flag_same_length = 2, flag_exceptions = 4;
inline constexpr unsigned extra_prefix = 1, extra_plus_is_header = 2, extra_plus_other = 4, extra_no_newline = 8;

//! Buffers encode_block needs besides its output, kept by the caller between blocks: fresh buffers of this size
//! (megabytes) cost a page fault per 4 KiB, every block.
struct encode_scratch
{
    std::vector<std::uint8_t> base_stream;
    std::vector<std::uint32_t> quality_contexts;
};

//! Encodes the records of one or two mate blocks (equal record counts) into a complete block, replacing out.
inline void encode_block(std::span<mate_block const * const> mates, unsigned base_order, std::vector<std::uint8_t> & out,
                         encode_scratch & scratch)
{
    std::size_t const n = mates[0]->records.size();
    // The quality alphabet of this block, ascending.
    std::array<bool, 256> seen{};
    for (auto const * m : mates)
        for (std::size_t i = 0; i < n; ++i)
            for (char c : m->qualities(i))
                seen[static_cast<unsigned char>(c)] = true;
    std::array<std::uint8_t, 256> qsym{};
    std::vector<std::uint8_t> alphabet;
    for (unsigned c = 0; c < 256; ++c)
        if (seen[c])
        {
            qsym[c] = static_cast<std::uint8_t>(alphabet.size());
            alphabet.push_back(static_cast<std::uint8_t>(c));
        }

    // More contexts than bases cannot pay: small blocks get a smaller (faster to clear) base model.
    std::uint64_t bases = 0;
    for (auto const * m : mates)
        bases += m->bytes.size() / 2;
    while (!base_order_fits(base_order, bases))
        --base_order;

    out.clear();
    if (out.capacity() < bases / 2 + 4096) // FASTQ typically codes to a quarter of its size: rarely a reallocation
    {
        out.reserve(bases / 2 + 4096);
        advise_huge_pages(out.data(), out.capacity()); // a page fault per 2 MiB, not per 4 KiB, as it fills
    }
    put_u32(out, block_magic);
    put_u32(out, static_cast<std::uint32_t>(n));
    put_u8(out, static_cast<std::uint32_t>(mates.size()));
    put_u8(out, base_order);
    put_u8(out, static_cast<std::uint32_t>(alphabet.size() & 0xff));
    put_u8(out, static_cast<std::uint32_t>(alphabet.size() >> 8));
    for (auto const * m : mates)
    {
        put_u64(out, m->bytes.size());
        put_u32(out, crc32_of(m->bytes));
    }
    out.insert(out.end(), alphabet.begin(), alphabet.end());
    std::size_t const size_at = out.size();
    put_u64(out, 0);
    std::size_t const payload_at = out.size();

    block_models md{base_order, static_cast<unsigned>(alphabet.size())};
    // Two independent coders: bases in one, everything else in the other. Each symbol's coding waits for the
    // previous symbol of its coder (range division), so coding a base and a quality side by side overlaps the
    // two dependency chains.
    std::size_t const main_size_at = out.size();
    put_u64(out, 0);
    std::size_t const main_at = out.size();
    range_encoder rc{out};
    std::vector<std::uint8_t> & base_stream = scratch.base_stream;
    base_stream.clear();
    if (base_stream.capacity() < bases / 8 + 4096)
    {
        base_stream.reserve(bases / 8 + 4096);
        advise_huge_pages(base_stream.data(), base_stream.capacity());
    }
    range_encoder rb{base_stream};
    std::vector<std::uint32_t> & qctx_of = scratch.quality_contexts; // one read's, known ahead: prefetched
    std::uint32_t const mask = md.bases.mask();
    acgt_cursor ahead{mates};
    std::uint32_t ahead_ctx = 0; // the context base_lookahead bases after ctx
    for (unsigned k = 0, b = 0; k < base_lookahead && ahead.next(b); ++k)
        ahead_ctx = ((ahead_ctx << 2) | b) & mask;
    std::uint32_t prev_len[2] = {0xffffffffu, 0xffffffffu};
    for (std::size_t i = 0; i < n; ++i)
        for (unsigned mate = 0; mate < mates.size(); ++mate)
        {
            mate_block const & m = *mates[mate];
            record_fields const & r = m.records[i];
            std::string_view const header = m.header(i), seq = m.sequence(i), qual = m.qualities(i),
                                   plus = m.plus(i);
            unsigned extras = (r.prefix_len ? extra_prefix : 0) | (r.no_final_newline ? extra_no_newline : 0);
            if (!plus.empty())
                extras |= plus == header ? extra_plus_is_header : extra_plus_other;
            bool exceptions = false;
            for (char c : seq)
                exceptions |= base_code[static_cast<unsigned char>(c)] > 3;
            unsigned const flags = (extras || r.cr_mask ? flag_extras : 0) |
                                   (r.seq_len == prev_len[mate] ? flag_same_length : 0) |
                                   (exceptions ? flag_exceptions : 0);
            md.flags.encode(rc, flags);
            if (flags & flag_extras)
            {
                md.cr_mask.encode(rc, r.cr_mask);
                md.extras.encode(rc, extras);
                if (extras & extra_prefix)
                    md.prefix.encode(rc, m.prefix(i));
                if (extras & extra_plus_other)
                    md.plus.encode(rc, plus);
            }
            if (!(flags & flag_same_length))
                md.length.encode(rc, r.seq_len);
            prev_len[mate] = r.seq_len;
            md.names.encode(rc, header);

            if (exceptions)
            {
                // Runs of one non-ACGT byte: (gap since the previous run, length - 1, byte).
                std::uint32_t runs = 0;
                for (std::size_t p = 0; p < seq.size(); ++p)
                    if (base_code[static_cast<unsigned char>(seq[p])] > 3 && (p == 0 || seq[p] != seq[p - 1]))
                        ++runs;
                md.exception_runs.encode(rc, runs);
                std::size_t last_end = 0;
                for (std::size_t p = 0; p < seq.size();)
                {
                    if (base_code[static_cast<unsigned char>(seq[p])] <= 3)
                    {
                        ++p;
                        continue;
                    }
                    std::size_t q = p + 1;
                    while (q < seq.size() && seq[q] == seq[p])
                        ++q;
                    md.exception_gap.encode(rc, static_cast<std::uint32_t>(p - last_end));
                    md.exception_len.encode(rc, static_cast<std::uint32_t>(q - p - 1));
                    md.exception_byte.encode(rc, static_cast<unsigned char>(seq[p]));
                    last_end = q;
                    p = q;
                }
            }
            qctx_of.resize(qual.size());
            {
                unsigned q1 = 0, q2 = 0, q3 = 0, changes = 0;
                for (std::uint32_t p = 0; p < qual.size(); ++p)
                {
                    unsigned const s = qsym[static_cast<unsigned char>(qual[p])];
                    qctx_of[p] = static_cast<std::uint32_t>(md.qctx(q1, q2, q3, p, changes, mate));
                    changes += (p > 0 && s != q1);
                    q3 = q2;
                    q2 = q1;
                    q1 = s;
                }
            }
            for (std::uint32_t p = 0; p < seq.size(); ++p)
            {
                if (p + quality_lookahead < seq.size())
                    md.quals.prefetch(qctx_of[p + quality_lookahead]);
                if (unsigned const b = base_code[static_cast<unsigned char>(seq[p])]; b <= 3)
                {
                    md.bases.prefetch(ahead_ctx);
                    if (unsigned a = 0; ahead.next(a))
                        ahead_ctx = ((ahead_ctx << 2) | a) & mask;
                    md.bases.encode(rb, b);
                }
                md.quals.encode(rc, qctx_of[p], qsym[static_cast<unsigned char>(qual[p])]);
            }
        }
    for (auto const * m : mates)
        md.trailer.encode(rc, m->trailer());
    rc.finish();
    rb.finish();
    std::uint64_t const main_size = out.size() - main_at;
    for (int k = 0; k < 8; ++k)
        out[main_size_at + k] = static_cast<std::uint8_t>(main_size >> (8 * k));
    out.insert(out.end(), base_stream.begin(), base_stream.end());
    std::uint64_t const payload = out.size() - payload_at;
    for (int k = 0; k < 8; ++k)
        out[size_at + k] = static_cast<std::uint8_t>(payload >> (8 * k));
}

//! encode_block with buffers of its own (tests, one-off blocks).
inline std::vector<std::uint8_t> encode_block(std::span<mate_block const * const> mates, unsigned base_order)
{
    std::vector<std::uint8_t> out;
    encode_scratch scratch;
    encode_block(mates, base_order, out, scratch);
    return out;
}

//! What a block's header says (validated against its size).
struct block_header
{
    std::uint32_t records{0};
    unsigned mates{1};
    unsigned base_order{default_base_order};
    std::vector<std::uint8_t> alphabet;
    std::uint64_t bytes[2]{0, 0};
    std::uint32_t crc[2]{0, 0};
    std::span<std::uint8_t const> payload;      //!< the main stream (everything but the bases)
    std::span<std::uint8_t const> base_payload; //!< the bases' stream
    std::uint64_t size{0}; //!< header and payload
};

//! Parses the header of the block at the start of `block`; false (with why set) if it is malformed or does not fit.
inline bool parse_block_header(std::span<std::uint8_t const> block, block_header & h, std::string & why)
{
    byte_reader in{block};
    std::uint32_t magic = 0, mates = 0, order = 0, a_lo = 0, a_hi = 0;
    if (!in.u32(magic) || magic != block_magic)
        return why = "bad block magic", false;
    if (!in.u32(h.records) || !in.u8(mates) || !in.u8(order) || !in.u8(a_lo) || !in.u8(a_hi))
        return why = "truncated block header", false;
    if (mates != 1 && mates != 2)
        return why = "bad mate count " + std::to_string(mates), false;
    if (order < 1 || order > max_base_order)
        return why = "bad base model order " + std::to_string(order), false;
    h.mates = mates;
    h.base_order = order;
    for (unsigned m = 0; m < mates; ++m)
        if (!get_u64(in, h.bytes[m]) || !in.u32(h.crc[m]))
            return why = "truncated block header", false;
    std::uint32_t const a = a_lo | (a_hi << 8);
    std::span<std::uint8_t const> alpha;
    if (a > 256 || !in.take(a, alpha))
        return why = "bad quality alphabet", false;
    h.alphabet.assign(alpha.begin(), alpha.end());
    for (std::size_t k = 1; k < h.alphabet.size(); ++k)
        if (h.alphabet[k] <= h.alphabet[k - 1])
            return why = "quality alphabet not ascending", false;
    std::uint64_t payload = 0;
    if (!get_u64(in, payload) || payload > in.remaining())
        return why = "block payload size exceeds the block", false;
    std::span<std::uint8_t const> both;
    in.take(payload, both);
    h.size = block.size() - in.remaining();
    byte_reader streams{both};
    std::uint64_t main_size = 0;
    if (!get_u64(streams, main_size) || main_size > streams.remaining())
        return why = "block stream size exceeds the payload", false;
    streams.take(main_size, h.payload);
    streams.take(streams.remaining(), h.base_payload);
    return true;
}

//! Decodes a block into one string per mate (replacing them). Returns "" or what is wrong (corrupt input).
//! max_bytes bounds each mate's output, whatever the header claims.
inline std::string decode_block(block_header const & h, std::string * out, std::uint64_t max_bytes)
{
    for (unsigned m = 0; m < h.mates; ++m)
    {
        if (h.bytes[m] > max_bytes)
            return "block claims " + std::to_string(h.bytes[m]) + " bytes, more than allowed";
        out[m].clear();
        out[m].reserve(std::min<std::uint64_t>(h.bytes[m], std::uint64_t{1} << 28));
    }
    if (!base_order_fits(h.base_order, h.bytes[0] / 2 + (h.mates == 2 ? h.bytes[1] / 2 : 0)))
        return "base model order too large for the block";
    block_models md{h.base_order, static_cast<unsigned>(h.alphabet.size())};
    range_decoder rc{h.payload};
    range_decoder rb{h.base_payload};
    std::uint32_t prev_len[2] = {0xffffffffu, 0xffffffffu};
    std::string header;
    struct run
    {
        std::uint64_t start, length;
        char byte;
    };
    std::vector<run> runs;
    auto const symbols = static_cast<unsigned>(h.alphabet.size());
    for (std::uint32_t i = 0; i < h.records; ++i)
        for (unsigned mate = 0; mate < h.mates; ++mate)
        {
            std::string & o = out[mate];
            std::uint64_t const room = h.bytes[mate] - o.size(); // o.size() <= bytes[mate] always holds here
            unsigned const flags = md.flags.decode(rc);
            unsigned cr = 0, extras = 0;
            if (flags & flag_extras)
            {
                cr = md.cr_mask.decode(rc);
                extras = md.extras.decode(rc);
                if (extras & extra_prefix)
                {
                    if (!md.prefix.decode(rc, o, room))
                        return "bad blank-line run";
                }
                if ((extras & extra_plus_is_header) && (extras & extra_plus_other))
                    return "bad record flags";
                if ((extras & extra_no_newline) && i + 1 != h.records)
                    return "missing final newline before the last record";
            }
            std::string plus;
            if (extras & extra_plus_other)
                if (!md.plus.decode(rc, plus, room))
                    return "bad '+' line";
            std::uint32_t len = prev_len[mate];
            if (!(flags & flag_same_length))
                len = md.length.decode(rc);
            if (len == 0xffffffffu || len > room)
                return "bad read length";
            prev_len[mate] = len;
            if (!md.names.decode(rc, header, room))
                return "bad read name";
            if (rc.overrun())
                return "truncated payload";

            runs.clear();
            if (flags & flag_exceptions)
            {
                std::uint32_t const n_runs = md.exception_runs.decode(rc);
                if (n_runs > len)
                    return "bad exception count";
                std::uint64_t end = 0;
                for (std::uint32_t k = 0; k < n_runs; ++k)
                {
                    std::uint64_t const gap = md.exception_gap.decode(rc);
                    std::uint64_t const run = std::uint64_t{md.exception_len.decode(rc)} + 1;
                    unsigned const byte = md.exception_byte.decode(rc);
                    if (end + gap + run > len || base_code[byte] <= 3 || rc.overrun())
                        return "bad exception run";
                    runs.push_back({end + gap, run, static_cast<char>(byte)});
                    end += gap + run;
                }
            }

            std::string_view const plus_line = (extras & extra_plus_is_header) ? std::string_view{header} : plus;
            std::uint64_t const line1 = 1 + header.size() + (cr & 1) + 1, line3 = 1 + plus_line.size() + ((cr >> 2) & 1) + 1;
            std::uint64_t const record = line1 + len + ((cr >> 1) & 1) + 1 + line3 + len;
            if (record > room)
                return "record larger than the block";
            if (len > 0 && symbols == 0)
                return "qualities without a quality alphabet";
            auto const mark = o.size();
            o.resize(mark + record);
            char * w = o.data() + mark;
            *w++ = '@';
            w = std::copy(header.begin(), header.end(), w);
            if (cr & 1)
                *w++ = '\r';
            *w++ = '\n';
            char * const seq_out = w;
            w += len;
            if (cr & 2)
                *w++ = '\r';
            *w++ = '\n';
            *w++ = '+';
            w = std::copy(plus_line.begin(), plus_line.end(), w);
            if (cr & 4)
                *w++ = '\r';
            *w++ = '\n';
            char * const qual_out = w;

            // Bases (their own decoder) and qualities side by side; non-ACGT runs take their positions.
            std::size_t next_run = 0;
            std::uint64_t run_start = runs.empty() ? len : runs[0].start;
            unsigned q1 = 0, q2 = 0, q3 = 0, changes = 0;
            for (std::uint32_t p = 0; p < len; ++p)
            {
                if (p < run_start)
                {
                    md.bases.prefetch_ahead();
                    seq_out[p] = base_letter[md.bases.decode(rb)];
                }
                else
                {
                    seq_out[p] = runs[next_run].byte;
                    if (p + 1 == runs[next_run].start + runs[next_run].length)
                        run_start = ++next_run < runs.size() ? runs[next_run].start : len;
                }
                unsigned const s = md.quals.decode(rc, md.qctx(q1, q2, q3, p, changes, mate));
                qual_out[p] = static_cast<char>(h.alphabet[s]);
                changes += (p > 0 && s != q1);
                q3 = q2;
                q2 = q1;
                q1 = s;
            }
            if (cr & 8)
                o += '\r';
            if (!(extras & extra_no_newline))
                o += '\n';
            if (o.size() > h.bytes[mate])
                return "record larger than the block";
            if (rc.overrun() || rb.overrun())
                return "truncated payload";
        }
    for (unsigned m = 0; m < h.mates; ++m)
        if (!md.trailer.decode(rc, out[m], h.bytes[m] - out[m].size()))
            return "bad trailer";
    if (rc.overrun() || rb.overrun())
        return "truncated payload";
    for (unsigned m = 0; m < h.mates; ++m)
    {
        if (out[m].size() != h.bytes[m])
            return "decoded size differs from the block header";
        if (crc32_of(out[m]) != h.crc[m])
            return "checksum mismatch (corrupted block)";
    }
    return {};
}

} // namespace wgskit::codec::fastq::detail
