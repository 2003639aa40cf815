// FASTQ reading: 4-line records, plain or gzip (see input_file.hpp), batch-oriented for speed.
//
//   wgskit::io::fastq_reader in{"reads.fq.gz"};
//   wgskit::io::read_batch batch;
//   while (in.read_batch(batch))
//       for (auto rec : batch) use(rec.name, rec.sequence, rec.qualities);
//
// Every malformed record is reported as parse_error(file, record number (1-based), reason).
#pragma once

#include <wgskit/core/platform.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <wgskit/core/exception.hpp>
#include <wgskit/io/detail/buffered_input.hpp>
#include <wgskit/io/detail/char_tables.hpp>

namespace wgskit::io
{

//! A FASTQ record as views (into a read_batch or a reader's buffer).
struct fastq_record_view
{
    std::string_view name;      //!< the header up to the first space or tab, without '@'
    std::string_view comment;   //!< the rest of the header after that whitespace (may be empty)
    std::string_view sequence;  //!< IUPAC nucleotide letters
    std::string_view qualities; //!< Phred+33 characters, same length as sequence
};

//! An owning FASTQ record.
struct fastq_record
{
    std::string name;
    std::string comment;
    std::string sequence;
    std::string qualities;

    fastq_record_view view() const noexcept { return {name, comment, sequence, qualities}; }
    bool operator==(fastq_record const &) const = default;
};

class fastq_reader;
class paired_fastq_reader;

//! Many FASTQ records stored contiguously in one buffer; records are accessed as string_views that stay valid
//! until the batch is cleared or refilled. Reusing one batch avoids per-record allocation.
class read_batch
{
public:
    read_batch() = default;

    std::size_t size() const noexcept { return entries_.size(); }
    bool empty() const noexcept { return entries_.empty(); }
    std::uint64_t bases() const noexcept { return bases_; }
    //! The 1-based number (within its file) of the batch's first record; 0 for an empty batch.
    std::uint64_t first_record() const noexcept { return empty() ? 0 : first_record_; }

    std::string_view name(std::size_t i) const noexcept
    {
        auto const & e = entries_[i];
        return {data_.get() + e.base + e.name_off, e.name_len};
    }
    std::string_view comment(std::size_t i) const noexcept
    {
        auto const & e = entries_[i];
        return {data_.get() + e.base + e.comment_off, e.comment_len};
    }
    std::string_view sequence(std::size_t i) const noexcept
    {
        auto const & e = entries_[i];
        return {data_.get() + e.base + e.seq_off, e.seq_len};
    }
    std::string_view qualities(std::size_t i) const noexcept
    {
        auto const & e = entries_[i];
        return {data_.get() + e.base + e.qual_off, e.seq_len};
    }
    fastq_record_view operator[](std::size_t i) const noexcept
    {
        return {name(i), comment(i), sequence(i), qualities(i)};
    }

    void clear() noexcept
    {
        entries_.clear();
        size_ = 0;
        bases_ = 0;
        first_record_ = 0;
    }

    //! Appends a copy of a record (the reader appends records without this per-record copy).
    void push_back(fastq_record_view r)
    {
        std::size_t need = r.name.size() + r.comment.size() + 2 * r.sequence.size();
        reserve_bytes(size_ + need);
        entry e{};
        e.base = size_;
        char * p = data_.get() + size_;
        std::memcpy(p, r.name.data(), r.name.size());
        e.name_off = 0;
        e.name_len = static_cast<std::uint32_t>(r.name.size());
        std::memcpy(p + e.name_len, r.comment.data(), r.comment.size());
        e.comment_off = e.name_len;
        e.comment_len = static_cast<std::uint32_t>(r.comment.size());
        e.seq_off = e.comment_off + e.comment_len;
        e.seq_len = static_cast<std::uint32_t>(r.sequence.size());
        std::memcpy(p + e.seq_off, r.sequence.data(), r.sequence.size());
        e.qual_off = e.seq_off + e.seq_len;
        std::memcpy(p + e.qual_off, r.qualities.data(), r.qualities.size());
        size_ += need;
        bases_ += r.sequence.size();
        entries_.push_back(e);
    }

    void set_first_record(std::uint64_t n) noexcept { first_record_ = n; }

    class iterator
    {
    public:
        using iterator_category = std::random_access_iterator_tag;
        using value_type = fastq_record_view;
        using difference_type = std::ptrdiff_t;
        using reference = fastq_record_view;
        using pointer = void;

        iterator() = default;
        iterator(read_batch const * b, std::size_t i) : b_{b}, i_{i} {}
        fastq_record_view operator*() const noexcept { return (*b_)[i_]; }
        iterator & operator++() noexcept { ++i_; return *this; }
        iterator operator++(int) noexcept { auto t = *this; ++i_; return t; }
        bool operator==(iterator const & o) const noexcept { return i_ == o.i_; }
        difference_type operator-(iterator const & o) const noexcept
        {
            return static_cast<difference_type>(i_) - static_cast<difference_type>(o.i_);
        }

    private:
        read_batch const * b_{nullptr};
        std::size_t i_{0};
    };
    iterator begin() const noexcept { return {this, 0}; }
    iterator end() const noexcept { return {this, size()}; }

private:
    friend class fastq_reader;

    // Offsets of the fields relative to base (the record's first byte in data_).
    struct entry
    {
        std::uint64_t base;
        std::uint32_t name_off, name_len, comment_off, comment_len, seq_off, seq_len, qual_off;
    };

    void reserve_bytes(std::size_t n)
    {
        if (n <= cap_)
            return;
        std::size_t ncap = std::max(n, cap_ * 2 + (std::size_t{1} << 16));
        std::unique_ptr<char[]> nd{new char[ncap]};
        if (size_)
            std::memcpy(nd.get(), data_.get(), size_);
        data_ = std::move(nd);
        cap_ = ncap;
    }

    std::unique_ptr<char[]> data_;
    std::size_t size_{0};
    std::size_t cap_{0};
    std::vector<entry> entries_;
    std::uint64_t bases_{0};
    std::uint64_t first_record_{0};
};

//! Reads 4-line FASTQ (plain or gzip, "-" for stdin). Tolerates "\r\n" line ends, blank lines between records
//! and a last record without a final newline; any other deviation is a parse_error naming file and record.
class fastq_reader
{
public:
    // Small batches stay in cache between parsing and use (a few MB at most).
    static constexpr std::size_t default_batch_records = 4096;
    static constexpr std::uint64_t default_batch_bases = std::uint64_t{1} << 21;

    //! buffer_size: initial parse buffer (grown for longer records); mostly for tests.
    explicit fastq_reader(std::string path, std::size_t buffer_size = std::size_t{1} << 20) :
        in_{std::move(path), std::max<std::size_t>(buffer_size, 16)}
    {}

    std::string const & path() const noexcept { return in_.path(); }
    //! Records read so far (the number of the last record returned).
    std::uint64_t records_read() const noexcept { return records_; }

    //! Clears the batch and fills it with up to max_records records, stopping early once it holds max_bases
    //! bases. Returns false (and an empty batch) at the end of the file.
    bool read_batch(io::read_batch & batch,
                    std::size_t max_records = default_batch_records,
                    std::uint64_t max_bases = default_batch_bases)
    {
        batch.clear();
        batch.first_record_ = records_ + 1;
        batch_ = &batch;
        seg_start_ = pos_;
        pending_ = 0;
        raw_record r;
        try
        {
            while (batch.entries_.size() < max_records && batch.bases_ < max_bases && parse_one(r))
            {
                batch.entries_.push_back({r.start, r.name_off, r.name_len, r.comment_off, r.comment_len, r.seq_off,
                                          r.seq_len, r.qual_off});
                batch.bases_ += r.seq_len;
            }
            flush_segment();
        }
        catch (...)
        {
            batch_ = nullptr;
            throw;
        }
        batch_ = nullptr;
        return !batch.empty();
    }

    //! Reads the next record into rec (reusing its strings' memory). Returns false at the end of the file.
    bool next(fastq_record & rec)
    {
        raw_record r;
        if (!parse_one(r))
            return false;
        char const * b = in_.data() + r.start;
        rec.name.assign(b + r.name_off, r.name_len);
        rec.comment.assign(b + r.comment_off, r.comment_len);
        rec.sequence.assign(b + r.seq_off, r.seq_len);
        rec.qualities.assign(b + r.qual_off, r.seq_len);
        return true;
    }

private:
    struct raw_record
    {
        std::size_t start;
        std::uint32_t name_off, name_len, comment_off, comment_len, seq_off, seq_len, qual_off;
    };

    [[noreturn]] void fail(std::string const & reason) const { throw parse_error{path(), records_ + 1, reason}; }

    // Copies the records parsed since the last flush from the reader's buffer into the active batch.
    void flush_segment()
    {
        if (!batch_ || pos_ <= seg_start_)
            return;
        auto & b = *batch_;
        std::size_t len = pos_ - seg_start_;
        b.reserve_bytes(b.size_ + len);
        std::memcpy(b.data_.get() + b.size_, in_.data() + seg_start_, len);
        for (std::size_t i = pending_; i < b.entries_.size(); ++i)
            b.entries_[i].base = b.entries_[i].base - seg_start_ + b.size_;
        b.size_ += len;
        pending_ = b.entries_.size();
        seg_start_ = pos_;
    }

    bool refill()
    {
        flush_segment();
        std::size_t keep_from = pos_;
        bool more = in_.refill(keep_from);
        pos_ = 0;
        seg_start_ = 0;
        return more;
    }

    static std::size_t line_len(char const * b, char const * nl) noexcept
    {
        std::size_t n = static_cast<std::size_t>(nl - b);
        return (n > 0 && b[n - 1] == '\r') ? n - 1 : n;
    }

    // Parses the next record starting at pos_; returns false at a clean end of file.
    bool parse_one(raw_record & r)
    {
        char const * nl[4];
        while (true)
        {
            char const * buf = in_.data();
            char const * end = buf + in_.size();
            // Skip blank lines between records.
            char const * p = buf + pos_;
            while (p < end && (*p == '\n' || (*p == '\r' && p + 1 < end && p[1] == '\n')))
                p += (*p == '\n') ? 1 : 2;
            pos_ = static_cast<std::size_t>(p - buf);
            int found = 0;
            char const * q = p;
            while (found < 4 && q < end)
            {
                auto * n = static_cast<char const *>(std::memchr(q, '\n', static_cast<std::size_t>(end - q)));
                if (!n)
                    break;
                nl[found++] = n;
                q = n + 1;
            }
            if (found == 4)
                break;
            if (p < end && *p != '@')
                fail_header(p, end);
            if (found >= 3 && nl[1][1] != '+')
                fail(plus_reason(nl[1] + 1, nl[2]));
            if (!refill())
            {
                if (in_.size() == 0 || pos_ == in_.size())
                    return false;
                fail("truncated record: file ends inside it");
            }
        }
        char const * buf = in_.data();
        char const * h = buf + pos_;
        if (WGSKIT_UNLIKELY(*h != '@'))
            fail_header(h, nl[0]);
        char const * s = nl[0] + 1;
        char const * plus = nl[1] + 1;
        char const * qs = nl[2] + 1;
        if (WGSKIT_UNLIKELY(*plus != '+'))
            fail(plus_reason(plus, nl[2]));
        std::size_t hlen = line_len(h, nl[0]);
        std::size_t slen = line_len(s, nl[1]);
        std::size_t qlen = line_len(qs, nl[3]);
        if (WGSKIT_UNLIKELY(slen != qlen))
            fail("sequence and quality lengths differ (sequence " + std::to_string(slen) + ", quality " +
                 std::to_string(qlen) + ")");
        // Name: up to the first space or tab.
        std::size_t nlen = 1;
        while (nlen < hlen && h[nlen] != ' ' && h[nlen] != '\t')
            ++nlen;
        if (WGSKIT_UNLIKELY(nlen == 1))
            fail("empty read name");
        // Validate without branches per byte; locate the culprit only on failure.
        unsigned bad = 0;
        for (std::size_t i = 0; i < slen; ++i)
            bad |= invalid_base_[static_cast<unsigned char>(s[i])];
        if (WGSKIT_UNLIKELY(bad))
            fail_sequence(s, slen);
        unsigned badq = 0;
        for (std::size_t i = 0; i < qlen; ++i)
            badq |= static_cast<unsigned>(static_cast<unsigned char>(qs[i] - 33) > 93);
        if (WGSKIT_UNLIKELY(badq))
            fail_quality(qs, qlen);

        r.start = pos_;
        r.name_off = 1;
        r.name_len = static_cast<std::uint32_t>(nlen - 1);
        std::size_t coff = nlen < hlen ? nlen + 1 : hlen;
        r.comment_off = static_cast<std::uint32_t>(coff);
        r.comment_len = static_cast<std::uint32_t>(hlen - coff);
        r.seq_off = static_cast<std::uint32_t>(s - h);
        r.seq_len = static_cast<std::uint32_t>(slen);
        r.qual_off = static_cast<std::uint32_t>(qs - h);
        pos_ = static_cast<std::size_t>(nl[3] + 1 - buf);
        ++records_;
        return true;
    }

    [[noreturn]] void fail_header(char const * p, char const * end) const
    {
        std::string first{p, static_cast<std::size_t>(std::min<std::ptrdiff_t>(end - p, 20))};
        if (auto k = first.find_first_of("\r\n"); k != std::string::npos)
            first.resize(k);
        fail("header does not start with '@' (line starts with '" + first + "')");
    }

    static std::string plus_reason(char const * b, char const * nl)
    {
        std::string line{b, std::min<std::size_t>(line_len(b, nl), 20)};
        return "missing '+' line (third line is '" + line + "')";
    }

    [[noreturn]] void fail_sequence(char const * s, std::size_t n) const
    {
        for (std::size_t i = 0; i < n; ++i)
            if (!detail::is_iupac(s[i]))
                fail("invalid nucleotide '" + detail::show_char(s[i]) + "' at sequence position " +
                     std::to_string(i + 1));
        fail("invalid sequence");
    }

    [[noreturn]] void fail_quality(char const * q, std::size_t n) const
    {
        for (std::size_t i = 0; i < n; ++i)
            if (!detail::is_quality(q[i]))
                fail("invalid quality character '" + detail::show_char(q[i]) + "' at position " +
                     std::to_string(i + 1) + " (must be '!'..'~')");
        fail("invalid quality string");
    }

    static constexpr std::array<std::uint8_t, 256> invalid_base_ = [] {
        std::array<std::uint8_t, 256> t{};
        for (std::size_t i = 0; i < 256; ++i)
            t[i] = detail::iupac_table[i] ? 0 : 1;
        return t;
    }();

    detail::buffered_input in_;
    std::size_t pos_{0};
    std::uint64_t records_{0};

    io::read_batch * batch_{nullptr};
    std::size_t seg_start_{0};
    std::size_t pending_{0};
};

} // namespace wgskit::io
