// Lossless FASTQ compression into .wfq files: independent blocks of records (both mates of a pair in one block),
// names tokenised against the previous name, bases under an order-k context model, qualities under an
// fqzcomp-style context model, all through an adaptive range coder; a crc32 of each block's original bytes and
// an index of the blocks at the end (random access, parallel decoding). Decompression gives back the input bytes
// exactly, whatever their line ends, '+' lines, letters or quality values (see docs/fastq_codec.md).
//
//   wgskit::codec::fastq::compress({"R1.fq.gz", "R2.fq.gz"}, "reads.wfq", {.threads = 4});
//   wgskit::codec::fastq::decompress("reads.wfq", {"R1.fq", "R2.fq"}, {.threads = 4});
//   wgskit::codec::fastq::decompress("reads.wfq", {"R1.fq", "R2.fq"}, {.first_block = 3, .block_count = 1});
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <wgskit/codec/fastq/detail/block_codec.hpp>
#include <wgskit/codec/fastq/detail/container.hpp>
#include <wgskit/codec/fastq/detail/fastq_splitter.hpp>
#include <wgskit/core/atomic_file.hpp>
#include <wgskit/core/batch_pipeline.hpp>
#include <wgskit/core/exception.hpp>
#include <wgskit/io/mapped_file.hpp>
#include <wgskit/io/paired_fastq.hpp>

namespace wgskit::codec::fastq
{

struct compress_options
{
    //! Worker threads coding blocks (the calling thread parses the input).
    std::size_t threads{1};
    //! Records per block (pairs for paired input): larger blocks compress better, smaller ones give finer
    //! random access and less memory per thread.
    std::uint32_t block_records{100000};
    //! Order of the base model (k previous bases as context; a 4^k-byte table per worker; lowered for
    //! blocks with fewer than 4^(k-1) bases).
    unsigned base_order{detail::default_base_order};
};

struct decompress_options
{
    std::size_t threads{1};
    //! Decode blocks [first_block, first_block + block_count) only (random access through the index).
    std::uint64_t first_block{0};
    std::uint64_t block_count{std::numeric_limits<std::uint64_t>::max()};
    //! The most bytes one block may decode to (per mate): a corrupt header cannot make us allocate more.
    std::uint64_t max_block_bytes{std::uint64_t{1} << 36};
};

//! What the index of a .wfq file says.
struct archive_info
{
    bool paired{false};
    std::uint32_t block_records{0};
    std::uint64_t records{0}; //!< per mate
    struct block
    {
        std::uint64_t offset, size, first_record;
        std::uint32_t records;
    };
    std::vector<block> blocks;
};

namespace detail
{

using io::mapped_file;

inline parsed_container open_container(std::span<std::uint8_t const> file, std::string const & source)
{
    parsed_container c;
    if (std::string why = parse_container(file, c); !why.empty())
        throw parse_error{source, 0, why};
    return c;
}

//! Decodes block k of a parsed container into out[0..mates); parse_error naming the source and block.
inline void decode_container_block(std::span<std::uint8_t const> file, parsed_container const & c, std::size_t k,
                                   std::string * out, std::uint64_t max_block_bytes, std::string const & source)
{
    auto const & e = c.blocks[k];
    block_header h;
    std::string why;
    if (!parse_block_header(file.subspan(e.offset, e.size), h, why))
        throw parse_error{source, 0, "block " + std::to_string(k) + ": " + why};
    if (h.size != e.size || h.records != e.records || h.mates != c.mates || h.base_order > c.base_order)
        throw parse_error{source, 0, "block " + std::to_string(k) + ": header does not match the index"};
    why = decode_block(h, out, max_block_bytes);
    if (!why.empty())
        throw parse_error{source, 0, "block " + std::to_string(k) + ": " + why};
}

//! The read name a mate check compares: the header up to the first space or tab.
inline std::string_view header_name(std::string_view header) noexcept
{
    return header.substr(0, std::min(header.find(' '), header.find('\t')));
}

} // namespace detail

//! Compresses one FASTQ file, or two mate files (same number of records, matching names), into output.
inline void compress(std::vector<std::string> const & inputs, std::string const & output,
                     compress_options const & opt = {})
{
    if (inputs.empty() || inputs.size() > 2)
        throw invalid_argument{"fastq::compress: give one input file, or two mate files"};
    if (opt.block_records == 0)
        throw invalid_argument{"fastq::compress: block_records must be at least 1"};
    if (opt.base_order < 1 || opt.base_order > detail::max_base_order)
        throw invalid_argument{"fastq::compress: base_order must be 1.." + std::to_string(detail::max_base_order)};
    unsigned const mates = static_cast<unsigned>(inputs.size());
    std::vector<std::unique_ptr<detail::fastq_splitter>> in;
    for (auto const & p : inputs)
        in.push_back(std::make_unique<detail::fastq_splitter>(p));

    atomic_output_file out{output};
    auto const header = detail::file_header_bytes(mates, opt.block_records, opt.base_order);
    out.write(header.data(), header.size());
    std::vector<detail::block_entry> index;

    struct batch
    {
        detail::mate_block m[2];
    };
    struct result // reused by the pipeline's slots, so its buffers are allocated (and faulted in) once
    {
        std::vector<std::uint8_t> bytes;
        detail::encode_scratch scratch;
    };
    bool finished = false;
    auto produce = [&](batch & b) {
        if (finished)
            return false;
        for (unsigned k = 0; k < mates; ++k)
            in[k]->read(b.m[k], opt.block_records);
        if (mates == 2)
        {
            auto const n0 = b.m[0].records.size(), n1 = b.m[1].records.size();
            if (n0 != n1)
            {
                unsigned const shorter = n0 < n1 ? 0 : 1;
                throw parse_error{inputs[shorter], in[shorter]->records_read() + 1,
                                  inputs[shorter] + " has fewer records than " + inputs[1 - shorter] +
                                      " (ends at record " + std::to_string(in[shorter]->records_read()) + ")"};
            }
            for (std::size_t i = 0; i < n0; ++i)
            {
                auto const a = detail::header_name(b.m[0].header(i)), c = detail::header_name(b.m[1].header(i));
                if (io::mate_base_name(a) != io::mate_base_name(c))
                    throw parse_error{inputs[0], in[0]->records_read() - n0 + i + 1,
                                      "mate names differ: '" + std::string{a} + "' in " + inputs[0] + " vs '" +
                                          std::string{c} + "' in " + inputs[1]};
            }
            if (in[0]->at_end() != in[1]->at_end())
            {
                // One file ended exactly at a block boundary: the other must have nothing but blank lines left.
                unsigned const open = in[0]->at_end() ? 1 : 0;
                detail::mate_block rest;
                in[open]->read(rest, 1);
                if (!rest.records.empty())
                    throw parse_error{inputs[1 - open], in[1 - open]->records_read() + 1,
                                      inputs[1 - open] + " has fewer records than " + inputs[open] + " (ends at record " +
                                          std::to_string(in[1 - open]->records_read()) + ")"};
                b.m[open].append(rest.bytes, rest.storage.empty());
                b.m[open].trailer_len = rest.trailer_len;
            }
        }
        finished = in[0]->at_end();
        bool empty = true;
        for (unsigned k = 0; k < mates; ++k)
            empty = empty && b.m[k].bytes.empty();
        return !empty;
    };
    auto work = [&](batch & b, result & r) {
        detail::mate_block const * m[2] = {&b.m[0], &b.m[1]};
        detail::encode_block({m, mates}, opt.base_order, r.bytes, r.scratch);
    };
    auto consume = [&](batch & b, result & r) {
        index.push_back({out.size(), r.bytes.size(), static_cast<std::uint32_t>(b.m[0].records.size()), 0});
        out.write(r.bytes.data(), r.bytes.size());
    };
    run_ordered_pipeline<batch, result>(pipeline_options{opt.threads, 0}, produce, work, consume);
    auto const tail = detail::index_bytes(index, out.size());
    out.write(tail.data(), tail.size());
    out.commit();
}

//! Reads the header and block index of a .wfq file (validated).
inline archive_info read_info(std::string const & path)
{
    detail::mapped_file f{path};
    auto const c = detail::open_container(f.bytes(), path);
    archive_info info{c.mates == 2, c.block_records, c.records, {}};
    for (auto const & b : c.blocks)
        info.blocks.push_back({b.offset, b.size, b.first_record, b.records});
    return info;
}

//! Decompresses a .wfq held in memory into one string per mate (for tests and fuzzing).
inline std::vector<std::string> decompress_bytes(std::span<std::uint8_t const> file,
                                                 decompress_options const & opt = {},
                                                 std::string const & source = "<memory>")
{
    auto const c = detail::open_container(file, source);
    std::vector<std::string> out(c.mates);
    std::string part[2];
    std::uint64_t const end = opt.first_block + std::min<std::uint64_t>(opt.block_count, c.blocks.size());
    for (std::uint64_t k = opt.first_block; k < std::min<std::uint64_t>(end, c.blocks.size()); ++k)
    {
        detail::decode_container_block(file, c, k, part, opt.max_block_bytes, source);
        for (unsigned m = 0; m < c.mates; ++m)
            out[m] += part[m];
    }
    return out;
}

//! Decompresses input into one output file per mate (outputs.size() must match the file's mate count).
inline void decompress(std::string const & input, std::vector<std::string> const & outputs,
                       decompress_options const & opt = {})
{
    detail::mapped_file f{input};
    auto const file = f.bytes();
    auto const c = detail::open_container(file, input);
    if (outputs.size() != c.mates)
        throw invalid_argument{input + " holds " + std::string{c.mates == 2 ? "paired reads: give two outputs"
                                                                            : "single reads: give one output"}};
    if (opt.first_block > c.blocks.size() ||
        (opt.block_count != std::numeric_limits<std::uint64_t>::max() &&
         opt.block_count > c.blocks.size() - opt.first_block))
        throw invalid_argument{input + " has " + std::to_string(c.blocks.size()) + " blocks (0.." +
                               std::to_string(c.blocks.empty() ? 0 : c.blocks.size() - 1) +
                               "): the block range asked for is out of range"};
    std::uint64_t const end = opt.first_block + std::min<std::uint64_t>(opt.block_count, c.blocks.size() - opt.first_block);

    std::vector<std::unique_ptr<atomic_output_file>> out;
    for (auto const & p : outputs)
        out.push_back(std::make_unique<atomic_output_file>(p));
    struct batch
    {
        std::uint64_t block{0};
    };
    struct result
    {
        std::string mate[2];
    };
    std::uint64_t next = opt.first_block;
    auto produce = [&](batch & b) {
        if (next >= end)
            return false;
        b.block = next++;
        return true;
    };
    auto work = [&](batch & b, result & r) {
        detail::decode_container_block(file, c, b.block, r.mate, opt.max_block_bytes, input);
    };
    auto consume = [&](batch &, result & r) {
        for (unsigned m = 0; m < c.mates; ++m)
            out[m]->write(r.mate[m].data(), r.mate[m].size());
    };
    run_ordered_pipeline<batch, result>(pipeline_options{opt.threads, 0}, produce, work, consume);
    for (auto & o : out)
        o->commit();
}

} // namespace wgskit::codec::fastq
