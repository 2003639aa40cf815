// LSD radix sort of k-mer words on their low `bits` bits, 8 bits a pass; passes where every key shares the digit
// are skipped.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <vector>

#include <wgskit/kmer/kmer.hpp>

namespace wgskit::kmer::detail
{

template <kmer_word W>
void radix_sort(std::vector<W> & keys, std::vector<W> & scratch, unsigned bits)
{
    std::size_t const n = keys.size();
    if (n < 256)
    {
        std::sort(keys.begin(), keys.end());
        return;
    }
    scratch.resize(n);
    W * src = keys.data();
    W * dst = scratch.data();
    for (unsigned shift = 0; shift < bits; shift += 8)
    {
        std::array<std::size_t, 256> count{};
        for (std::size_t i = 0; i < n; ++i)
            ++count[static_cast<unsigned>(src[i] >> shift) & 255u];
        if (std::find(count.begin(), count.end(), n) != count.end())
            continue;
        std::size_t sum = 0;
        for (auto & c : count)
        {
            std::size_t const c0 = c;
            c = sum;
            sum += c0;
        }
        for (std::size_t i = 0; i < n; ++i)
            dst[count[static_cast<unsigned>(src[i] >> shift) & 255u]++] = src[i];
        std::swap(src, dst);
    }
    if (src != keys.data())
        keys.swap(scratch);
}

} // namespace wgskit::kmer::detail
