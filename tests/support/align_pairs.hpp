// Alignment test and benchmark inputs: windows of a real reference with realistic edits (SNPs ~1%, small
// indels), and random pairs. Shared by tests/kernel/align_*_test.cpp and bench/align/align_bench.cpp.
#pragma once

#ifndef WGSKIT_SOURCE_DIR // benchmarks define it; the tests take it from their generated header
#include "wgskit_test_paths.hpp"
#endif
#include <cstdint>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <wgskit/align/scoring.hpp>

namespace wgskit::test_support
{

//! All sequence lines of a FASTA file concatenated, upper case ("" if the file cannot be read).
inline std::string read_fasta_sequence(std::string const & path)
{
    std::ifstream in(path);
    std::string line, seq;
    while (std::getline(in, line))
    {
        if (line.empty() || line[0] == '>')
            continue;
        for (char c : line)
            if (c > ' ')
                seq.push_back(static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c));
    }
    return seq;
}

struct code_pair
{
    std::vector<std::uint8_t> query, target;
};

//! Applies SNPs (snp_rate per base) and 1-3 base insertions/deletions (indel_rate per base) to codes.
inline std::vector<std::uint8_t> mutate(std::vector<std::uint8_t> const & s, std::mt19937_64 & rng,
                                        double snp_rate = 0.01, double indel_rate = 0.002)
{
    std::uniform_real_distribution<double> u(0, 1);
    std::uniform_int_distribution<int> base(0, 3), len(1, 3);
    std::vector<std::uint8_t> out;
    out.reserve(s.size() + 8);
    for (std::size_t i = 0; i < s.size(); ++i)
    {
        double const r = u(rng);
        if (r < indel_rate / 2) // deletion
        {
            i += static_cast<std::size_t>(len(rng)) - 1;
            continue;
        }
        if (r < indel_rate) // insertion before this base
            for (int k = len(rng); k > 0; --k)
                out.push_back(static_cast<std::uint8_t>(base(rng)));
        std::uint8_t c = s[i];
        if (u(rng) < snp_rate)
            c = static_cast<std::uint8_t>((c + 1 + base(rng) % 3) % 4);
        out.push_back(c);
    }
    return out;
}

//! count pairs cut from ref: target = a window of target_length, query = an edited copy of query_length bases
//! from its middle, trimmed or topped up to exactly query_length.
inline std::vector<code_pair> real_pairs(std::string const & ref, std::size_t count, std::size_t query_length,
                                         std::size_t target_length, std::uint64_t seed)
{
    std::vector<code_pair> out;
    if (ref.size() < target_length + 16)
        return out;
    std::mt19937_64 rng{seed};
    std::uniform_int_distribution<std::size_t> pos(0, ref.size() - target_length - 8);
    while (out.size() < count)
    {
        std::size_t const p = pos(rng);
        code_pair cp;
        cp.target = align::encode(std::string_view{ref}.substr(p, target_length));
        std::size_t const off = (target_length - std::min(query_length, target_length)) / 2;
        std::vector<std::uint8_t> src(cp.target.begin() + static_cast<std::ptrdiff_t>(off), cp.target.end());
        cp.query = mutate(src, rng);
        cp.query.resize(query_length, 0);
        out.push_back(std::move(cp));
    }
    return out;
}

//! Random codes; n_rate of them N.
inline std::vector<std::uint8_t> random_codes(std::mt19937_64 & rng, std::size_t n, double n_rate = 0)
{
    std::uniform_real_distribution<double> u(0, 1);
    std::vector<std::uint8_t> s(n);
    for (auto & c : s)
        c = u(rng) < n_rate ? align::code_n : static_cast<std::uint8_t>(rng() & 3);
    return s;
}

inline std::string chr22_path() { return std::string{WGSKIT_SOURCE_DIR} + "/examples/data/chr22_40k.fa"; }

} // namespace wgskit::test_support
