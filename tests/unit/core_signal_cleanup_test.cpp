// Interrupted writers: a process killed by SIGTERM/SIGINT while writing leaves no temporary behind and still dies
// by the signal; paths released before the signal are left alone; ulimit -f gives an io_error, not SIGXFSZ; a
// mapped input truncated under the reader gives an error naming it, not SIGBUS.
#include <catch2/catch.hpp>

#include <csignal>
#include <filesystem>
#include <string>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <wgskit/core/atomic_file.hpp>
#include <wgskit/core/mapping_guard.hpp>
#include <wgskit/core/signal_cleanup.hpp>
#include <wgskit/io/mapped_file.hpp>

#include "../test_helpers.hpp"

namespace
{
// Runs body in a child process with the default dispositions (the test framework installs its own handlers,
// which the cleanup leaves alone) and returns its wait status.
template <typename Body>
int in_child(Body body)
{
    pid_t const pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0)
    {
        for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGXFSZ, SIGBUS})
            ::signal(sig, SIG_DFL);
        wgskit::detail::install_cleanup_handlers_once();
        wgskit::detail::install_mapping_handler_once();
        int code = 0;
        try
        {
            code = body();
        }
        catch (...)
        {
            code = 99;
        }
        ::_exit(code);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    return status;
}
} // namespace

TEST_CASE("signal_cleanup: SIGTERM and SIGINT remove registered temporaries and kill with the signal", "[core]")
{
    for (int sig : {SIGTERM, SIGINT})
    {
        INFO("signal " << sig);
        wgskit::test::temp_dir tmp{"wgskit_signal"};
        std::string const target = tmp.file("out.bam");
        std::string const kept = tmp.file("kept.txt");
        std::string const spill_dir = tmp.file("spill");
        int const status = in_child([&] {
            wgskit::write_file_atomically(kept, "complete"); // committed before the signal: must stay
            std::filesystem::create_directory(spill_dir);
            wgskit::signal_cleanup dir{spill_dir, wgskit::signal_cleanup::kind::directory};
            wgskit::test::write_file(spill_dir + "/run.0", "spilled");
            wgskit::signal_cleanup run{spill_dir + "/run.0"};
            wgskit::atomic_output_file out{target};
            out.write("half of a file");
            ::raise(sig);
            return 0; // not reached
        });
        CHECK(WIFSIGNALED(status));
        CHECK(WTERMSIG(status) == sig);
        CHECK_FALSE(std::filesystem::exists(target));
        CHECK_FALSE(std::filesystem::exists(spill_dir));
        CHECK(std::filesystem::exists(kept));
        CHECK(std::distance(std::filesystem::directory_iterator{tmp.path}, {}) == 1); // kept.txt only
    }
}

TEST_CASE("signal_cleanup: ulimit -f makes the write fail with an io_error naming the file", "[core]")
{
    wgskit::test::temp_dir tmp{"wgskit_signal"};
    std::string const target = tmp.file("big.out");
    int const status = in_child([&] {
        struct ::rlimit lim{4096, 4096};
        ::setrlimit(RLIMIT_FSIZE, &lim);
        wgskit::atomic_output_file out{target};
        std::string const block(10000, 'x');
        try
        {
            out.write(block);
        }
        catch (wgskit::io_error const & e)
        {
            std::string const what = e.what();
            return what.find(target) != std::string::npos && what.find("File too large") != std::string::npos ? 0 : 2;
        }
        return 1;
    });
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    CHECK(std::filesystem::is_empty(tmp.path));
}

TEST_CASE("signal_cleanup: released slots are reused; moves keep one registration", "[core]")
{
    std::size_t const before = [] {
        std::size_t n = 0;
        for (auto const & s : wgskit::detail::cleanup_slots)
            n += s.state.load() != wgskit::detail::cleanup_slot::free;
        return n;
    }();
    {
        wgskit::signal_cleanup a{"/nonexistent/a"};
        CHECK(a.registered());
        wgskit::signal_cleanup b{std::move(a)};
        CHECK_FALSE(a.registered());
        CHECK(b.registered());
        wgskit::signal_cleanup too_long{std::string(5000, 'x')};
        CHECK_FALSE(too_long.registered());
    }
    std::size_t after = 0;
    for (auto const & s : wgskit::detail::cleanup_slots)
        after += s.state.load() != wgskit::detail::cleanup_slot::free;
    CHECK(after == before);
}

TEST_CASE("mapping_guard: a mapped file truncated while it is read gives an error naming it, not SIGBUS", "[core]")
{
    wgskit::test::temp_dir tmp{"wgskit_sigbus"};
    std::string const input = tmp.file("reads.fq");
    std::string const target = tmp.file("out.wfq");
    std::string const log = tmp.file("stderr.txt");
    wgskit::test::write_file(input, std::string(3 * 4096, 'A'));
    int const status = in_child([&] {
        int const fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        ::dup2(fd, STDERR_FILENO);
        wgskit::atomic_output_file out{target};
        out.write("half of a file");
        wgskit::io::mapped_file const f{input};
        std::filesystem::resize_file(input, 100); // another process cuts the file
        volatile std::uint8_t const b = f.bytes()[2 * 4096]; // a page past the new end
        return b == 'A' ? 0 : 2;                            // not reached
    });
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 1);
    CHECK(wgskit::test::read_file(log) ==
          "wgskit: error: " + input + ": the file became shorter while it was being read (truncated or rewritten by "
                                      "another process?)\n");
    CHECK_FALSE(std::filesystem::exists(target));
    CHECK(std::distance(std::filesystem::directory_iterator{tmp.path}, {}) == 2); // the input and the log

    // A SIGBUS that is not a guarded page keeps its default action.
    int const other = in_child([&] {
        struct ::rlimit const no_core{0, 0};
        ::setrlimit(RLIMIT_CORE, &no_core);
        wgskit::io::mapped_file const f{input};
        ::raise(SIGBUS);
        return f.bytes().empty() ? 3 : 0;
    });
    CHECK(WIFSIGNALED(other));
    CHECK(WTERMSIG(other) == SIGBUS);
}
