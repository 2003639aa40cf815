// Short-read mapper (bwa mem class): SMEM seeds (bwa's passes, less re-seeding inside SMEMs that occur once and
// the first pass's SMEMs that reach few bases past a mismatch: fm::seed_options::reseed_unique and
// first_pass_min_forward), chains, banded SIMD extension both ways with z-drop and clipping,
// primary/secondary/supplementary records, bwa's MAPQ model; for pairs the batch's insert-size distribution, mate
// rescue by SIMD local alignment in the window it implies, and the pairing score.
//
//   auto index = fm::fmd_index::load("ref.fa.wgsx");
//   map::mapper m{index, map::map_options{}};
//   map::workspace ws;                       // one per thread
//   std::vector<map::alignment> out;
//   m.map_paired(mates1, mates2, out, ws);   // records of pair i, then pair i + 1 ... (input order)
//
// A batch's output depends only on the batch (the insert-size distribution is estimated from its own pairs), so
// cutting the input into the same batches gives the same output for any number of threads.
#pragma once
#include <algorithm>
#include <array>
#include <cmath>
#include <deque>
#include <memory>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <wgskit/align/batch.hpp>
#include <wgskit/codec/twobit/packed_dna.hpp>
#include <wgskit/fm/fmd_index.hpp>
#include <wgskit/fm/smem.hpp>
#include <wgskit/io/fastq.hpp>
#include <wgskit/io/paired_fastq.hpp>
#include <wgskit/map/alignment.hpp>
#include <wgskit/map/detail/chain.hpp>
#include <wgskit/map/detail/pairing.hpp>
#include <wgskit/map/detail/region.hpp>
#include <wgskit/map/detail/seed_hits.hpp>

namespace wgskit::map
{
namespace detail
{
//! Per read letter: the upper-case letter (SAM shows upper-case bases on both strands), its complement, and the
//! alignment codes of both; one table lookup a base instead of a switch (an indirect jump a base).
struct read_letter_tables
{
    std::array<char, 256> upper{}, complement{};
    std::array<std::uint8_t, 256> code{}, complement_code{};
};
inline constexpr read_letter_tables read_letters = [] {
    read_letter_tables t;
    for (int c = 0; c < 256; ++c)
    {
        char const up = static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
        t.upper[c] = up;
        t.complement[c] = codec::twobit::complement_letter(up);
        t.code[c] = align::encode_base(up);
        t.complement_code[c] = align::encode_base(t.complement[c]);
    }
    return t;
}();
} // namespace detail

struct map_options
{
    //! bwa's seeding less two searches; accuracy on simulated reads stayed the same within one read
    //! (docs/benchmarks.md). 12 keeps most of what first_pass_min_forward saves (8 to 19 measured the same).
    fm::seed_options seeds{.skip_unique_contained = true, .reseed_unique = false, .first_pass_min_forward = 12};
    detail::chain_options chains{};
    int match = 1, mismatch = 4, gap_open = 6, gap_extend = 1; //!< bwa -A -B -O -E
    int band = 100;              //!< bwa -w
    int zdrop = 100;             //!< bwa -d
    int clip_penalty = 5;        //!< bwa -L
    int unpaired_penalty = 17;   //!< bwa -U
    int min_score = 30;          //!< bwa -T: alignments scoring less are not output
    double mask_level = 0.5;     //!< overlap on the read that makes one alignment secondary to a better one
    std::size_t max_rescues = 4; //!< placements of a read whose mate is searched for by local alignment
    double xa_drop_ratio = 0.8;  //!< bwa -y: XA lists competitors scoring at least this fraction of the primary
    std::size_t max_xa_hits = 5; //!< bwa -h: no XA when a read has more competitors than this
    std::string read_group;      //!< RG:Z value of every record (empty: none)
};

//! Buffers reused between batches: one per thread.
struct workspace
{
    std::vector<std::string> oriented;              //!< read k: forward at 2k, reverse complement at 2k + 1
    std::vector<std::vector<std::uint8_t>> codes;   //!< the same, encoded
    std::vector<std::vector<fm::smem>> seeds;
    std::vector<std::vector<detail::region>> regions;
    std::vector<double> repetitive;
    std::deque<std::vector<std::uint8_t>> buffers;  //!< extension / rescue sequences of the batch (stable references)
    std::vector<align::sequence_pair> jobs;
    std::vector<fm::hit> hits;                      //!< of the batch's located seeds, grouped by seed
    std::vector<std::size_t> hit_first;             //!< hits[hit_first[j] .. hit_first[j + 1]): located seed j
    std::vector<std::vector<std::int32_t>> sources; //!< per read and seed: the seed it takes its hits from, or -1
    std::vector<fm::bi_interval> locate_intervals;  //!< the seeds located, in read order
    std::vector<std::uint64_t> locate_lengths;
    std::vector<std::size_t> locate_slot;           //!< per seed of the batch: its index among the located ones
    std::vector<std::int64_t> pair_scores;          //!< scores of one pair's candidate pairings
    std::vector<detail::chain> read_chains;          //!< one read's chains (storage reused read after read)
    std::vector<detail::placed_seed> chain_seeds;   //!< seeds of the batch's kept chains, chain after chain
    std::vector<std::pair<std::size_t, std::size_t>> chains; //!< each kept chain's seeds in chain_seeds
    std::vector<std::int64_t> chain_latest, earlier_of;      //!< the alignments of each chain, newest first
    std::unique_ptr<align::batch_aligner> extender, local;
    detail::insert_size_stats insert_stats; //!< the distribution estimated from the last paired batch
};

class mapper
{
public:
    mapper(fm::fmd_index const & index, map_options options)
        : index_{&index}, opt_{std::move(options)}, prefixes_{fm::prefix_table::build(index)}
    {
        scoring_ = align::scoring_scheme::simple(opt_.match, -opt_.mismatch, opt_.gap_open, opt_.gap_extend, -1);
        extension_.mode = align::alignment_mode::extension;
        extension_.scoring = scoring_;
        extension_.band = opt_.band;
        extension_.zdrop = opt_.zdrop;
        extension_.clip_penalty = opt_.clip_penalty;
        local_.mode = align::alignment_mode::local;
        local_.scoring = scoring_;
    }

    map_options const & options() const noexcept { return opt_; }

    //! Single-end: the records of read 0, then read 1, ...
    void map_single(io::read_batch const & reads, std::vector<alignment> & out, workspace & ws) const
    {
        out.clear();
        prepare(ws, reads, nullptr);
        for (std::size_t r = 0; r < reads.size(); ++r)
        {
            auto & regs = ws.regions[r];
            mark_primary(regs, reads.name(r));
            emit_read(ws, reads, r, 0, regs, -1, out);
        }
    }

    //! Paired-end: mates1[i] pairs with mates2[i]; the records of pair 0 (mate 1's, then mate 2's), then pair 1...
    void map_paired(io::read_batch const & mates1, io::read_batch const & mates2, std::vector<alignment> & out,
                    workspace & ws) const
    {
        out.clear();
        std::size_t const n = mates1.size();
        prepare(ws, mates1, &mates2);
        for (std::size_t r = 0; r < 2 * n; ++r)
            mark_primary(ws.regions[r], r < n ? mates1.name(r) : mates2.name(r - n));
        auto const stats = estimate_insert_stats(ws, n);
        if (stats.valid)
            rescue(ws, mates1, mates2, stats);
        for (std::size_t i = 0; i < n; ++i)
            pair_and_emit(ws, mates1, mates2, i, stats, out);
        ws.insert_stats = stats;
    }

private:
    std::int32_t contig_id(std::uint32_t c) const noexcept { return static_cast<std::int32_t>(c); }

    static constexpr std::size_t followed_slot = ~std::size_t{0}; //!< locate_slot of a seed with a text position

    std::vector<std::uint8_t> & new_buffer(workspace & ws, std::size_t & used) const
    {
        if (used == ws.buffers.size())
            ws.buffers.emplace_back();
        auto & b = ws.buffers[used++];
        b.clear();
        return b;
    }

    void encode_reference(std::vector<std::uint8_t> & out, std::uint32_t contig, std::uint64_t b, std::uint64_t e,
                          bool reversed) const
    {
        static_assert(align::code_n == 4); // contig_codes' code of an ambiguity letter, as encode_base's
        index_->contig_codes(contig, b, e, out, reversed);
    }

    //! Seeds, chains and extensions of all reads of the batch (mate 2 reads follow mate 1 reads).
    void prepare(workspace & ws, io::read_batch const & a, io::read_batch const * b) const
    {
        std::size_t const n = a.size() + (b ? b->size() : 0);
        auto seq = [&](std::size_t r) { return r < a.size() ? a.sequence(r) : b->sequence(r - a.size()); };
        ws.oriented.resize(2 * n);
        ws.codes.resize(2 * n);
        ws.regions.resize(n);
        for (auto & regs : ws.regions)
            regs.clear(); // capacity kept from batch to batch
        ws.repetitive.assign(n, 0.0);
        std::vector<std::string_view> views(n);
        for (std::size_t r = 0; r < n; ++r)
        {
            auto const s = seq(r);
            auto & f = ws.oriented[2 * r];
            auto & rc = ws.oriented[2 * r + 1];
            auto & fc = ws.codes[2 * r];
            auto & rcc = ws.codes[2 * r + 1];
            std::size_t const m = s.size();
            f.resize(m);
            rc.resize(m);
            fc.resize(m);
            rcc.resize(m);
            for (std::size_t i = 0; i < m; ++i)
            {
                auto const c = static_cast<unsigned char>(s[i]);
                f[i] = detail::read_letters.upper[c];
                fc[i] = detail::read_letters.code[c];
                rc[m - 1 - i] = detail::read_letters.complement[c];
                rcc[m - 1 - i] = detail::read_letters.complement_code[c];
            }
            views[r] = f;
        }
        fm::collect_seeds(*index_, views, ws.seeds, opt_.seeds, &prefixes_);
        // The seeding passes may find one match twice (seeds come sorted by begin, end): locate it once.
        for (auto & s : ws.seeds)
            s.erase(std::unique(s.begin(), s.end(),
                                [](fm::smem const & x, fm::smem const & y) { return x.begin == y.begin && x.end == y.end; }),
                    s.end());

        // Chains of each read; one extension (left and right of its longest seed) per kept chain.
        struct pending
        {
            std::size_t read;
            detail::region partial; // the seed
            std::int64_t left_job = -1, right_job = -1;
            std::size_t chain = 0; // its chain among ws.chains
        };
        std::vector<pending> todo;
        ws.jobs.clear();
        ws.chain_seeds.clear();
        ws.chains.clear();
        std::size_t used = 0;

        // The jobs extending seed s of read r left and right of it.
        auto extend_seed = [&](std::size_t r, detail::placed_seed const & s, std::size_t chain) {
            auto const len = static_cast<std::uint32_t>(ws.oriented[2 * r].size());
            pending p{r, {}, -1, -1, chain};
            p.partial.contig = s.contig;
            p.partial.reverse = s.reverse;
            p.partial.ref_begin = s.ref_begin;
            p.partial.ref_end = s.ref_begin + s.length;
            p.partial.query_begin = s.query_begin;
            p.partial.query_end = s.query_begin + s.length;
            p.partial.score = static_cast<std::int32_t>(s.length) * opt_.match;
            auto const & q = ws.codes[2 * r + (s.reverse ? 1 : 0)];
            std::uint64_t const contig_len = index_->contig_length(s.contig);
            if (s.query_begin > 0 && s.ref_begin > 0)
            {
                auto & qb = new_buffer(ws, used);
                qb.assign(q.rbegin() + (len - s.query_begin), q.rend());
                auto & tb = new_buffer(ws, used);
                std::uint64_t const w = std::min<std::uint64_t>(s.ref_begin, s.query_begin + opt_.band);
                encode_reference(tb, s.contig, s.ref_begin - w, s.ref_begin, true);
                p.left_job = static_cast<std::int64_t>(ws.jobs.size());
                ws.jobs.push_back({qb, tb});
            }
            std::uint32_t const qe = s.query_begin + s.length;
            std::uint64_t const re = s.ref_begin + s.length;
            if (qe < len && re < contig_len)
            {
                auto & qb = new_buffer(ws, used);
                qb.assign(q.begin() + qe, q.end());
                auto & tb = new_buffer(ws, used);
                std::uint64_t const e = std::min<std::uint64_t>(contig_len, re + (len - qe) + opt_.band);
                encode_reference(tb, s.contig, re, e, false);
                p.right_job = static_cast<std::int64_t>(ws.jobs.size());
                ws.jobs.push_back({qb, tb});
            }
            todo.push_back(std::move(p));
        };
        // Hits of every seed of the batch: one interleaved suffix-array walk over the seeds that need one
        // (a seed inside a longer one occurring as often takes its hits from it).
        ws.sources.resize(n);
        ws.locate_intervals.clear();
        ws.locate_lengths.clear();
        ws.locate_slot.clear();
        for (std::size_t r = 0; r < n; ++r)
        {
            detail::seed_sources(ws.seeds[r], opt_.seeds.max_occ, ws.sources[r]);
            for (std::size_t k = 0; k < ws.seeds[r].size(); ++k)
            {
                // A seed followed in the text has its one hit already.
                ws.locate_slot.push_back(ws.seeds[r][k].followed() ? followed_slot : ws.locate_intervals.size());
                if (ws.sources[r][k] < 0 && !ws.seeds[r][k].followed())
                {
                    ws.locate_intervals.push_back(ws.seeds[r][k].interval);
                    ws.locate_lengths.push_back(ws.seeds[r][k].length());
                }
            }
        }
        index_->locate(ws.locate_intervals, ws.locate_lengths, opt_.seeds.max_occ, ws.hits, ws.hit_first);

        std::vector<detail::placed_seed> placed;
        std::vector<std::pair<std::uint64_t, std::uint64_t>> rep;
        std::size_t slot = 0; // the read's first seed among locate_slot
        for (std::size_t r = 0; r < n; ++r)
        {
            auto const len = static_cast<std::uint32_t>(views[r].size());
            placed.clear();
            rep.clear();
            auto const & seeds = ws.seeds[r];
            for (std::size_t k = 0; k < seeds.size(); ++k)
            {
                auto const & s = seeds[k];
                if (s.interval.s > opt_.seeds.max_occ)
                    rep.emplace_back(s.begin, s.end);
                std::int32_t const src = ws.sources[r][k];
                std::size_t const from = src < 0 ? k : static_cast<std::size_t>(src);
                auto const & outer = seeds[from];
                std::size_t const j = ws.locate_slot[slot + from];
                fm::hit const one = j == followed_slot ? index_->text_hit(outer.text_position, outer.length()) : fm::hit{};
                std::size_t const hb = j == followed_slot ? 0 : ws.hit_first[j];
                std::size_t const he = j == followed_slot ? 1 : ws.hit_first[j + 1];
                for (std::size_t h = hb; h < he; ++h)
                {
                    fm::hit const x = detail::inner_hit(j == followed_slot ? one : ws.hits[h], outer.begin, outer.end,
                                                        s.begin, s.end);
                    if (index_->overlaps_ambiguous(x.contig, x.pos, s.length()))
                        continue;
                    placed.push_back({x.contig, x.reverse, x.pos, x.reverse ? len - s.end : s.begin, s.length()});
                }
            }
            slot += seeds.size();
            ws.repetitive[r] = len ? static_cast<double>(detail::covered_length(rep)) / len : 0.0;
            auto & chains = ws.read_chains;
            detail::build_chains(placed, opt_.chains, chains);
            detail::filter_chains(chains, opt_.chains);
            for (auto const & c : chains)
            {
                auto const & s = *std::max_element(c.seeds.begin(), c.seeds.end(),
                                                   [](auto const & x, auto const & y) { return x.length < y.length; });
                std::size_t const cb = ws.chain_seeds.size();
                ws.chain_seeds.insert(ws.chain_seeds.end(), c.seeds.begin(), c.seeds.end());
                ws.chains.push_back({cb, ws.chain_seeds.size()});
                extend_seed(r, s, ws.chains.size() - 1);
            }
        }
        if (!ws.extender)
            ws.extender = std::make_unique<align::batch_aligner>(extension_);
        extend_all(ws, todo);

        // As bwa: a seed of a chain that none of the chain's alignments takes in (outside them on the read or the
        // reference, or off their diagonal by more than a gap there could open) may align elsewhere, e.g. on
        // another copy of a tandem repeat. Round after round, the longest such seed of each chain is extended,
        // for the chains that gained an alignment in the round before (at most max_extension_rounds).
        std::vector<pending> done = std::move(todo);
        std::vector<std::int64_t> & latest = ws.chain_latest; // per chain: its last alignment among done, or -1
        std::vector<std::int64_t> & earlier = ws.earlier_of;  // per alignment: the chain's one before it, or -1
        latest.assign(ws.chains.size(), -1);
        earlier.clear();
        auto record = [&](std::size_t from) {
            for (std::size_t k = from; k < done.size(); ++k)
            {
                earlier.push_back(latest[done[k].chain]);
                latest[done[k].chain] = static_cast<std::int64_t>(k);
            }
        };
        record(0);
        std::size_t round_begin = 0;
        for (int round = 1; round < max_extension_rounds && round_begin < done.size(); ++round)
        {
            todo.clear();
            ws.jobs.clear();
            used = 0;
            for (std::size_t k = round_begin; k < done.size(); ++k)
            {
                std::size_t const c = done[k].chain;
                if (latest[c] != static_cast<std::int64_t>(k))
                    continue; // one pick a chain a round
                detail::placed_seed const * pick = nullptr;
                for (std::size_t j = ws.chains[c].first; j < ws.chains[c].second; ++j)
                {
                    auto const & t = ws.chain_seeds[j];
                    if (pick && t.length <= pick->length)
                        continue;
                    bool outside = true;
                    for (std::int64_t a = latest[c]; a >= 0 && outside; a = earlier[static_cast<std::size_t>(a)])
                        outside = outside_alignment(t, done[static_cast<std::size_t>(a)].partial);
                    if (outside)
                        pick = &t;
                }
                if (pick)
                    extend_seed(done[k].read, *pick, c);
            }
            if (todo.empty())
                break;
            extend_all(ws, todo);
            round_begin = done.size();
            done.insert(done.end(), std::make_move_iterator(todo.begin()), std::make_move_iterator(todo.end()));
            record(round_begin);
        }
        for (auto & p : done)
        {
            p.partial.repetitive = ws.repetitive[p.read];
            ws.regions[p.read].push_back(std::move(p.partial));
        }
    }

    static constexpr int max_extension_rounds = 8;

    //! Whether seed t of a chain may lead to another alignment than reg (made from the chain's longest seed):
    //! not inside it on the read and the reference, or off its diagonal by at least the gap the distance to its
    //! start or end could open (bwa's test, with its max gap min(distance - gap open + 1, 2 band)).
    bool outside_alignment(detail::placed_seed const & t, detail::region const & reg) const
    {
        if (t.contig != reg.contig || t.reverse != reg.reverse || t.query_begin < reg.query_begin ||
            t.query_begin + t.length > reg.query_end || t.ref_begin < reg.ref_begin ||
            t.ref_begin + t.length > reg.ref_end)
            return true;
        auto gap_allowed = [&](std::int64_t d) {
            std::int64_t const g = std::max<std::int64_t>((d * opt_.match - opt_.gap_open) / opt_.gap_extend + 1, 1);
            return std::min<std::int64_t>({g, 2 * std::int64_t{opt_.band}, opt_.band});
        };
        std::int64_t const qd = t.query_begin - reg.query_begin;
        std::int64_t const rd = static_cast<std::int64_t>(t.ref_begin - reg.ref_begin);
        if (std::abs(qd - rd) < gap_allowed(std::min(qd, rd)))
            return false;
        std::int64_t const qd2 = reg.query_end - (t.query_begin + t.length);
        std::int64_t const rd2 = static_cast<std::int64_t>(reg.ref_end - (t.ref_begin + t.length));
        return std::abs(qd2 - rd2) >= gap_allowed(std::min(qd2, rd2));
    }

    //! Runs the extension jobs of ws.jobs and folds each pending seed's results into its region (partial). The
    //! score is bwa's: the best score of each extension even when the alignment goes on to the read's end (a
    //! mismatch within a clip penalty of the end costs the placement nothing), so that ranking, pairing and
    //! MAPQ weigh placements as bwa does.
    template <typename Pending>
    void extend_all(workspace & ws, std::vector<Pending> & todo) const
    {
        auto const & res = ws.extender->align(ws.jobs);
        for (auto & p : todo)
        {
            auto & reg = p.partial;
            std::uint32_t const seed_length = reg.query_end - reg.query_begin;
            align::cigar path;
            if (p.left_job >= 0)
            {
                auto const & x = res[static_cast<std::size_t>(p.left_job)];
                reg.score += x.score;
                reg.query_begin -= x.query_end;
                reg.ref_begin -= x.target_end;
                for (auto it = x.path.rbegin(); it != x.path.rend(); ++it)
                    align::append_op(path, it->op, it->length);
            }
            align::append_op(path, 'M', seed_length);
            if (p.right_job >= 0)
            {
                auto const & x = res[static_cast<std::size_t>(p.right_job)];
                reg.score += x.score;
                reg.query_end += x.query_end;
                reg.ref_end += x.target_end;
                for (auto const & e : x.path)
                    align::append_op(path, e.op, e.length);
            }
            reg.path = std::move(path);
        }
    }

    //! Deterministic tie-breaker between equal scores (bwa breaks ties pseudo-randomly by a hash).
    static std::uint64_t tie_hash(std::string_view name, detail::region const & r) noexcept
    {
        std::uint64_t h = 1469598103934665603ull;
        for (char c : name)
            h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
        h ^= r.ref_begin * 0x9E3779B97F4A7C15ull + r.contig + (r.reverse ? 0x55 : 0);
        h ^= h >> 29;
        return h * 0xBF58476D1CE4E5B9ull;
    }

    //! Sorts by score, removes duplicates of one placement, and marks each region secondary to the first better
    //! one covering the same part of the read (recording the best competitor's score and the near-ties).
    void mark_primary(std::vector<detail::region> & regs, std::string_view name) const
    {
        std::sort(regs.begin(), regs.end(), [&](auto const & x, auto const & y) {
            if (x.score != y.score)
                return x.score > y.score;
            return tie_hash(name, x) < tie_hash(name, y);
        });
        std::vector<detail::region> kept;
        for (auto & r : regs)
        {
            bool dup = false;
            for (auto const & k : kept)
                if (k.contig == r.contig && k.reverse == r.reverse &&
                    std::min(k.ref_end, r.ref_end) > std::max(k.ref_begin, r.ref_begin) &&
                    std::min(k.query_end, r.query_end) > std::max(k.query_begin, r.query_begin) &&
                    (k.ref_begin - k.query_begin == r.ref_begin - r.query_begin ||
                     k.ref_end == r.ref_end || k.ref_begin == r.ref_begin))
                {
                    dup = true;
                    break;
                }
            if (!dup)
                kept.push_back(std::move(r));
        }
        regs = std::move(kept);
        int const near = std::max(opt_.match + opt_.mismatch, opt_.gap_open + opt_.gap_extend);
        for (std::size_t i = 0; i < regs.size(); ++i)
        {
            regs[i].secondary_of = -1;
            regs[i].sub = 0;
            regs[i].sub_count = 0;
        }
        for (std::size_t i = 0; i < regs.size(); ++i)
        {
            for (std::size_t j = 0; j < i; ++j)
            {
                if (regs[j].secondary_of >= 0)
                    continue;
                std::uint32_t const b = std::max(regs[i].query_begin, regs[j].query_begin);
                std::uint32_t const e = std::min(regs[i].query_end, regs[j].query_end);
                std::uint32_t const shorter = std::min(regs[i].query_end - regs[i].query_begin,
                                                       regs[j].query_end - regs[j].query_begin);
                if (e > b && e - b >= opt_.mask_level * shorter)
                {
                    regs[i].secondary_of = static_cast<std::int32_t>(j);
                    if (regs[j].sub == 0)
                        regs[j].sub = regs[i].score;
                    if (regs[i].score >= regs[j].score - near)
                        ++regs[j].sub_count;
                    break;
                }
            }
        }
    }

    int mapq(detail::region const & r) const
    {
        return detail::mapping_quality(r, opt_.match, opt_.mismatch, static_cast<int>(opt_.seeds.min_seed_length));
    }

    detail::insert_size_stats estimate_insert_stats(workspace const & ws, std::size_t n) const
    {
        std::vector<std::int64_t> inserts;
        for (std::size_t i = 0; i < n; ++i)
        {
            auto const & a = ws.regions[i];
            auto const & b = ws.regions[n + i];
            if (a.empty() || b.empty() || a[0].contig != b[0].contig || mapq(a[0]) < 20 || mapq(b[0]) < 20)
                continue;
            auto const ins = detail::fr_insert(a[0].reverse, a[0].ref_begin, a[0].ref_end, b[0].reverse,
                                               b[0].ref_begin, b[0].ref_end);
            if (ins > 0)
                inserts.push_back(ins);
        }
        return detail::estimate_insert_size(std::move(inserts));
    }

    //! Whether placement m of the mate agrees with placement a under the distribution.
    static bool consistent(detail::region const & a, detail::region const & m, detail::insert_size_stats const & st)
    {
        if (a.contig != m.contig)
            return false;
        auto const ins = detail::fr_insert(a.reverse, a.ref_begin, a.ref_end, m.reverse, m.ref_begin, m.ref_end);
        return ins >= st.low && ins <= st.high;
    }

    //! Mate rescue: for the best placements of each read, a local alignment of its mate (opposite strand) in the
    //! window the insert-size range implies, unless the mate already has a placement there.
    void rescue(workspace & ws, io::read_batch const & m1, io::read_batch const & m2,
                detail::insert_size_stats const & st) const
    {
        std::size_t const n = m1.size();
        struct job
        {
            std::size_t mate;
            std::uint32_t contig;
            bool reverse;
            std::uint64_t window_begin;
        };
        std::vector<job> jobs;
        ws.jobs.clear();
        std::size_t used = 0;
        for (std::size_t r = 0; r < 2 * n; ++r)
        {
            std::size_t const mate = r < n ? r + n : r - n;
            auto const & regs = ws.regions[r];
            if (regs.empty())
                continue;
            std::size_t tried = 0;
            for (std::size_t k = 0; k < regs.size() && tried < opt_.max_rescues; ++k)
            {
                auto const & a = regs[k];
                if (a.score < regs[0].score - opt_.unpaired_penalty)
                    break;
                ++tried;
                bool found = false;
                for (auto const & m : ws.regions[mate])
                    found = found || consistent(a, m, st);
                if (found)
                    continue;
                auto const mate_len = static_cast<std::int64_t>(ws.oriented[2 * mate].size());
                std::int64_t const clen = static_cast<std::int64_t>(index_->contig_length(a.contig));
                std::int64_t b, e;
                if (!a.reverse) // mate on the reverse strand, its end in [begin + low, begin + high]
                    b = static_cast<std::int64_t>(a.ref_begin) + st.low - mate_len,
                    e = static_cast<std::int64_t>(a.ref_begin) + st.high;
                else // mate forward, its begin in [end - high, end - low]
                    b = static_cast<std::int64_t>(a.ref_end) - st.high,
                    e = static_cast<std::int64_t>(a.ref_end) - st.low + mate_len;
                b = std::max<std::int64_t>(b, 0);
                e = std::min(e, clen);
                if (e - b < mate_len / 2)
                    continue;
                bool const mate_reverse = !a.reverse;
                auto & tb = new_buffer(ws, used);
                encode_reference(tb, a.contig, static_cast<std::uint64_t>(b), static_cast<std::uint64_t>(e), false);
                jobs.push_back({mate, a.contig, mate_reverse, static_cast<std::uint64_t>(b)});
                ws.jobs.push_back({ws.codes[2 * mate + (mate_reverse ? 1 : 0)], tb});
            }
        }
        if (jobs.empty())
            return;
        if (!ws.local)
            ws.local = std::make_unique<align::batch_aligner>(local_);
        auto const & res = ws.local->align(ws.jobs);
        std::vector<bool> changed(2 * n, false);
        for (std::size_t j = 0; j < jobs.size(); ++j)
        {
            auto const & x = res[j];
            // As in bwa: a rescued placement as weak as a minimal seed may still complete a pair.
            if (x.score < static_cast<int>(opt_.seeds.min_seed_length) * opt_.match || x.path.empty())
                continue;
            detail::region reg;
            reg.contig = jobs[j].contig;
            reg.reverse = jobs[j].reverse;
            reg.ref_begin = jobs[j].window_begin + x.target_begin;
            reg.ref_end = jobs[j].window_begin + x.target_end;
            reg.query_begin = x.query_begin;
            reg.query_end = x.query_end;
            reg.score = x.score;
            reg.path = x.path;
            reg.repetitive = ws.repetitive[jobs[j].mate];
            ws.regions[jobs[j].mate].push_back(std::move(reg));
            changed[jobs[j].mate] = true;
        }
        for (std::size_t r = 0; r < 2 * n; ++r)
            if (changed[r])
                mark_primary(ws.regions[r], r < n ? m1.name(r) : m2.name(r - n));
    }

    //! Fills the placement fields of a record from region reg of a read of length len.
    void place(alignment & rec, detail::region const & reg, workspace const & ws, std::size_t read,
               std::string_view qual) const
    {
        auto const len = static_cast<std::uint32_t>(ws.oriented[2 * read].size());
        rec.contig = contig_id(reg.contig);
        rec.pos = static_cast<std::int64_t>(reg.ref_begin);
        if (reg.reverse)
            rec.flag |= flag::reverse;
        clipped_cigar(reg, len, rec.cigar);
        auto const & s = ws.oriented[2 * read + (reg.reverse ? 1 : 0)];
        rec.seq = s;
        rec.qual.assign(qual);
        if (reg.reverse)
            std::reverse(rec.qual.begin(), rec.qual.end());
        rec.nm = static_cast<std::int32_t>(edit_distance(reg, s, &rec.md));
        rec.as = reg.score;
    }

    //! The best competing score of placement k (bwa's sub, XS): that of its competitors, or for a placement that
    //! pairing chose although it is secondary to a better one, the better one's score (bwa's mem_sam_pe).
    static std::int32_t sub_score(std::vector<detail::region> const & regs, std::size_t k)
    {
        auto const & r = regs[k];
        return r.secondary_of >= 0 ? std::max(r.sub, regs[static_cast<std::size_t>(r.secondary_of)].score) : r.sub;
    }

    //! The region's path with the unaligned ends of a read of length len as soft clips.
    static void clipped_cigar(detail::region const & reg, std::uint32_t len, align::cigar & out)
    {
        out.clear();
        align::append_op(out, 'S', reg.query_begin);
        for (auto const & e : reg.path)
            align::append_op(out, e.op, e.length);
        align::append_op(out, 'S', len - reg.query_end);
    }

    //! NM of the region's alignment of the oriented read s (and its MD when md is given).
    std::uint32_t edit_distance(detail::region const & reg, std::string_view s, std::string * md) const
    {
        thread_local std::string ref, scratch; // windows and MD strings of a thread's reads, capacity reused
        index_->contig_sequence(reg.contig, reg.ref_begin, reg.ref_end, ref);
        std::uint32_t nm = 0;
        detail::edit_tags(reg.path, s, reg.query_begin, ref, nm, md ? *md : scratch);
        return nm;
    }

    //! bwa's XA tag of placement main: the placements competing with it for the same part of the read (one is
    //! secondary to the other, or both to a third) scoring at least xa_drop_ratio of it, as
    //! "contig,(+|-)pos,CIGAR,NM;" best first; empty when there are none or more than max_xa_hits.
    std::string alternative_hits(std::vector<detail::region> const & regs, std::size_t main, workspace const & ws,
                                 std::size_t read) const
    {
        auto const & m = regs[main];
        auto root = [&](std::size_t k) {
            return regs[k].secondary_of >= 0 ? static_cast<std::size_t>(regs[k].secondary_of) : k;
        };
        std::size_t const group = root(main);
        std::vector<std::size_t> alt;
        for (std::size_t k = 0; k < regs.size(); ++k)
            if (k != main && root(k) == group && regs[k].score >= opt_.xa_drop_ratio * m.score)
                alt.push_back(k);
        std::string out;
        if (alt.empty() || alt.size() > opt_.max_xa_hits)
            return out;
        auto const len = static_cast<std::uint32_t>(ws.oriented[2 * read].size());
        align::cigar cig;
        for (auto k : alt)
        {
            auto const & r = regs[k];
            clipped_cigar(r, len, cig);
            out += index_->contig_name(r.contig);
            out += ',';
            out += r.reverse ? '-' : '+';
            out += std::to_string(r.ref_begin + 1);
            out += ',';
            out += align::to_string(cig);
            out += ',';
            out += std::to_string(edit_distance(r, ws.oriented[2 * read + (r.reverse ? 1 : 0)], nullptr));
            out += ';';
        }
        return out;
    }

    //! The other non-secondary placements of a read, as supplementary candidates, best first.
    std::vector<std::size_t> output_regions(std::vector<detail::region> const & regs, std::size_t main) const
    {
        std::vector<std::size_t> out{main};
        for (std::size_t k = 0; k < regs.size(); ++k)
        {
            if (k == main || regs[k].secondary_of >= 0 || regs[k].score < opt_.min_score)
                continue;
            bool overlaps = false;
            for (auto o : out)
            {
                std::uint32_t const b = std::max(regs[k].query_begin, regs[o].query_begin);
                std::uint32_t const e = std::min(regs[k].query_end, regs[o].query_end);
                std::uint32_t const shorter = std::min(regs[k].query_end - regs[k].query_begin,
                                                       regs[o].query_end - regs[o].query_begin);
                overlaps = overlaps || (e > b && e - b >= opt_.mask_level * shorter);
            }
            if (!overlaps)
                out.push_back(k);
        }
        return out;
    }

    //! Records of one read: main placement index `main` (-1: its best), supplementary parts with SA tags.
    //! mapq_override >= 0 replaces the main record's MAPQ. Returns the number of records appended.
    //! ws_offset: where the batch's reads start among the workspace's reads (mate 2 reads follow mate 1 reads).
    std::size_t emit_read(workspace const & ws, io::read_batch const & reads, std::size_t r, std::size_t ws_offset,
                          std::vector<detail::region> const & regs, int mapq_override, std::vector<alignment> & out,
                          std::int64_t main = -1) const
    {
        std::size_t const ws_read = r + ws_offset;
        alignment base;
        base.qname.assign(io::mate_base_name(reads.name(r)));
        base.read_group = opt_.read_group;
        if (main < 0 && (regs.empty() || regs[0].score < opt_.min_score))
        {
            base.flag = flag::unmapped;
            base.seq.assign(reads.sequence(r));
            base.qual.assign(reads.qualities(r));
            out.push_back(std::move(base));
            return 1;
        }
        std::size_t const m = main < 0 ? 0 : static_cast<std::size_t>(main);
        auto const parts = output_regions(regs, m);
        std::size_t const first = out.size();
        for (std::size_t p = 0; p < parts.size(); ++p)
        {
            alignment rec = base;
            if (p > 0)
                rec.flag |= flag::supplementary;
            place(rec, regs[parts[p]], ws, ws_read, reads.qualities(r));
            std::int32_t const sub = sub_score(regs, parts[p]);
            rec.xs = sub > 0 ? sub : -1;
            rec.mapq = static_cast<std::uint8_t>(p == 0 && mapq_override >= 0 ? mapq_override : mapq(regs[parts[p]]));
            if (p == 0)
                rec.xa = alternative_hits(regs, parts[0], ws, ws_read);
            out.push_back(std::move(rec));
        }
        if (parts.size() > 1)
            for (std::size_t p = 0; p < parts.size(); ++p)
                for (std::size_t q = 0; q < parts.size(); ++q)
                {
                    if (p == q)
                        continue;
                    auto const & o = out[first + q];
                    auto & sa = out[first + p].sa;
                    sa += std::string{index_->contig_name(static_cast<std::size_t>(o.contig))};
                    sa += ',' + std::to_string(o.pos + 1) + ',' + ((o.flag & flag::reverse) ? '-' : '+') + ',' +
                          align::to_string(o.cigar) + ',' + std::to_string(o.mapq) + ',' + std::to_string(o.nm) + ';';
                }
        return parts.size();
    }

    void pair_and_emit(workspace & ws, io::read_batch const & m1, io::read_batch const & m2, std::size_t i,
                       detail::insert_size_stats const & st, std::vector<alignment> & out) const
    {
        std::size_t const n = m1.size();
        auto const & r1 = ws.regions[i];
        auto const & r2 = ws.regions[n + i];
        std::int64_t main1 = -1, main2 = -1;
        int q1 = -1, q2 = -1;
        bool proper = false;
        if (st.valid && !r1.empty() && !r2.empty())
        {
            // Best and second-best pairing scores over placements facing each other within the range.
            std::int64_t best = -1, second = -1;
            std::size_t bi = 0, bj = 0;
            std::size_t const lim = 64;
            std::vector<std::int64_t> & pair_scores = ws.pair_scores;
            pair_scores.clear();
            for (std::size_t a = 0; a < r1.size() && a < lim; ++a)
                for (std::size_t b = 0; b < r2.size() && b < lim; ++b)
                {
                    if (!consistent(r1[a], r2[b], st))
                        continue;
                    auto const ins = detail::fr_insert(r1[a].reverse, r1[a].ref_begin, r1[a].ref_end, r2[b].reverse,
                                                       r2[b].ref_begin, r2[b].ref_end);
                    double const ns = st.sd > 0 ? std::abs(ins - st.mean) / st.sd : 0.0;
                    // bwa's pairing score: twice the normal tail beyond ns (log 2 at the mean).
                    double const prob = std::max(1e-300, 2.0 * std::erfc(ns * M_SQRT1_2));
                    auto const q = static_cast<std::int64_t>(r1[a].score + r2[b].score +
                                                             0.721 * std::log(prob) * opt_.match + 0.499);
                    pair_scores.push_back(q);
                    if (q > best)
                        second = best, best = q, bi = a, bj = b;
                    else if (q > second)
                        second = q;
                }
            std::int64_t const unpaired = r1[0].score + r2[0].score - opt_.unpaired_penalty;
            if (best >= 0 && best > unpaired)
            {
                proper = true;
                main1 = static_cast<std::int64_t>(bi);
                main2 = static_cast<std::int64_t>(bj);
                std::int64_t const sub = std::max(second, unpaired);
                // As bwa: less for each other pairing within a mismatch or gap of the runner-up, and less when
                // the reads are repetitive (a pair in a repeat that the seeds did not cover fully is less certain).
                int const near = std::max(opt_.match + opt_.mismatch, opt_.gap_open + opt_.gap_extend);
                int const q_pe = detail::pair_quality(static_cast<int>(best - sub),
                                                      detail::competing_pairings(pair_scores, near),
                                                      r1[0].repetitive, r2[0].repetitive, opt_.match);
                auto se = [&](std::vector<detail::region> const & regs, std::size_t k) {
                    detail::region r = regs[k];
                    r.sub = sub_score(regs, k);
                    int q = mapq(r);
                    if (q < q_pe)
                        q = std::min(q_pe, q + 40);
                    return std::min(q, 60);
                };
                q1 = se(r1, bi);
                q2 = se(r2, bj);
            }
        }
        std::size_t const start1 = out.size();
        std::size_t const c1 = emit_read(ws, m1, i, 0, r1, q1, out, main1);
        std::size_t const start2 = out.size();
        std::size_t const c2 = emit_read(ws, m2, i, n, r2, q2, out, main2);
        alignment & a = out[start1];
        alignment & b = out[start2];
        bool const a_mapped = !(a.flag & flag::unmapped), b_mapped = !(b.flag & flag::unmapped);
        // An unmapped read takes its mate's position (SAM convention).
        if (!a_mapped && b_mapped)
            a.contig = b.contig, a.pos = b.pos;
        if (!b_mapped && a_mapped)
            b.contig = a.contig, b.pos = a.pos;
        // What each mate's records take from the other's primary record, read before either is changed.
        struct mate_view
        {
            std::uint16_t flag;
            std::int32_t contig;
            std::int64_t pos, end;
            std::string cigar; // MC; empty when unmapped
        };
        auto const view = [](alignment const & x, bool mapped) {
            return mate_view{x.flag, x.contig, x.pos,
                             x.pos + static_cast<std::int64_t>(detail::reference_length(x.cigar)),
                             mapped ? align::to_string(x.cigar) : std::string{}};
        };
        mate_view const a_view = view(a, a_mapped), b_view = view(b, b_mapped);
        auto fill = [&](std::size_t from, std::size_t count, mate_view const & mate, std::uint16_t which,
                        bool mate_mapped) {
            for (std::size_t k = from; k < from + count; ++k)
            {
                auto & rec = out[k];
                rec.flag |= flag::paired | which;
                if (proper)
                    rec.flag |= flag::proper_pair;
                if (!mate_mapped)
                    rec.flag |= flag::mate_unmapped;
                if (mate.flag & flag::reverse)
                    rec.flag |= flag::mate_reverse;
                rec.mate_contig = mate.contig;
                rec.mate_pos = mate.pos;
                if (mate_mapped)
                    rec.mc = mate.cigar;
                bool const mapped = !(rec.flag & flag::unmapped);
                if (mapped && mate_mapped && rec.contig == mate.contig)
                {
                    std::int64_t const e = rec.pos + static_cast<std::int64_t>(detail::reference_length(rec.cigar));
                    rec.tlen = detail::template_length(rec.pos, e, mate.pos, mate.end, which == flag::first);
                }
            }
        };
        fill(start1, c1, b_view, flag::first, b_mapped);
        fill(start2, c2, a_view, flag::second, a_mapped);
    }

    fm::fmd_index const * index_;
    map_options opt_;
    fm::prefix_table prefixes_; //!< first steps of the third seeding pass and of some first-pass searches
    align::scoring_scheme scoring_;
    align::alignment_config extension_, local_;
};
} // namespace wgskit::map
