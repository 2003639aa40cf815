// Canonical 2-bit k-mers: k <= 32 in a 64-bit word, 33 <= k <= 63 in a 128-bit word.
//
// Codes are those of codec/twobit (A=0, C=1, G=2, T=3, complement = code ^ 3). The first base of a k-mer sits in
// the most significant used bits, so numeric order of words is lexicographic order of the k-mers. The canonical
// form is the smaller of the k-mer and its reverse complement. Any letter other than A, C, G, T (either case)
// breaks k-mers: kmer_roller starts over after it.
#pragma once

#include <array>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <wgskit/codec/twobit/detail/twobit_kernel.hpp>
#include <wgskit/core/exception.hpp>

namespace wgskit::kmer
{

__extension__ using uint128_t = unsigned __int128;

//! The word types a k-mer is stored in.
template <class W>
concept kmer_word = std::same_as<W, std::uint64_t> || std::same_as<W, uint128_t>;

//! The largest k a word holds (32 for 64 bits, 63 for 128 bits).
template <kmer_word W>
inline constexpr unsigned max_k = std::same_as<W, std::uint64_t> ? 32 : 63;

//! The largest k wgskit counts.
inline constexpr unsigned max_supported_k = max_k<uint128_t>;

namespace detail
{
//! The 2-bit code of a letter, or 4 for anything but A, C, G, T (either case).
inline constexpr std::array<std::uint8_t, 256> base_code_table = [] {
    std::array<std::uint8_t, 256> t{};
    t.fill(4);
    for (char c : {'A', 'C', 'G', 'T', 'a', 'c', 'g', 't'})
        t[static_cast<unsigned char>(c)] = codec::twobit::detail::code_of(c);
    return t;
}();
} // namespace detail

//! The 2-bit code of c, or 4 when c is not A, C, G or T.
constexpr std::uint8_t base_code(char c) noexcept { return detail::base_code_table[static_cast<unsigned char>(c)]; }

//! The low 2k bits set.
template <kmer_word W>
constexpr W kmer_mask(unsigned k) noexcept
{
    return 2 * k >= sizeof(W) * 8 ? ~W{0} : (W{1} << (2 * k)) - 1;
}

//! The reverse complement of the k-mer x (k codes in the low 2k bits).
template <kmer_word W>
constexpr W reverse_complement(W x, unsigned k) noexcept
{
    using codec::twobit::detail::reverse_complement_word; // reverses and complements the 32 codes of a word
    if constexpr (std::same_as<W, std::uint64_t>)
        return reverse_complement_word(x) >> (64 - 2 * k);
    else
    {
        W const r = (W{reverse_complement_word(static_cast<std::uint64_t>(x))} << 64) |
                    W{reverse_complement_word(static_cast<std::uint64_t>(x >> 64))};
        return r >> (128 - 2 * k);
    }
}

template <kmer_word W>
constexpr W canonical(W x, unsigned k) noexcept
{
    W const r = reverse_complement(x, k);
    return r < x ? r : x;
}

//! Throws invalid_argument unless 1 <= k <= max_k<W>.
template <kmer_word W>
void check_k(unsigned k)
{
    if (k < 1 || k > max_k<W>)
        throw invalid_argument{"k = " + std::to_string(k) + " is out of range (1.." + std::to_string(max_k<W>) +
                               " for a " + std::to_string(sizeof(W) * 8) + "-bit k-mer word)"};
}

//! The word of a k-mer given as letters (k = text.size()). Throws invalid_argument for a letter other than
//! A, C, G, T (either case) or a length the word cannot hold.
template <kmer_word W>
W encode(std::string_view text)
{
    if (text.empty() || text.size() > max_k<W>)
        throw invalid_argument{"k-mer of length " + std::to_string(text.size()) + " is out of range (1.." +
                               std::to_string(max_k<W>) + ")"};
    W x = 0;
    for (char c : text)
    {
        std::uint8_t const code = base_code(c);
        if (code > 3)
            throw invalid_argument{"k-mer '" + std::string{text} + "' holds '" + std::string(1, c) +
                                   "', not one of A, C, G, T"};
        x = (x << 2) | W{code};
    }
    return x;
}

//! Upper-case letters of the k-mer x.
template <kmer_word W>
std::string decode(W x, unsigned k)
{
    std::string s(k, 'A');
    for (unsigned i = 0; i < k; ++i)
        s[k - 1 - i] = codec::twobit::detail::code_to_ascii[static_cast<unsigned>(x >> (2 * i)) & 3u];
    return s;
}

//! Writes the k letters of x to out (no terminator).
template <kmer_word W>
void decode_into(W x, unsigned k, char * out) noexcept
{
    for (unsigned i = 0; i < k; ++i)
        out[k - 1 - i] = codec::twobit::detail::code_to_ascii[static_cast<unsigned>(x >> (2 * i)) & 3u];
}

//! The forward and reverse-complement words of the last k bases pushed, updated in O(1) a base.
template <kmer_word W>
class kmer_roller
{
public:
    explicit kmer_roller(unsigned k) : k_{k}, mask_{kmer_mask<W>(k)}, top_shift_{2 * (k - 1)} { check_k<W>(k); }

    unsigned k() const noexcept { return k_; }

    //! Pushes one letter; true when the last k letters were all A, C, G or T (a k-mer is ready).
    bool push(char c) noexcept { return push_code(base_code(c)); }

    //! Pushes a code (0..3, or anything above 3 to break the k-mer).
    bool push_code(std::uint8_t code) noexcept
    {
        if (code > 3)
        {
            filled_ = 0;
            return false;
        }
        forward_ = ((forward_ << 2) | W{code}) & mask_;
        reverse_ = (reverse_ >> 2) | (W{3u - code} << top_shift_);
        if (filled_ < k_)
            ++filled_;
        return filled_ == k_;
    }

    void reset() noexcept { filled_ = 0; }

    W forward() const noexcept { return forward_; }
    W reverse() const noexcept { return reverse_; }
    W canonical() const noexcept { return reverse_ < forward_ ? reverse_ : forward_; }

private:
    unsigned k_;
    W mask_;
    unsigned top_shift_;
    unsigned filled_ = 0;
    W forward_ = 0;
    W reverse_ = 0;
};

} // namespace wgskit::kmer
