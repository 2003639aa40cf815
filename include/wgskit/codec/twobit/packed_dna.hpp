// packed_dna: DNA at 2 bits a base, with the letters 2 bits cannot hold kept beside it.
//
// A, C, G, T (either case) pack to codes 0..3, 32 bases a 64-bit word. IUPAC ambiguity letters
// (R Y K M S W B D H V N) are stored as code 0 plus a run in ambiguous(); lower case (soft-masking) is kept as
// runs in soft_masked(). unpack(pack(s)) == s for every IUPAC string s. Anything else is rejected.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <wgskit/codec/twobit/detail/twobit_kernel.hpp>
#include <wgskit/core/exception.hpp>
#include <wgskit/simd/arch.hpp>

namespace wgskit::codec::twobit
{

//! Consecutive positions holding the same ambiguity letter (upper case).
struct ambiguity_run
{
    std::uint64_t start;
    std::uint64_t length;
    char letter;
    friend bool operator==(ambiguity_run const &, ambiguity_run const &) = default;
};

//! Consecutive lower-case positions.
struct mask_run
{
    std::uint64_t start;
    std::uint64_t length;
    friend bool operator==(mask_run const &, mask_run const &) = default;
};

//! Whether c (upper case) is an IUPAC nucleotide letter other than A, C, G, T.
constexpr bool is_ambiguity_letter(char c) noexcept
{
    switch (c)
    {
        case 'R': case 'Y': case 'K': case 'M': case 'S': case 'W':
        case 'B': case 'D': case 'H': case 'V': case 'N': return true;
        default: return false;
    }
}

//! The IUPAC complement of an upper-case nucleotide letter.
constexpr char complement_letter(char c) noexcept
{
    switch (c)
    {
        case 'A': return 'T'; case 'C': return 'G'; case 'G': return 'C'; case 'T': return 'A';
        case 'R': return 'Y'; case 'Y': return 'R'; case 'K': return 'M'; case 'M': return 'K';
        case 'B': return 'V'; case 'V': return 'B'; case 'D': return 'H'; case 'H': return 'D';
        default: return c; // S, W, N are their own complements
    }
}

class packed_dna
{
public:
    packed_dna() = default;

    //! Number of bases.
    std::size_t size() const noexcept { return size_; }
    bool empty() const noexcept { return size_ == 0; }
    //! The 2-bit codes, 32 a word, unused high bits of the last word zero.
    std::span<std::uint64_t const> words() const noexcept { return words_; }
    std::vector<ambiguity_run> const & ambiguous() const noexcept { return ambiguous_; }
    std::vector<mask_run> const & soft_masked() const noexcept { return soft_masked_; }

    //! The 2-bit code of base i (0 at ambiguous positions).
    std::uint8_t code_at(std::size_t i) const noexcept
    {
        return static_cast<std::uint8_t>((words_[i / detail::bases_per_word] >> (2 * (i % detail::bases_per_word))) & 3u);
    }

    friend bool operator==(packed_dna const &, packed_dna const &) = default;

    friend packed_dna pack(std::string_view seq);
    friend void unpack_into(packed_dna const & dna, std::string & out);
    friend packed_dna reverse_complement(packed_dna const & dna);

private:
    void add_ambiguous(std::uint64_t pos, char letter)
    {
        if (!ambiguous_.empty() && ambiguous_.back().letter == letter &&
            ambiguous_.back().start + ambiguous_.back().length == pos)
            ++ambiguous_.back().length;
        else
            ambiguous_.push_back({pos, 1, letter});
        words_[pos / detail::bases_per_word] &= ~(std::uint64_t{3} << (2 * (pos % detail::bases_per_word)));
    }

    void add_masked(std::uint64_t pos)
    {
        if (!soft_masked_.empty() && soft_masked_.back().start + soft_masked_.back().length == pos)
            ++soft_masked_.back().length;
        else
            soft_masked_.push_back({pos, 1});
    }

    std::size_t size_ = 0;
    std::vector<std::uint64_t> words_;
    std::vector<ambiguity_run> ambiguous_;
    std::vector<mask_run> soft_masked_;
};

//! Packs an IUPAC nucleotide string. Throws wgskit::invalid_argument naming the first other character.
inline packed_dna pack(std::string_view seq)
{
    packed_dna r;
    std::size_t const n = seq.size();
    r.size_ = n;
    r.words_.resize(detail::words_for(n));
    std::vector<std::uint64_t> dirty(detail::dirty_words_for(n));
    simd::dispatch<detail::twobit_kernel>(
        [&](auto kernel) { kernel.pack(seq.data(), n, r.words_.data(), dirty.data()); });

    // Only blocks the kernel flagged can hold lower case, ambiguity letters or invalid bytes.
    for (std::size_t dw = 0; dw < dirty.size(); ++dw)
    {
        for (std::uint64_t bits = dirty[dw]; bits != 0; bits &= bits - 1)
        {
            std::size_t const block = dw * 64 + static_cast<std::size_t>(std::countr_zero(bits));
            std::size_t const end = std::min(n, (block + 1) * detail::bases_per_block);
            for (std::size_t i = block * detail::bases_per_block; i < end; ++i)
            {
                char const c = seq[i];
                if (detail::is_upper_acgt(c))
                    continue;
                bool const lower = c >= 'a' && c <= 'z';
                char const upper = lower ? static_cast<char>(c - 'a' + 'A') : c;
                bool const acgt = detail::is_upper_acgt(upper);
                if (!acgt && !is_ambiguity_letter(upper))
                {
                    auto const byte = static_cast<unsigned>(static_cast<unsigned char>(c));
                    std::string shown = (byte >= 0x21 && byte < 0x7f) ? std::string{'\'', c, '\''}
                                                                       : "byte " + std::to_string(byte);
                    throw invalid_argument{"pack: position " + std::to_string(i) + ": " + shown +
                                           " is not an IUPAC nucleotide letter"};
                }
                if (lower)
                    r.add_masked(i);
                if (!acgt)
                    r.add_ambiguous(i, upper);
            }
        }
    }
    return r;
}

//! Writes the bases of dna into out (resized to dna.size()).
inline void unpack_into(packed_dna const & dna, std::string & out)
{
    out.resize(dna.size_);
    simd::dispatch<detail::twobit_kernel>(
        [&](auto kernel) { kernel.unpack(dna.words_.data(), dna.size_, out.data()); });
    for (auto const & run : dna.ambiguous_)
        std::fill_n(out.begin() + static_cast<std::ptrdiff_t>(run.start), run.length, run.letter);
    for (auto const & run : dna.soft_masked_)
        for (std::uint64_t i = run.start; i < run.start + run.length; ++i)
            out[i] = static_cast<char>(out[i] | 0x20);
}

inline std::string unpack(packed_dna const & dna)
{
    std::string out;
    unpack_into(dna, out);
    return out;
}

//! The reverse complement, with ambiguity letters complemented (IUPAC) and soft-masking carried over.
inline packed_dna reverse_complement(packed_dna const & dna)
{
    packed_dna r;
    std::size_t const n = dna.size_;
    r.size_ = n;
    r.words_.resize(dna.words_.size());
    simd::dispatch<detail::twobit_kernel>(
        [&](auto kernel) { kernel.reverse_complement(dna.words_.data(), n, r.words_.data()); });
    r.ambiguous_.reserve(dna.ambiguous_.size());
    for (auto it = dna.ambiguous_.rbegin(); it != dna.ambiguous_.rend(); ++it)
    {
        std::uint64_t const start = n - (it->start + it->length);
        r.ambiguous_.push_back({start, it->length, complement_letter(it->letter)});
        for (std::uint64_t i = start; i < start + it->length; ++i) // ambiguous positions hold code 0
            r.words_[i / detail::bases_per_word] &= ~(std::uint64_t{3} << (2 * (i % detail::bases_per_word)));
    }
    r.soft_masked_.reserve(dna.soft_masked_.size());
    for (auto it = dna.soft_masked_.rbegin(); it != dna.soft_masked_.rend(); ++it)
        r.soft_masked_.push_back({n - (it->start + it->length), it->length});
    return r;
}

} // namespace wgskit::codec::twobit
