#include <catch2/catch.hpp>

#include <string>

#include <wgskit/call/realign.hpp>

using namespace wgskit;

namespace
{
call::aligned_read read_of(std::string const & seq, std::int64_t pos, std::vector<std::uint32_t> cigar)
{
    call::aligned_read r;
    r.pos = pos;
    r.cigar = std::move(cigar);
    for (char c : seq)
        r.bases.push_back(call::hmm_code(c)), r.quals.push_back(30);
    r.end = pos;
    for (auto op : r.cigar)
        if (bam::consumes_reference(op))
            r.end += bam::cigar_op_length(op);
    return r;
}
} // namespace

TEST_CASE("window_realigner: a gap shifted past a SNP in a repeat is put back leftmost", "[call]")
{
    // chr20:1,419,000 of GRCh38: HG002 has +AAACA after the G at 17 and A>G at 33; one mapper writes the same
    // haplotype as +GACAG after 33 and G>A at 29 (same cost), which hid both true events.
    std::string const ref = "CATTTCTGTTTATGTTAGAAACAAAACAAGACAAAAAACAAATTAACAAGCAAATACATA";
    std::string const truth = ref.substr(0, 18) + "AAACA" + ref.substr(18, 15) + "G" + ref.substr(34);
    std::string const shifted = ref.substr(0, 29) + "A" + ref.substr(30, 4) + "GACAG" + ref.substr(34);
    REQUIRE(truth == shifted);
    using bam::cigar_code, bam::cigar_op;
    auto const n = static_cast<std::uint32_t>(ref.size());
    auto r = read_of(shifted, 0, {cigar_op(cigar_code::M, 34), cigar_op(cigar_code::I, 5), cigar_op(cigar_code::M, n - 34)});
    call::window_realigner realigner;
    REQUIRE(realigner.realign(r, ref, 0, 0, static_cast<std::int64_t>(ref.size())));
    CHECK(r.pos == 0);
    CHECK(r.end == static_cast<std::int64_t>(ref.size()));
    REQUIRE(r.cigar == std::vector<std::uint32_t>{cigar_op(cigar_code::M, 18), cigar_op(cigar_code::I, 5), cigar_op(cigar_code::M, n - 18)});
    // Already canonical: unchanged; a read matching the reference exactly is not touched.
    CHECK_FALSE(realigner.realign(r, ref, 0, 0, static_cast<std::int64_t>(ref.size())));
    auto plain = read_of(ref.substr(5, 40), 5, {cigar_op(cigar_code::M, 40)});
    CHECK_FALSE(realigner.realign(plain, ref, 0, 0, static_cast<std::int64_t>(ref.size())));
}

TEST_CASE("window_realigner: a read starting before a repeat keeps its insertion", "[call]")
{
    std::string const ref = "GACGTTAGCATCCTGATCGATTTCTTCTTCTTTTTTTTTTTTTTTGAGACGGAGTCTTGCTCAGTACGATCGATGCA";
    // +T in the T run (after position 31), read starting at 23 (just before the run: T C T T C T T ...).
    std::string const hap = ref.substr(0, 32) + "T" + ref.substr(32);
    using bam::cigar_code, bam::cigar_op;
    auto r = read_of(hap.substr(23, 40), 23, {cigar_op(cigar_code::M, 9), cigar_op(cigar_code::I, 1), cigar_op(cigar_code::M, 30)});
    call::window_realigner realigner;
    realigner.realign(r, ref, 0, 10, 60);
    CHECK(r.pos == 23); // not slid left to trade the insertion for a deletion at the same score
    REQUIRE(r.cigar.size() == 3);
    CHECK(bam::cigar_op_code(r.cigar[1]) == static_cast<std::uint32_t>(cigar_code::I));
    CHECK(bam::cigar_op_length(r.cigar[1]) == 1);
}
