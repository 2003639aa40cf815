// Duplicate marking on a coordinate-sorted stream with samtools markdup's semantics (template mode, 1.16):
//  * examined: primary, mapped, not QC-failed reads; the rest pass through unchanged;
//  * a read of a pair with a mapped mate is keyed by both ends' unclipped 5' positions, the pair orientation and
//    whether it is the leftmost end; each end of a pair is marked on its own, and as the score of a template is
//    read score + mate score (ms tag), both ends come to the same decision;
//  * reads without a mapped mate are keyed by their own unclipped 5' position and strand; such a read matching
//    a paired read's 5' end is always the duplicate; among themselves the best score is kept;
//  * score = sum of base qualities >= 15; ties between pairs are broken by read name (the smaller name is kept);
//  * a window of records (max read length, default 300, behind the current position) is held back, then
//    written downstream in input order with flag 0x400 set where marked.
// Unlike samtools, the key also includes the library (RG -> LB) as Picard does; with one library the results
// are identical. Paired reads need the MC (mate CIGAR) and ms (mate score) tags, as samtools markdup does:
// samtools fixmate -m writes them, and in-process producers (the mapper) call set_mate_tags() on each pair.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <wgskit/bam/header.hpp>
#include <wgskit/bam/record.hpp>
#include <wgskit/bam/stream.hpp>
#include <wgskit/core/exception.hpp>

namespace wgskit::bam
{

//! samtools' template score: the sum of base qualities of at least 15 (absent qualities, 0xff, count 255).
inline std::int64_t quality_score(record const & r) noexcept
{
    std::int64_t s = 0;
    for (char c : r.qualities())
        if (auto q = static_cast<std::uint8_t>(c); q >= 15)
            s += q;
    return s;
}

//! The CIGAR of r as SAM text ("*" when empty).
inline std::string cigar_string(record const & r)
{
    if (r.n_cigar() == 0)
        return "*";
    std::string s;
    for (std::uint32_t i = 0; i < r.n_cigar(); ++i)
    {
        s += std::to_string(cigar_op_length(r.cigar(i)));
        s += cigar_letters[cigar_op_code(r.cigar(i))];
    }
    return s;
}

//! Sets the mate fields (RNEXT, PNEXT, mate strand/unmapped flags) and the MC and ms tags of two mates from each
//! other, as samtools fixmate -m does (TLEN is left to the producer).
inline void set_mate_tags(record & a, record & b)
{
    auto one = [](record & self, record const & mate) {
        std::uint16_t f = self.flag() & ~(flag::mate_reverse | flag::mate_unmapped);
        if (mate.has_flag(flag::reverse))
            f |= flag::mate_reverse;
        if (mate.has_flag(flag::unmapped))
            f |= flag::mate_unmapped;
        self.set_flag(f | flag::paired);
        self.set_mate(mate.tid(), mate.pos(), self.tlen());
        if (!mate.has_flag(flag::unmapped))
            self.set_tag_string("MC", cigar_string(mate));
        else
            self.remove_tag("MC");
        self.set_tag_int("ms", quality_score(mate));
    };
    one(a, b);
    one(b, a);
}

struct markdup_options
{
    std::int64_t max_read_length{300}; //!< samtools markdup -l
};

namespace detail
{

struct dup_key
{
    std::int64_t this_coord{0}, other_coord{0};
    std::int32_t this_ref{0}, other_ref{0};
    std::int32_t library{0};
    std::int8_t orientation{0}, leftmost{0}, single{1};
    friend bool operator==(dup_key const &, dup_key const &) = default;
};

struct dup_key_hash
{
    std::size_t operator()(dup_key const & k) const noexcept
    {
        std::uint64_t h = static_cast<std::uint64_t>(k.this_coord) * 0x9e3779b97f4a7c15ULL;
        h ^= (static_cast<std::uint64_t>(k.other_coord) + 0x632be59bd9b4e019ULL) * 0xbf58476d1ce4e5b9ULL;
        h ^= (std::uint64_t{static_cast<std::uint32_t>(k.this_ref)} << 32 | static_cast<std::uint32_t>(k.other_ref)) * 0x94d049bb133111ebULL;
        h ^= std::uint64_t(k.orientation) << 8 ^ std::uint64_t(k.leftmost) << 16 ^ std::uint64_t(k.single) << 24 ^
             std::uint64_t(static_cast<std::uint32_t>(k.library)) << 32;
        return static_cast<std::size_t>(h ^ (h >> 31));
    }
};

// Orientation codes as samtools (only equality matters here).
inline constexpr std::int8_t o_ff = 2, o_rr = 3, o_fr = 5, o_rf = 7;

inline std::int64_t unclipped_start(record const & r)
{
    std::int64_t clipped = 0;
    for (std::uint32_t i = 0; i < r.n_cigar(); ++i)
    {
        auto c = cigar_op_code(r.cigar(i));
        if (c != 4 && c != 5)
            break;
        clipped += cigar_op_length(r.cigar(i));
    }
    return std::int64_t{r.pos()} - clipped + 1;
}

inline std::int64_t unclipped_end(record const & r)
{
    std::int64_t clipped = 0;
    for (std::uint32_t i = r.n_cigar(); i-- > 0;)
    {
        auto c = cigar_op_code(r.cigar(i));
        if (c != 4 && c != 5)
            break;
        clipped += cigar_op_length(r.cigar(i));
    }
    std::int64_t rlen = r.has_flag(flag::unmapped) ? 0 : r.reference_length();
    return std::int64_t{r.pos()} + (rlen > 0 ? rlen : 1) + clipped;
}

//! Unclipped start (1-based) and end of the mate from PNEXT and the MC CIGAR text; false if MC is malformed.
inline bool mate_unclipped(std::int64_t mpos, std::string_view mc, std::int64_t & start, std::int64_t & end)
{
    std::int64_t lead = 0, ref = 0, trail = 0;
    bool seen_ref = false;
    std::size_t i = 0;
    if (mc == "*")
        mc = {};
    while (i < mc.size())
    {
        std::int64_t n = 0;
        std::size_t j = i;
        while (j < mc.size() && mc[j] >= '0' && mc[j] <= '9')
            n = n * 10 + (mc[j++] - '0');
        if (j == i || j == mc.size() || n > (1LL << 40))
            return false;
        char op = mc[j];
        if (op == 'S' || op == 'H')
            (seen_ref ? trail : lead) += n;
        else if (op == 'M' || op == 'D' || op == 'N' || op == '=' || op == 'X')
        {
            ref += n + trail; // clips between reference ops count on the reference, as samtools
            trail = 0;
            seen_ref = true;
        }
        else if (cigar_letters.find(op) == std::string_view::npos)
            return false;
        i = j + 1;
    }
    start = mpos - lead + 1;
    end = mpos + ref + trail;
    return true;
}

} // namespace detail

class duplicate_marker : public record_sink
{
public:
    duplicate_marker(header const & h, record_sink & out, markdup_options opt = {}) : out_{out}, opt_{opt}
    {
        std::unordered_map<std::string, std::int32_t> libraries;
        for (auto line : h.lines("RG"))
        {
            auto id = header::line_field(line, "ID");
            auto lb = header::line_field(line, "LB");
            if (!id)
                continue;
            auto [it, added] = libraries.emplace(lb.value_or(""), static_cast<std::int32_t>(libraries.size()));
            library_of_rg_[*id] = it->second;
        }
    }

    void write(record const & r) override { write(record{r}); }
    void write(record && r) override
    {
        ++n_;
        if (r.tid() >= 0 && (r.tid() < prev_tid_ || (r.tid() == prev_tid_ && r.pos() < prev_pos_)))
            throw invalid_argument{"markdup: record " + std::to_string(n_) + " (" + std::string{r.qname()} +
                                   ") is out of coordinate order"};
        prev_tid_ = r.tid();
        prev_pos_ = r.pos();
        std::uint64_t id = first_id_ + queue_.size();
        queue_.push_back({std::move(r), std::int64_t{prev_pos_}, {}, {}, false, false});
        examine(id);
        release(false);
    }

    void close() override { release(true); }

    std::uint64_t examined() const noexcept { return examined_; }
    std::uint64_t duplicates() const noexcept { return duplicates_; }

private:
    struct queued
    {
        record rec;
        std::int64_t pos;
        detail::dup_key pair_key, single_key;
        bool owns_pair{false}, owns_single{false};
    };

    record & at(std::uint64_t id) { return queue_[static_cast<std::size_t>(id - first_id_)].rec; }
    queued & entry(std::uint64_t id) { return queue_[static_cast<std::size_t>(id - first_id_)]; }

    void mark(record & r)
    {
        if (!r.has_flag(flag::duplicate))
            ++duplicates_;
        r.set_flag(r.flag() | flag::duplicate);
    }

    std::int32_t library(record const & r) const
    {
        if (library_of_rg_.size() < 2)
            return 0;
        if (auto rg = r.tag_string("RG"))
            if (auto it = library_of_rg_.find(std::string{*rg}); it != library_of_rg_.end())
                return it->second;
        return -1;
    }

    std::int64_t mate_score(record const & r) const
    {
        auto ms = r.tag_int("ms");
        if (!ms)
            throw invalid_argument{"markdup: read " + std::string{r.qname()} +
                                   " has no ms (mate score) tag; run samtools fixmate -m, or set_mate_tags() in-process"};
        return *ms;
    }

    detail::dup_key single_key(record const & r) const
    {
        detail::dup_key k;
        k.single = 1;
        k.this_ref = r.tid() + 1;
        bool rev = r.has_flag(flag::reverse);
        k.this_coord = rev ? detail::unclipped_end(r) : detail::unclipped_start(r);
        k.orientation = rev ? detail::o_rr : detail::o_ff;
        k.library = library(r);
        return k;
    }

    detail::dup_key pair_key(record const & r) const
    {
        auto mc = r.tag_string("MC");
        std::int64_t other_coord = 0, other_end = 0;
        if (!mc || !detail::mate_unclipped(r.mate_pos(), *mc, other_coord, other_end))
            throw invalid_argument{"markdup: read " + std::string{r.qname()} +
                                   " has no valid MC (mate CIGAR) tag; run samtools fixmate -m, or set_mate_tags() in-process"};
        std::int32_t this_ref = r.tid() + 1, other_ref = r.mate_tid() + 1;
        std::int64_t this_coord = detail::unclipped_start(r), this_end = detail::unclipped_end(r);
        bool rev = r.has_flag(flag::reverse), mrev = r.has_flag(flag::mate_reverse), first = r.has_flag(flag::first);
        bool leftmost;
        if (this_ref != other_ref)
            leftmost = this_ref < other_ref;
        else if (rev == mrev)
            leftmost = !rev ? this_coord <= other_coord : this_end <= other_end;
        else
            leftmost = rev ? this_end <= other_coord : this_coord <= other_end;
        std::int8_t orientation;
        if (rev == mrev)
        {
            // Same strand: F1F2 and R2R1 are one orientation, R1R2 and F2F1 the other.
            if (leftmost)
                other_coord = other_end;
            else
                this_coord = this_end;
            bool ff = (!rev) == first;
            orientation = leftmost ? (ff ? detail::o_ff : detail::o_rr) : (ff ? detail::o_rr : detail::o_ff);
        }
        else if (!rev)
        {
            orientation = leftmost ? detail::o_fr : detail::o_rf;
            other_coord = other_end;
        }
        else
        {
            orientation = leftmost ? detail::o_rf : detail::o_fr;
            this_coord = this_end;
        }
        detail::dup_key k;
        k.single = 0;
        k.this_ref = this_ref;
        k.other_ref = other_ref;
        k.this_coord = this_coord;
        k.other_coord = other_coord;
        k.leftmost = leftmost ? 11 : 13;
        k.orientation = orientation;
        k.library = library(r);
        return k;
    }

    static bool has_mapped_mate(record const & r) noexcept
    {
        return r.has_flag(flag::paired) && !r.has_flag(flag::mate_unmapped);
    }

    void examine(std::uint64_t id)
    {
        record & r = at(id);
        constexpr std::uint16_t excluded = flag::secondary | flag::supplementary | flag::unmapped | flag::qc_fail;
        if (r.flag() & excluded)
            return;
        ++examined_;
        auto sk = single_key(r);
        entry(id).pos = sk.this_coord;
        if (has_mapped_mate(r))
        {
            auto pk = pair_key(r);
            // Against reads without a mapped mate: those are always the duplicate.
            if (auto [it, added] = singles_.try_emplace(sk, id); added)
            {
                entry(id).single_key = sk;
                entry(id).owns_single = true;
            }
            else if (!has_mapped_mate(at(it->second)))
            {
                mark(at(it->second));
                it->second = id;
            }
            auto [it, added] = pairs_.try_emplace(pk, id);
            if (added)
            {
                entry(id).pair_key = pk;
                entry(id).owns_pair = true;
                return;
            }
            record & old = at(it->second);
            std::int64_t old_score, new_score;
            if (old.has_flag(flag::qc_fail) != r.has_flag(flag::qc_fail))
            {
                old_score = old.has_flag(flag::qc_fail) ? 0 : 1;
                new_score = 1 - old_score;
            }
            else
            {
                old_score = quality_score(old) + mate_score(old);
                new_score = quality_score(r) + mate_score(r);
            }
            std::int64_t tie = 0;
            if (new_score == old_score)
                tie = r.qname() < old.qname() ? 1 : -1;
            if (new_score + tie > old_score)
            {
                mark(old);
                it->second = id;
            }
            else
                mark(r);
            return;
        }
        auto [it, added] = singles_.try_emplace(sk, id);
        if (added)
        {
            entry(id).single_key = sk;
            entry(id).owns_single = true;
            return;
        }
        record & old = at(it->second);
        if (has_mapped_mate(old))
        {
            mark(r);
            return;
        }
        if (quality_score(r) > quality_score(old))
        {
            mark(old);
            it->second = id;
        }
        else
            mark(r);
    }

    //! Writes the records that can no longer meet a duplicate (samtools' window rule), or all at the end.
    void release(bool all)
    {
        while (!queue_.empty())
        {
            queued & q = queue_.front();
            if (!all && q.pos + opt_.max_read_length > prev_pos_ && q.rec.tid() == prev_tid_ &&
                (prev_tid_ != -1 || prev_pos_ != -1))
                break;
            if (q.owns_pair)
                pairs_.erase(q.pair_key);
            if (q.owns_single)
                singles_.erase(q.single_key);
            out_.write(std::move(q.rec));
            queue_.pop_front();
            ++first_id_;
        }
    }

    record_sink & out_;
    markdup_options opt_;
    std::unordered_map<std::string, std::int32_t> library_of_rg_;
    std::deque<queued> queue_;
    std::uint64_t first_id_{0};
    std::unordered_map<detail::dup_key, std::uint64_t, detail::dup_key_hash> pairs_, singles_;
    std::int32_t prev_tid_{0};
    std::int32_t prev_pos_{0};
    std::uint64_t n_{0}, examined_{0}, duplicates_{0};
};

} // namespace wgskit::bam
