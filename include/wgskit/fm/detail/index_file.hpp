// The .wgsx index file: a fixed header, then sections at 64-byte aligned offsets. The same bytes are the
// in-memory index after a build, so loading is one mmap and a few checks; nothing is parsed or copied.
//
//   header (512 bytes): magic "WGSXFMD\0", format version, position width (4 or 8 bytes), SA sampling rate,
//   symbols per occurrence line, text length, primary index, C[], contig count, forward length, reference
//   checksum, then the section table {offset, size, crc32} and the header's own crc32.
//   sections: contig table, contig names, ambiguity runs, packed 2-bit reference, occurrence lines,
//   dollar table, sampled suffix array.
#pragma once

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <string_view>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libdeflate.h>

#include <wgskit/core/atomic_file.hpp>
#include <wgskit/core/exception.hpp>
#include <wgskit/core/huge_pages.hpp>
#include <wgskit/core/mapping_guard.hpp>

namespace wgskit::fm::detail
{

inline constexpr char file_magic[8] = {'W', 'G', 'S', 'X', 'F', 'M', 'D', '\0'};
inline constexpr std::uint32_t file_version = 1;
inline constexpr std::size_t header_bytes = 512;

enum section : std::size_t
{
    section_contigs,
    section_names,
    section_ambiguity,
    section_reference,
    section_occ,
    section_dollars,
    section_sa,
    section_count
};

inline constexpr char const * section_names_text[section_count] = {
    "contig table", "contig names", "ambiguity runs", "packed reference", "occurrence table", "dollar table",
    "sampled suffix array"};

struct section_entry
{
    std::uint64_t offset;
    std::uint64_t size;
    std::uint64_t crc;
};

struct file_header
{
    char magic[8];
    std::uint32_t version;
    std::uint32_t index_bytes;
    std::uint32_t sa_sample_rate;
    std::uint32_t line_symbols;
    std::uint64_t text_length;   // n: forward + reverse-complement text with separators, terminal excluded
    std::uint64_t primary;       // BWT index of the suffix starting at text position 0
    std::uint64_t c[5];          // C[A..T] and the BWT length
    std::uint64_t contig_count;
    std::uint64_t forward_length; // contigs plus one separator each
    std::uint64_t reference_length;
    std::uint64_t reference_checksum;
    section_entry sections[section_count];
    std::uint64_t header_crc;
};
static_assert(sizeof(file_header) <= header_bytes);

//! One contig in the contig table.
struct contig_record
{
    std::uint64_t length;
    std::uint64_t reference_offset; // first base in the packed reference (contigs concatenated)
    std::uint64_t name_offset;      // in the names section
    std::uint64_t name_length;
};

//! Deterministic stand-in base for an ambiguous reference position: a hash of its position, so N runs neither
//! turn into long homopolymers (which would make every poly-A pattern hit them) nor change between builds.
constexpr std::uint8_t ambiguous_base(std::uint64_t position) noexcept
{
    std::uint64_t z = position + 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return static_cast<std::uint8_t>((z ^ (z >> 31)) & 3u);
}

//! A run of ambiguity letters in the packed reference coordinates.
struct ambiguity_record
{
    std::uint64_t start;
    std::uint64_t length;
    std::uint64_t letter;
};

inline std::uint32_t crc32(void const * data, std::size_t n) noexcept { return libdeflate_crc32(0, data, n); }

inline std::uint64_t header_crc(file_header const & h) noexcept
{
    return crc32(&h, offsetof(file_header, header_crc));
}

constexpr std::uint64_t align64(std::uint64_t x) noexcept { return (x + 63) & ~std::uint64_t{63}; }

//! The bytes of an index: a 64-byte aligned heap buffer (after a build), a read-only file mapping (after load), or
//! a private copy of the file in anonymous memory backed by transparent huge pages (after load, on request).
class image_storage
{
public:
    image_storage() = default;
    image_storage(image_storage const &) = delete;
    image_storage & operator=(image_storage const &) = delete;
    ~image_storage()
    {
        guard_.release();
        if (mapped_)
            ::munmap(const_cast<std::byte *>(data_), mapping_bytes_);
        else if (data_ != nullptr)
            ::operator delete[](const_cast<std::byte *>(data_), std::align_val_t{64});
    }

    static std::shared_ptr<image_storage> allocate(std::size_t size)
    {
        auto s = std::make_shared<image_storage>();
        auto * p = static_cast<std::byte *>(::operator new[](size, std::align_val_t{64}));
        std::memset(p, 0, size);
        s->data_ = p;
        s->size_ = size;
        return s;
    }

    static std::shared_ptr<image_storage> map(std::string const & path)
    {
        int const fd = open_for_reading(path);
        auto s = std::make_shared<image_storage>();
        s->size_ = file_size(fd, path);
        s->mapping_bytes_ = s->size_;
        if (s->size_ > 0)
        {
            void * p = ::mmap(nullptr, s->size_, PROT_READ, MAP_PRIVATE, fd, 0);
            if (p == MAP_FAILED)
            {
                int const e = errno;
                ::close(fd);
                throw io_error{path, std::string{"cannot map: "} + std::strerror(e)};
            }
            s->data_ = static_cast<std::byte const *>(p);
            s->mapped_ = true;
            s->guard_ = mapping_guard{path, p, s->size_};
        }
        ::close(fd);
        return s;
    }

    //! Reads the file into private anonymous memory that asks for 2 MB transparent huge pages. FM-index steps
    //! jump at random through the whole index; with 4 KB pages nearly each of them also misses the TLB, with
    //! 2 MB pages a few GB stay within its reach. The copy costs one read of the file and, unlike the file
    //! mapping, is not shared with other processes through the page cache. Where the kernel gives no huge
    //! pages (THP off) the copy still works, on normal pages.
    static std::shared_ptr<image_storage> read_to_huge_pages(std::string const & path)
    {
        int const fd = open_for_reading(path);
        auto s = std::make_shared<image_storage>();
        s->size_ = file_size(fd, path);
        if (s->size_ == 0)
        {
            ::close(fd);
            return s;
        }
        s->mapping_bytes_ = (s->size_ + huge_page_bytes - 1) / huge_page_bytes * huge_page_bytes;
        void * p = ::mmap(nullptr, s->mapping_bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED)
        {
            int const e = errno;
            ::close(fd);
            throw io_error{path, std::string{"cannot allocate memory for the index: "} + std::strerror(e)};
        }
        s->data_ = static_cast<std::byte const *>(p);
        s->mapped_ = true; // from here on the destructor releases the memory, also when the read below throws
        advise_huge_pages(p, s->mapping_bytes_);
        for (std::size_t done = 0; done < s->size_;)
        {
            ssize_t const r = ::read(fd, static_cast<char *>(p) + done, s->size_ - done);
            if (r < 0 && errno == EINTR)
                continue;
            if (r <= 0)
            {
                int const e = r < 0 ? errno : 0;
                ::close(fd);
                throw io_error{path, r < 0 ? std::string{"cannot read: "} + std::strerror(e)
                                           : "file shrank while being read"};
            }
            done += static_cast<std::size_t>(r);
        }
        ::close(fd);
        return s;
    }

    std::byte const * data() const noexcept { return data_; }
    std::byte * mutable_data() noexcept { return const_cast<std::byte *>(data_); }
    std::size_t size() const noexcept { return size_; }

private:
    static int open_for_reading(std::string const & path)
    {
        int const fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            throw io_error{path, std::string{"cannot open: "} + std::strerror(errno)};
        return fd;
    }

    //! The size of the open file fd; closes it and throws on failure.
    static std::size_t file_size(int fd, std::string const & path)
    {
        struct stat st{};
        if (::fstat(fd, &st) != 0)
        {
            int const e = errno;
            ::close(fd);
            throw io_error{path, std::string{"cannot stat: "} + std::strerror(e)};
        }
        return static_cast<std::size_t>(st.st_size);
    }

    std::byte const * data_ = nullptr;
    std::size_t size_ = 0;
    std::size_t mapping_bytes_ = 0; // what munmap releases: size_, or size_ rounded up to whole huge pages
    bool mapped_ = false;
    mapping_guard guard_; // the file mapping (map()): an index truncated under it ends the run with an error
};

} // namespace wgskit::fm::detail
