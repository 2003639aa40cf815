// Naive references for the FM-index tests: suffix sort, scanning both strands, random references with N runs.
#pragma once

#include <algorithm>
#include <fstream>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <wgskit/fm/all.hpp>

namespace wgskit::fm_test
{

using contig_list = std::vector<std::pair<std::string, std::string>>;

inline std::vector<std::uint32_t> naive_suffix_array(std::vector<std::uint8_t> const & t)
{
    std::vector<std::uint32_t> sa(t.size());
    for (std::uint32_t i = 0; i < sa.size(); ++i)
        sa[i] = i;
    std::sort(sa.begin(), sa.end(), [&](std::uint32_t a, std::uint32_t b) {
        return std::lexicographical_compare(t.begin() + a, t.end(), t.begin() + b, t.end());
    });
    return sa;
}

inline std::string upper(std::string s)
{
    for (char & c : s)
        if (c >= 'a' && c <= 'z')
            c = static_cast<char>(c - 32);
    return s;
}

inline std::string reverse_complement(std::string_view s)
{
    std::string r(s.rbegin(), s.rend());
    for (char & c : r)
        c = codec::twobit::complement_letter(static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c));
    return r;
}

inline std::string random_bases(std::mt19937_64 & rng, std::size_t n)
{
    std::string s(n, 'A');
    for (char & c : s)
        c = "ACGT"[rng() & 3];
    return s;
}

//! Contigs of random length up to max_len with repeats (copied blocks, some reverse-complemented), lower case
//! stretches and N runs.
inline contig_list random_reference(std::mt19937_64 & rng, std::size_t contigs, std::size_t max_len)
{
    contig_list out;
    for (std::size_t k = 0; k < contigs; ++k)
    {
        std::string s = random_bases(rng, 1 + rng() % max_len);
        for (int r = 0; r < 4 && s.size() > 60; ++r)
        {
            std::size_t const len = 10 + rng() % 40;
            std::size_t const from = rng() % (s.size() - len), to = rng() % (s.size() - len);
            std::string piece = s.substr(from, len);
            if (rng() & 1)
                piece = reverse_complement(piece);
            s.replace(to, len, piece);
        }
        if (s.size() > 40 && (rng() & 1))
            std::fill_n(s.begin() + static_cast<std::ptrdiff_t>(rng() % (s.size() - 30)), 1 + rng() % 25, 'N');
        if (s.size() > 40 && (rng() & 1))
            for (std::size_t i = rng() % (s.size() - 20), e = i + 15; i < e; ++i)
                s[i] = static_cast<char>(s[i] | 0x20);
        if (s.size() > 10 && (rng() & 1))
            s[rng() % s.size()] = 'R';
        out.emplace_back("contig" + std::to_string(k), s);
    }
    return out;
}

inline std::vector<fm::reference_sequence> as_input(contig_list const & ref)
{
    std::vector<fm::reference_sequence> v;
    for (auto const & [name, seq] : ref)
        v.push_back({name, seq});
    return v;
}

//! The contigs as the index sees them: upper case, each ambiguous base replaced by its stand-in.
inline std::vector<std::string> indexed_text(contig_list const & ref)
{
    std::vector<std::string> out;
    std::uint64_t offset = 0;
    for (auto const & [name, seq] : ref)
    {
        std::string s = upper(seq);
        for (std::size_t i = 0; i < s.size(); ++i)
            if (codec::twobit::is_ambiguity_letter(s[i]))
                s[i] = "ACGT"[fm::detail::ambiguous_base(offset + i)];
        offset += s.size();
        out.push_back(std::move(s));
    }
    return out;
}

inline std::vector<fm::hit> naive_hits(std::vector<std::string> const & text, std::string const & p)
{
    std::vector<fm::hit> out;
    std::string const rc = reverse_complement(p);
    for (std::uint32_t k = 0; k < text.size(); ++k)
        for (std::size_t i = 0; i + p.size() <= text[k].size(); ++i)
        {
            if (text[k].compare(i, p.size(), p) == 0)
                out.push_back({k, i, false});
            if (text[k].compare(i, rc.size(), rc) == 0)
                out.push_back({k, i, true});
        }
    std::sort(out.begin(), out.end());
    return out;
}

inline bool naive_overlaps_ambiguous(std::string const & seq, std::size_t pos, std::size_t len)
{
    for (std::size_t i = pos; i < pos + len; ++i)
        if (codec::twobit::is_ambiguity_letter(static_cast<char>(seq[i] & ~0x20)))
            return true;
    return false;
}

//! A substring of one contig (either strand), length 1..24 unless given.
inline std::string sample_pattern(std::mt19937_64 & rng, std::vector<std::string> const & text, std::size_t len = 0)
{
    if (len == 0)
        len = 1 + rng() % 24;
    for (;;)
    {
        auto const & s = text[rng() % text.size()];
        if (s.size() < len)
            continue;
        std::string p = s.substr(rng() % (s.size() - len + 1), len);
        return (rng() & 1) ? reverse_complement(p) : p;
    }
}

inline contig_list read_fasta(std::string const & path)
{
    contig_list out;
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line))
    {
        if (!line.empty() && line[0] == '>')
            out.emplace_back(line.substr(1, line.find_first_of(" \t") - 1), "");
        else if (!out.empty())
            out.back().second += line;
    }
    return out;
}

} // namespace wgskit::fm_test
