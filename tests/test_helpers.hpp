// Helpers shared by the test files: a temporary folder removed at the end of the test, whole-file reads and writes.
#pragma once

#include <atomic>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <unistd.h>

namespace wgskit::test
{

struct temp_dir
{
    std::filesystem::path path;
    explicit temp_dir(std::string const & tag = "wgskit_test")
    {
        static std::atomic<int> counter{0};
        path = std::filesystem::temp_directory_path() /
               (tag + "_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
        std::filesystem::create_directories(path);
    }
    ~temp_dir()
    {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
    temp_dir(temp_dir const &) = delete;
    temp_dir & operator=(temp_dir const &) = delete;
    std::string file(std::string const & name) const { return (path / name).string(); }
};

inline void write_file(std::string const & path, std::string const & text)
{
    std::ofstream out{path, std::ios::binary};
    out << text;
}

inline std::string read_file(std::string const & path)
{
    std::ifstream in{path, std::ios::binary};
    return {std::istreambuf_iterator<char>{in}, {}};
}

} // namespace wgskit::test
