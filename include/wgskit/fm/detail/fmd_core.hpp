// The FMD-index queries over one index image, for one position width.
//
// The text is X . revcomp(X) with X = contig_1 $ contig_2 $ ... contig_m $, so the text is its own reverse
// complement ($ is its own complement) and every pattern of bases occurs as often as its reverse complement.
// A bi-interval (k, l, s) holds the SA interval [k, k+s) of a pattern P and [l, l+s) of revcomp(P); extending
// P by one base at either end is one pair of rank4 queries (Li 2012, "Exploring single-sample SNP and INDEL
// calling with whole-genome de novo assembly"). Patterns are bases only and $ is no base, so no hit ever spans
// a separator: contig boundaries never fall inside a hit.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <utility>

#include <wgskit/fm/detail/index_file.hpp>
#include <wgskit/fm/detail/occ_table.hpp>

namespace wgskit::fm
{

//! The SA intervals of a pattern (k) and of its reverse complement (l), both of size s.
struct bi_interval
{
    std::uint64_t k = 0;
    std::uint64_t l = 0;
    std::uint64_t s = 0;
    friend bool operator==(bi_interval const &, bi_interval const &) = default;
};

//! One occurrence: contig index, 0-based leftmost position on the forward strand, and whether the pattern
//! matched the reverse strand (its reverse complement occurs at pos on the forward strand).
struct hit
{
    std::uint32_t contig;
    std::uint64_t pos;
    bool reverse;
    friend bool operator==(hit const &, hit const &) = default;
    friend auto operator<=>(hit const &, hit const &) = default;
};

} // namespace wgskit::fm

namespace wgskit::fm::detail
{

//! The base code (0..3) of a letter, 4 for anything else.
inline constexpr auto base_codes = [] {
    std::array<std::uint8_t, 256> t{};
    t.fill(4);
    t['A'] = t['a'] = 0;
    t['C'] = t['c'] = 1;
    t['G'] = t['g'] = 2;
    t['T'] = t['t'] = 3;
    return t;
}();

template <typename Index>
class fmd_core
{
public:
    using line = occ_line<Index>;

    fmd_core() = default;
    explicit fmd_core(std::byte const * image) : header_{reinterpret_cast<file_header const *>(image)}
    {
        auto const & sec = header_->sections;
        occ_ = occ_table<Index>{
            {reinterpret_cast<line const *>(image + sec[section_occ].offset), sec[section_occ].size / sizeof(line)},
            {reinterpret_cast<dollar_entry const *>(image + sec[section_dollars].offset),
             sec[section_dollars].size / sizeof(dollar_entry)}};
        sa_ = {reinterpret_cast<Index const *>(image + sec[section_sa].offset), sec[section_sa].size / sizeof(Index)};
        contigs_ = {reinterpret_cast<contig_record const *>(image + sec[section_contigs].offset),
                    sec[section_contigs].size / sizeof(contig_record)};
        ambiguity_ = {reinterpret_cast<ambiguity_record const *>(image + sec[section_ambiguity].offset),
                      sec[section_ambiguity].size / sizeof(ambiguity_record)};
        reference_ = reinterpret_cast<std::uint64_t const *>(image + sec[section_reference].offset);
        for (int c = 0; c < 5; ++c)
            c_[c] = header_->c[c];
        rate_ = header_->sa_sample_rate;
        n_ = header_->text_length;
        forward_ = header_->forward_length;
    }

    occ_table<Index> const & occ() const noexcept { return occ_; }
    std::uint64_t bwt_length() const noexcept { return c_[4]; }

    //! The bi-interval of the single base c (0..3).
    bi_interval init(unsigned c) const noexcept { return {c_[c], c_[3 - c], c_[c + 1] - c_[c]}; }
    bi_interval whole() const noexcept { return {0, 0, c_[4]}; }

    //! Bi-intervals of cP for every base c at once (backward extension).
    [[gnu::always_inline]] void extend_backward_all(bi_interval const & p, bi_interval (&out)[4]) const noexcept
    {
        std::uint64_t lo[4], hi[4];
        if (!occ_.rank4_pair(p.k, p.s, lo, hi))
        {
            occ_.rank4(p.k, lo);
            occ_.rank4(p.k + p.s, hi);
        }
        std::uint64_t sum = 0;
        for (unsigned c = 0; c < 4; ++c)
        {
            out[c].k = c_[c] + lo[c];
            out[c].s = hi[c] - lo[c];
            sum += out[c].s;
        }
        // Occurrences of revcomp(P) followed by revcomp(c), ordered by that next symbol: non-bases ($ and the
        // terminal) first, then T (the complement of A) up to A.
        out[3].l = p.l + (p.s - sum);
        out[2].l = out[3].l + out[3].s;
        out[1].l = out[2].l + out[2].s;
        out[0].l = out[1].l + out[1].s;
    }

    bi_interval extend_backward(bi_interval const & p, unsigned c) const noexcept
    {
        bi_interval all[4];
        extend_backward_all(p, all);
        return all[c];
    }

    //! The bi-interval of Pc (forward extension): backward extension of revcomp(P) by revcomp(c).
    bi_interval extend_forward(bi_interval const & p, unsigned c) const noexcept
    {
        bi_interval all[4];
        extend_backward_all({p.l, p.k, p.s}, all);
        bi_interval const & r = all[3 - c];
        return {r.l, r.k, r.s};
    }

    //! SA interval [lo, hi) of the m-symbol pattern whose i-th base code code_at(i) gives (any code > 3 gives
    //! an empty interval).
    template <typename CodeAt>
    [[gnu::always_inline]] std::pair<std::uint64_t, std::uint64_t> backward_search_by(std::size_t m,
                                                                                      CodeAt code_at) const noexcept
    {
        std::uint64_t lo = 0, hi = c_[4];
        for (std::size_t i = m; i-- > 0 && lo < hi;)
        {
            unsigned const c = code_at(i);
            if (c > 3)
                return {0, 0};
            lo = c_[c] + occ_.rank(c, lo);
            hi = c_[c] + occ_.rank(c, hi);
        }
        return {lo, hi};
    }

    //! SA interval of codes[0..m) (bases 0..3).
    std::pair<std::uint64_t, std::uint64_t> backward_search(std::uint8_t const * codes, std::size_t m) const noexcept
    {
        return backward_search_by(m, [codes](std::size_t i) -> unsigned { return codes[i]; });
    }

    //! SA interval of a pattern of letters (A, C, G, T in either case; anything else matches nothing).
    std::pair<std::uint64_t, std::uint64_t> backward_search(std::string_view pattern) const noexcept
    {
        return backward_search_by(pattern.size(), [pattern](std::size_t i) -> unsigned {
            return base_codes[static_cast<unsigned char>(pattern[i])];
        });
    }

    //! Counts of many patterns, advanced round robin with the next cache lines prefetched, so that the
    //! memory latency of one query hides behind the work on the others.
    template <std::size_t Lanes>
    void count_batch(std::span<std::uint8_t const * const> codes, std::span<std::size_t const> lengths,
                     std::span<std::uint64_t> out) const noexcept
    {
        struct lane
        {
            std::size_t query;
            std::size_t left; // symbols still to prepend
            std::uint64_t lo, hi;
        };
        lane lanes[Lanes];
        std::size_t active = 0, next = 0;
        std::size_t const total = codes.size();
        auto const start = [&](lane & ln) {
            while (next < total)
            {
                std::size_t const q = next++;
                ln = {q, lengths[q], 0, c_[4]};
                if (ln.left == 0)
                {
                    out[q] = c_[4];
                    continue;
                }
                return true;
            }
            return false;
        };
        while (active < Lanes && start(lanes[active]))
            ++active;
        while (active > 0)
        {
            for (std::size_t j = 0; j < active;)
            {
                lane & ln = lanes[j];
                unsigned const c = codes[ln.query][--ln.left];
                bool done;
                if (c > 3)
                {
                    ln.lo = ln.hi = 0;
                    done = true;
                }
                else
                {
                    ln.lo = c_[c] + occ_.rank(c, ln.lo);
                    ln.hi = c_[c] + occ_.rank(c, ln.hi);
                    done = ln.left == 0 || ln.lo >= ln.hi;
                }
                if (!done)
                {
                    occ_.prefetch(ln.lo);
                    occ_.prefetch(ln.hi);
                    ++j;
                    continue;
                }
                out[ln.query] = ln.hi > ln.lo ? ln.hi - ln.lo : 0;
                if (!start(ln))
                {
                    ln = lanes[--active];
                    continue;
                }
                occ_.prefetch(ln.lo);
                occ_.prefetch(ln.hi);
                ++j;
            }
        }
    }

    //! Text position of the suffix at BWT index i: LF steps back to a sampled index, or to a separator whose
    //! next position the dollar table records.
    std::uint64_t text_position(std::uint64_t i) const noexcept
    {
        std::uint64_t steps = 0, out = 0;
        while (!walk_step(i, steps, out))
        {
        }
        return out;
    }

    //! One step of text_position's walk: true, with out set, when BWT index i is sampled or a separator; else
    //! i moves one LF step back (steps counts them). For callers that interleave several walks.
    [[gnu::always_inline]] bool walk_step(std::uint64_t & i, std::uint64_t & steps, std::uint64_t & out) const noexcept
    {
        if (i % rate_ == 0)
        {
            out = static_cast<std::uint64_t>(sa_[i / rate_]) + steps;
            return true;
        }
        if (dollar_entry const * d = occ_.dollar_at(i))
        {
            out = d->text_position + steps;
            return true;
        }
        unsigned const c = occ_.code_at(i);
        i = c_[c] + occ_.rank(c, i);
        ++steps;
        return false;
    }

    //! Prefetches what the next walk_step from i reads.
    void prefetch_walk(std::uint64_t i) const noexcept
    {
        if (i % rate_ == 0)
            __builtin_prefetch(&sa_[i / rate_]);
        else
            occ_.prefetch(i);
    }

    //! Prefetches the lines that extend_backward(p, .) (the k side) and extend_forward(p, .) (the l side) read.
    void prefetch_backward(bi_interval const & p) const noexcept
    {
        occ_.prefetch(p.k);
        occ_.prefetch(p.k + p.s);
    }
    void prefetch_forward(bi_interval const & p) const noexcept
    {
        occ_.prefetch(p.l);
        occ_.prefetch(p.l + p.s);
    }

    //! text_position() of many BWT indices into out, advanced round robin with the next line (and SA sample)
    //! prefetched, as bwa-mem2's get_sa_entries_prefetch does.
    template <std::size_t Lanes>
    void text_positions(std::span<std::uint64_t const> indices, std::span<std::uint64_t> out) const noexcept
    {
        struct lane
        {
            std::size_t query;
            std::uint64_t i;
            std::uint64_t steps;
        };
        lane lanes[Lanes];
        std::size_t active = 0, next = 0;
        auto const start = [&](lane & ln) {
            if (next == indices.size())
                return false;
            ln = {next, indices[next], 0};
            ++next;
            prefetch_walk(ln.i);
            return true;
        };
        while (active < Lanes && start(lanes[active]))
            ++active;
        while (active > 0)
        {
            for (std::size_t j = 0; j < active;)
            {
                lane & ln = lanes[j];
                bool const done = walk_step(ln.i, ln.steps, out[ln.query]);
                if (!done)
                    prefetch_walk(ln.i);
                if (!done || start(ln))
                    ++j;
                else
                    ln = lanes[--active];
            }
        }
    }

    //! Maps a text position and a hit length to (contig, forward position, strand).
    hit to_hit(std::uint64_t p, std::uint64_t length) const noexcept
    {
        bool const reverse = p >= forward_;
        std::uint64_t const x = reverse ? n_ - (p + length) : p; // position in X = contigs with separators
        // Contig k starts in X at reference_offset + k (one separator after each earlier contig).
        std::size_t const k = contig_at(x);
        return {static_cast<std::uint32_t>(k), x - (contigs_[k].reference_offset + k), reverse};
    }

    //! How many of the codes q[0, n) the text spells from text position t on (0 at a separator or the end;
    //! codes above 3 match nothing). Reads the stored reference, with the stand-in bases the index uses for
    //! ambiguous positions, so it agrees with extending the pattern through the FM-index.
    std::uint64_t text_match(std::uint64_t t, std::uint8_t const * q, std::uint64_t n) const noexcept
    {
        if (t >= n_ || n == 0)
            return 0;
        bool const reverse = t >= forward_;
        std::uint64_t const x = reverse ? n_ - 1 - t : t; // position in X; the text runs backwards over X if reverse
        std::size_t const k = contig_at(x);
        std::uint64_t const in = x - (contigs_[k].reference_offset + k);
        if (in >= contigs_[k].length)
            return 0; // the separator
        std::uint64_t const avail = std::min<std::uint64_t>(n, reverse ? in + 1 : contigs_[k].length - in);
        std::uint64_t const g0 = contigs_[k].reference_offset + in; // position in the concatenated reference
        std::uint64_t const lo = reverse ? g0 + 1 - avail : g0, hi = reverse ? g0 + 1 : g0 + avail;
        auto const runs_begin = std::partition_point(ambiguity_.begin(), ambiguity_.end(),
                                                     [&](ambiguity_record const & r) { return r.start + r.length <= lo; });
        bool const ambiguous = runs_begin != ambiguity_.end() && runs_begin->start < hi;
        for (std::uint64_t d = 0; d < avail; ++d)
        {
            std::uint64_t const g = reverse ? g0 - d : g0 + d;
            unsigned c = (reference_[g / 32] >> (2 * (g % 32))) & 3u;
            if (ambiguous)
                for (auto r = runs_begin; r != ambiguity_.end() && r->start < hi; ++r)
                    if (g >= r->start && g < r->start + r->length)
                        c = ambiguous_base(g);
            if ((reverse ? 3 - c : c) != q[d])
                return d;
        }
        return avail;
    }

private:
    std::size_t contig_at(std::uint64_t x) const noexcept
    {
        std::size_t lo = 0, hi = contigs_.size();
        while (hi - lo > 1)
        {
            std::size_t const mid = (lo + hi) / 2;
            if (contigs_[mid].reference_offset + mid <= x)
                lo = mid;
            else
                hi = mid;
        }
        return lo;
    }

    file_header const * header_ = nullptr;
    occ_table<Index> occ_;
    std::span<Index const> sa_;
    std::span<contig_record const> contigs_;
    std::span<ambiguity_record const> ambiguity_;
    std::uint64_t const * reference_ = nullptr;
    std::uint64_t c_[5] = {};
    std::uint64_t rate_ = 1;
    std::uint64_t n_ = 0;
    std::uint64_t forward_ = 0;
};

} // namespace wgskit::fm::detail
