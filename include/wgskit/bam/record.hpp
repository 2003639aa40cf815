// bam::record: one alignment (SAMv1 section 4.2) held in BAM's binary layout, with typed accessors and
// builders. The mapper fills records through record::from_fields / the setters; the sorter, duplicate marker,
// BAM and SAM writers read them through the accessors, so no SAM text passes between blocks.
//
// Memory layout: the eight fixed fields decoded into members, then one byte buffer holding
//   read name (NUL-terminated) | CIGAR (uint32 per op) | SEQ (4-bit, 2 bases a byte) | QUAL (phred, 0xff = absent) | tags
// exactly as in a BAM record, except that the CIGAR may hold more than 65,535 operations: the BAM codec moves a
// long CIGAR to and from the CG tag (SAMv1 4.2.2) so that the record here always holds the real one.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <wgskit/bam/detail/binary.hpp>
#include <wgskit/core/exception.hpp>

namespace wgskit::bam
{

//! FLAG bits (SAMv1 1.4).
namespace flag
{
inline constexpr std::uint16_t paired = 0x1;
inline constexpr std::uint16_t proper_pair = 0x2;
inline constexpr std::uint16_t unmapped = 0x4;
inline constexpr std::uint16_t mate_unmapped = 0x8;
inline constexpr std::uint16_t reverse = 0x10;
inline constexpr std::uint16_t mate_reverse = 0x20;
inline constexpr std::uint16_t first = 0x40;
inline constexpr std::uint16_t last = 0x80;
inline constexpr std::uint16_t secondary = 0x100;
inline constexpr std::uint16_t qc_fail = 0x200;
inline constexpr std::uint16_t duplicate = 0x400;
inline constexpr std::uint16_t supplementary = 0x800;
} // namespace flag

//! CIGAR operations in BAM's numbering; an op is packed as length << 4 | code.
enum class cigar_code : std::uint8_t { M = 0, I, D, N, S, H, P, EQ, X };
inline constexpr std::string_view cigar_letters{"MIDNSHP=X"};

inline constexpr std::uint32_t cigar_op(cigar_code c, std::uint32_t length) noexcept
{
    return length << 4 | static_cast<std::uint32_t>(c);
}
inline constexpr std::uint32_t cigar_op_length(std::uint32_t op) noexcept { return op >> 4; }
inline constexpr std::uint32_t cigar_op_code(std::uint32_t op) noexcept { return op & 0xf; }
//! M, D, N, =, X advance on the reference.
inline constexpr bool consumes_reference(std::uint32_t op) noexcept { return (0x18dU >> (op & 0xf)) & 1; }
//! M, I, S, =, X consume query bases.
inline constexpr bool consumes_query(std::uint32_t op) noexcept { return (0x193U >> (op & 0xf)) & 1; }

//! 4-bit base codes "=ACMGRSVTWYHKDBN" (SAMv1 4.2.3).
inline constexpr std::string_view seq_letters{"=ACMGRSVTWYHKDBN"};

//! The plain fields of a record, for building one (e.g. in the mapper). Coordinates are 0-based; tid -1 = '*'.
struct record_fields
{
    std::string_view qname{"*"};
    std::uint16_t flag{0};
    std::int32_t tid{-1};
    std::int64_t pos{-1};
    std::uint8_t mapq{255};
    std::vector<std::uint32_t> cigar{};
    std::int32_t mate_tid{-1};
    std::int64_t mate_pos{-1};
    std::int64_t tlen{0};
    std::string_view seq{};  //!< letters from seq_letters (upper or lower case); empty = '*'
    std::string_view qual{}; //!< phred values (not +33); empty = absent
};

//! A tag as found in a record: its type letter and its value bytes (for 'Z'/'H' without the NUL; for 'B' the
//! subtype, the count and the elements).
struct tag_view
{
    char type{};
    std::string_view value{};
};

class record
{
public:
    record() : data_("*", 2) { l_qname_ = 2; } // QNAME "*" and its NUL

    //! Builds a record from fields; bin is computed. Throws invalid_argument on inconsistent input (qname
    //! longer than 254, SEQ/QUAL lengths differ, CIGAR query length differs from SEQ, unknown base letter).
    static record from_fields(record_fields const & f)
    {
        record r;
        r.assign(f);
        return r;
    }

    //! Makes this record the one from_fields(f) builds (tags dropped), reusing its storage; tag_room bytes are
    //! reserved for the tags to come, so that a batch of records refilled in place allocates nothing once warm.
    void assign(record_fields const & f, std::size_t tag_room = 0)
    {
        if (f.qname.empty() || f.qname.size() > 254)
            throw invalid_argument{"bam::record: read name must be 1 to 254 characters"};
        if (f.tlen < INT32_MIN || f.tlen > INT32_MAX)
            throw invalid_argument{"bam::record: TLEN out of range"};
        if (!f.qual.empty() && f.qual.size() != f.seq.size())
            throw invalid_argument{"bam::record: QUAL length differs from SEQ length"};
        flag_ = f.flag;
        tid_ = f.tid;
        pos_ = narrow_pos(f.pos, "POS");
        mapq_ = f.mapq;
        mate_tid_ = f.mate_tid;
        mate_pos_ = narrow_pos(f.mate_pos, "PNEXT");
        tlen_ = static_cast<std::int32_t>(f.tlen);
        data_.clear();
        data_.reserve(f.qname.size() + 1 + 4 * f.cigar.size() + (f.seq.size() + 1) / 2 + f.seq.size() + tag_room);
        data_.append(f.qname);
        data_.push_back('\0');
        l_qname_ = static_cast<std::uint8_t>(f.qname.size() + 1);
        n_cigar_ = 0;
        l_seq_ = 0;
        set_cigar_and_seq(f.cigar, f.seq, f.qual);
    }

    // --- fixed fields -------------------------------------------------------------------------------
    std::string_view qname() const noexcept { return {data_.data(), l_qname_ - 1u}; }
    std::uint16_t flag() const noexcept { return flag_; }
    bool has_flag(std::uint16_t f) const noexcept { return (flag_ & f) != 0; }
    std::int32_t tid() const noexcept { return tid_; }
    std::int32_t pos() const noexcept { return pos_; } //!< 0-based; -1 = none
    std::uint8_t mapq() const noexcept { return mapq_; }
    std::uint16_t bin() const noexcept { return bin_; }
    std::int32_t mate_tid() const noexcept { return mate_tid_; }
    std::int32_t mate_pos() const noexcept { return mate_pos_; }
    std::int32_t tlen() const noexcept { return tlen_; }

    void set_flag(std::uint16_t f) noexcept
    {
        flag_ = f;
        update_bin();
    }
    void set_position(std::int32_t tid, std::int32_t pos) noexcept
    {
        tid_ = tid;
        pos_ = pos;
        update_bin();
    }
    void set_mapq(std::uint8_t q) noexcept { mapq_ = q; }
    void set_mate(std::int32_t tid, std::int32_t pos, std::int32_t tlen) noexcept
    {
        mate_tid_ = tid;
        mate_pos_ = pos;
        tlen_ = tlen;
    }

    void set_qname(std::string_view name)
    {
        if (name.empty() || name.size() > 254)
            throw invalid_argument{"bam::record: read name must be 1 to 254 characters"};
        std::string rest = data_.substr(l_qname_);
        data_.assign(name);
        data_.push_back('\0');
        data_ += rest;
        l_qname_ = static_cast<std::uint8_t>(name.size() + 1);
    }

    // --- CIGAR --------------------------------------------------------------------------------------
    std::uint32_t n_cigar() const noexcept { return n_cigar_; }
    std::uint32_t cigar(std::size_t i) const noexcept
    {
        return detail::load<std::uint32_t>(data_.data() + cigar_offset() + 4 * i);
    }
    std::vector<std::uint32_t> cigar() const
    {
        std::vector<std::uint32_t> c(n_cigar_);
        if (n_cigar_ != 0)
            std::memcpy(c.data(), data_.data() + cigar_offset(), 4 * std::size_t{n_cigar_});
        return c;
    }
    //! Reference bases covered by the CIGAR (M/D/N/=/X).
    std::int64_t reference_length() const noexcept
    {
        std::int64_t n = 0;
        for (std::uint32_t i = 0; i < n_cigar_; ++i)
            if (std::uint32_t op = cigar(i); consumes_reference(op))
                n += cigar_op_length(op);
        return n;
    }
    //! 0-based exclusive end on the reference; pos + 1 when the CIGAR covers nothing (as samtools).
    std::int64_t end_position() const noexcept
    {
        std::int64_t n = reference_length();
        return std::int64_t{pos_} + (n > 0 ? n : 1);
    }
    //! Replaces the CIGAR; its query length must be 0 or equal to the SEQ length.
    void set_cigar(std::vector<std::uint32_t> const & ops)
    {
        check_cigar(ops, l_seq_);
        std::string cig(4 * ops.size(), '\0');
        if (!ops.empty())
            std::memcpy(cig.data(), ops.data(), cig.size());
        data_.replace(cigar_offset(), 4 * std::size_t{n_cigar_}, cig);
        n_cigar_ = static_cast<std::uint32_t>(ops.size());
        update_bin();
    }

    // --- SEQ and QUAL -------------------------------------------------------------------------------
    std::uint32_t seq_length() const noexcept { return l_seq_; }
    std::uint8_t base_code(std::size_t i) const noexcept
    {
        auto b = static_cast<std::uint8_t>(data_[seq_offset() + i / 2]);
        return i % 2 == 0 ? b >> 4 : b & 0xf;
    }
    char base(std::size_t i) const noexcept { return seq_letters[base_code(i)]; }
    //! SEQ as stored: 4-bit codes (indexes of seq_letters), two a byte, the first base in the high nibble.
    std::span<std::uint8_t const> packed_sequence() const noexcept
    {
        return {reinterpret_cast<std::uint8_t const *>(data_.data()) + seq_offset(), (l_seq_ + 1) / 2};
    }
    std::string sequence() const
    {
        std::string s(l_seq_, 'N');
        for (std::uint32_t i = 0; i < l_seq_; ++i)
            s[i] = base(i);
        return s;
    }
    //! Phred values; all 0xff when the record has no qualities.
    std::string_view qualities() const noexcept { return {data_.data() + qual_offset(), l_seq_}; }
    bool has_qualities() const noexcept { return l_seq_ > 0 && static_cast<std::uint8_t>(data_[qual_offset()]) != 0xff; }

    // --- tags ---------------------------------------------------------------------------------------
    //! The raw tag block (BAM binary form).
    std::string_view tag_data() const noexcept { return std::string_view{data_}.substr(tags_offset()); }

    std::optional<tag_view> tag(std::string_view key) const
    {
        std::size_t at = find_tag(key);
        if (at == npos)
            return std::nullopt;
        std::string_view t = tag_data();
        std::size_t len = tag_value_size(t, at + 2);
        char type = t[at + 2];
        std::size_t vlen = (type == 'Z' || type == 'H') ? len - 1 : len; // drop the NUL
        return tag_view{type, t.substr(at + 3, vlen)};
    }
    bool has_tag(std::string_view key) const { return find_tag(key) != npos; }

    //! An integer tag (types c C s S i I); nullopt when absent or not an integer.
    std::optional<std::int64_t> tag_int(std::string_view key) const
    {
        auto t = tag(key);
        if (!t)
            return std::nullopt;
        char const * p = t->value.data();
        switch (t->type)
        {
        case 'c': return detail::load<std::int8_t>(p);
        case 'C': return detail::load<std::uint8_t>(p);
        case 's': return detail::load<std::int16_t>(p);
        case 'S': return detail::load<std::uint16_t>(p);
        case 'i': return detail::load<std::int32_t>(p);
        case 'I': return detail::load<std::uint32_t>(p);
        default: return std::nullopt;
        }
    }
    std::optional<float> tag_float(std::string_view key) const
    {
        auto t = tag(key);
        if (!t || t->type != 'f')
            return std::nullopt;
        return detail::load<float>(t->value.data());
    }
    //! A 'Z' (or 'H') tag's text.
    std::optional<std::string_view> tag_string(std::string_view key) const
    {
        auto t = tag(key);
        if (!t || (t->type != 'Z' && t->type != 'H'))
            return std::nullopt;
        return t->value;
    }
    //! A 'B' tag's elements converted to T.
    template <typename T>
    std::optional<std::vector<T>> tag_array(std::string_view key) const
    {
        auto t = tag(key);
        if (!t || t->type != 'B')
            return std::nullopt;
        char sub = t->value[0];
        auto n = detail::load<std::uint32_t>(t->value.data() + 1);
        char const * p = t->value.data() + 5;
        std::vector<T> out(n);
        for (std::uint32_t i = 0; i < n; ++i)
            out[i] = static_cast<T>(array_element(sub, p, i));
        return out;
    }

    bool remove_tag(std::string_view key)
    {
        std::size_t at = find_tag(key);
        if (at == npos)
            return false;
        std::size_t len = 3 + tag_value_size(tag_data(), at + 2);
        data_.erase(tags_offset() + at, len);
        return true;
    }
    //! Sets an integer tag in the smallest type that holds it (as samtools does when reading SAM).
    void set_tag_int(std::string_view key, std::int64_t v)
    {
        std::string b;
        if (v < 0)
        {
            if (v >= INT8_MIN)
                b = typed('c', static_cast<std::int8_t>(v));
            else if (v >= INT16_MIN)
                b = typed('s', static_cast<std::int16_t>(v));
            else if (v >= INT32_MIN)
                b = typed('i', static_cast<std::int32_t>(v));
            else
                throw invalid_argument{"bam::record: integer tag out of range"};
        }
        else if (v <= UINT8_MAX)
            b = typed('C', static_cast<std::uint8_t>(v));
        else if (v <= UINT16_MAX)
            b = typed('S', static_cast<std::uint16_t>(v));
        else if (v <= UINT32_MAX)
            b = typed('I', static_cast<std::uint32_t>(v));
        else
            throw invalid_argument{"bam::record: integer tag out of range"};
        put_tag(key, b);
    }
    void set_tag_float(std::string_view key, float v) { put_tag(key, typed('f', v)); }
    void set_tag_char(std::string_view key, char c) { put_tag(key, std::string{'A', c}); }
    void set_tag_string(std::string_view key, std::string_view s)
    {
        if (s.find('\0') != std::string_view::npos)
            throw invalid_argument{"bam::record: Z tag value holds a NUL"};
        std::string b{'Z'};
        b += s;
        b.push_back('\0');
        put_tag(key, b);
    }
    //! A 'B' array; T one of int8/uint8/int16/uint16/int32/uint32/float.
    template <typename T>
    void set_tag_array(std::string_view key, std::vector<T> const & v)
    {
        std::string b{'B', array_subtype<T>()};
        detail::append(b, static_cast<std::uint32_t>(v.size()));
        for (T x : v)
            detail::append(b, x);
        put_tag(key, b);
    }
    //! Appends an already encoded tag: key, type letter and value bytes (as in BAM). No duplicate check.
    void append_raw_tag(std::string_view encoded) { data_ += encoded; }

    // --- codec support ------------------------------------------------------------------------------
    //! Bytes used in memory (for memory-bounded sorting).
    std::size_t memory_size() const noexcept { return sizeof(record) + data_.capacity(); }
    //! The variable-length part in BAM layout (see the file comment).
    std::string const & variable_data() const noexcept { return data_; }

    //! Offset of the tag block, i.e. the end of QUAL within variable_data().
    std::size_t tags_offset() const noexcept { return qual_offset() + l_seq_; }

    //! Sets every field from a decoded BAM record (used by the BAM reader after validation).
    void assign_decoded(std::int32_t tid, std::int32_t pos, std::uint8_t l_qname, std::uint8_t mapq, std::uint16_t bin,
                        std::uint32_t n_cigar, std::uint16_t flag, std::uint32_t l_seq, std::int32_t mate_tid,
                        std::int32_t mate_pos, std::int32_t tlen, std::string && data) noexcept
    {
        tid_ = tid;
        pos_ = pos;
        l_qname_ = l_qname;
        mapq_ = mapq;
        bin_ = bin;
        n_cigar_ = n_cigar;
        flag_ = flag;
        l_seq_ = l_seq;
        mate_tid_ = mate_tid;
        mate_pos_ = mate_pos;
        tlen_ = tlen;
        data_ = std::move(data);
    }
    std::string & mutable_data() noexcept { return data_; }
    void set_n_cigar_raw(std::uint32_t n) noexcept { n_cigar_ = n; }

    //! Recomputes BIN from POS and the CIGAR (samtools: an unmapped read or empty CIGAR covers one base).
    void update_bin() noexcept
    {
        std::int64_t beg = pos_;
        std::int64_t end = has_flag(flag::unmapped) ? beg + 1 : end_position();
        bin_ = static_cast<std::uint16_t>(detail::reg2bin(beg, end));
    }

    //! Size in bytes of the tag value starting at its type letter t[at]; npos if it runs past the end or the
    //! type is unknown. Used to walk and validate tag blocks.
    static std::size_t tag_value_size(std::string_view t, std::size_t at) noexcept
    {
        if (at >= t.size())
            return npos;
        char type = t[at];
        std::size_t v = at + 1, avail = t.size() - v;
        std::size_t need;
        switch (type)
        {
        case 'A': case 'c': case 'C': need = 1; break;
        case 's': case 'S': need = 2; break;
        case 'i': case 'I': case 'f': need = 4; break;
        case 'Z': case 'H':
        {
            std::size_t nul = t.find('\0', v);
            if (nul == std::string_view::npos)
                return npos;
            need = nul - v + 1;
            break;
        }
        case 'B':
        {
            if (avail < 5)
                return npos;
            std::size_t es = element_size(t[v]);
            if (es == 0)
                return npos;
            std::uint64_t n = detail::load<std::uint32_t>(t.data() + v + 1);
            if (n * es > avail - 5)
                return npos;
            need = 5 + static_cast<std::size_t>(n * es);
            break;
        }
        default: return npos;
        }
        return need <= avail ? need : npos;
    }
    static std::size_t element_size(char sub) noexcept
    {
        switch (sub)
        {
        case 'c': case 'C': return 1;
        case 's': case 'S': return 2;
        case 'i': case 'I': case 'f': return 4;
        default: return 0;
        }
    }
    static double array_element(char sub, char const * p, std::size_t i) noexcept
    {
        switch (sub)
        {
        case 'c': return detail::load<std::int8_t>(p + i);
        case 'C': return detail::load<std::uint8_t>(p + i);
        case 's': return detail::load<std::int16_t>(p + 2 * i);
        case 'S': return detail::load<std::uint16_t>(p + 2 * i);
        case 'i': return detail::load<std::int32_t>(p + 4 * i);
        case 'I': return detail::load<std::uint32_t>(p + 4 * i);
        default: return detail::load<float>(p + 4 * i);
        }
    }

    static constexpr std::size_t npos = std::string_view::npos;

    //! Sets the CIGAR, SEQ and QUAL at once (qual empty = absent). Validates as from_fields.
    void set_cigar_and_seq(std::vector<std::uint32_t> const & cigar, std::string_view seq, std::string_view qual)
    {
        if (seq.size() > INT32_MAX)
            throw invalid_argument{"bam::record: sequence too long"};
        check_cigar(cigar, static_cast<std::uint32_t>(seq.size()));
        std::string tags{tag_data()};
        data_.resize(l_qname_);
        std::size_t c = data_.size();
        data_.resize(c + 4 * cigar.size());
        if (!cigar.empty())
            std::memcpy(data_.data() + c, cigar.data(), 4 * cigar.size());
        std::size_t const s = data_.size();
        data_.resize(s + (seq.size() + 1) / 2);
        // Two bases a byte; an unknown letter (code -1) makes `bad` negative, checked once after the loop.
        char * packed = data_.data() + s;
        int bad = 0;
        std::size_t i = 0;
        for (; i + 1 < seq.size(); i += 2)
        {
            int const hi = base_to_code(seq[i]), lo = base_to_code(seq[i + 1]);
            bad |= hi | lo;
            packed[i / 2] = static_cast<char>((hi & 15) << 4 | (lo & 15));
        }
        if (i < seq.size())
        {
            int const hi = base_to_code(seq[i]);
            bad |= hi;
            packed[i / 2] = static_cast<char>((hi & 15) << 4);
        }
        if (bad < 0)
            throw invalid_argument{"bam::record: invalid base letter in SEQ"};
        if (qual.empty())
            data_.append(seq.size(), static_cast<char>(0xff));
        else
            data_ += qual;
        data_ += tags;
        n_cigar_ = static_cast<std::uint32_t>(cigar.size());
        l_seq_ = static_cast<std::uint32_t>(seq.size());
        update_bin();
    }

    static int base_to_code(char c) noexcept
    {
        static constexpr auto table = [] {
            std::array<signed char, 256> t{};
            t.fill(-1);
            for (int i = 0; i < 16; ++i)
            {
                t[static_cast<unsigned char>(seq_letters[i])] = static_cast<signed char>(i);
                char lower = seq_letters[i] >= 'A' && seq_letters[i] <= 'Z' ? static_cast<char>(seq_letters[i] + 32) : seq_letters[i];
                t[static_cast<unsigned char>(lower)] = static_cast<signed char>(i);
            }
            return t;
        }();
        return table[static_cast<unsigned char>(c)];
    }

private:
    static std::int32_t narrow_pos(std::int64_t p, char const * what)
    {
        if (p < -1 || p >= INT32_MAX)
            throw invalid_argument{std::string{"bam::record: "} + what + " out of range"};
        return static_cast<std::int32_t>(p);
    }

    static void check_cigar(std::vector<std::uint32_t> const & ops, std::uint32_t l_seq)
    {
        std::uint64_t q = 0;
        for (std::uint32_t op : ops)
        {
            if (cigar_op_code(op) > 8)
                throw invalid_argument{"bam::record: unknown CIGAR operation"};
            if (consumes_query(op))
                q += cigar_op_length(op);
        }
        if (!ops.empty() && l_seq != 0 && q != l_seq)
            throw invalid_argument{"bam::record: CIGAR query length " + std::to_string(q) + " differs from SEQ length " +
                                   std::to_string(l_seq)};
    }

    template <typename T>
    static std::string typed(char type, T v)
    {
        std::string b{type};
        detail::append(b, v);
        return b;
    }

    template <typename T>
    static constexpr char array_subtype()
    {
        if constexpr (std::is_same_v<T, std::int8_t>) return 'c';
        else if constexpr (std::is_same_v<T, std::uint8_t>) return 'C';
        else if constexpr (std::is_same_v<T, std::int16_t>) return 's';
        else if constexpr (std::is_same_v<T, std::uint16_t>) return 'S';
        else if constexpr (std::is_same_v<T, std::int32_t>) return 'i';
        else if constexpr (std::is_same_v<T, std::uint32_t>) return 'I';
        else
        {
            static_assert(std::is_same_v<T, float>, "B arrays hold 8/16/32-bit integers or float");
            return 'f';
        }
    }

    //! Replaces the tag's value (type letter + value), keeping its place, or appends it.
    void put_tag(std::string_view key, std::string const & type_and_value)
    {
        if (key.size() != 2)
            throw invalid_argument{"bam::record: tag keys are two characters"};
        std::size_t at = find_tag(key);
        if (at == npos)
        {
            data_ += key;
            data_ += type_and_value;
            return;
        }
        std::size_t old = 1 + tag_value_size(tag_data(), at + 2);
        data_.replace(tags_offset() + at + 2, old, type_and_value);
    }

    //! Offset of the tag within tag_data(), or npos. Tag blocks are validated when decoded, so the walk is safe.
    std::size_t find_tag(std::string_view key) const noexcept
    {
        std::string_view t = tag_data();
        std::size_t at = 0;
        while (at + 3 <= t.size())
        {
            std::size_t len = tag_value_size(t, at + 2);
            if (len == npos)
                return npos;
            if (t[at] == key[0] && t[at + 1] == key[1])
                return at;
            at += 3 + len;
        }
        return npos;
    }

    std::size_t cigar_offset() const noexcept { return l_qname_; }
    std::size_t seq_offset() const noexcept { return l_qname_ + 4 * std::size_t{n_cigar_}; }
    std::size_t qual_offset() const noexcept { return seq_offset() + (l_seq_ + 1) / 2; }

    std::int32_t tid_{-1};
    std::int32_t pos_{-1};
    std::uint8_t l_qname_{0};
    std::uint8_t mapq_{255};
    std::uint16_t bin_{4680};
    std::uint32_t n_cigar_{0};
    std::uint16_t flag_{0};
    std::uint32_t l_seq_{0};
    std::int32_t mate_tid_{-1};
    std::int32_t mate_pos_{-1};
    std::int32_t tlen_{0};
    std::string data_;
};

} // namespace wgskit::bam
