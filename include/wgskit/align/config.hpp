// Alignment modes, their configuration and results, CIGAR strings.
//
// Coordinates: the query is the DP's rows (i = 0..m), the target its columns (j = 0..n). A cell (i, j) holds the
// best score of an alignment of query[0, i) with target[0, j) in the mode's sense. Begin/end positions are
// half-open 0-based [begin, end). Band: only cells with |i - j| <= band exist (band < 0: no band).
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <wgskit/align/scoring.hpp>

namespace wgskit::align
{

enum class alignment_mode : std::uint8_t
{
    local,       //!< Smith-Waterman: best-scoring pair of substrings (score >= 0)
    global,      //!< Needleman-Wunsch: both sequences end to end
    semi_global, //!< global, except the ends named in free_end_gaps may be left unaligned at no cost
    extension    //!< ksw2-extz-style seed extension from (0, 0): global start, free end, z-drop
};

//! Which ends may be left unaligned for free in semi_global mode.
struct free_end_gaps
{
    bool query_prefix = false;  //!< leading query bases unaligned (the alignment may start at row i > 0)
    bool query_suffix = false;  //!< trailing query bases unaligned
    bool target_prefix = false; //!< leading target bases unaligned (read inside a reference window: true)
    bool target_suffix = false; //!< trailing target bases unaligned
    friend constexpr bool operator==(free_end_gaps const &, free_end_gaps const &) = default;
};

struct alignment_config
{
    alignment_mode mode = alignment_mode::local;
    scoring_scheme scoring = scoring_scheme::simple(2, -3, 5, 2, -1);
    free_end_gaps free_ends{}; //!< semi_global only
    int band = -1;             //!< cells with |i - j| <= band; negative: the full matrix
    // Extension only:
    int zdrop = -1;            //!< stop when best - row best > zdrop + extend * |diagonal shift|; negative: off
    int initial_score = 0;     //!< score of the seed the extension starts from (H(0,0)); >= 0
    int end_bonus = 0;         //!< added to the end-to-end score when choosing between clipping and reaching the end
    int clip_penalty = 0;      //!< subtracted from the best local score in that choice
    // Traceback only:
    bool extended_cigar = false; //!< '=' and 'X' instead of 'M'
};

//! Scores that cannot be reached (a global end outside the band, an extension that never reached the query end).
inline constexpr std::int32_t unreachable_score = std::numeric_limits<std::int32_t>::min();

struct cigar_element
{
    std::uint32_t length;
    char op; //!< 'M', '=', 'X', 'I' (query base against a gap), 'D' (target base against a gap)
    friend constexpr bool operator==(cigar_element const &, cigar_element const &) = default;
};

using cigar = std::vector<cigar_element>;

//! Appends length x op to a CIGAR, merging with the last element when it has the same operation.
inline void append_op(cigar & c, char op, std::uint32_t length = 1)
{
    if (length == 0)
        return;
    if (!c.empty() && c.back().op == op)
        c.back().length += length;
    else
        c.push_back({length, op});
}

inline std::string to_string(cigar const & c)
{
    std::string s;
    for (auto const & e : c)
    {
        s += std::to_string(e.length);
        s += e.op;
    }
    return s;
}

//! A score-only result; the end fields are filled in extension mode only (the best cell, the end-to-end score
//! and its j).
struct score_result
{
    std::int32_t score = 0;
    std::uint32_t query_end = 0, target_end = 0;
    std::int32_t end_to_end_score = unreachable_score;
    std::uint32_t end_to_end_target_end = 0;
    bool zdropped = false;
    friend bool operator==(score_result const &, score_result const &) = default;
};

//! One alignment. For extension, score is the best local end (max over cells) and the end-to-end fields say
//! how far the query end was reached (gscore / gtle in ksw2 terms).
struct alignment_result
{
    std::int32_t score = 0;
    std::uint32_t query_begin = 0, query_end = 0, target_begin = 0, target_end = 0;
    cigar path; //!< empty for score-only results
    // Extension only:
    std::int32_t end_to_end_score = unreachable_score; //!< best H(m, j) over j >= 1 (j = 0 only when n = 0)
    std::uint32_t end_to_end_target_end = 0;           //!< its j
    bool zdropped = false;
    bool to_query_end = false; //!< the traceback path ends at the query end (end_to_end chosen over clipping)
    friend bool operator==(alignment_result const &, alignment_result const &) = default;
};

} // namespace wgskit::align
