// Many pairs at once (the mapper's batches): score-only, one pair per SIMD lane.
//
//   align::batch_aligner aligner{cfg};
//   std::vector<align::batch_score> const & s = aligner.score(pairs);   // in the order of pairs
//
//   std::vector<align::alignment_result> const & a = aligner.align(pairs); // with CIGARs
//
// Pairs are sorted by length and cut into groups of one SIMD register's lanes. Local mode runs 8-bit lanes
// first where allowed (eight_bit) and re-runs the lanes that saturated with 16 bits; every mode runs 16-bit
// lanes where the score bound of the pair fits, and the 32-bit scalar reference otherwise. Extension pairs whose
// diagonal provably wins (at most one mismatch with bwa's scores) skip the DP; in align(), the others run in the
// band their diagonal's deficit needs, grouped by it (detail/diagonal_extension.hpp). Scores are exactly those
// of the scalar reference (detail/reference.hpp) in every case.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <numeric>
#include <span>
#include <utility>
#include <vector>

#include <wgskit/align/config.hpp>
#include <wgskit/align/detail/diagonal_extension.hpp>
#include <wgskit/align/detail/inter_pair_kernel.hpp>
#include <wgskit/align/detail/traceback_band.hpp>
#include <wgskit/align/pairwise.hpp>
#include <wgskit/simd/arch.hpp>

namespace wgskit::align
{

struct sequence_pair
{
    std::span<std::uint8_t const> query;
    std::span<std::uint8_t const> target;
};

using batch_score = score_result;

enum class eight_bit_policy : std::uint8_t
{
    when_bounded, //!< 8-bit lanes only for pairs whose best possible local score fits (no wasted pass)
    try_first,    //!< every local pair starts with 8 bits (pays off when most pairs score low: mate rescue)
    never
};

class batch_aligner
{
public:
    explicit batch_aligner(alignment_config config, eight_bit_policy eight_bit = eight_bit_policy::when_bounded) :
        config_{config}, eight_bit_{eight_bit}
    {
        detail::validate_config(config_);
        simd_ok_ = config_.scoring.is_match_mismatch() && config_.scoring.n_score() <= 0 &&
                   config_.scoring.mismatch() <= 0 && config_.scoring.match() >= 0;
    }

    alignment_config const & config() const noexcept { return config_; }

    //! Scores of all pairs, in their order. Throws invalid_argument (naming the pair) for codes above 4.
    std::vector<batch_score> const & score(std::span<sequence_pair const> pairs)
    {
        for (std::size_t k = 0; k < pairs.size(); ++k)
        {
            detail::validate_sequence(pairs[k].query, "query", k);
            detail::validate_sequence(pairs[k].target, "target", k);
        }
        results_.assign(pairs.size(), batch_score{});
        simd::dispatch<detail::inter_pair_kernel>([&](auto kernel) { run(kernel, pairs); });
        return results_;
    }

    //! Alignments with CIGARs of all pairs, in their order: the SIMD pass stores direction bits per cell and lane
    //! (16-bit lanes, groups up to max_direction_bytes), the CIGAR is walked back per pair; pairs beyond the
    //! 16-bit bound or the size limit take the scalar reference. Unbanded local and global pairs store
    //! directions only inside a band that every optimal path must stay in (detail/traceback_band.hpp): global
    //! pairs in a guessed one that their banded score proves, the others after the score-only pass (with end
    //! cells); pairs without a narrow band take the full pass. Equal to
    //! align::align() pair by pair, CIGARs included.
    std::vector<alignment_result> const & align(std::span<sequence_pair const> pairs)
    {
        for (std::size_t k = 0; k < pairs.size(); ++k)
        {
            detail::validate_sequence(pairs[k].query, "query", k);
            detail::validate_sequence(pairs[k].target, "target", k);
        }
        alignments_.assign(pairs.size(), alignment_result{});
        simd::dispatch<detail::inter_pair_kernel>([&](auto kernel) { run_traceback(kernel, pairs); });
        return alignments_;
    }

    //! The direction matrix of one group may take at most this many bytes.
    static constexpr std::size_t max_direction_bytes = std::size_t{256} << 20;

private:
    void sort_by_length(std::span<sequence_pair const> pairs)
    {
        // Longest first, so that each group's lanes have similar lengths.
        order_.resize(pairs.size());
        std::iota(order_.begin(), order_.end(), std::size_t{0});
        std::stable_sort(order_.begin(), order_.end(),
                         [&](std::size_t a, std::size_t b) { return longer(pairs[a], pairs[b]); });
    }

    static bool longer(sequence_pair const & a, sequence_pair const & b) noexcept
    {
        if (a.target.size() != b.target.size())
            return a.target.size() > b.target.size();
        return a.query.size() > b.query.size();
    }

    template <class Kernel>
    void run_traceback(Kernel kernel, std::span<sequence_pair const> pairs)
    {
        sort_by_length(pairs);
        std::size_t const lanes = kernel.lanes(16);
        bool const try_band = config_.band < 0 &&
                              (config_.mode == alignment_mode::local || config_.mode == alignment_mode::global);
        pass16_.clear();
        try_band_.clear();
        narrow_.clear();
        bool const ext = config_.mode == alignment_mode::extension;
        for (std::size_t k : order_)
        {
            auto const & p = pairs[k];
            auto const m = static_cast<std::uint32_t>(p.query.size());
            auto n = static_cast<std::uint32_t>(p.target.size());
            std::int64_t band = 0;
            if (ext)
            {
                auto const plan = detail::plan_diagonal_extension(p.query.data(), m, p.target.data(), n, config_);
                if (plan.outcome)
                {
                    alignments_[k] = detail::diagonal_alignment(p.query.data(), m, p.target.data(), *plan.outcome,
                                                                config_);
                    continue;
                }
                // Columns beyond the needed band are never computed: leave them out of the group's width too.
                band = plan.band;
                if (band < detail::diagonal_band::unbounded)
                    n = static_cast<std::uint32_t>(std::min<std::int64_t>(n, std::int64_t{m} + band));
            }
            if (simd_ok_ && m > 0 && n > 0 && detail::fits_16bit(config_, m, n) &&
                (std::size_t{m} + 1) * detail::packed_width(n) * lanes * sizeof(std::int16_t) <= max_direction_bytes)
            {
                if (ext)
                    narrow_.push_back({k, band, n});
                else
                    (try_band && detail::band_may_pay(config_, m, n) ? try_band_ : pass16_).push_back(k);
            }
            else
                alignments_[k] = detail::align_scalar(p.query.data(), m, p.target.data(), n, config_);
        }
        lane_pairs_.resize(lanes);
        lane_out_.resize(lanes);
        lane_index_.resize(lanes);
        lane_offset_.resize(lanes);
        if (!try_band_.empty())
            run_banded(kernel, pairs); // the pairs whose band does not hold join pass16_
        for (std::size_t g = 0; g < pass16_.size(); g += lanes)
        {
            std::size_t const count = std::min(lanes, pass16_.size() - g);
            auto const [max_m, max_n] = fill_group(pairs, std::span<std::size_t const>{pass16_}.subspan(g, count));
            std::copy_n(pass16_.begin() + static_cast<std::ptrdiff_t>(g), count, lane_index_.begin());
            trace_group(kernel, count, max_m, max_n, detail::diagonals_of(config_));
        }
        // Extension pairs: groups of similar bands, each computing its widest lane's band only.
        std::stable_sort(narrow_.begin(), narrow_.end(), [](narrowed_pair const & a, narrowed_pair const & b) {
            return a.band > b.band;
        });
        for (std::size_t g = 0; g < narrow_.size(); g += lanes)
        {
            std::size_t const count = std::min(lanes, narrow_.size() - g);
            std::size_t max_m = 0, max_n = 0;
            for (std::size_t l = 0; l < count; ++l)
            {
                auto const & x = narrow_[g + l];
                auto const & q = pairs[x.index].query;
                lane_pairs_[l] = {q.data(), static_cast<std::uint32_t>(q.size()), pairs[x.index].target.data(),
                                  x.target_length};
                lane_index_[l] = x.index;
                max_m = std::max(max_m, q.size());
                max_n = std::max<std::size_t>(max_n, x.target_length);
            }
            std::int64_t const band = narrow_[g].band; // the group's widest
            trace_group(kernel, count, max_m, max_n,
                        band < detail::diagonal_band::unbounded ? detail::diagonal_band{-band, band}
                                                                 : detail::diagonal_band{});
        }
    }

    //! The full traceback of one group of lane_pairs_ (results to alignments_[lane_index_[l]]) in the given band.
    template <class Kernel>
    void trace_group(Kernel kernel, std::size_t count, std::size_t max_m, std::size_t max_n,
                     detail::diagonal_band const & band)
    {
        std::size_t const lanes = kernel.lanes(16);
        std::int16_t * dirs = directions(max_m, max_n, lanes);
        void * ws = workspace(kernel.workspace_bytes(16, max_m, max_n));
        kernel.directions(lane_pairs_.data(), count, config_, band, ws, dirs, lane_out_.data());
        for (std::size_t l = 0; l < count; ++l)
        {
            lane_offset_[l] = {0, 0};
            alignments_[lane_index_[l]] = detail::start_alignment(detail::to_outcome(lane_out_[l].result),
                                                                  lane_pairs_[l].query_length, config_);
        }
        walk_group(dirs, detail::packed_width(max_n), lanes, count);
    }

    //! Local and global pairs: the directions inside each pair's band only (detail/traceback_band.hpp). Global
    //! pairs try a guessed band first; the others, and the global pairs whose guess is not proven, take the
    //! score-only pass with end cells and then their band_for() band. A pair whose band does not give its score
    //! (or has no narrow band) joins pass16_, the full traceback.
    template <class Kernel>
    void run_banded(Kernel kernel, std::span<sequence_pair const> pairs)
    {
        std::size_t const lanes = kernel.lanes(16);
        ends_.resize(pairs.size());
        // Chunk by chunk, so that the later passes find the sequences still in the cache.
        std::size_t const chunk = 16 * lanes;
        for (std::size_t c0 = 0; c0 < try_band_.size(); c0 += chunk)
        {
            std::span<std::size_t const> part{try_band_.data() + c0, std::min(chunk, try_band_.size() - c0)};
            if (config_.mode == alignment_mode::global)
            {
                bands_.clear();
                unproven_.clear();
                for (std::size_t k : part)
                {
                    auto const m = static_cast<std::uint32_t>(pairs[k].query.size());
                    auto const n = static_cast<std::uint32_t>(pairs[k].target.size());
                    if (auto const b = detail::guessed_band(m, n))
                        bands_.push_back({k, *b});
                    else
                        unproven_.push_back(k);
                }
                trace_bands(kernel, pairs, true);
                part = unproven_;
            }
            for (std::size_t g = 0; g < part.size(); g += lanes)
            {
                std::size_t const count = std::min(lanes, part.size() - g);
                auto const [max_m, max_n] = fill_group(pairs, part.subspan(g, count));
                void * ws = workspace(kernel.workspace_bytes(16, max_m, max_n));
                kernel.directions(lane_pairs_.data(), count, config_, detail::diagonals_of(config_), ws, nullptr,
                                  lane_out_.data());
                for (std::size_t l = 0; l < count; ++l)
                    ends_[part[g + l]] = lane_out_[l].result;
            }
            bands_.clear();
            for (std::size_t k : part)
            {
                auto const m = static_cast<std::uint32_t>(pairs[k].query.size());
                auto const n = static_cast<std::uint32_t>(pairs[k].target.size());
                alignments_[k] = detail::start_alignment(detail::to_outcome(ends_[k]), m, config_);
                if (config_.mode == alignment_mode::local && ends_[k].score == 0)
                    continue; // the empty alignment at (0, 0): nothing to walk
                if (auto const b = detail::band_for(config_, m, n, ends_[k]))
                    bands_.push_back({k, *b});
                else
                    pass16_.push_back(k);
            }
            trace_bands(kernel, pairs, false);
        }
        std::stable_sort(pass16_.begin(), pass16_.end(), [&](std::size_t a, std::size_t b) {
            return longer(pairs[a], pairs[b]);
        });
    }

    //! The banded traceback of the pairs of bands_. guessed (global): a pair whose banded score does not prove
    //! its band (detail::band_proven) joins unproven_; otherwise the scores and end cells are in ends_ and
    //! alignments_, and a pair whose band does not give them joins pass16_.
    template <class Kernel>
    void trace_bands(Kernel kernel, std::span<sequence_pair const> pairs, bool guessed)
    {
        std::size_t const lanes = kernel.lanes(16);
        // Groups of similar bands: by width, then by position (a group runs the union of its lanes' bands);
        // stable, so that similar lengths stay together.
        std::stable_sort(bands_.begin(), bands_.end(), [](banded_pair const & a, banded_pair const & b) {
            auto const & da = a.band.diagonals;
            auto const & db = b.band.diagonals;
            return std::pair{da.high - da.low, da.low} < std::pair{db.high - db.low, db.low};
        });
        for (std::size_t g = 0; g < bands_.size(); g += lanes)
        {
            std::size_t const count = std::min(lanes, bands_.size() - g);
            std::size_t max_m = 0, max_n = 0;
            detail::diagonal_band group_band = bands_[g].band.diagonals;
            for (std::size_t l = 0; l < count; ++l)
            {
                auto const & [k, b] = bands_[g + l];
                lane_pairs_[l] = {pairs[k].query.data() + b.query_begin, b.query_end - b.query_begin,
                                  pairs[k].target.data() + b.target_begin, b.target_end - b.target_begin};
                max_m = std::max<std::size_t>(max_m, lane_pairs_[l].query_length);
                max_n = std::max<std::size_t>(max_n, lane_pairs_[l].target_length);
                group_band.low = std::min(group_band.low, b.diagonals.low);
                group_band.high = std::max(group_band.high, b.diagonals.high);
            }
            std::int16_t * dirs = directions(max_m, max_n, lanes);
            void * ws = workspace(kernel.workspace_bytes(16, max_m, max_n));
            kernel.directions(lane_pairs_.data(), count, config_, group_band, ws, dirs, lane_out_.data());
            for (std::size_t l = 0; l < count; ++l)
            {
                auto const & [k, b] = bands_[g + l];
                score_result const & got = lane_out_[l].result;
                bool holds;
                if (guessed)
                {
                    holds = detail::band_proven(config_, lane_pairs_[l].query_length, lane_pairs_[l].target_length,
                                                b, got.score);
                    if (holds)
                        alignments_[k] = detail::start_alignment(detail::to_outcome(got), b.query_end, config_);
                    else
                        unproven_.push_back(k);
                }
                else
                {
                    holds = got.score == ends_[k].score && got.query_end == lane_pairs_[l].query_length &&
                            got.target_end == lane_pairs_[l].target_length;
                    if (!holds) // never expected (band_for's bounds exclude it); the full traceback stays exact
                        pass16_.push_back(k);
                }
                lane_index_[l] = holds ? k : no_lane;
                lane_offset_[l] = {b.query_begin, b.target_begin};
            }
            walk_group(dirs, detail::packed_width(max_n), lanes, count);
        }
    }

    //! lane_pairs_ of the pairs listed in group; returns the group's longest query and target.
    std::pair<std::size_t, std::size_t> fill_group(std::span<sequence_pair const> pairs, std::span<std::size_t const> group)
    {
        std::size_t max_m = 0, max_n = 0;
        for (std::size_t l = 0; l < group.size(); ++l)
        {
            auto const & p = pairs[group[l]];
            lane_pairs_[l] = {p.query.data(), static_cast<std::uint32_t>(p.query.size()), p.target.data(),
                              static_cast<std::uint32_t>(p.target.size())};
            max_m = std::max(max_m, p.query.size());
            max_n = std::max(max_n, p.target.size());
        }
        return {max_m, max_n};
    }

    //! A 64-byte aligned direction matrix for a group.
    std::int16_t * directions(std::size_t max_m, std::size_t max_n, std::size_t lanes)
    {
        directions_.resize((max_m + 1) * detail::packed_width(max_n) * lanes +
                           detail::workspace_alignment / sizeof(std::int16_t));
        auto const misalign = reinterpret_cast<std::uintptr_t>(directions_.data()) % detail::workspace_alignment;
        return directions_.data() +
               (misalign == 0 ? 0 : (detail::workspace_alignment - misalign) / sizeof(std::int16_t));
    }

    //! The walks back of a group's lanes (lane_pairs_, from the ends in alignments_[lane_index_[l]] shifted by
    //! lane_offset_[l]; no_lane: skipped), interleaved a step each in turn: lanes near the same cells share the
    //! cache lines of the packed matrix, and the reads of different lanes do not wait for each other.
    void walk_group(std::int16_t const * dirs, std::size_t width, std::size_t lanes, std::size_t count)
    {
        auto const at = [dirs, width, lanes](std::size_t lane) {
            return [lane_dirs = dirs + lane, width, lanes](std::uint32_t i, std::uint32_t j) {
                return detail::packed_direction(lane_dirs, width, lanes, i, j);
            };
        };
        using walk = detail::traceback_walk<decltype(at(0))>;
        std::vector<walk> walks;
        walks.reserve(count);
        std::vector<std::size_t> active;
        for (std::size_t l = 0; l < count; ++l)
        {
            auto const & p = lane_pairs_[l];
            bool const live = lane_index_[l] != no_lane && alignments_[lane_index_[l]].score != unreachable_score;
            alignment_result const & r = alignments_[live ? lane_index_[l] : 0];
            walks.emplace_back(p.query, p.target, config_, at(l), live ? r.query_end - lane_offset_[l][0] : 0,
                               live ? r.target_end - lane_offset_[l][1] : 0);
            if (live)
                active.push_back(l);
        }
        std::vector<std::size_t> walking = active;
        while (!walking.empty())
        {
            std::size_t kept = 0;
            for (std::size_t l : walking)
            {
                walks[l].step();
                if (!walks[l].done())
                    walking[kept++] = l;
            }
            walking.resize(kept);
        }
        for (std::size_t l : active)
        {
            alignment_result & r = alignments_[lane_index_[l]];
            walks[l].finish(r);
            r.query_begin += lane_offset_[l][0];
            r.target_begin += lane_offset_[l][1];
        }
    }

    template <class Kernel>
    void run(Kernel kernel, std::span<sequence_pair const> pairs)
    {
        sort_by_length(pairs);
        pass8_.clear();
        pass16_.clear();
        scalar_.clear();
        bool const local = config_.mode == alignment_mode::local;
        for (std::size_t k : order_)
        {
            auto const m = static_cast<std::uint32_t>(pairs[k].query.size());
            auto const n = static_cast<std::uint32_t>(pairs[k].target.size());
            if (auto const o = detail::diagonal_extension(pairs[k].query.data(), m, pairs[k].target.data(), n, config_))
                results_[k] = detail::to_lane_score(*o, config_.mode).result;
            else if (!simd_ok_ || m == 0 || n == 0)
                scalar_.push_back(k);
            else if (local && eight_bit_ != eight_bit_policy::never &&
                     (eight_bit_ == eight_bit_policy::try_first ||
                      std::int64_t{config_.scoring.match()} * std::min(m, n) < 127))
                pass8_.push_back(k);
            else if (local || detail::fits_16bit(config_, m, n) ||
                     (config_.band < 0 && config_.mode != alignment_mode::extension))
                pass16_.push_back(k); // local and unbanded (semi-)global detect saturation themselves
            else
                scalar_.push_back(k);
        }
        run_pass(kernel, pairs, pass8_, 8, &pass16_);
        std::stable_sort(pass16_.begin(), pass16_.end(), [&](std::size_t a, std::size_t b) {
            return pairs[a].target.size() > pairs[b].target.size();
        });
        run_pass(kernel, pairs, pass16_, 16, &scalar_);
        run_pass(detail::inter_pair_kernel<simd::scalar>{}, pairs, scalar_, 32, nullptr);
    }

    template <class Kernel>
    void run_pass(Kernel kernel, std::span<sequence_pair const> pairs, std::vector<std::size_t> const & list,
                  int bits, std::vector<std::size_t> * overflow)
    {
        std::size_t const lanes = kernel.lanes(bits);
        lane_pairs_.resize(lanes);
        lane_out_.resize(lanes);
        for (std::size_t g = 0; g < list.size(); g += lanes)
        {
            std::size_t const count = std::min(lanes, list.size() - g);
            auto const [max_m, max_n] = fill_group(pairs, std::span<std::size_t const>{list}.subspan(g, count));
            void * ws = workspace(kernel.workspace_bytes(bits, max_m, max_n));
            kernel.score(lane_pairs_.data(), count, config_, bits, ws, lane_out_.data());
            for (std::size_t l = 0; l < count; ++l)
            {
                if (lane_out_[l].overflow && overflow != nullptr)
                    overflow->push_back(list[g + l]);
                else
                    results_[list[g + l]] = lane_out_[l].result;
            }
        }
    }

    void * workspace(std::size_t bytes)
    {
        if (bytes + detail::workspace_alignment > workspace_size_)
        {
            workspace_size_ = bytes + detail::workspace_alignment;
            workspace_.reset(new unsigned char[workspace_size_]);
        }
        auto const addr = reinterpret_cast<std::uintptr_t>(workspace_.get());
        return workspace_.get() + ((detail::workspace_alignment - addr % detail::workspace_alignment) %
                                   detail::workspace_alignment);
    }

    alignment_config config_;
    eight_bit_policy eight_bit_;
    bool simd_ok_ = false;
    std::vector<batch_score> results_;
    std::vector<alignment_result> alignments_;
    std::vector<std::int16_t> directions_;
    std::vector<std::size_t> order_, pass8_, pass16_, scalar_, try_band_, unproven_;
    struct banded_pair
    {
        std::size_t pair;
        detail::traceback_band band;
    };
    static constexpr std::size_t no_lane = ~std::size_t{0};
    std::vector<banded_pair> bands_;
    struct narrowed_pair
    {
        std::size_t index;
        std::int64_t band;          //!< diagonals each side (detail::diagonal_plan)
        std::uint32_t target_length; //!< the target up to the band's last column
    };
    std::vector<narrowed_pair> narrow_;
    std::vector<batch_score> ends_;
    std::vector<std::size_t> lane_index_;
    std::vector<std::array<std::uint32_t, 2>> lane_offset_;
    std::vector<detail::lane_pair> lane_pairs_;
    std::vector<detail::lane_score> lane_out_;
    std::unique_ptr<unsigned char[]> workspace_;
    std::size_t workspace_size_ = 0;
};

} // namespace wgskit::align
