// fmd_index: an FMD-index (FM-index of a reference and its reverse complement) for exact matching and seeding.
//
//   auto idx = fm::fmd_index::build(contigs);        // (name, sequence) pairs; N and other IUPAC letters allowed
//   idx.save("ref.fa.wgsx");                          // one file, written to a temporary name and renamed
//   auto idx2 = fm::fmd_index::load("ref.fa.wgsx");  // mmap: milliseconds, checked against truncation/corruption
//   idx2.count("ACGT...");                            // occurrences on both strands
//   idx2.locate(idx2.search("ACGT..."), 20);          // (contig, forward position, strand) of each
//
// Layout (see detail/): text X . revcomp(X), X = contig_1 $ ... contig_m $, suffix array by SA-IS with 32-bit
// positions below 2^31 symbols and 64-bit above; BWT packed 2 bits a symbol in 64-byte lines that carry the
// A/C/G/T counts (one cache line a rank query); every sa_sample_rate-th SA entry. Ambiguous reference bases are
// indexed as a deterministic pseudo-random base and remembered as runs: overlaps_ambiguous() tells a hit that
// covers one. Contig boundaries are separators, so no hit spans two contigs.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <wgskit/core/exception.hpp>
#include <wgskit/fm/detail/build.hpp>
#include <wgskit/fm/detail/fmd_core.hpp>
#include <wgskit/fm/detail/index_file.hpp>

namespace wgskit::fm
{

struct load_options
{
    //! Verify every section's CRC-32 (reads the whole file once; ~0.1 s a GB). Off: only the header's CRC and
    //! the layout are checked, for the fastest start of a mapper that trusts its index.
    bool verify_checksums = true;
    //! Copy the index into private memory on 2 MB transparent huge pages instead of mapping the file: fewer TLB
    //! misses in the FM-index's random walks (mapping to a 300 Mb reference ~10% less CPU), at the cost of one
    //! read of the file and a copy that other processes on the node do not share through the page cache.
    bool huge_pages = false;
};

namespace detail
{
inline void encode(std::string_view s, std::vector<std::uint8_t> & out)
{
    out.resize(s.size());
    for (std::size_t i = 0; i < s.size(); ++i)
        out[i] = base_codes[static_cast<unsigned char>(s[i])];
}

inline bool cpu_has_popcnt() noexcept
{
#if defined(__x86_64__) || defined(__i386__)
    static bool const has = __builtin_cpu_supports("popcnt");
    return has;
#else
    return true;
#endif
}

#if defined(__x86_64__) && !defined(__POPCNT__)
//! Runs f with everything it calls inlined and compiled for the popcnt instruction (rank is popcount-bound).
template <typename F, typename Core>
[[gnu::target("popcnt"), gnu::flatten]] inline decltype(auto) run_with_popcnt(F & f, Core const & core)
{
    return f(core);
}
#endif
} // namespace detail

class fmd_index
{
public:
    fmd_index() = default;

    //! Runs f(detail::fmd_core<Index> const &) for this index's position width, compiled for popcnt where the
    //! CPU has it. For the SMEM finder and other algorithms built on the core.
    template <typename F>
    decltype(auto) visit(F && f) const
    {
        if (wide_)
            return run(f, core64_);
        return run(f, core32_);
    }

private:
    template <typename F, typename Core>
    static decltype(auto) run(F & f, Core const & core)
    {
#if defined(__x86_64__) && !defined(__POPCNT__)
        if (detail::cpu_has_popcnt())
            return detail::run_with_popcnt(f, core);
#endif
        return f(core);
    }

public:
    //! Builds the index of contigs in memory. Throws invalid_argument on an empty reference, a non-IUPAC letter
    //! (naming the contig and position) or an SA sampling rate of 0.
    static fmd_index build(std::span<reference_sequence const> contigs, build_options const & options = {})
    {
        auto const packed = detail::pack_contigs(contigs);
        return build(packed, options);
    }

    //! The same from contigs already packed (their packed words are copied as they are).
    static fmd_index build(std::span<packed_reference_sequence const> contigs, build_options const & options = {})
    {
        if (options.sa_sample_rate == 0)
            throw invalid_argument{"fm::build: sa_sample_rate must be at least 1"};
        if (contigs.empty())
            throw invalid_argument{"fm::build: the reference has no contigs"};
        std::uint64_t total = 0;
        for (auto const & c : contigs)
            total += c.sequence.size();
        if (total == 0)
            throw invalid_argument{"fm::build: the reference has no bases"};
        std::uint64_t const n = 2 * (total + contigs.size());
        fmd_index idx;
        if (options.force_64bit || n + 1 >= (std::uint64_t{1} << 31))
            idx.storage_ = detail::build_image<std::uint64_t>(contigs, options);
        else
            idx.storage_ = detail::build_image<std::uint32_t>(contigs, options);
        idx.attach();
        return idx;
    }

    //! Maps an index file (or copies it onto huge pages: options.huge_pages). Throws io_error if it cannot be
    //! opened, parse_error (naming the file and the section) if it is truncated, corrupted, or of another format
    //! or version.
    static fmd_index load(std::string const & path, load_options const & options = {})
    {
        fmd_index idx;
        idx.storage_ = options.huge_pages ? detail::image_storage::read_to_huge_pages(path)
                                          : detail::image_storage::map(path);
        idx.validate(path, options);
        idx.attach();
        return idx;
    }

    //! Writes the index to path (through a temporary file in the same folder and a rename).
    void save(std::string const & path) const
    {
        write_file_atomically(path, {reinterpret_cast<char const *>(storage_->data()), storage_->size()});
    }

    // --- the reference ---------------------------------------------------------------------------------
    std::size_t contig_count() const noexcept { return contigs_.size(); }
    std::string_view contig_name(std::size_t k) const noexcept
    {
        return {names_ + contigs_[k].name_offset, contigs_[k].name_length};
    }
    std::uint64_t contig_length(std::size_t k) const noexcept { return contigs_[k].length; }
    //! Total bases of all contigs.
    std::uint64_t reference_length() const noexcept { return header().reference_length; }
    //! CRC-32 of the contig table, names, ambiguity runs and packed bases.
    std::uint64_t reference_checksum() const noexcept { return header().reference_checksum; }
    std::uint32_t sa_sample_rate() const noexcept { return header().sa_sample_rate; }
    //! Bytes of the index (= the file size).
    std::size_t size_bytes() const noexcept { return storage_ ? storage_->size() : 0; }
    //! Whether positions are 64-bit.
    bool wide() const noexcept { return wide_; }

    //! The bases [begin, end) of contig k in upper case, ambiguity letters restored.
    std::string contig_sequence(std::size_t k, std::uint64_t begin, std::uint64_t end) const
    {
        std::string out;
        contig_sequence(k, begin, end, out);
        return out;
    }

    //! The same into out (its capacity reused: the mapper asks for a window per alignment).
    void contig_sequence(std::size_t k, std::uint64_t begin, std::uint64_t end, std::string & out) const
    {
        check_range(k, begin, end, "contig_sequence");
        out.resize(end - begin);
        decode_range(k, begin, end, [&](std::uint64_t j, unsigned code) { out[j] = "ACGT"[code]; },
                     [&](std::uint64_t j, char letter) { out[j] = letter; });
    }

    //! The same bases as codes (A 0, C 1, G 2, T 3, an ambiguity letter 4) into out, last base first when reversed:
    //! the mapper's reference windows, without building the string.
    void contig_codes(std::size_t k, std::uint64_t begin, std::uint64_t end, std::vector<std::uint8_t> & out,
                      bool reversed = false) const
    {
        check_range(k, begin, end, "contig_codes");
        std::uint64_t const n = end - begin;
        out.resize(n);
        auto const at = [&](std::uint64_t j) -> std::uint8_t & { return out[reversed ? n - 1 - j : j]; };
        decode_range(k, begin, end, [&](std::uint64_t j, unsigned code) { at(j) = static_cast<std::uint8_t>(code); },
                     [&](std::uint64_t j, char) { at(j) = 4; });
    }

    //! Whether [pos, pos + length) of contig k holds an ambiguous (e.g. N) reference base: such a hit matched
    //! the stand-in bases the index uses there.
    bool overlaps_ambiguous(std::size_t k, std::uint64_t pos, std::uint64_t length) const noexcept
    {
        std::uint64_t const off = contigs_[k].reference_offset;
        return !ambiguity_runs_overlapping(off + pos, off + pos + length).empty();
    }

    // --- queries ---------------------------------------------------------------------------------------
    //! Occurrences of pattern on both strands (a pattern and its reverse complement each count); 0 if it
    //! holds anything but A, C, G, T (either case).
    std::uint64_t count(std::string_view pattern) const
    {
        return visit([&](auto const & core) {
            auto const [lo, hi] = core.backward_search(pattern);
            return hi > lo ? hi - lo : std::uint64_t{0};
        });
    }

    //! count() of many patterns into out, interleaved with software prefetching.
    void count(std::span<std::string_view const> patterns, std::span<std::uint64_t> out) const
    {
        if (out.size() < patterns.size())
            throw invalid_argument{"fm::count: output span shorter than the patterns"};
        std::vector<std::uint8_t> codes;
        std::size_t total = 0;
        for (auto p : patterns)
            total += p.size();
        codes.resize(total);
        std::vector<std::uint8_t const *> starts(patterns.size());
        std::vector<std::size_t> lengths(patterns.size());
        std::size_t at = 0;
        for (std::size_t q = 0; q < patterns.size(); ++q)
        {
            for (std::size_t i = 0; i < patterns[q].size(); ++i)
                codes[at + i] = detail::base_codes[static_cast<unsigned char>(patterns[q][i])];
            starts[q] = codes.data() + at;
            lengths[q] = patterns[q].size();
            at += patterns[q].size();
        }
        visit([&](auto const & core) {
            core.template count_batch<16>(starts, lengths, out);
            return 0;
        });
    }

    //! The bi-interval of pattern (its SA interval and its reverse complement's); s == 0 if absent.
    bi_interval search(std::string_view pattern) const
    {
        std::vector<std::uint8_t> codes;
        detail::encode(pattern, codes);
        return visit([&](auto const & core) {
            bi_interval p = core.whole();
            for (std::size_t i = codes.size(); i-- > 0 && p.s > 0;)
                p = codes[i] > 3 ? bi_interval{} : core.extend_backward(p, codes[i]);
            return p;
        });
    }

    //! Bi-interval of a single base (0..3 = A, C, G, T), and its one-base extensions.
    bi_interval init(unsigned base) const { return visit([&](auto const & c) { return c.init(base & 3u); }); }
    bi_interval extend_backward(bi_interval const & p, unsigned base) const
    {
        return visit([&](auto const & c) { return c.extend_backward(p, base & 3u); });
    }
    bi_interval extend_forward(bi_interval const & p, unsigned base) const
    {
        return visit([&](auto const & c) { return c.extend_forward(p, base & 3u); });
    }

    //! The occurrences of a pattern of length `length` whose SA interval is [p.k, p.k + p.s): at most max_hits,
    //! evenly spread over the interval when there are more (as bwa mem samples repetitive seeds). The suffix
    //! array walks of all hits run interleaved with prefetching.
    std::vector<hit> locate(bi_interval const & p, std::uint64_t length,
                            std::uint64_t max_hits = ~std::uint64_t{0}) const
    {
        std::vector<hit> out;
        locate(std::span<bi_interval const>{&p, 1}, std::span<std::uint64_t const>{&length, 1}, max_hits, out);
        return out;
    }

    //! The hit of a pattern of length `length` at text position t of X . revcomp(X) (as smem::text_position).
    hit text_hit(std::uint64_t t, std::uint64_t length) const
    {
        return visit([&](auto const & core) { return core.to_hit(t, length); });
    }

    //! The occurrences of pattern on both strands (see count()).
    std::vector<hit> locate(std::string_view pattern, std::uint64_t max_hits = ~std::uint64_t{0}) const
    {
        auto const [lo, hi] = visit([&](auto const & core) { return core.backward_search(pattern); });
        return locate(bi_interval{lo, 0, hi > lo ? hi - lo : 0}, pattern.size(), max_hits);
    }

    //! Hits of many intervals (e.g. the seeds of a read) into out, grouped by interval in order, all walks
    //! interleaved. lengths[j] is the pattern length of intervals[j].
    void locate(std::span<bi_interval const> intervals, std::span<std::uint64_t const> lengths,
                std::uint64_t max_hits, std::vector<hit> & out) const
    {
        std::vector<std::size_t> first;
        locate(intervals, lengths, max_hits, out, first);
    }

    //! The same, and first[j] .. first[j + 1] is the range of out holding the hits of intervals[j] (first gets
    //! intervals.size() + 1 entries). For a mapper that locates the seeds of a whole batch of reads at once.
    void locate(std::span<bi_interval const> intervals, std::span<std::uint64_t const> lengths,
                std::uint64_t max_hits, std::vector<hit> & out, std::vector<std::size_t> & first) const
    {
        if (lengths.size() != intervals.size())
            throw invalid_argument{"fm::locate: one length an interval"};
        out.clear();
        first.assign(1, 0);
        std::vector<std::uint64_t> indices;
        std::vector<std::uint64_t> hit_length;
        for (std::size_t j = 0; j < intervals.size(); ++j)
        {
            auto const & p = intervals[j];
            if (p.s != 0 && max_hits != 0)
            {
                std::uint64_t const step = p.s > max_hits ? p.s / max_hits : 1;
                for (std::uint64_t i = 0, taken = 0; i < p.s && taken < max_hits; i += step, ++taken)
                {
                    indices.push_back(p.k + i);
                    hit_length.push_back(lengths[j]);
                }
            }
            first.push_back(indices.size());
        }
        std::vector<std::uint64_t> positions(indices.size());
        out.reserve(indices.size());
        visit([&](auto const & core) {
            core.template text_positions<16>(indices, positions);
            for (std::size_t h = 0; h < indices.size(); ++h)
                out.push_back(core.to_hit(positions[h], hit_length[h]));
            return 0;
        });
    }

private:
    detail::file_header const & header() const noexcept
    {
        return *reinterpret_cast<detail::file_header const *>(storage_->data());
    }

    void check_range(std::size_t k, std::uint64_t begin, std::uint64_t end, char const * caller) const
    {
        if (k >= contig_count() || begin > end || end > contig_length(k))
            throw invalid_argument{std::string{"fm::"} + caller + ": range outside the contig"};
    }

    //! code(j, 0..3) for each base j of contig k's [begin, end) (checked), then ambiguous(j, letter) where an
    //! ambiguity letter replaces the stand-in code.
    template <typename Code, typename Ambiguous>
    void decode_range(std::size_t k, std::uint64_t begin, std::uint64_t end, Code && code, Ambiguous && ambiguous) const
    {
        std::uint64_t const off = contigs_[k].reference_offset;
        // A word (32 bases) at a time: one load and a shift a base.
        for (std::uint64_t g = off + begin, j = 0; g < off + end;)
        {
            std::uint64_t word = reference_words_[g / 32] >> (2 * (g % 32));
            std::uint64_t const take = std::min<std::uint64_t>(32 - g % 32, off + end - g);
            for (std::uint64_t i = 0; i < take; ++i, word >>= 2)
                code(j++, static_cast<unsigned>(word & 3u));
            g += take;
        }
        for (auto const & r : ambiguity_runs_overlapping(off + begin, off + end))
        {
            std::uint64_t const a = std::max(r.start, off + begin), b = std::min(r.start + r.length, off + end);
            for (std::uint64_t g = a; g < b; ++g)
                ambiguous(g - off - begin, static_cast<char>(r.letter));
        }
    }

    std::span<detail::ambiguity_record const> ambiguity_runs_overlapping(std::uint64_t begin,
                                                                         std::uint64_t end) const noexcept
    {
        // Runs are sorted and disjoint: the first that ends after begin, up to the first that starts at end.
        auto a = std::partition_point(ambiguity_.begin(), ambiguity_.end(),
                                      [&](detail::ambiguity_record const & r) { return r.start + r.length <= begin; });
        auto b = std::partition_point(a, ambiguity_.end(), [&](detail::ambiguity_record const & r) { return r.start < end; });
        return {a, b};
    }

    void attach()
    {
        std::byte const * base = storage_->data();
        auto const & h = header();
        auto const & sec = h.sections;
        contigs_ = {reinterpret_cast<detail::contig_record const *>(base + sec[detail::section_contigs].offset),
                    sec[detail::section_contigs].size / sizeof(detail::contig_record)};
        names_ = reinterpret_cast<char const *>(base + sec[detail::section_names].offset);
        ambiguity_ = {reinterpret_cast<detail::ambiguity_record const *>(base + sec[detail::section_ambiguity].offset),
                      sec[detail::section_ambiguity].size / sizeof(detail::ambiguity_record)};
        reference_words_ = reinterpret_cast<std::uint64_t const *>(base + sec[detail::section_reference].offset);
        wide_ = h.index_bytes == 8;
        if (wide_)
            core64_ = detail::fmd_core<std::uint64_t>{base};
        else
            core32_ = detail::fmd_core<std::uint32_t>{base};
    }

    void validate(std::string const & path, load_options const & options) const
    {
        using namespace detail;
        auto fail = [&](std::string const & section, std::string const & reason) {
            throw parse_error{path, 0, section + ": " + reason};
        };
        std::size_t const size = storage_->size();
        if (size < header_bytes)
            fail("header", "truncated: the file has " + std::to_string(size) + " bytes, the header alone " +
                               std::to_string(header_bytes));
        file_header h;
        std::memcpy(&h, storage_->data(), sizeof h);
        if (std::memcmp(h.magic, file_magic, sizeof file_magic) != 0)
            fail("header", "not a wgskit FM-index file (bad magic)");
        if (h.version != file_version)
            fail("header", "format version " + std::to_string(h.version) + ", this build reads version " +
                               std::to_string(file_version) + " (rebuild the index)");
        if (h.header_crc != header_crc(h))
            fail("header", "checksum mismatch (corrupted)");
        if (!((h.index_bytes == 4 && h.line_symbols == occ_line<std::uint32_t>::symbols) ||
              (h.index_bytes == 8 && h.line_symbols == occ_line<std::uint64_t>::symbols)) ||
            h.sa_sample_rate == 0)
            fail("header", "unsupported layout parameters");
        for (std::size_t s = 0; s < section_count; ++s)
        {
            auto const & e = h.sections[s];
            if (e.offset % 64 != 0 || e.offset < header_bytes || e.offset > size || e.size > size - e.offset)
                fail(std::string{"section '"} + section_names_text[s] + "'",
                     "extends past the end of the file (truncated)");
        }
        // Sizes that the queries rely on.
        std::uint64_t const m = h.contig_count, n = h.text_length;
        std::size_t const line_symbols = h.line_symbols;
        bool const sizes_ok =
            h.sections[section_contigs].size == m * sizeof(contig_record) &&
            h.sections[section_ambiguity].size % sizeof(ambiguity_record) == 0 &&
            h.sections[section_reference].size == codec::twobit::detail::words_for(h.reference_length) * 8 &&
            h.forward_length == h.reference_length + m && n == 2 * h.forward_length &&
            h.sections[section_occ].size == ((n + 1) / line_symbols + 1) * 64 &&
            h.sections[section_dollars].size == (2 * m + 1) * sizeof(dollar_entry) &&
            h.sections[section_sa].size == (n / h.sa_sample_rate + 1) * h.index_bytes && h.c[4] == n + 1 &&
            h.c[0] == 2 * m + 1 && h.c[0] <= h.c[1] && h.c[1] <= h.c[2] && h.c[2] <= h.c[3] && h.c[3] <= h.c[4];
        if (!sizes_ok)
            fail("header", "inconsistent layout (section sizes do not match the text length)");
        if (options.verify_checksums)
            for (std::size_t s = 0; s < section_count; ++s)
                if (crc32(storage_->data() + h.sections[s].offset, h.sections[s].size) != h.sections[s].crc)
                    fail(std::string{"section '"} + section_names_text[s] + "'", "checksum mismatch (corrupted)");
        // Contig records and dollar table: cheap to check, and queries index with them.
        auto const * recs = reinterpret_cast<contig_record const *>(storage_->data() + h.sections[section_contigs].offset);
        std::uint64_t off = 0;
        for (std::uint64_t k = 0; k < m; ++k)
        {
            if (recs[k].reference_offset != off || recs[k].name_offset > h.sections[section_names].size ||
                recs[k].name_length > h.sections[section_names].size - recs[k].name_offset)
                fail("section 'contig table'", "contig " + std::to_string(k + 1) + " is inconsistent");
            off += recs[k].length;
        }
        if (off != h.reference_length)
            fail("section 'contig table'", "contig lengths do not add up to the reference length");
        auto const * dol = reinterpret_cast<dollar_entry const *>(storage_->data() + h.sections[section_dollars].offset);
        for (std::uint64_t d = 0; d < 2 * m + 1; ++d)
            if (dol[d].bwt_index > n || dol[d].text_position > n || (d > 0 && dol[d].bwt_index <= dol[d - 1].bwt_index))
                fail("section 'dollar table'", "entry " + std::to_string(d + 1) + " is out of order or range");
        auto const * amb = reinterpret_cast<ambiguity_record const *>(storage_->data() + h.sections[section_ambiguity].offset);
        std::uint64_t const runs = h.sections[section_ambiguity].size / sizeof(ambiguity_record);
        for (std::uint64_t r = 0; r < runs; ++r)
            if (amb[r].length == 0 || amb[r].start > h.reference_length ||
                amb[r].length > h.reference_length - amb[r].start ||
                (r > 0 && amb[r].start < amb[r - 1].start + amb[r - 1].length))
                fail("section 'ambiguity runs'", "run " + std::to_string(r + 1) + " is out of order or range");
    }

    std::shared_ptr<detail::image_storage> storage_;
    std::span<detail::contig_record const> contigs_;
    char const * names_ = nullptr;
    std::span<detail::ambiguity_record const> ambiguity_;
    std::uint64_t const * reference_words_ = nullptr;
    bool wide_ = false;
    detail::fmd_core<std::uint32_t> core32_;
    detail::fmd_core<std::uint64_t> core64_;
};

} // namespace wgskit::fm
