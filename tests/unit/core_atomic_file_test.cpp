// Crash-safe outputs: complete files appear only on commit; failures leave nothing; devices are written in place.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <sys/stat.h>

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
