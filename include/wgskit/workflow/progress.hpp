// Progress of the workflow's steps on a stream (stderr): on a terminal, one redrawn bar per running step with
// its rate and ETA; otherwise plain timestamped lines ("[2026-11-29 18:30:00] map: 120000 pairs, 41000 pairs/s,
// 37%, ETA 0:12"), at most one every few seconds. Step timings (wall, and CPU of the whole process: user + system
// of all its threads) are kept for the closing summary.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <string>
#include <utility>
#include <vector>

#include <sys/resource.h>
#include <unistd.h>

namespace wgskit::workflow
{

class progress_log
{
public:
    using clock = std::chrono::steady_clock;

    //! out may be nullptr (silent). Bars are drawn when out is a terminal (force_plain turns them off).
    explicit progress_log(std::FILE * out, bool force_plain = false) :
        out_{out}, bars_{out != nullptr && !force_plain && ::isatty(::fileno(out)) == 1}
    {}

    bool draws_bars() const noexcept { return bars_; }

    //! A timestamped message line.
    void line(std::string const & step, std::string const & message)
    {
        if (out_ == nullptr)
            return;
        clear_bar();
        std::time_t const now = std::time(nullptr);
        char stamp[32];
        std::strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", std::localtime(&now));
        std::fprintf(out_, "[%s] %s: %s\n", stamp, step.c_str(), message.c_str());
        std::fflush(out_);
    }

    //! Starts timing a step.
    void begin(std::string const & step)
    {
        current_ = step;
        started_ = clock::now();
        cpu_started_ = process_cpu_seconds();
        last_report_ = started_;
        line(step, "started");
    }

    //! Ends the current step: its time goes into the summary; skipped steps are shown as such.
    double end(std::string const & message, bool skipped = false)
    {
        double const s = std::chrono::duration<double>(clock::now() - started_).count();
        double const cpu = process_cpu_seconds() - cpu_started_;
        timings_.push_back({current_, s, cpu, skipped});
        line(current_, (skipped ? "skipped: " : "done in " + seconds(s) + " (" + seconds(cpu) + " CPU): ") + message);
        return s;
    }

    //! done units of total (total 0: unknown) in the current step; unit e.g. "pairs" for the rate.
    //! fraction (0..1, negative: unknown) gives the ETA when the total count is not known in advance.
    void update(std::uint64_t done, std::string const & unit, double fraction = -1)
    {
        if (out_ == nullptr)
            return;
        auto const now = clock::now();
        double const since = std::chrono::duration<double>(now - last_report_).count();
        if (since < (bars_ ? 0.2 : 10.0))
            return;
        last_report_ = now;
        double const elapsed = std::chrono::duration<double>(now - started_).count();
        double const rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0.0;
        std::string text = std::to_string(done) + " " + unit + ", " + human(rate) + " " + unit + "/s";
        if (fraction > 0 && fraction <= 1)
        {
            char pct[16];
            std::snprintf(pct, sizeof pct, "%.0f%%", 100 * fraction);
            text += std::string{", "} + pct + ", ETA " + clock_time(elapsed / fraction - elapsed);
        }
        if (!bars_)
        {
            line(current_, text);
            return;
        }
        constexpr int width = 30;
        int const filled = fraction > 0 ? static_cast<int>(std::min(1.0, fraction) * width) : 0;
        std::string bar(static_cast<std::size_t>(filled), '#');
        bar.append(static_cast<std::size_t>(width - filled), fraction > 0 ? '.' : '?');
        std::fprintf(out_, "\r\033[K%-10s [%s] %s", current_.c_str(), bar.c_str(), text.c_str());
        std::fflush(out_);
        bar_shown_ = true;
    }

    struct timing
    {
        std::string step;
        double seconds;
        double cpu_seconds; //!< user + system time of the process (all threads) during the step
        bool skipped;
    };
    std::vector<timing> const & timings() const noexcept { return timings_; }

    //! User + system time of this process so far, all threads.
    static double process_cpu_seconds() noexcept
    {
        rusage u{};
        if (::getrusage(RUSAGE_SELF, &u) != 0)
            return 0;
        auto const sec = [](timeval t) { return static_cast<double>(t.tv_sec) + 1e-6 * static_cast<double>(t.tv_usec); };
        return sec(u.ru_utime) + sec(u.ru_stime);
    }

    static std::string seconds(double s)
    {
        char b[32];
        std::snprintf(b, sizeof b, "%.1f s", s);
        return b;
    }

private:
    void clear_bar()
    {
        if (bar_shown_)
            std::fputs("\r\033[K", out_);
        bar_shown_ = false;
    }
    static std::string human(double v)
    {
        char b[32];
        if (v >= 1e6)
            std::snprintf(b, sizeof b, "%.1fM", v / 1e6);
        else if (v >= 1e3)
            std::snprintf(b, sizeof b, "%.1fk", v / 1e3);
        else
            std::snprintf(b, sizeof b, "%.0f", v);
        return b;
    }
    static std::string clock_time(double s)
    {
        auto const t = static_cast<long long>(s + 0.5);
        char b[32];
        std::snprintf(b, sizeof b, "%lld:%02lld:%02lld", t / 3600, t / 60 % 60, t % 60);
        return b;
    }

    std::FILE * out_;
    bool bars_;
    bool bar_shown_{false};
    std::string current_;
    clock::time_point started_{}, last_report_{};
    double cpu_started_{0};
    std::vector<timing> timings_;
};

} // namespace wgskit::workflow
