// Insert-size distribution of a batch (FR orientation) and the template length of a pair.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace wgskit::map::detail
{
struct insert_size_stats
{
    bool valid = false;
    double mean = 0, sd = 0;
    std::int64_t low = 0, high = 0; //!< inserts in [low, high] make a proper pair
};

//! bwa's estimate: quartiles, mean and sd of the inserts within 2 IQR of the quartiles; the proper range is the
//! wider of 3 IQR beyond the quartiles and 4 sd around the mean. Needs min_count inserts.
inline insert_size_stats estimate_insert_size(std::vector<std::int64_t> v, std::size_t min_count = 25)
{
    insert_size_stats s;
    if (v.size() < min_count)
        return s;
    std::sort(v.begin(), v.end());
    auto pct = [&](double p) { return v[static_cast<std::size_t>(p * (v.size() - 1) + 0.5)]; };
    std::int64_t const p25 = pct(0.25), p75 = pct(0.75), iqr = p75 - p25;
    std::int64_t const lo = std::max<std::int64_t>(1, p25 - 2 * iqr), hi = p75 + 2 * iqr;
    double sum = 0, sq = 0;
    std::size_t n = 0;
    for (auto x : v)
        if (x >= lo && x <= hi)
            sum += static_cast<double>(x), sq += static_cast<double>(x) * static_cast<double>(x), ++n;
    if (n == 0)
        return s;
    s.mean = sum / n;
    s.sd = std::sqrt(std::max(0.0, sq / n - s.mean * s.mean));
    s.low = std::max<std::int64_t>(1, std::min<std::int64_t>(p25 - 3 * iqr, static_cast<std::int64_t>(s.mean - 4 * s.sd)));
    s.high = std::max<std::int64_t>(p75 + 3 * iqr, static_cast<std::int64_t>(s.mean + 4 * s.sd + 0.5));
    s.valid = true;
    return s;
}

//! The insert of two placements on one contig when they face each other (forward one left of the reverse one's
//! end): reverse end - forward begin; -1 otherwise.
inline std::int64_t fr_insert(bool rev_a, std::int64_t begin_a, std::int64_t end_a, bool rev_b, std::int64_t begin_b,
                              std::int64_t end_b)
{
    if (rev_a == rev_b)
        return -1;
    std::int64_t const fwd_begin = rev_a ? begin_b : begin_a, rev_end = rev_a ? end_a : end_b;
    return rev_end > fwd_begin ? rev_end - fwd_begin : -1;
}

//! TLEN as the SAM specification and samtools define it: from the leftmost to the rightmost mapped base of the
//! two records, positive for the leftmost record (for equal starts: for the first segment), 0 on different contigs.
inline std::int64_t template_length(std::int64_t begin, std::int64_t end, std::int64_t mate_begin,
                                    std::int64_t mate_end, bool first_segment)
{
    std::int64_t const len = std::max(end, mate_end) - std::min(begin, mate_begin);
    bool const leftmost = begin < mate_begin || (begin == mate_begin && first_segment);
    return leftmost ? len : -len;
}
} // namespace wgskit::map::detail
