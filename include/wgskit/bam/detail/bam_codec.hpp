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

//! Decodes one record body (the block_size bytes after block_size). n_ref bounds the tids.
inline void decode_record(std::string_view b, std::size_t n_ref, record & r, std::string_view file, std::uint64_t recno)
{
    auto fail = [&](std::string const & why) { throw parse_error{file, recno, why}; };
    if (b.size() < fixed_record_size)
        fail("BAM record shorter than its 32 fixed bytes");
    char const * p = b.data();
    auto tid = load<std::int32_t>(p);
    auto pos = load<std::int32_t>(p + 4);
    auto l_qname = load<std::uint8_t>(p + 8);
    auto mapq = load<std::uint8_t>(p + 9);
    auto bin = load<std::uint16_t>(p + 10);
    std::uint32_t n_cigar = load<std::uint16_t>(p + 12);
    auto flag = load<std::uint16_t>(p + 14);
    auto l_seq = load<std::uint32_t>(p + 16);
    auto mtid = load<std::int32_t>(p + 20);
    auto mpos = load<std::int32_t>(p + 24);
    auto tlen = load<std::int32_t>(p + 28);
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
    std::string data = std::move(r.mutable_data()); // reuse the record's buffer
    data.assign(b.data() + fixed_record_size, b.size() - fixed_record_size);
    // Tags must walk cleanly to the end.
    std::size_t tags_at = static_cast<std::size_t>(need - fixed_record_size);
    std::string_view tags = std::string_view{data}.substr(tags_at);
    for (std::size_t at = 0; at < tags.size();)
    {
        std::size_t len = at + 3 <= tags.size() ? record::tag_value_size(tags, at + 2) : record::npos;
        if (len == record::npos)
            fail("malformed tag data at byte " + std::to_string(at) + " of the tags");
        at += 3 + len;
    }
    // CIGAR ops and their query length.
    std::uint64_t qlen = 0;
    for (std::uint32_t i = 0; i < n_cigar; ++i)
    {
        auto op = load<std::uint32_t>(data.data() + l_qname + 4 * i);
        if (cigar_op_code(op) > 8)
            fail("unknown CIGAR operation code " + std::to_string(cigar_op_code(op)));
        if (consumes_query(op))
            qlen += cigar_op_length(op);
    }
    r.assign_decoded(tid, pos, l_qname, mapq, bin, n_cigar, flag, l_seq, mtid, mpos, tlen, std::move(data));
    // Long CIGAR: "<l_seq>S<rlen>N" placeholder with the real one in CG:B,I.
    if (n_cigar == 2 && l_seq > 0 && r.cigar(0) == cigar_op(cigar_code::S, l_seq) &&
        cigar_op_code(r.cigar(1)) == static_cast<std::uint32_t>(cigar_code::N))
    {
        if (auto cg = r.tag("CG"); cg && cg->type == 'B' && cg->value[0] == 'I')
        {
            auto n = load<std::uint32_t>(cg->value.data() + 1);
            std::string real{cg->value.substr(5, 4 * std::size_t{n})};
            std::string & d = r.mutable_data();
            r.remove_tag("CG");
            d.replace(l_qname, 8, real);
            r.set_n_cigar_raw(n);
            qlen = 0;
            for (std::uint32_t i = 0; i < n; ++i)
            {
                std::uint32_t op = r.cigar(i);
                if (cigar_op_code(op) > 8)
                    fail("unknown CIGAR operation code in CG tag");
                if (consumes_query(op))
                    qlen += cigar_op_length(op);
            }
        }
    }
    if (r.n_cigar() > 0 && l_seq > 0 && qlen != l_seq)
        fail("CIGAR query length " + std::to_string(qlen) + " differs from SEQ length " + std::to_string(l_seq));
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
