// bam::writer: records to BAM (BGZF, compressed on worker threads) or SAM text. The file appears under its
// name only when close() succeeds. For BAM it remembers where each record starts (uncompressed offset) when
// asked, so that the BAI index can be built from the block table without re-reading (see bai.hpp).
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include <wgskit/bam/detail/bam_codec.hpp>
#include <wgskit/bam/header.hpp>
#include <wgskit/bam/record.hpp>
#include <wgskit/bam/sam.hpp>
#include <wgskit/bam/stream.hpp>
#include <wgskit/codec/bgzf/writer.hpp>
#include <wgskit/core/atomic_file.hpp>
#include <wgskit/core/exception.hpp>

namespace wgskit::bam
{

enum class file_format { bam, sam };

struct writer_options
{
    file_format format{file_format::bam};
    int level{6};           //!< BGZF compression level (BAM)
    std::size_t threads{0}; //!< BGZF compression threads (BAM)
};

//! Serialises the BAM header (magic, text, reference list) to out.
inline void encode_bam_header(header const & h, std::string & out)
{
    out.append("BAM\1", 4);
    detail::append(out, static_cast<std::uint32_t>(h.text().size()));
    out += h.text();
    detail::append(out, static_cast<std::uint32_t>(h.reference_count()));
    for (auto const & r : h.references())
    {
        detail::append(out, static_cast<std::uint32_t>(r.name.size() + 1));
        out += r.name;
        out += '\0';
        detail::append(out, r.length);
    }
}

class writer : public record_sink
{
public:
    //! path "-" writes SAM to stdout (BAM to stdout is not supported).
    writer(std::string path, header h, writer_options opt = {}) : path_{std::move(path)}, header_{std::move(h)}, opt_{opt}
    {
        if (opt_.format == file_format::bam)
        {
            if (path_ == "-")
                throw invalid_argument{"bam::writer: BAM output needs a file name (not '-')"};
            bgzf_ = std::make_unique<codec::bgzf::writer>(path_, codec::bgzf::writer_options{opt_.level, opt_.threads});
            encode_bam_header(header_, buf_);
            bgzf_->write(buf_);
            bgzf_->flush(); // records start in a fresh block, as samtools writes them
            uncompressed_ = buf_.size();
            buf_.clear();
        }
        else
        {
            if (path_ != "-")
                file_ = std::make_unique<atomic_output_file>(path_);
            buf_ = header_.text();
            flush_if(0);
        }
    }

    bam::header const & header() const noexcept { return header_; }

    void write(record const & r) override
    {
        if (bgzf_)
            detail::encode_record(r, buf_);
        else
            format_sam_record(r, header_, buf_);
        flush_if(1 << 16);
    }

    //! Uncompressed offset where the next record will start (BAM), for indexing.
    std::uint64_t next_offset() const noexcept { return uncompressed_ + buf_.size(); }

    void close() override
    {
        if (closed_)
            return;
        flush_if(0);
        if (bgzf_)
        {
            bgzf_->close();
            blocks_ = bgzf_->index();
        }
        else if (file_)
            file_->commit();
        else if (std::fflush(stdout) != 0)
            throw io_error{"-", "cannot write to stdout"};
        closed_ = true;
    }

    //! After close(): the BGZF block table (to turn uncompressed offsets into virtual offsets).
    codec::bgzf::gzi_index const & blocks() const noexcept { return blocks_; }

private:
    void flush_if(std::size_t threshold)
    {
        if (buf_.size() < threshold || buf_.empty())
            return;
        if (bgzf_)
            bgzf_->write(buf_);
        else if (file_)
            file_->write(buf_);
        else if (std::fwrite(buf_.data(), 1, buf_.size(), stdout) != buf_.size())
            throw io_error{"-", "cannot write to stdout"};
        uncompressed_ += buf_.size();
        buf_.clear();
    }

    std::string path_;
    bam::header header_;
    writer_options opt_;
    std::unique_ptr<codec::bgzf::writer> bgzf_;
    std::unique_ptr<atomic_output_file> file_;
    std::string buf_;
    std::uint64_t uncompressed_{0};
    codec::bgzf::gzi_index blocks_;
    bool closed_{false};
};

} // namespace wgskit::bam
