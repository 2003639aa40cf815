// The BAM binary record (SAMv1 4.2): decoding with full validation (a corrupt record never reaches the caller)
// and encoding, including the CG-tag form of CIGARs with more than 65,535 operations (SAMv1 4.2.2).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <wgskit/bam/detail/binary.hpp>
#include <wgskit/bam/record.hpp>
#include <wgskit/core/exception.hpp>

namespace wgskit::bam::detail
{

inline constexpr std::size_t fixed_record_size = 32;
inline constexpr std::uint32_t max_short_cigar = 65535;

//! Where decode_record finds the parts of a record body that validate_record checked.
struct record_layout
{
    std::size_t tags_at{0};    //!< offset of the tags within the variable part (after the 32 fixed bytes)
    std::size_t long_cigar{0}; //!< for a CIGAR stored in a CG tag: offset of that tag within the tags, plus 1
};

//! Checks one record body (the block_size bytes after block_size) without decoding it: reference ids within
//! n_ref, sizes, NUL-terminated name, a tag block that walks cleanly to its end, CIGAR codes and query length
//! (of the real CIGAR when a long one is kept in the CG tag). A corrupt record throws parse_error.
inline record_layout validate_record(std::string_view b, std::size_t n_ref, std::string_view file, std::uint64_t recno)
{
    auto fail = [&](std::string const & why) { throw parse_error{file, recno, why}; };
    if (b.size() < fixed_record_size)
        fail("BAM record shorter than its 32 fixed bytes");
    char const * p = b.data();
    auto tid = load<std::int32_t>(p);
    auto pos = load<std::int32_t>(p + 4);
    auto l_qname = load<std::uint8_t>(p + 8);
    std::uint32_t n_cigar = load<std::uint16_t>(p + 12);
    auto l_seq = load<std::uint32_t>(p + 16);
    auto mtid = load<std::int32_t>(p + 20);
    auto mpos = load<std::int32_t>(p + 24);
    auto bad_tid = [&](std::int32_t t) { return t < -1 || (t >= 0 && static_cast<std::size_t>(t) >= n_ref); };
    if (bad_tid(tid))
        fail("reference id " + std::to_string(tid) + " out of range (the header has " + std::to_string(n_ref) + ")");
    if (bad_tid(mtid))
        fail("mate reference id " + std::to_string(mtid) + " out of range");
    if (pos < -1 || mpos < -1)
        fail("negative position");
    if (l_qname == 0)
        fail("empty read name (l_read_name 0)");
    std::uint64_t need = fixed_record_size + std::uint64_t{l_qname} + 4ull * n_cigar + (std::uint64_t{l_seq} + 1) / 2 + l_seq;
    if (need > b.size())
        fail("BAM record fields run past its block_size");
    if (b[fixed_record_size + l_qname - 1] != '\0')
        fail("read name not NUL-terminated");
    record_layout layout{static_cast<std::size_t>(need - fixed_record_size), 0};
    char const * cigar = p + fixed_record_size + l_qname;
    // Long CIGAR: "<l_seq>S<rlen>N" placeholder with the real one in CG:B,I.
    bool placeholder = n_cigar == 2 && l_seq > 0 && load<std::uint32_t>(cigar) == cigar_op(cigar_code::S, l_seq) &&
                       cigar_op_code(load<std::uint32_t>(cigar + 4)) == static_cast<std::uint32_t>(cigar_code::N);
    // Tags must walk cleanly to the end.
    std::string_view tags = b.substr(static_cast<std::size_t>(need));
    for (std::size_t at = 0; at < tags.size();)
    {
        std::size_t len = at + 3 <= tags.size() ? record::tag_value_size(tags, at + 2) : record::npos;
        if (len == record::npos)
            fail("malformed tag data at byte " + std::to_string(at) + " of the tags");
        if (placeholder && tags[at] == 'C' && tags[at + 1] == 'G')
        {
            placeholder = false; // the first CG tag only
            if (tags[at + 2] == 'B' && tags[at + 3] == 'I')
            {
                layout.long_cigar = at + 1;
                cigar = tags.data() + at + 8;
                n_cigar = load<std::uint32_t>(tags.data() + at + 4);
            }
        }
        at += 3 + len;
    }
    // CIGAR ops and their query length.
    std::uint64_t qlen = 0;
    for (std::uint32_t i = 0; i < n_cigar; ++i)
    {
        auto op = load<std::uint32_t>(cigar + 4 * i);
        if (cigar_op_code(op) > 8)
            fail(std::string{"unknown CIGAR operation code "} + (layout.long_cigar ? "in CG tag" : std::to_string(cigar_op_code(op))));
        if (consumes_query(op))
            qlen += cigar_op_length(op);
    }
    if (n_cigar > 0 && l_seq > 0 && qlen != l_seq)
        fail("CIGAR query length " + std::to_string(qlen) + " differs from SEQ length " + std::to_string(l_seq));
    return layout;
}

//! Decodes one record body (the block_size bytes after block_size), validated by validate_record. n_ref bounds
//! the tids.
inline void decode_record(std::string_view b, std::size_t n_ref, record & r, std::string_view file, std::uint64_t recno)
{
    record_layout layout = validate_record(b, n_ref, file, recno);
    char const * p = b.data();
    std::string data = std::move(r.mutable_data()); // reuse the record's buffer
    data.assign(b.data() + fixed_record_size, b.size() - fixed_record_size);
    auto l_qname = load<std::uint8_t>(p + 8);
    r.assign_decoded(load<std::int32_t>(p), load<std::int32_t>(p + 4), l_qname, load<std::uint8_t>(p + 9),
                     load<std::uint16_t>(p + 10), load<std::uint16_t>(p + 12), load<std::uint16_t>(p + 14),
                     load<std::uint32_t>(p + 16), load<std::int32_t>(p + 20), load<std::int32_t>(p + 24),
                     load<std::int32_t>(p + 28), std::move(data));
    if (layout.long_cigar == 0)
        return;
    // Move the real CIGAR from the CG tag into place.
    std::string & d = r.mutable_data();
    std::size_t cg = layout.tags_at + layout.long_cigar - 1;
    auto n = load<std::uint32_t>(d.data() + cg + 4);
    std::string real = d.substr(cg + 8, 4 * std::size_t{n});
    d.erase(cg, 8 + real.size());
    d.replace(l_qname, 8, real);
    r.set_n_cigar_raw(n);
}

//! Appends block_size and the record in BAM layout to out.
inline void encode_record(record const & r, std::string & out)
{
    std::string const & d = r.variable_data();
    std::size_t l_qname = r.qname().size() + 1;
    bool long_cigar = r.n_cigar() > max_short_cigar;
    std::size_t body = fixed_record_size + d.size();
    if (long_cigar)
        body = body - 4 * std::size_t{r.n_cigar()} + 8 + 3 + 5 + 4 * std::size_t{r.n_cigar()};
    if (body > INT32_MAX)
        throw invalid_argument{"bam: record too large for BAM"};
    std::size_t at = out.size();
    out.resize(at + 4 + fixed_record_size);
    char * p = out.data() + at;
    store(p, static_cast<std::uint32_t>(body));
    store(p + 4, r.tid());
    store(p + 8, r.pos());
    store(p + 12, static_cast<std::uint8_t>(l_qname));
    store(p + 13, r.mapq());
    store(p + 14, r.bin());
    store(p + 16, static_cast<std::uint16_t>(long_cigar ? 2 : r.n_cigar()));
    store(p + 18, r.flag());
    store(p + 20, r.seq_length());
    store(p + 24, r.mate_tid());
    store(p + 28, r.mate_pos());
    store(p + 32, r.tlen());
    if (!long_cigar)
    {
        out += d;
        return;
    }
    std::size_t cig_at = l_qname, cig_len = 4 * std::size_t{r.n_cigar()};
    out.append(d, 0, cig_at);
    append(out, cigar_op(cigar_code::S, r.seq_length()));
    append(out, cigar_op(cigar_code::N, static_cast<std::uint32_t>(r.reference_length())));
    out.append(d, cig_at + cig_len, std::string::npos);
    out += "CGBI";
    append(out, r.n_cigar());
    out.append(d, cig_at, cig_len);
}

} // namespace wgskit::bam::detail
