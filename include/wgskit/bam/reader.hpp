// bam::reader: SAM or BAM records from a file or stdin ("-"), the format detected from the content (BAM magic
// after decompression; SAM as plain text, gzip or BGZF). BGZF files are inflated on worker threads.
#pragma once

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <wgskit/bam/detail/bam_codec.hpp>
#include <wgskit/bam/header.hpp>
#include <wgskit/bam/record.hpp>
#include <wgskit/bam/sam.hpp>
#include <wgskit/bam/stream.hpp>
#include <wgskit/codec/bgzf/reader.hpp>
#include <wgskit/core/exception.hpp>
#include <wgskit/io/input_file.hpp>

namespace wgskit::bam
{

struct reader_options
{
    //! BGZF inflate threads (0 = on the calling thread).
    std::size_t threads{0};
};

namespace detail
{

//! Buffered bytes from a read(char*, n) function.
class byte_stream
{
public:
    explicit byte_stream(std::function<std::size_t(char *, std::size_t)> read) : read_{std::move(read)} {}

    //! Ensures n bytes are buffered (fewer only at the end); returns how many are.
    std::size_t ensure(std::size_t n)
    {
        if (end_ - pos_ >= n)
            return end_ - pos_;
        if (pos_ > 0)
        {
            buf_.erase(0, pos_);
            end_ -= pos_;
            pos_ = 0;
        }
        while (end_ < n)
        {
            // Grow at most by the buffer's size per step: a bogus block_size in a short input must not force a
            // huge allocation before the end of the input shows it is truncated.
            std::size_t want = std::min(std::max<std::size_t>(n - end_, 1 << 20), std::max<std::size_t>(buf_.size(), 1 << 20));
            if (buf_.size() < end_ + want)
                buf_.resize(end_ + want);
            std::size_t got = read_(buf_.data() + end_, want);
            if (got == 0)
                break;
            end_ += got;
        }
        return end_ - pos_;
    }
    char const * data() const noexcept { return buf_.data() + pos_; }
    void skip(std::size_t n) noexcept { pos_ += n; }

    //! The next line without its '\n' (and '\r'); false at the end.
    bool line(std::string & out)
    {
        out.clear();
        while (true)
        {
            std::string_view avail{buf_.data() + pos_, end_ - pos_};
            std::size_t nl = avail.find('\n');
            if (nl != std::string_view::npos)
            {
                out.append(avail.substr(0, nl));
                pos_ += nl + 1;
                break;
            }
            out.append(avail);
            pos_ = end_;
            if (ensure(1) == 0)
            {
                if (out.empty())
                    return false;
                break;
            }
        }
        if (!out.empty() && out.back() == '\r')
            out.pop_back();
        return true;
    }

private:
    std::function<std::size_t(char *, std::size_t)> read_;
    std::string buf_;
    std::size_t pos_{0}, end_{0};
};

//! True for a regular file that starts like gzip (BGZF: the BGZF reader, with virtual offsets for indexed access).
//! Pipes and stdin go to io::input_file, which inflates gzip too: peeking here would consume their first bytes.
inline bool starts_with_gzip(std::string const & path)
{
    std::error_code ec;
    if (path == "-" || !std::filesystem::is_regular_file(path, ec))
        return false;
    std::FILE * f = std::fopen(path.c_str(), "rb");
    if (f == nullptr)
        return false; // the real open reports the error
    unsigned char m[2] = {0, 0};
    std::size_t n = std::fread(m, 1, 2, f);
    std::fclose(f);
    return n == 2 && m[0] == 0x1f && m[1] == 0x8b;
}

} // namespace detail

class reader : public record_source
{
public:
    explicit reader(std::string path, reader_options opt = {}) : path_{std::move(path)}
    {
        if (detail::starts_with_gzip(path_))
        {
            bgzf_ = std::make_unique<codec::bgzf::reader>(path_, codec::bgzf::reader_options{opt.threads});
            in_ = std::make_unique<detail::byte_stream>([this](char * d, std::size_t n) { return bgzf_->read(d, n); });
        }
        else
        {
            plain_ = std::make_unique<io::input_file>(path_);
            in_ = std::make_unique<detail::byte_stream>([this](char * d, std::size_t n) { return plain_->read(d, n); });
        }
        if (in_->ensure(4) >= 4 && std::string_view{in_->data(), 4} == std::string_view{"BAM\1", 4})
            read_bam_header();
        else
            read_sam_header();
    }

    bam::header const & header() const override { return header_; }
    bool is_bam() const noexcept { return bam_; }
    std::string const & path() const noexcept { return path_; }
    //! Records read so far.
    std::uint64_t records() const noexcept { return n_; }

    bool read(record & r) override
    {
        if (bam_)
        {
            std::string_view b = next_bam_record();
            if (b.empty())
                return false;
            detail::decode_record(b.substr(4), header_.reference_count(), r, path_, n_);
            return true;
        }
        while (true)
        {
            if (pending_)
                pending_ = false;
            else if (!in_->line(line_))
                return false;
            if (line_.empty())
                continue; // blank lines are tolerated (samtools skips them too)
            ++n_;
            if (line_[0] == '@')
                throw parse_error{path_, n_, "header line after the first alignment"};
            parse_sam_record(line_, header_, r, path_, n_);
            return true;
        }
    }

    //! The next record in its BAM encoding (block_size, then the body), validated as read() validates, without
    //! decoding it (SAM input is parsed and encoded). rec stays valid until the next call; false at the end.
    bool read_encoded(std::string_view & rec)
    {
        if (!bam_)
        {
            if (!read(sam_record_))
                return false;
            encoded_.clear();
            detail::encode_record(sam_record_, encoded_);
            rec = encoded_;
            return true;
        }
        rec = next_bam_record();
        if (rec.empty())
            return false;
        detail::validate_record(rec.substr(4), header_.reference_count(), path_, n_);
        return true;
    }

    //! The BGZF reader underneath (BAM/BGZF files only; for indexed access), else nullptr.
    codec::bgzf::reader * bgzf() noexcept { return bgzf_.get(); }

private:
    //! The next record's bytes (block_size + body), checked for size only; empty at the end.
    std::string_view next_bam_record()
    {
        std::size_t have = in_->ensure(4);
        if (have == 0)
            return {};
        ++n_;
        if (have < 4)
            throw parse_error{path_, n_, "truncated BAM record (block_size)"};
        auto size = detail::load<std::uint32_t>(in_->data());
        if (size < detail::fixed_record_size || size > (1u << 30))
            throw parse_error{path_, n_, "implausible BAM block_size " + std::to_string(size)};
        if (in_->ensure(4 + std::size_t{size}) < 4 + std::size_t{size})
            throw parse_error{path_, n_, "truncated BAM record"};
        std::string_view b{in_->data(), 4 + std::size_t{size}};
        in_->skip(b.size()); // the bytes stay in the buffer until the next ensure()
        return b;
    }

    void read_bam_header()
    {
        bam_ = true;
        auto need = [&](std::size_t n, char const * what) {
            if (in_->ensure(n) < n)
                throw parse_error{path_, 0, std::string{"truncated BAM header ("} + what + ")"};
        };
        need(8, "l_text");
        auto l_text = detail::load<std::uint32_t>(in_->data() + 4);
        if (l_text > (1u << 30))
            throw parse_error{path_, 0, "implausible BAM header text length"};
        need(8 + std::size_t{l_text} + 4, "text");
        std::string text{in_->data() + 8, l_text};
        if (auto nul = text.find('\0'); nul != std::string::npos)
            text.resize(nul); // samtools pads the text with NULs
        in_->skip(8 + std::size_t{l_text});
        auto n_ref = detail::load<std::uint32_t>(in_->data());
        in_->skip(4);
        if (n_ref > (1u << 24))
            throw parse_error{path_, 0, "implausible BAM reference count"};
        // Grown as references are read: a bogus count in a short input must not allocate millions up front.
        std::vector<reference> refs;
        refs.reserve(std::min<std::uint32_t>(n_ref, 1u << 16));
        for (std::uint32_t i = 0; i < n_ref; ++i)
        {
            auto & ref = refs.emplace_back();
            need(4, "l_name");
            auto l_name = detail::load<std::uint32_t>(in_->data());
            if (l_name == 0 || l_name > 65536)
                throw parse_error{path_, 0, "implausible reference name length"};
            need(4 + std::size_t{l_name} + 4, "reference");
            ref.name.assign(in_->data() + 4, l_name - 1);
            ref.length = detail::load<std::uint32_t>(in_->data() + 4 + l_name);
            in_->skip(8 + std::size_t{l_name});
        }
        header_ = header::from_bam(std::move(text), std::move(refs), path_);
    }

    void read_sam_header()
    {
        std::string text;
        while (in_->line(line_))
        {
            if (line_.empty() || line_[0] != '@')
            {
                pending_ = true;
                break;
            }
            text += line_;
            text += '\n';
        }
        header_ = header::from_text(std::move(text), path_);
    }

    std::string path_;
    std::unique_ptr<codec::bgzf::reader> bgzf_;
    std::unique_ptr<io::input_file> plain_;
    std::unique_ptr<detail::byte_stream> in_;
    bam::header header_;
    bool bam_{false};
    bool pending_{false};
    std::string line_;
    record sam_record_;   // read_encoded on SAM input
    std::string encoded_; // its encoding
    std::uint64_t n_{0};
};

} // namespace wgskit::bam
