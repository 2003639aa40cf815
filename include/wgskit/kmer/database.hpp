// Writing counted k-mers (database, text dump, histogram) and reading the database back.
//
// Database file, little-endian:
//   bytes 0..7   magic "WGSKMERS"
//   u32 version (1), u32 k, u32 word_bytes (8 for k <= 32, 16 above), u32 min_count, u32 max_count, u32 reserved 0,
//   u64 number of records, u64 sum of their counts                                              (48-byte header)
//   records: word_bytes bytes of canonical k-mer word (first base in the high bits), u32 count; ascending k-mers.
//
//   auto db = kmer::kmer_database<std::uint64_t>::load("reads.kmers");
//   db.count("ACGT...");                 // 0 when absent; either strand
//   for (auto [kmer, n] : db) ...        // ascending canonical k-mers
#pragma once

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <wgskit/core/atomic_file.hpp>
#include <wgskit/core/exception.hpp>
#include <wgskit/io/input_file.hpp>
#include <wgskit/kmer/counter.hpp>
#include <wgskit/kmer/kmer.hpp>

namespace wgskit::kmer
{

static_assert(std::endian::native == std::endian::little, "the k-mer database format is written little-endian");

inline constexpr char database_magic[8] = {'W', 'G', 'S', 'K', 'M', 'E', 'R', 'S'};
inline constexpr std::uint32_t database_version = 1;
inline constexpr std::size_t database_header_bytes = 48;

struct database_header
{
    std::uint32_t version = database_version;
    std::uint32_t k = 0;
    std::uint32_t word_bytes = 0;
    std::uint32_t min_count = 1;
    std::uint32_t max_count = 0;
    std::uint64_t records = 0;
    std::uint64_t total_count = 0;
};

namespace detail
{
//! Buffers small writes to an atomic_output_file.
class buffered_writer
{
public:
    explicit buffered_writer(std::string const & path) : out_{path} { buf_.reserve(capacity); }
    void put(void const * p, std::size_t n)
    {
        buf_.append(static_cast<char const *>(p), n);
        if (buf_.size() >= capacity)
            flush();
    }
    std::string & text() noexcept { return buf_; } // append, then call maybe_flush()
    void maybe_flush()
    {
        if (buf_.size() >= capacity)
            flush();
    }
    void commit()
    {
        flush();
        out_.commit();
    }

private:
    static constexpr std::size_t capacity = std::size_t{1} << 20;
    void flush()
    {
        out_.write(buf_);
        buf_.clear();
    }
    atomic_output_file out_;
    std::string buf_;
};
} // namespace detail

//! Writes the kept k-mers as a database file (temporary name, renamed when complete).
template <kmer_word W>
void write_database(kmer_counts<W> const & counts, std::string const & path)
{
    std::uint64_t records = 0, total = 0;
    for (std::size_t b = 0; b < counts.bin_counts.size(); ++b)
    {
        records += counts.bin_counts[b].size();
        for (auto c : counts.bin_counts[b])
            total += c;
    }
    detail::buffered_writer out{path};
    char header[database_header_bytes]{};
    std::memcpy(header, database_magic, 8);
    std::uint32_t const fields[6] = {database_version, counts.k, static_cast<std::uint32_t>(sizeof(W)),
                                     counts.min_count, counts.max_count, 0};
    std::memcpy(header + 8, fields, sizeof fields);
    std::memcpy(header + 32, &records, 8);
    std::memcpy(header + 40, &total, 8);
    out.put(header, sizeof header);
    counts.for_each_sorted([&](W kmer, std::uint32_t n) {
        out.put(&kmer, sizeof kmer);
        out.put(&n, sizeof n);
    });
    out.commit();
}

//! Writes "KMER<TAB>COUNT" lines, ascending canonical k-mers, upper case.
template <kmer_word W>
void write_dump(kmer_counts<W> const & counts, std::string const & path)
{
    detail::buffered_writer out{path};
    char line[max_supported_k + 16];
    counts.for_each_sorted([&](W kmer, std::uint32_t n) {
        decode_into(kmer, counts.k, line);
        int const tail = std::snprintf(line + counts.k, sizeof line - counts.k, "\t%u\n", n);
        out.text().append(line, counts.k + static_cast<std::size_t>(tail));
        out.maybe_flush();
    });
    out.commit();
}

//! Writes "COUNT<TAB>NUMBER_OF_KMERS" lines for every count seen at least once.
inline void write_histogram(std::vector<std::uint64_t> const & histogram, std::string const & path)
{
    std::string text;
    for (std::size_t c = 1; c < histogram.size(); ++c)
        if (histogram[c] != 0)
            text += std::to_string(c) + '\t' + std::to_string(histogram[c]) + '\n';
    write_file_atomically(path, text);
}

//! Reads and checks a database header. Throws io_error / parse_error.
inline database_header read_database_header(std::string const & path, std::uint64_t * file_size = nullptr)
{
    std::FILE * f = std::fopen(path.c_str(), "rb");
    if (f == nullptr)
        throw io_error{path, std::string{"cannot open: "} + std::strerror(errno)};
    char raw[database_header_bytes];
    std::size_t const got = std::fread(raw, 1, sizeof raw, f);
    std::fseek(f, 0, SEEK_END);
    long const size = std::ftell(f);
    std::fclose(f);
    if (got != sizeof raw || std::memcmp(raw, database_magic, 8) != 0)
        throw parse_error{path, 0, "not a wgskit k-mer database (bad magic or short header)"};
    database_header h;
    std::uint32_t fields[6];
    std::memcpy(fields, raw + 8, sizeof fields);
    h.version = fields[0];
    h.k = fields[1];
    h.word_bytes = fields[2];
    h.min_count = fields[3];
    h.max_count = fields[4];
    std::memcpy(&h.records, raw + 32, 8);
    std::memcpy(&h.total_count, raw + 40, 8);
    if (h.version != database_version)
        throw parse_error{path, 0, "unsupported k-mer database version " + std::to_string(h.version)};
    if (h.k < 1 || h.k > max_supported_k || h.word_bytes != (h.k <= 32 ? 8u : 16u))
        throw parse_error{path, 0, "bad k (" + std::to_string(h.k) + ") or word size (" + std::to_string(h.word_bytes) +
                                       ") in the header"};
    std::uint64_t const expected = database_header_bytes + h.records * (h.word_bytes + 4);
    if (size < 0 || static_cast<std::uint64_t>(size) != expected)
        throw parse_error{path, 0, "file holds " + std::to_string(size) + " bytes, the header announces " +
                                       std::to_string(expected) + " (truncated?)"};
    if (file_size)
        *file_size = static_cast<std::uint64_t>(size);
    return h;
}

//! A loaded k-mer database: counts by binary search, iteration in ascending order.
template <kmer_word W>
class kmer_database
{
public:
    //! Loads a database written with this word type (k <= 32: std::uint64_t, else uint128_t).
    static kmer_database load(std::string const & path)
    {
        database_header const h = read_database_header(path);
        if (h.word_bytes != sizeof(W))
            throw invalid_argument{path + ": k = " + std::to_string(h.k) + " needs a " +
                                   std::to_string(h.word_bytes * 8) + "-bit word, not " + std::to_string(sizeof(W) * 8)};
        kmer_database db;
        db.header_ = h;
        db.kmers_.resize(h.records);
        db.counts_.resize(h.records);
        io::input_file in{path};
        char skip[database_header_bytes];
        read_exact(in, skip, sizeof skip);
        std::vector<char> buf((sizeof(W) + 4) * 65536);
        for (std::uint64_t done = 0; done < h.records;)
        {
            std::uint64_t const n = std::min<std::uint64_t>(65536, h.records - done);
            read_exact(in, buf.data(), n * (sizeof(W) + 4));
            for (std::uint64_t i = 0; i < n; ++i)
            {
                std::memcpy(&db.kmers_[done + i], buf.data() + i * (sizeof(W) + 4), sizeof(W));
                std::memcpy(&db.counts_[done + i], buf.data() + i * (sizeof(W) + 4) + sizeof(W), 4);
                if (done + i > 0 && !(db.kmers_[done + i - 1] < db.kmers_[done + i]))
                    throw parse_error{path, done + i + 1, "k-mers are not in ascending order"};
            }
            done += n;
        }
        return db;
    }

    unsigned k() const noexcept { return header_.k; }
    database_header const & header() const noexcept { return header_; }
    std::size_t size() const noexcept { return kmers_.size(); }

    //! The count of a canonical k-mer word (0 when absent).
    std::uint32_t count(W canonical_kmer) const noexcept
    {
        auto const it = std::lower_bound(kmers_.begin(), kmers_.end(), canonical_kmer);
        return it != kmers_.end() && *it == canonical_kmer ? counts_[static_cast<std::size_t>(it - kmers_.begin())] : 0;
    }

    //! The count of a k-mer given as k letters, either strand. Throws invalid_argument for a wrong length or letter.
    std::uint32_t count(std::string_view letters) const
    {
        if (letters.size() != header_.k)
            throw invalid_argument{"k-mer '" + std::string{letters} + "' has length " + std::to_string(letters.size()) +
                                   ", the database k is " + std::to_string(header_.k)};
        return count(canonical(encode<W>(letters), header_.k));
    }

    std::pair<W, std::uint32_t> operator[](std::size_t i) const noexcept { return {kmers_[i], counts_[i]}; }

    class iterator
    {
    public:
        using value_type = std::pair<W, std::uint32_t>;
        using difference_type = std::ptrdiff_t;
        iterator() = default;
        iterator(kmer_database const * db, std::size_t i) : db_{db}, i_{i} {}
        value_type operator*() const noexcept { return (*db_)[i_]; }
        iterator & operator++() noexcept { ++i_; return *this; }
        iterator operator++(int) noexcept { auto t = *this; ++i_; return t; }
        bool operator==(iterator const & o) const noexcept { return i_ == o.i_; }
    private:
        kmer_database const * db_ = nullptr;
        std::size_t i_ = 0;
    };
    iterator begin() const noexcept { return {this, 0}; }
    iterator end() const noexcept { return {this, kmers_.size()}; }

private:
    static void read_exact(io::input_file & in, char * dst, std::size_t n)
    {
        if (in.read(dst, n) != n)
            throw parse_error{in.path(), 0, "unexpected end of the k-mer database"};
    }

    database_header header_;
    std::vector<W> kmers_;
    std::vector<std::uint32_t> counts_;
};

} // namespace wgskit::kmer
