// What a rerun may skip. OUTDIR/.wgskit-state.json records, per step, a key (the inputs' paths, sizes and
// modification times and the parameters that change the output) and the step's outputs with their sizes and
// times, plus the figures the step computed while streaming (so a skipped step still reports them). A step is
// skipped only when its key matches and every output is complete: a BGZF file ends with the EOF block, its index
// (.bai/.tbi) is not older than it, and sizes and times are those recorded.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include <wgskit/core/atomic_file.hpp>

namespace wgskit::workflow
{

//! Size and modification time (nanoseconds) of a file; exists false when it cannot be stat'ed.
struct file_fingerprint
{
    bool exists = false;
    std::uint64_t size = 0;
    std::int64_t mtime_ns = 0;

    static file_fingerprint of(std::string const & path)
    {
        struct ::stat st{};
        if (::stat(path.c_str(), &st) != 0)
            return {};
        return {true, static_cast<std::uint64_t>(st.st_size),
                static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec};
    }
    nlohmann::ordered_json to_json(std::string const & path) const
    {
        return {{"path", path}, {"size", size}, {"mtime_ns", mtime_ns}};
    }
};

//! True if the file ends with BGZF's 28-byte empty EOF block (SAMv1 4.1.2), i.e. it was closed properly.
inline bool has_bgzf_eof(std::string const & path)
{
    static constexpr unsigned char eof[28] = {0x1f, 0x8b, 0x08, 0x04, 0, 0, 0, 0, 0, 0xff, 0x06, 0, 0x42, 0x43,
                                              0x02, 0,    0x1b, 0,    0x03, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    std::ifstream in{path, std::ios::binary};
    if (!in)
        return false;
    in.seekg(0, std::ios::end);
    auto const size = static_cast<std::int64_t>(in.tellg());
    if (size < 28)
        return false;
    in.seekg(size - 28);
    unsigned char tail[28];
    in.read(reinterpret_cast<char *>(tail), 28);
    return in.good() && std::memcmp(tail, eof, 28) == 0;
}

//! A BGZF output and its index are complete: EOF block present, index exists and is not older.
inline bool indexed_bgzf_complete(std::string const & path, std::string const & index_path)
{
    auto const f = file_fingerprint::of(path), i = file_fingerprint::of(index_path);
    return f.exists && i.exists && i.size > 0 && i.mtime_ns >= f.mtime_ns && has_bgzf_eof(path);
}

class run_state
{
public:
    explicit run_state(std::filesystem::path path) : path_{std::move(path)}
    {
        std::ifstream in{path_};
        if (!in)
            return;
        try
        {
            state_ = nlohmann::ordered_json::parse(in);
            if (!state_.is_object() || !state_.contains("steps") || !state_["steps"].is_object())
                state_ = {};
        }
        catch (nlohmann::json::exception const &)
        {
            state_ = {}; // unreadable: nothing is skipped
        }
    }

    std::filesystem::path const & path() const noexcept { return path_; }

    //! The recorded figures of step if it can be skipped under key (nullptr otherwise). valid checks the
    //! outputs' content (e.g. BGZF EOF + index); recorded sizes and times must match too.
    nlohmann::ordered_json const * reusable(std::string const & step, nlohmann::ordered_json const & key,
                                            bool outputs_valid) const
    {
        if (!outputs_valid || !state_.contains("steps") || !state_["steps"].contains(step))
            return nullptr;
        auto const & s = state_["steps"][step];
        if (!s.is_object() || !s.contains("key") || s["key"] != key || !s.contains("outputs") ||
            !s["outputs"].is_array() || !s.contains("figures"))
            return nullptr;
        try
        {
            for (auto const & o : s["outputs"])
            {
                auto const f = file_fingerprint::of(o.at("path").get<std::string>());
                if (!f.exists || f.size != o.at("size").get<std::uint64_t>() ||
                    f.mtime_ns != o.at("mtime_ns").get<std::int64_t>())
                    return nullptr;
            }
        }
        catch (nlohmann::json::exception const &)
        {
            return nullptr; // a damaged state file only means the step runs again
        }
        return &s["figures"];
    }

    //! Records a finished step (its outputs fingerprinted now) and writes the state file atomically.
    void record(std::string const & step, nlohmann::ordered_json key, std::vector<std::string> const & outputs,
                nlohmann::ordered_json figures)
    {
        nlohmann::ordered_json s;
        s["key"] = std::move(key);
        s["outputs"] = nlohmann::ordered_json::array();
        for (auto const & o : outputs)
            s["outputs"].push_back(file_fingerprint::of(o).to_json(o));
        s["figures"] = std::move(figures);
        if (!state_.is_object())
            state_ = nlohmann::ordered_json::object();
        state_["version"] = 1;
        state_["steps"][step] = std::move(s);
        write_file_atomically(path_.string(), state_.dump(1) + "\n");
    }

    //! Forgets a step (its outputs are about to be rewritten).
    void invalidate(std::string const & step)
    {
        if (state_.contains("steps") && state_["steps"].contains(step))
        {
            state_["steps"].erase(step);
            write_file_atomically(path_.string(), state_.dump(1) + "\n");
        }
    }

private:
    std::filesystem::path path_;
    nlohmann::ordered_json state_;
};

} // namespace wgskit::workflow
