// The coordinate index shared by BAI, tabix (.tbi) and CSI (SAMv1 5.1.1-5.2, CSIv1, tabix): UCSC hierarchical
// bins of 2^min_shift << 3k positions, chunks of virtual offsets per bin, a linear index of the first offset per
// 2^min_shift window (BAI/TBI) or per-bin loffset (CSI), and the pseudo-bin with the per-reference offsets and
// counts. The builder takes uncompressed offsets while the file is written and converts them to virtual offsets
// with the writer's block table at the end. The file formats only differ in what surrounds the per-reference
// data; bam/bai.hpp and vcf/index.hpp add that.
#pragma once

#include <algorithm>
#include <charconv>
#include <cstring>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <wgskit/codec/bgzf/detail/block.hpp>
#include <wgskit/codec/bgzf/gzi_index.hpp>
#include <wgskit/core/exception.hpp>

namespace wgskit::codec::bgzf
{

//! Bin geometry: the smallest bins span 2^min_shift positions, each level up 8 times more, depth levels below
//! the root. BAI and TBI are fixed at (14, 5): positions below 2^29.
struct binning_scheme
{
    int min_shift{14};
    int depth{5};

    //! CSI geometry covering a reference of max_length (htslib's rule: depth grows until max_length + 256 fits).
    static binning_scheme for_length(int min_shift, std::int64_t max_length)
    {
        binning_scheme s{min_shift, 0};
        for (std::int64_t span = std::int64_t{1} << min_shift; max_length + 256 > span; span <<= 3)
            ++s.depth;
        return s;
    }

    //! Positions must be below this.
    std::int64_t max_position() const noexcept { return std::int64_t{1} << (min_shift + 3 * depth); }
    //! First bin number of a level (0 = root).
    static std::uint32_t first_bin(int level) noexcept { return ((1u << (3 * level)) - 1) / 7; }
    std::uint32_t bin_count() const noexcept { return first_bin(depth + 1); }
    //! The pseudo-bin holding the reference's offset range and record counts (37450 for BAI).
    std::uint32_t pseudo_bin() const noexcept { return bin_count() + 1; }

    //! The smallest bin holding the 0-based half-open [beg, end) (SAMv1 5.3 reg2bin, CSIv1 generalisation).
    std::uint32_t reg2bin(std::int64_t beg, std::int64_t end) const noexcept
    {
        --end;
        int shift = min_shift;
        for (int level = depth; level > 0; --level, shift += 3)
            if (beg >> shift == end >> shift)
                return first_bin(level) + static_cast<std::uint32_t>(beg >> shift);
        return 0;
    }

    //! Bins overlapping [beg, end), appended to out, level by level from the root (SAMv1 5.3 reg2bins).
    template <typename Out>
    void reg2bins(std::int64_t beg, std::int64_t end, Out & out) const
    {
        --end;
        for (int level = 0; level <= depth; ++level)
        {
            int const shift = min_shift + 3 * (depth - level);
            for (std::int64_t k = beg >> shift; k <= end >> shift; ++k)
                out.push_back(first_bin(level) + static_cast<std::uint32_t>(k));
        }
    }

    //! The first min_shift window a bin covers (htslib hts_bin_bot).
    std::uint64_t first_window(std::uint32_t bin) const noexcept
    {
        int level = 0;
        for (std::uint32_t b = bin; b != 0; b = (b - 1) >> 3)
            ++level;
        return std::uint64_t{bin - first_bin(level)} << (3 * (depth - level));
    }

    friend bool operator==(binning_scheme const &, binning_scheme const &) = default;
};

struct index_chunk
{
    virtual_offset begin, end;
    friend bool operator==(index_chunk const &, index_chunk const &) = default;
};

struct index_bin
{
    virtual_offset loffset{0}; //!< CSI: the smallest offset of a record overlapping the bin's first window
    std::vector<index_chunk> chunks;
};

struct index_reference
{
    std::map<std::uint32_t, index_bin> bins;
    std::vector<virtual_offset> linear; //!< BAI/TBI: first offset per window (empty in a parsed CSI)
    virtual_offset begin{UINT64_MAX}, end{0}; //!< offset range of the reference's records (pseudo-bin)
    std::uint64_t mapped{0}, unmapped{0};
    bool has_records() const noexcept { return begin != UINT64_MAX; }
};

//! Which layout the per-reference data has in the file.
enum class index_layout { linear, csi };

struct binning_index
{
    binning_scheme scheme;
    std::vector<index_reference> refs;
    std::uint64_t unplaced{0};

    //! The merged chunks to read for records overlapping [beg, end) on ref, with reading starting no earlier than
    //! the minimum offset from the linear index (or CSI loffset). Records must still be filtered by position.
    std::vector<index_chunk> chunks_for(std::size_t ref, std::int64_t beg, std::int64_t end) const
    {
        std::vector<index_chunk> merged;
        if (ref >= refs.size())
            return merged;
        auto const & r = refs[ref];
        beg = std::max<std::int64_t>(beg, 0);
        end = std::min(end, scheme.max_position());
        if (beg >= end)
            return merged;
        std::vector<std::uint32_t> bins;
        scheme.reg2bins(beg, end, bins);
        virtual_offset const min_off = min_offset(r, beg);
        std::vector<index_chunk> chunks;
        for (auto b : bins)
            if (auto it = r.bins.find(b); it != r.bins.end())
                for (auto c : it->second.chunks)
                    if (c.end > min_off)
                        chunks.push_back({std::max(c.begin, min_off), c.end});
        std::sort(chunks.begin(), chunks.end(), [](auto a, auto b) { return a.begin < b.begin; });
        for (auto c : chunks)
            if (!merged.empty() && c.begin <= merged.back().end)
                merged.back().end = std::max(merged.back().end, c.end);
            else
                merged.push_back(c);
        return merged;
    }

    //! Appends the references in the BAI/TBI layout (linear index) or the CSI layout (loffset per bin), then
    //! nothing else: the caller adds the unplaced count where its format has it.
    void append_references(std::string & out, index_layout layout) const
    {
        for (auto const & r : refs)
        {
            append_int<std::int32_t>(out, static_cast<std::int32_t>(r.bins.size() + (r.has_records() ? 1 : 0)));
            for (auto const & [bin, b] : r.bins)
            {
                append_int<std::uint32_t>(out, bin);
                if (layout == index_layout::csi)
                    append_int<std::uint64_t>(out, b.loffset);
                append_int<std::int32_t>(out, static_cast<std::int32_t>(b.chunks.size()));
                for (auto c : b.chunks)
                {
                    append_int<std::uint64_t>(out, c.begin);
                    append_int<std::uint64_t>(out, c.end);
                }
            }
            if (r.has_records())
            {
                append_int<std::uint32_t>(out, scheme.pseudo_bin());
                if (layout == index_layout::csi)
                    append_int<std::uint64_t>(out, 0);
                append_int<std::int32_t>(out, 2);
                append_int<std::uint64_t>(out, r.begin);
                append_int<std::uint64_t>(out, r.end);
                append_int<std::uint64_t>(out, r.mapped);
                append_int<std::uint64_t>(out, r.unmapped);
            }
            if (layout == index_layout::linear)
            {
                append_int<std::int32_t>(out, static_cast<std::int32_t>(r.linear.size()));
                for (auto v : r.linear)
                    append_int<std::uint64_t>(out, v);
            }
        }
    }

    template <typename T>
    static void append_int(std::string & out, T v)
    {
        char b[sizeof v];
        std::memcpy(b, &v, sizeof v); // little-endian host (core/platform.hpp)
        out.append(b, sizeof v);
    }

    //! Bounds-checked little-endian reading of index bytes; errors name the file.
    class cursor
    {
    public:
        cursor(std::string_view bytes, std::string const & file, char const * format) :
            b_{bytes}, file_{file}, format_{format}
        {}
        template <typename T>
        T get()
        {
            need(sizeof(T));
            T v;
            std::memcpy(&v, b_.data() + at_, sizeof v);
            at_ += sizeof v;
            return v;
        }
        std::string_view bytes(std::size_t n)
        {
            need(n);
            auto s = b_.substr(at_, n);
            at_ += n;
            return s;
        }
        std::size_t remaining() const noexcept { return b_.size() - at_; }
        [[noreturn]] void fail(std::string const & why) const
        {
            throw parse_error{file_, 0, std::string{format_} + " index: " + why};
        }
        void need(std::size_t n) const
        {
            if (remaining() < n)
                fail("truncated");
        }

    private:
        std::string_view b_;
        std::string const & file_;
        char const * format_;
        std::size_t at_{0};
    };

    //! Reads n_ref references in the given layout (the inverse of append_references).
    void parse_references(cursor & in, std::int32_t n_ref, index_layout layout)
    {
        if (n_ref < 0 || static_cast<std::uint64_t>(n_ref) * 8 > in.remaining())
            in.fail("implausible reference count " + std::to_string(n_ref));
        refs.assign(static_cast<std::size_t>(n_ref), {});
        std::size_t const chunk_bytes = 16, bin_header = layout == index_layout::csi ? 16 : 8;
        for (auto & r : refs)
        {
            auto n_bin = in.get<std::int32_t>();
            if (n_bin < 0 || static_cast<std::uint64_t>(n_bin) * bin_header > in.remaining())
                in.fail("implausible bin count " + std::to_string(n_bin));
            for (std::int32_t i = 0; i < n_bin; ++i)
            {
                auto bin = in.get<std::uint32_t>();
                virtual_offset loffset = layout == index_layout::csi ? in.get<std::uint64_t>() : 0;
                auto n_chunk = in.get<std::int32_t>();
                if (n_chunk < 0 || static_cast<std::uint64_t>(n_chunk) * chunk_bytes > in.remaining())
                    in.fail("implausible chunk count " + std::to_string(n_chunk));
                std::vector<index_chunk> chunks(static_cast<std::size_t>(n_chunk));
                for (auto & c : chunks)
                {
                    c.begin = in.get<std::uint64_t>();
                    c.end = in.get<std::uint64_t>();
                }
                if (bin == scheme.pseudo_bin())
                {
                    if (chunks.size() != 2)
                        in.fail("pseudo-bin without its 2 entries");
                    r.begin = chunks[0].begin;
                    r.end = chunks[0].end;
                    r.mapped = chunks[1].begin;
                    r.unmapped = chunks[1].end;
                    continue;
                }
                if (bin > scheme.bin_count())
                    in.fail("bin " + std::to_string(bin) + " out of range");
                auto & slot = r.bins[bin];
                slot.loffset = loffset;
                slot.chunks.insert(slot.chunks.end(), chunks.begin(), chunks.end());
            }
            if (layout == index_layout::linear)
            {
                auto n_intv = in.get<std::int32_t>();
                if (n_intv < 0 || static_cast<std::uint64_t>(n_intv) * 8 > in.remaining())
                    in.fail("implausible linear index size " + std::to_string(n_intv));
                r.linear.resize(static_cast<std::size_t>(n_intv));
                for (auto & v : r.linear)
                    v = in.get<std::uint64_t>();
            }
        }
    }

private:
    // The linear index when there is one, else the loffset of the deepest existing bin at beg (htslib's walk).
    virtual_offset min_offset(index_reference const & r, std::int64_t beg) const
    {
        std::size_t const w = static_cast<std::size_t>(beg >> scheme.min_shift);
        if (!r.linear.empty())
            return w < r.linear.size() ? r.linear[w] : r.linear.back();
        std::uint32_t bin = binning_scheme::first_bin(scheme.depth) + static_cast<std::uint32_t>(w);
        while (true)
        {
            if (auto it = r.bins.find(bin); it != r.bins.end())
                return it->second.loffset;
            if (bin == 0)
                return 0;
            std::uint32_t const first_sibling = (((bin - 1) >> 3) << 3) + 1;
            bin = bin > first_sibling ? bin - 1 : (bin - 1) >> 3;
        }
    }
};

//! A query region: reference name and 0-based half-open [beg, end).
struct region
{
    std::string name;
    std::int64_t beg{0};
    std::int64_t end{INT64_MAX};
};

//! "chr", "chr:beg", "chr:beg-" or "chr:beg-end" (1-based inclusive, commas allowed), as samtools and tabix. A
//! text that is itself a known reference name (is_known(name)) is taken whole, so names may hold colons.
template <typename IsKnown>
region parse_region(std::string_view text, IsKnown && is_known)
{
    region r{std::string{text}};
    if (is_known(r.name))
        return r;
    auto bad = [&] { return invalid_argument{"bad region '" + std::string{text} + "'"}; };
    std::size_t const colon = r.name.rfind(':');
    if (colon == std::string::npos)
        return r; // an unknown name: the caller reports it
    std::string range;
    for (char c : r.name.substr(colon + 1))
        if (c != ',')
            range += c;
    r.name.resize(colon);
    std::size_t const dash = range.find('-');
    auto number = [&](std::string const & digits) {
        std::int64_t v = 0;
        auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
        if (digits.empty() || ec != std::errc{} || p != digits.data() + digits.size())
            throw bad();
        return v;
    };
    r.beg = number(range.substr(0, dash)) - 1;
    if (dash != std::string::npos && dash + 1 < range.size())
        r.end = number(range.substr(dash + 1));
    if (r.beg < 0 || r.end <= r.beg)
        throw bad();
    return r;
}

//! Collects a binning index while a sorted BGZF file is written: add() each record with its reference, span and
//! uncompressed byte range; finish() converts to virtual offsets with the writer's block table.
class binning_index_builder
{
public:
    binning_index_builder(std::size_t n_ref, binning_scheme scheme)
    {
        idx_.scheme = scheme;
        idx_.refs.resize(n_ref);
    }

    binning_scheme const & scheme() const noexcept { return idx_.scheme; }

    //! A record on ref covering [beg, end) stored in uncompressed bytes [ubegin, uend). Sorted input: ref
    //! non-decreasing, beg non-decreasing within a ref (invalid_argument otherwise). counted_as_unmapped feeds
    //! the pseudo-bin's second count (BAM's placed-but-unmapped reads).
    void add(std::size_t ref, std::int64_t beg, std::int64_t end, std::uint64_t ubegin, std::uint64_t uend,
             bool counted_as_unmapped = false)
    {
        if (ref >= idx_.refs.size())
            throw invalid_argument{"binning_index_builder: reference " + std::to_string(ref) + " out of range"};
        if (beg < 0 || end <= beg)
            throw invalid_argument{"binning_index_builder: empty or negative interval"};
        if (end > idx_.scheme.max_position())
            throw invalid_argument{"binning_index_builder: position " + std::to_string(end) +
                                   " beyond the index's limit " + std::to_string(idx_.scheme.max_position()) +
                                   " (use a CSI index with a larger depth)"};
        auto const r = static_cast<std::int64_t>(ref);
        if (r < last_ref_ || (r == last_ref_ && beg < last_beg_))
            throw invalid_argument{"binning_index_builder: records are not sorted by coordinate"};
        last_ref_ = r;
        last_beg_ = beg;
        auto & rr = idx_.refs[ref];
        auto & chunks = rr.bins[idx_.scheme.reg2bin(beg, end)].chunks;
        if (!chunks.empty() && chunks.back().end == ubegin)
            chunks.back().end = uend; // contiguous with the bin's previous record
        else
            chunks.push_back({ubegin, uend});
        int const shift = idx_.scheme.min_shift;
        auto const w0 = static_cast<std::size_t>(beg >> shift), w1 = static_cast<std::size_t>((end - 1) >> shift);
        if (rr.linear.size() <= w1)
            rr.linear.resize(w1 + 1, UINT64_MAX);
        for (std::size_t w = w0; w <= w1; ++w)
            if (rr.linear[w] == UINT64_MAX)
                rr.linear[w] = ubegin;
        rr.begin = std::min(rr.begin, ubegin);
        rr.end = std::max(rr.end, uend);
        ++(counted_as_unmapped ? rr.unmapped : rr.mapped);
    }

    //! A record without a reference (BAM unplaced reads; counted at the end of the index).
    void add_unplaced() noexcept { ++idx_.unplaced; }

    //! The index with virtual offsets (blocks: the finished writer's block table). Empty linear windows take
    //! the previous window's offset (the reference's first offset before any), CSI loffsets come from the
    //! linear index at each bin's first window, as htslib.
    binning_index finish(gzi_index const & blocks) const
    {
        binning_index idx = idx_;
        auto v = [&](std::uint64_t u) { return blocks.locate(u); };
        for (auto & ref : idx.refs)
        {
            if (!ref.has_records())
                continue;
            ref.begin = v(ref.begin);
            ref.end = v(ref.end);
            for (auto & [bin, b] : ref.bins)
                for (auto & c : b.chunks)
                    c = {v(c.begin), v(c.end)};
            virtual_offset prev = ref.begin;
            for (auto & x : ref.linear)
                x = x == UINT64_MAX ? prev : (prev = v(x));
            for (auto & [bin, b] : ref.bins)
            {
                std::uint64_t const w = idx.scheme.first_window(bin);
                b.loffset = w < ref.linear.size() ? ref.linear[w] : 0;
            }
        }
        return idx;
    }

private:
    binning_index idx_;
    std::int64_t last_ref_{-1};
    std::int64_t last_beg_{-1};
};

} // namespace wgskit::codec::bgzf
