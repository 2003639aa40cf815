// vcf::writer: "*.vcf.gz" / "*.bgz" → BGZF (codec/bgzf) with a .tbi or .csi index beside it; other names →
// plain text; "-" → stdout. Records must come sorted (contigs in header order, positions non-decreasing).
// Outputs appear under their names only when close() succeeds (core/atomic_file.hpp).
#pragma once

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include <unistd.h>

#include <wgskit/codec/bgzf/writer.hpp>
#include <wgskit/core/atomic_file.hpp>
#include <wgskit/core/exception.hpp>
#include <wgskit/vcf/detail/record_text.hpp>
#include <wgskit/vcf/header.hpp>
#include <wgskit/vcf/index.hpp>
#include <wgskit/vcf/record.hpp>

namespace wgskit::vcf
{

//! automatic: tbi unless a contig is longer than 2^29-1 (tabix's limit), then csi. Ignored for plain text.
enum class index_kind { automatic, tbi, csi, none };

struct writer_options
{
    int threads = 1;  //!< BGZF compression threads (1 = on the calling thread)
    int level = 6;    //!< BGZF level 0..9
    index_kind index = index_kind::automatic;
};

//! True for names that get BGZF output: "*.gz", "*.bgz".
inline bool is_bgzf_path(std::string_view path)
{
    auto ends = [&](std::string_view s) { return path.size() >= s.size() && path.substr(path.size() - s.size()) == s; };
    return ends(".gz") || ends(".bgz");
}

class writer
{
public:
    writer(std::string path, header h, writer_options opts = {}) : path_{std::move(path)}, header_{std::move(h)}
    {
        if (opts.threads < 1)
            throw invalid_argument{"vcf::writer: threads must be >= 1"};
        if (path_ != "-" && is_bgzf_path(path_))
        {
            bgzf_ = std::make_unique<codec::bgzf::writer>(
                path_, codec::bgzf::writer_options{opts.level, static_cast<std::size_t>(opts.threads > 1 ? opts.threads : 0)});
            index_kind_ = resolve(opts.index, header_);
            if (index_kind_ != index_kind::none)
                index_ = std::make_unique<index_builder>(header_.contigs().size(), scheme_for(index_kind_, header_));
        }
        else if (path_ != "-")
            plain_ = std::make_unique<atomic_output_file>(path_);
        std::string text = header_.text();
        emit(text);
        if (bgzf_)
            bgzf_->flush(); // the header in blocks of its own, as htslib: records start at a block boundary
    }

    writer(writer const &) = delete;
    writer & operator=(writer const &) = delete;

    vcf::header const & header() const noexcept { return header_; }
    std::string const & path() const noexcept { return path_; }
    //! The index written on close(): tbi, csi or none (plain text, or asked for none).
    index_kind index() const noexcept { return bgzf_ ? index_kind_ : index_kind::none; }

    void write(record const & r)
    {
        if (closed_)
            throw invalid_argument{"vcf::writer: " + path_ + " is already closed"};
        line_.clear();
        detail::format_record(header_, r, line_); // validates the contig index and framing
        if (r.contig < last_contig_ || (r.contig == last_contig_ && r.pos < last_pos_))
            throw invalid_argument{"vcf::writer: " + path_ + ": record " + detail::describe(header_, r) +
                                   " comes after " + detail::describe(header_, last_contig_, last_pos_) +
                                   ": records must be sorted by contig (header order) and position"};
        last_contig_ = r.contig;
        last_pos_ = r.pos;
        std::uint64_t const begin = offset_;
        emit(line_);
        if (index_)
            index_->add(r.contig, std::max<std::int64_t>(r.pos, 0), std::max<std::int64_t>(r.end(), r.pos + 1),
                        begin, offset_);
    }

    //! Flushes; for BGZF writes the EOF block and the index; renames the temporary files to their names.
    void close()
    {
        if (closed_)
            return;
        closed_ = true;
        if (bgzf_)
        {
            bgzf_->close();
            if (index_)
            {
                auto idx = index_->finish(bgzf_->index());
                write_index_file(path_ + (index_kind_ == index_kind::csi ? ".csi" : ".tbi"),
                                 index_kind_ == index_kind::csi ? serialise_csi(idx, header_)
                                                                : serialise_tbi(idx, header_));
            }
        }
        else
        {
            flush_text();
            if (plain_)
                plain_->commit();
        }
    }

private:
    static index_kind resolve(index_kind k, vcf::header const & h)
    {
        if (k != index_kind::automatic)
            return k;
        for (auto const & c : h.contigs())
            if (c.length > tbi_max_length)
                return index_kind::csi;
        return index_kind::tbi;
    }

    static std::int64_t max_contig_length(vcf::header const & h)
    {
        std::int64_t m = 0;
        for (auto const & c : h.contigs())
            m = std::max(m, c.length);
        return m;
    }

    static codec::bgzf::binning_scheme scheme_for(index_kind k, vcf::header const & h)
    {
        return k == index_kind::csi ? codec::bgzf::binning_scheme::for_length(csi_min_shift, max_contig_length(h))
                                    : codec::bgzf::binning_scheme{};
    }

    void emit(std::string_view s)
    {
        offset_ += s.size();
        if (bgzf_)
        {
            bgzf_->write(s);
            return;
        }
        text_.append(s);
        if (text_.size() >= (1u << 20))
            flush_text();
    }

    void flush_text()
    {
        if (plain_)
            plain_->write(text_);
        else
            write_stdout(text_);
        text_.clear();
    }

    static void write_stdout(std::string_view s)
    {
        while (!s.empty())
        {
            ssize_t w = ::write(STDOUT_FILENO, s.data(), s.size());
            if (w < 0 && errno == EINTR)
                continue;
            if (w < 0)
                throw io_error{"-", std::string{"write to stdout failed: "} + std::strerror(errno)};
            s.remove_prefix(static_cast<std::size_t>(w));
        }
    }

    std::string path_;
    vcf::header header_;
    std::unique_ptr<codec::bgzf::writer> bgzf_;
    std::unique_ptr<atomic_output_file> plain_;
    std::unique_ptr<index_builder> index_;
    index_kind index_kind_{index_kind::none};
    std::string line_;
    std::string text_;
    std::uint64_t offset_{0}; // uncompressed bytes written
    std::int32_t last_contig_{-1};
    std::int64_t last_pos_{-1};
    bool closed_{false};
};

} // namespace wgskit::vcf
