// Which seeds of a read need a suffix-array walk: a seed inside a longer seed of the read that occurs as often
// has exactly that seed's occurrences, shifted (each occurrence of the longer one holds one of the shorter, and
// the counts are equal), so its hits are derived instead of located. Most of bwa's third-pass and re-seeding
// seeds on a unique read are such sub-matches of its SMEM.
#pragma once
#include <cstdint>
#include <vector>

#include <wgskit/fm/smem.hpp>

namespace wgskit::map::detail
{
//! For each seed, the index of the longest other seed containing it on the read with the same occurrence count
//! (at most max_occ, so that its hits are all located, none sampled), or -1 when it must be located itself.
//! A seed so chosen is never contained itself (a longer container would contain both).
inline void seed_sources(std::vector<fm::smem> const & seeds, std::uint64_t max_occ, std::vector<std::int32_t> & out)
{
    out.assign(seeds.size(), -1);
    for (std::size_t t = 0; t < seeds.size(); ++t)
    {
        auto const & a = seeds[t];
        if (a.interval.s == 0 || a.interval.s > max_occ)
            continue;
        std::uint32_t best = a.length();
        for (std::size_t u = 0; u < seeds.size(); ++u)
        {
            auto const & b = seeds[u];
            if (b.interval.s == a.interval.s && b.begin <= a.begin && a.end <= b.end && b.length() > best)
                best = b.length(), out[t] = static_cast<std::int32_t>(u);
        }
    }
}

//! The occurrence of sub-match [begin, end) of the read inside occurrence h of its container [outer_begin,
//! outer_end): forward hits shift by the offset from the left, reverse-strand hits by the offset from the right.
inline fm::hit inner_hit(fm::hit h, std::uint32_t outer_begin, std::uint32_t outer_end, std::uint32_t begin,
                         std::uint32_t end) noexcept
{
    h.pos += h.reverse ? outer_end - end : begin - outer_begin;
    return h;
}
} // namespace wgskit::map::detail
