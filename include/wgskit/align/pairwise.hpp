// One query against one target: score, positions and CIGAR.
//
//   auto q = align::encode("ACGT..."), t = align::encode("ACGGT...");
//   align::alignment_config cfg;                       // local, match 2, mismatch -3, open 5, extend 2
//   align::alignment_result r = align::align(q, t, cfg); // r.score, r.query_begin.., to_string(r.path)
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <wgskit/align/config.hpp>
#include <wgskit/align/detail/diagonal_extension.hpp>
#include <wgskit/align/detail/diagonal_kernel.hpp>
#include <wgskit/align/detail/local_diagonal_kernel.hpp>
#include <wgskit/align/detail/reference.hpp>
#include <wgskit/align/detail/striped_kernel.hpp>
#include <wgskit/core/exception.hpp>

namespace wgskit::align
{

namespace detail
{
inline void validate_config(alignment_config const & c)
{
    c.scoring.validate();
    if (c.mode == alignment_mode::extension && (c.initial_score < 0 || c.initial_score > (1 << 24)))
        throw invalid_argument{"align: initial_score must be in [0, 2^24] (got " + std::to_string(c.initial_score) + ")"};
    if (c.band > (1 << 30) || c.zdrop > (1 << 24) || c.end_bonus < 0 || c.clip_penalty < 0)
        throw invalid_argument{"align: band, zdrop, end_bonus or clip_penalty out of range"};
}

inline void validate_sequence(std::span<std::uint8_t const> s, char const * what, std::size_t pair = 0)
{
    if (s.size() > (std::size_t{1} << 28))
        throw invalid_argument{std::string{"align: "} + what + " of pair " + std::to_string(pair) +
                               " is longer than 2^28 bases"};
    // The largest code first (a vectorised max: the batch path validates every base of every pair), then where.
    std::uint8_t largest = 0;
    for (std::uint8_t c : s)
        largest = c > largest ? c : largest;
    if (largest <= code_n)
        return;
    for (std::size_t i = 0; i < s.size(); ++i)
        if (s[i] > code_n)
            throw invalid_argument{std::string{"align: "} + what + " of pair " + std::to_string(pair) +
                                   " has code " + std::to_string(s[i]) + " at position " + std::to_string(i) +
                                   " (codes are 0..4; use align::encode for ASCII)"};
}
} // namespace detail

//! One query against one target, reusing its buffers from call to call (one per thread).
//!
//! Global, semi-global and extension (banded or not) run the anti-diagonal 8-bit difference kernel
//! (detail/diagonal_kernel.hpp) for match/mismatch schemes whose differences fit 8 bits (diagonal_fits); local
//! (banded or not) runs the anti-diagonal 16-bit kernel (detail/local_diagonal_kernel.hpp) where the scores fit
//! 16 bits, else the striped kernel (score only). With traceback the kernels store one direction entry per
//! computed cell. Everything else runs the 32-bit scalar reference. Results are exactly the reference's
//! (detail/reference.hpp), CIGARs included.
class pairwise_aligner
{
public:
    explicit pairwise_aligner(alignment_config config) : config_{config} { detail::validate_config(config_); }

    alignment_config const & config() const noexcept { return config_; }

    //! The score of one pair (extension: with the best cell and the end-to-end score).
    score_result score(std::span<std::uint8_t const> query, std::span<std::uint8_t const> target)
    {
        validate(query, target);
        auto const m = static_cast<std::uint32_t>(query.size()), n = static_cast<std::uint32_t>(target.size());
        if (auto const o = detail::diagonal_extension(query.data(), m, target.data(), n, config_))
            return detail::to_lane_score(*o, config_.mode).result;
        if (diagonal(m, n))
        {
            detail::dp_outcome const o = simd::dispatch<detail::diagonal_kernel>([&](auto kernel) {
                return kernel.run(query.data(), m, target.data(), n, config_,
                                  workspace(kernel.workspace_bytes(m, n)), nullptr, nullptr);
            });
            return detail::to_lane_score(o, config_.mode).result;
        }
        if (local_diagonal(m, n))
        {
            detail::dp_outcome const o = simd::dispatch<detail::local_diagonal_kernel>([&](auto kernel) {
                return kernel.run(query.data(), m, target.data(), n, config_,
                                  workspace(kernel.workspace_bytes(m, n)), nullptr, nullptr);
            });
            return detail::to_lane_score(o, config_.mode).result;
        }
        bool const striped = m > 0 && n > 0 && config_.band < 0 &&
                             (config_.mode == alignment_mode::local ||
                              (config_.mode == alignment_mode::global && detail::fits_16bit(config_, m, n)));
        if (striped)
        {
            detail::lane_score const r = simd::dispatch<detail::striped_kernel>([&](auto kernel) {
                return kernel.score(query.data(), m, target.data(), n, config_, workspace(kernel.workspace_bytes(m, n)));
            });
            if (!r.overflow)
                return r.result;
        }
        return detail::to_lane_score(detail::score_scalar(query.data(), m, target.data(), n, config_), config_.mode)
            .result;
    }

    //! Score, begin/end positions and CIGAR.
    alignment_result align(std::span<std::uint8_t const> query, std::span<std::uint8_t const> target)
    {
        validate(query, target);
        auto const m = static_cast<std::uint32_t>(query.size()), n = static_cast<std::uint32_t>(target.size());
        if (auto const o = detail::diagonal_extension(query.data(), m, target.data(), n, config_))
            return detail::diagonal_alignment(query.data(), m, target.data(), *o, config_);
        bool const local = local_diagonal(m, n);
        if (!diagonal(m, n) && !local)
            return detail::align_scalar(query.data(), m, target.data(), n, config_);
        base_.resize(std::size_t{m} + n + 1);
        std::size_t const entries = detail::direction_layout(m, n, config_.band, base_.data());
        std::int64_t const * base = base_.data();
        if (local)
        {
            // 16-bit direction entries, in the same (reused) buffer.
            directions_.resize(2 * entries);
            auto * dirs = reinterpret_cast<std::uint16_t *>(directions_.data());
            detail::dp_outcome const o = simd::dispatch<detail::local_diagonal_kernel>([&](auto kernel) {
                return kernel.run(query.data(), m, target.data(), n, config_, workspace(kernel.workspace_bytes(m, n)),
                                  dirs, base);
            });
            return detail::finish_alignment(query.data(), m, target.data(), config_, o,
                                            [&](std::uint32_t i, std::uint32_t j) {
                                                return static_cast<std::uint8_t>(dirs[base[i + j] + j]);
                                            });
        }
        directions_.resize(entries);
        detail::dp_outcome const o = simd::dispatch<detail::diagonal_kernel>([&](auto kernel) {
            return kernel.run(query.data(), m, target.data(), n, config_, workspace(kernel.workspace_bytes(m, n)),
                              directions_.data(), base);
        });
        return detail::finish_alignment(query.data(), m, target.data(), config_, o,
                                        [&](std::uint32_t i, std::uint32_t j) {
                                            return detail::direction_at(directions_.data(), base, i, j);
                                        });
    }

private:
    static void validate(std::span<std::uint8_t const> query, std::span<std::uint8_t const> target)
    {
        detail::validate_sequence(query, "query");
        detail::validate_sequence(target, "target");
    }

    bool diagonal(std::uint32_t m, std::uint32_t n) const noexcept
    {
        return m > 0 && n > 0 && config_.mode != alignment_mode::local && detail::diagonal_fits(config_.scoring);
    }

    bool local_diagonal(std::uint32_t m, std::uint32_t n) const noexcept
    {
        return m > 0 && n > 0 && config_.mode == alignment_mode::local && detail::local_diagonal_fits(config_, m, n);
    }

    void * workspace(std::size_t bytes)
    {
        if (workspace_.size() * sizeof(std::uint64_t) < bytes + 64)
            workspace_.resize(bytes / sizeof(std::uint64_t) + 9);
        auto const addr = reinterpret_cast<std::uintptr_t>(workspace_.data());
        return reinterpret_cast<void *>((addr + 63) & ~std::uintptr_t{63});
    }

    alignment_config config_;
    std::vector<std::uint64_t> workspace_;
    std::vector<std::uint8_t> directions_; // bytes, or 16-bit entries for local
    std::vector<std::int64_t> base_;
};

//! Score, begin/end positions and CIGAR of one pair (see pairwise_aligner; use one for many pairs).
inline alignment_result align(std::span<std::uint8_t const> query, std::span<std::uint8_t const> target,
                              alignment_config const & config)
{
    return pairwise_aligner{config}.align(query, target);
}

//! The score of one pair (extension: with the best cell and the end-to-end score); see pairwise_aligner. For
//! many pairs, batch_aligner is faster.
inline score_result score(std::span<std::uint8_t const> query, std::span<std::uint8_t const> target,
                          alignment_config const & config)
{
    return pairwise_aligner{config}.score(query, target);
}

//! Checks a result against its sequences: the CIGAR consumes exactly [begin, end) of both and rescoring it
//! (plus initial_score in extension mode) gives the reported score (the end-to-end score when to_query_end).
inline bool consistent(alignment_result const & r, std::span<std::uint8_t const> query,
                       std::span<std::uint8_t const> target, alignment_config const & c)
{
    bool ok = false;
    std::int64_t s = detail::rescore(r.path, query.data(), static_cast<std::uint32_t>(query.size()), target.data(),
                                     static_cast<std::uint32_t>(target.size()), r.query_begin, r.target_begin,
                                     c.scoring, ok);
    if (!ok)
        return false;
    std::uint64_t qlen = 0, tlen = 0;
    for (auto const & e : r.path)
    {
        if (e.op != 'D')
            qlen += e.length;
        if (e.op != 'I')
            tlen += e.length;
    }
    if (r.query_begin + qlen != r.query_end || r.target_begin + tlen != r.target_end)
        return false;
    if (c.mode == alignment_mode::extension)
    {
        s += c.initial_score;
        return s == (r.to_query_end ? r.end_to_end_score : r.score);
    }
    return s == r.score;
}

} // namespace wgskit::align
