// Crash-safe outputs: complete files appear only on commit; failures leave nothing; devices are written in place.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <wgskit/core/atomic_file.hpp>

#include "../test_helpers.hpp"

namespace
{
std::string slurp(std::string const & path)
{
    std::ifstream in{path, std::ios::binary};
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}
} // namespace

TEST_CASE("atomic_output_file: the target appears only on commit", "[core]")
{
    wgskit::test::temp_dir tmp{"wgskit_atomic"};
    std::string const target = tmp.file("out.txt");
    wgskit::test::write_file(target, "old");
    {
        wgskit::atomic_output_file out{target};
        out.write("new contents");
        CHECK(slurp(target) == "old");                  // not replaced before commit
        CHECK(std::filesystem::exists(out.temporary_path()));
        out.commit();
    }
    CHECK(slurp(target) == "new contents");
    CHECK(std::distance(std::filesystem::directory_iterator{tmp.path}, {}) == 1); // no temporary left
}

TEST_CASE("atomic_output_file: no commit, no file", "[core]")
{
    wgskit::test::temp_dir tmp{"wgskit_atomic"};
    std::string const target = tmp.file("never.txt");
    {
        wgskit::atomic_output_file out{target};
        out.write("partial");
    } // destroyed without commit, as after an exception
    CHECK_FALSE(std::filesystem::exists(target));
    CHECK(std::filesystem::is_empty(tmp.path));
    CHECK_THROWS_AS(wgskit::atomic_output_file{tmp.file("no/such/folder/x")}, wgskit::io_error);
}

TEST_CASE("atomic_output_file: a device target is written in place, never replaced", "[core]")
{
    {
        wgskit::atomic_output_file out{"/dev/null"};
        out.write("discarded");
        out.commit();
    }
    struct ::stat st{};
    REQUIRE(::stat("/dev/null", &st) == 0);
    CHECK(S_ISCHR(st.st_mode));
}

TEST_CASE("remove_stale_temporaries: only a dead process's temporaries go", "[core]")
{
    using wgskit::detail::temporary_owner;
    CHECK(temporary_owner("s.bam.tmp.4242.0") == 4242);
    CHECK(temporary_owner("s.bam.sort.4242.3.zst") == 4242);
    CHECK(temporary_owner("s.bam.sort.4242.3.bam") == 4242); // a run left by an older wgskit
    CHECK(temporary_owner("s.bam.sort.4242.3.bam.tmp.77.1") == 77);
    CHECK(temporary_owner("wgskit-count.4242.aB3xYz") == 4242);
    CHECK(temporary_owner("s.bam") == 0);
    CHECK(temporary_owner("notes.tmp.txt") == 0);
    CHECK(temporary_owner("s.tmp.12a.0") == 0);
    CHECK(temporary_owner("wgskit-count.4242.short") == 0);

    // A pid that surely ended: a child we waited for.
    ::pid_t const dead = ::fork();
    if (dead == 0)
        ::_exit(0);
    REQUIRE(dead > 0);
    int status = 0;
    ::waitpid(dead, &status, 0);

    wgskit::test::temp_dir tmp{"wgskit_stale"};
    std::string const d = std::to_string(dead), me = std::to_string(::getpid());
    for (std::string const & name : std::vector<std::string>{"s.bam", "s.bam.tmp." + d + ".0", "s.bam.sort." + d + ".1.zst",
                                   "s.vcf.gz.tmp." + me + ".0", "s.bam.sort." + me + ".0.zst"})
        wgskit::test::write_file(tmp.file(name), "x");
    std::filesystem::create_directory(tmp.path / ("wgskit-count." + d + ".abcdef"));
    wgskit::test::write_file(tmp.file("wgskit-count." + d + ".abcdef/bin0"), "x");

    auto const removed = wgskit::remove_stale_temporaries(tmp.path);
    CHECK(removed.size() == 3);
    CHECK(std::filesystem::exists(tmp.file("s.bam")));
    CHECK(std::filesystem::exists(tmp.file("s.vcf.gz.tmp." + me + ".0"))); // ours: alive
    CHECK(std::filesystem::exists(tmp.file("s.bam.sort." + me + ".0.zst")));
    CHECK_FALSE(std::filesystem::exists(tmp.file("s.bam.tmp." + d + ".0")));
    CHECK_FALSE(std::filesystem::exists(tmp.file("s.bam.sort." + d + ".1.zst")));
    CHECK_FALSE(std::filesystem::exists(tmp.path / ("wgskit-count." + d + ".abcdef")));
}
