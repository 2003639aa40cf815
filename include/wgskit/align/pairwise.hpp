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
    for (std::size_t i = 0; i < s.size(); ++i)
        if (s[i] > code_n)
            throw invalid_argument{std::string{"align: "} + what + " of pair " + std::to_string(pair) +
                                   " has code " + std::to_string(s[i]) + " at position " + std::to_string(i) +
                                   " (codes are 0..4; use align::encode for ASCII)"};
}
} // namespace detail

//! Score, begin/end positions and CIGAR (full dynamic programming with one direction byte per cell:
//! (m + 1) * (n + 1) bytes; use a band for long pairs).
inline alignment_result align(std::span<std::uint8_t const> query, std::span<std::uint8_t const> target,
                              alignment_config const & config)
{
    detail::validate_config(config);
    detail::validate_sequence(query, "query");
    detail::validate_sequence(target, "target");
    return detail::align_scalar(query.data(), static_cast<std::uint32_t>(query.size()), target.data(),
                                static_cast<std::uint32_t>(target.size()), config);
}

//! The score of one pair (extension: with the best cell and the end-to-end score). Local and global without a
//! band run the striped 16-bit kernel (local pairs that saturate and global pairs beyond the 16-bit bound take
//! the 32-bit reference); other modes and banded alignments run the scalar reference. For many pairs,
//! batch_aligner is faster.
inline score_result score(std::span<std::uint8_t const> query, std::span<std::uint8_t const> target,
                          alignment_config const & config)
{
    detail::validate_config(config);
    detail::validate_sequence(query, "query");
    detail::validate_sequence(target, "target");
    auto const m = static_cast<std::uint32_t>(query.size()), n = static_cast<std::uint32_t>(target.size());
    bool const striped = m > 0 && n > 0 && config.band < 0 &&
                         (config.mode == alignment_mode::local ||
                          (config.mode == alignment_mode::global && detail::fits_16bit(config, m, n)));
    if (striped)
    {
        detail::lane_score const r = simd::dispatch<detail::striped_kernel>([&](auto kernel) {
            std::vector<std::uint64_t> ws(kernel.workspace_bytes(m, n) / sizeof(std::uint64_t) + 9);
            auto const addr = reinterpret_cast<std::uintptr_t>(ws.data());
            void * aligned = reinterpret_cast<void *>((addr + 63) & ~std::uintptr_t{63});
            return kernel.score(query.data(), m, target.data(), n, config, aligned);
        });
        if (!r.overflow)
            return r.result;
    }
    return detail::to_lane_score(detail::score_scalar(query.data(), m, target.data(), n, config), config.mode).result;
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
