// Synthetic reads for the caller's tests: a 2 kb reference with an AC repeat, two haplotypes carrying a het SNP,
// a hom SNP and a het 2-bp deletion that the "mapper" places at either end of the repeat.
#pragma once

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include <wgskit/bam/record.hpp>

namespace wgskit::test_support
{

inline bam::record make_read(std::string const & name, std::int64_t pos, std::vector<std::uint32_t> cigar, std::string const & seq,
                      std::uint16_t flag = 0, std::uint8_t mapq = 60, char q = 30)
{
    bam::record_fields f;
    f.qname = name;
    f.flag = flag;
    f.tid = 0;
    f.pos = pos;
    f.mapq = mapq;
    f.cigar = std::move(cigar);
    f.seq = seq;
    std::string qual(seq.size(), q);
    f.qual = qual;
    return bam::record::from_fields(f);
}

inline std::uint32_t M(std::uint32_t n) { return bam::cigar_op(bam::cigar_code::M, n); }
inline std::uint32_t D(std::uint32_t n) { return bam::cigar_op(bam::cigar_code::D, n); }
// A 2 kb reference with a dinucleotide repeat at [1000, 1012); hap 1 carries a het SNP at 500, the hom SNP at 700
// and the deletion of one AC unit; hap 2 the hom SNP only.
struct synthetic
{
    std::string ref, hap1, hap2;
    synthetic()
    {
        std::mt19937_64 rng{42};
        ref.resize(2000);
        for (auto & c : ref)
            c = "ACGT"[rng() & 3];
        ref.replace(999, 14, "GACACACACACACT");
        ref[500] = 'A', ref[700] = 'C';
        hap2 = ref;
        hap2[700] = 'T';
        hap1 = hap2;
        hap1[500] = 'G';
        hap1.erase(1000, 2);
    }
};

//! Reads every 5 bp alternating haplotypes; deletion placed at the left (gap at 1000) or right (1010) of the
//! repeat, or alternately.
inline std::vector<bam::record> synthetic_reads(synthetic const & s, int placement)
{
    std::vector<bam::record> recs;
    int n = 0;
    for (std::int64_t start = 0; start + 150 <= 1990; start += 5)
    {
        for (int h = 0; h < 2; ++h, ++n)
        {
            std::string const & hap = h == 0 ? s.hap1 : s.hap2;
            std::string seq = hap.substr(static_cast<std::size_t>(start), 150);
            std::string name = std::to_string(n);
            name.insert(0, 1, 'r'); // not "r" + x: GCC 12 warns falsely (-Wrestrict) on that
            if (h == 1 || start + 150 <= 1000)
                recs.push_back(make_read(name, start, {M(150)}, seq, 0));
            else if (start >= 1000)
                recs.push_back(make_read(name, start + 2, {M(150)}, seq, 0));
            else
            {
                std::int64_t gap = placement == 0 ? 1000 : placement == 1 ? 1010 : (n % 4 < 2 ? 1000 : 1010);
                if (start + 150 <= gap)
                    recs.push_back(make_read(name, start, {M(150)}, seq, 0));
                else
                {
                    auto a = static_cast<std::uint32_t>(gap - start);
                    recs.push_back(make_read(name, start, {M(a), D(2), M(150 - a)}, seq, 0));
                }
            }
        }
    }
    std::stable_sort(recs.begin(), recs.end(), [](auto const & a, auto const & b) { return a.pos() < b.pos(); });
    return recs;
}

} // namespace wgskit::test_support
