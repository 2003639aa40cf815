// zstd file streams (the sorter's spilled runs): round trips through reads of every size, the zstd CLI reading
// what we write, and files cut short, empty, foreign or missing.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include <wgskit/codec/zstd/file.hpp>

#include "../test_helpers.hpp"

namespace
{
using namespace wgskit;
namespace zstd = wgskit::codec::zstd;

std::string payload(std::size_t n, std::uint64_t seed)
{
    std::mt19937_64 rng{seed};
    std::string s(n, '\0');
    for (auto & c : s) // compressible but not trivially: a small alphabet with runs
        c = static_cast<char>("ACGTTTTN"[rng() % 8]);
    return s;
}

std::string read_all(std::string const & path, std::size_t chunk)
{
    zstd::file_reader r{path};
    std::string out, buf(chunk, '\0');
    for (std::size_t got; (got = r.read(buf.data(), chunk)) > 0;)
    {
        out.append(buf, 0, got);
        if (got < chunk)
        {
            CHECK(r.read(buf.data(), chunk) == 0); // the end stays the end
            break;
        }
    }
    return out;
}
} // namespace

TEST_CASE("zstd file streams round trip, also with worker threads", "[zstd]")
{
    test::temp_dir dir{"zstd_file"};
    auto const data = payload(3'000'000, 11);
    for (std::size_t threads : {std::size_t{0}, std::size_t{2}})
    {
        INFO("threads " << threads);
        std::string const path = dir.file("run" + std::to_string(threads) + ".zst");
        {
            zstd::file_writer w{path, 1, threads};
            for (std::size_t at = 0; at < data.size(); at += 1000 + at % 7777) // uneven writes
                w.write(std::string_view{data}.substr(at, 1000 + at % 7777));
            w.close();
        }
        CHECK(std::filesystem::file_size(path) < data.size() / 2);
        for (std::size_t chunk : {std::size_t{4}, std::size_t{4099}, std::size_t{1} << 20, data.size() + 5})
        {
            INFO("chunk " << chunk);
            CHECK(read_all(path, chunk) == data);
        }
        // The zstd command reads it: a standard frame.
        if (std::system("command -v zstd >/dev/null 2>&1") == 0)
        {
            std::string const cmd = "zstd -q -d -c '" + path + "' > '" + dir.file("cli.out") + "'";
            REQUIRE(std::system(cmd.c_str()) == 0);
            std::ifstream f{dir.file("cli.out"), std::ios::binary};
            std::string back((std::istreambuf_iterator<char>(f)), {});
            CHECK(back == data);
        }
    }
    // An empty stream is one valid frame that reads as nothing.
    {
        zstd::file_writer w{dir.file("empty.zst")};
        w.close();
        CHECK(read_all(dir.file("empty.zst"), 64).empty());
    }
}

TEST_CASE("zstd file streams: cut, empty, foreign and missing files are errors naming the file", "[zstd]")
{
    test::temp_dir dir{"zstd_bad"};
    auto const data = payload(500'000, 5);
    std::string const path = dir.file("run.zst");
    {
        zstd::file_writer w{path};
        w.write(data);
        w.close();
    }
    auto const size = std::filesystem::file_size(path);
    std::filesystem::copy_file(path, dir.file("cut.zst"));
    std::filesystem::resize_file(dir.file("cut.zst"), size / 2);
    auto const fails_naming = [](std::string const & p) {
        try
        {
            read_all(p, 4096);
        }
        catch (parse_error const & e)
        {
            return std::string{e.what()}.find(p) != std::string::npos;
        }
        return false;
    };
    CHECK(fails_naming(dir.file("cut.zst")));
    std::filesystem::resize_file(dir.file("cut.zst"), size - 1); // only the frame's end missing
    CHECK(fails_naming(dir.file("cut.zst")));
    test::write_file(dir.file("empty.zst"), "");
    CHECK(fails_naming(dir.file("empty.zst")));
    test::write_file(dir.file("text.zst"), std::string(5000, 'x'));
    CHECK(fails_naming(dir.file("text.zst")));
    CHECK_THROWS_AS(zstd::file_reader{dir.file("missing.zst")}, io_error);
    CHECK_THROWS_AS(zstd::file_writer{dir.file("no/such/dir/x.zst")}, io_error);
}
