// Scoring for pairwise alignment: a 5x5 substitution matrix over A, C, G, T, N and bwa-style affine gaps.
//
// Sequences are codes 0..4 (A, C, G, T, N), one byte a base; encode() converts ASCII. A gap of length k costs
// gap_open + k * gap_extend (bwa/ksw2 convention: the first gap base costs open + extend).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <wgskit/core/exception.hpp>

namespace wgskit::align
{

//! Code of N (and of every letter that is not A, C, G or T).
inline constexpr std::uint8_t code_n = 4;

//! The code of an ASCII letter: A/a 0, C/c 1, G/g 2, T/t 3 (U/u as T), anything else N (4).
constexpr std::uint8_t encode_base(char c) noexcept
{
    switch (c)
    {
        case 'A': case 'a': return 0;
        case 'C': case 'c': return 1;
        case 'G': case 'g': return 2;
        case 'T': case 't': case 'U': case 'u': return 3;
        default: return code_n;
    }
}

//! Codes of an ASCII sequence.
inline std::vector<std::uint8_t> encode(std::string_view seq)
{
    std::vector<std::uint8_t> out(seq.size());
    for (std::size_t i = 0; i < seq.size(); ++i)
        out[i] = encode_base(seq[i]);
    return out;
}

//! Substitution scores and affine gap penalties.
struct scoring_scheme
{
    //! matrix[query code][target code]; row and column 4 (N) are the N score.
    std::array<std::array<std::int8_t, 5>, 5> matrix{};
    //! Penalties (>= 0): a gap of length k costs gap_open + k * gap_extend.
    int gap_open = 5;
    int gap_extend = 2;

    //! match / mismatch (a score, normally negative) / N (against anything, N included).
    static constexpr scoring_scheme simple(int match, int mismatch, int gap_open, int gap_extend, int n_score = -1)
    {
        scoring_scheme s;
        for (int q = 0; q < 5; ++q)
            for (int t = 0; t < 5; ++t)
                s.matrix[q][t] = static_cast<std::int8_t>(q == 4 || t == 4 ? n_score : q == t ? match : mismatch);
        s.gap_open = gap_open;
        s.gap_extend = gap_extend;
        return s;
    }

    //! A 4x4 matrix over A, C, G, T (row = query base) plus the N score.
    static constexpr scoring_scheme from_matrix(std::array<std::array<int, 4>, 4> const & acgt, int gap_open,
                                                int gap_extend, int n_score = -1)
    {
        scoring_scheme s = simple(0, 0, gap_open, gap_extend, n_score);
        for (int q = 0; q < 4; ++q)
            for (int t = 0; t < 4; ++t)
                s.matrix[q][t] = static_cast<std::int8_t>(acgt[q][t]);
        return s;
    }

    constexpr int score(std::uint8_t q, std::uint8_t t) const noexcept { return matrix[q][t]; }
    constexpr int match() const noexcept { return matrix[0][0]; }
    constexpr int mismatch() const noexcept { return matrix[0][1]; }
    constexpr int n_score() const noexcept { return matrix[4][4]; }

    //! Whether the matrix is one match score on the diagonal and one mismatch score elsewhere among A, C, G, T
    //! (the form the SIMD kernels compute with compares instead of table look-ups).
    constexpr bool is_match_mismatch() const noexcept
    {
        for (int q = 0; q < 4; ++q)
            for (int t = 0; t < 4; ++t)
                if (matrix[q][t] != (q == t ? match() : mismatch()))
                    return false;
        return true;
    }

    constexpr int max_score() const noexcept
    {
        int m = matrix[0][0];
        for (auto const & row : matrix)
            for (int v : row)
                m = v > m ? v : m;
        return m;
    }
    constexpr int min_score() const noexcept
    {
        int m = matrix[0][0];
        for (auto const & row : matrix)
            for (int v : row)
                m = v < m ? v : m;
        return m;
    }

    //! Throws invalid_argument unless the penalties are usable: 0 <= open, 1 <= extend, open + extend <= 1000,
    //! and row/column N constant (N is one configurable score).
    void validate() const
    {
        if (gap_open < 0 || gap_extend < 1 || gap_open + gap_extend > 1000)
            throw invalid_argument{"align::scoring_scheme: need gap_open >= 0, gap_extend >= 1 and open + extend <= 1000 "
                                   "(got open " + std::to_string(gap_open) + ", extend " +
                                   std::to_string(gap_extend) + ")"};
        for (int c = 0; c < 5; ++c)
            if (matrix[4][c] != n_score() || matrix[c][4] != n_score())
                throw invalid_argument{"align::scoring_scheme: the N row and column must all hold the N score"};
    }

    friend constexpr bool operator==(scoring_scheme const &, scoring_scheme const &) = default;
};

} // namespace wgskit::align
