// call_variants end to end on a BAM written here (bam::indexing_bam_writer): the planted variants come out, the
// in-process record_source path gives the same file, threads and chunk sizes do not change it, bad input is a
// clear error.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include <wgskit/bam/bai.hpp>
#include <wgskit/call/caller.hpp>

#include "../support/call_synthetic.hpp"

namespace
{
using namespace wgskit;
using namespace wgskit::test_support;
namespace fs = std::filesystem;

struct temp_dir
{
    fs::path path;
    temp_dir() : path{fs::temp_directory_path() / ("wgskit_call_" + std::to_string(::getpid()))} { fs::create_directories(path); }
    ~temp_dir() { fs::remove_all(path); }
    std::string operator/(std::string const & name) const { return (path / name).string(); }
};

std::string slurp(std::string const & p)
{
    std::ifstream in{p};
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

//! A record_source over records in memory.
class vector_source : public bam::record_source
{
public:
    vector_source(bam::header h, std::vector<bam::record> r) : h_{std::move(h)}, r_{std::move(r)} {}
    bam::header const & header() const override { return h_; }
    bool read(bam::record & r) override
    {
        if (i_ >= r_.size())
            return false;
        r = r_[i_++];
        return true;
    }

private:
    bam::header h_;
    std::vector<bam::record> r_;
    std::size_t i_{0};
};

//! The data lines (no header) of a VCF text.
std::string body(std::string const & vcf)
{
    std::string out;
    std::istringstream in{vcf};
    for (std::string line; std::getline(in, line);)
        if (!line.empty() && line[0] != '#')
            out += line + "\n";
    return out;
}
} // namespace

TEST_CASE("call_variants: BAM + index and record_source give the planted calls, for any thread count", "[call]")
{
    temp_dir dir;
    synthetic s;
    {
        std::ofstream fa{dir / "ref.fa"};
        fa << ">chrT\n";
        for (std::size_t i = 0; i < s.ref.size(); i += 60)
            fa << s.ref.substr(i, 60) << "\n";
    }
    auto h = bam::header::from_text("@HD\tVN:1.6\tSO:coordinate\n@SQ\tSN:chrT\tLN:2000\n@RG\tID:g\tSM:NA00001\n");
    auto recs = synthetic_reads(s, 2);
    {
        bam::indexing_bam_writer w{dir / "in.bam", h};
        for (auto const & r : recs)
            w.write(r);
        w.close();
    }
    call::caller_options o;
    o.command_line = "test";
    auto sum = call::call_variants(dir / "in.bam", dir / "ref.fa", dir / "a.vcf", o);
    CHECK(sum.records == 3);
    CHECK(sum.snps == 2);
    CHECK(sum.indels == 1);
    CHECK(sum.het == 2);
    CHECK(sum.hom_alt == 1);
    CHECK(sum.pass == 3);
    CHECK(sum.transitions == 2); // A>G, C>T
    std::string a = slurp(dir / "a.vcf");
    CHECK(a.find("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tNA00001\n") != std::string::npos);
    CHECK(a.find("\nchrT\t501\t.\tA\tG\t") != std::string::npos);
    CHECK(a.find("\nchrT\t701\t.\tC\tT\t") != std::string::npos);
    CHECK(a.find("\nchrT\t1000\t.\tGAC\tG\t") != std::string::npos);

    o.threads = 2;
    o.chunk_size = 1000;
    call::call_variants(dir / "in.bam", dir / "ref.fa", dir / "b.vcf", o);
    CHECK(slurp(dir / "b.vcf") == a);

    vector_source src{h, recs};
    o.threads = 1;
    call::call_variants(src, dir / "ref.fa", dir / "c.vcf", o);
    CHECK(body(slurp(dir / "c.vcf")) == body(a));

    // Bad input.
    CHECK_THROWS_WITH(call::call_variants(dir / "none.bam", dir / "ref.fa", dir / "x.vcf", o), Catch::Contains("cannot open"));
    fs::copy_file(dir / "in.bam", dir / "noidx.bam");
    CHECK_THROWS_WITH(call::call_variants(dir / "noidx.bam", dir / "ref.fa", dir / "x.vcf", o), Catch::Contains("samtools index"));
    {
        std::ofstream fa{dir / "wrong.fa"};
        fa << ">chrT\nACGT\n";
    }
    CHECK_THROWS_WITH(call::call_variants(dir / "in.bam", dir / "wrong.fa", dir / "x.vcf", o),
                      Catch::Contains("is not the reference of"));
    CHECK_FALSE(fs::exists(dir / "x.vcf"));
}
