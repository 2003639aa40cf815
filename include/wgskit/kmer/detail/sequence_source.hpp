// Sequences from FASTA and FASTQ files (plain or gzip, format detected per file from its first letter; "-",
// standard input, is read as FASTQ) in batches for the pipeline.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <wgskit/core/exception.hpp>
#include <wgskit/io/fasta.hpp>
#include <wgskit/io/fastq.hpp>
#include <wgskit/io/input_file.hpp>

namespace wgskit::kmer::detail
{

struct sequence_batch
{
    bool is_fastq = true;
    io::read_batch fastq;
    std::vector<std::string> fasta; // reused; the first fasta_records are this batch's
    std::size_t fasta_records = 0;

    std::size_t size() const noexcept { return is_fastq ? fastq.size() : fasta_records; }
    std::string_view sequence(std::size_t i) const noexcept { return is_fastq ? fastq.sequence(i) : fasta[i]; }
};

class sequence_source
{
public:
    explicit sequence_source(std::vector<std::string> paths) : paths_{std::move(paths)} {}

    //! Fills the batch from the current file, moving on to the next ones; false once all are read.
    bool fill(sequence_batch & b)
    {
        while (true)
        {
            if (!fastq_ && !fasta_)
            {
                if (next_ == paths_.size())
                    return false;
                open(paths_[next_++]);
                continue;
            }
            if (fastq_)
            {
                b.is_fastq = true;
                if (fastq_->read_batch(b.fastq))
                    return true;
                fastq_.reset();
                continue;
            }
            b.is_fastq = false;
            b.fasta_records = 0;
            std::uint64_t bases = 0;
            while (b.fasta_records < 1024 && bases < (std::uint64_t{1} << 22) && fasta_->next(record_))
            {
                if (b.fasta.size() == b.fasta_records)
                    b.fasta.emplace_back();
                bases += record_.sequence.size();
                std::swap(b.fasta[b.fasta_records++], record_.sequence);
            }
            if (b.fasta_records > 0)
                return true;
            fasta_.reset();
        }
    }

private:
    void open(std::string const & path)
    {
        if (path == "-") // standard input cannot be read twice: FASTQ
        {
            fastq_ = std::make_unique<io::fastq_reader>(path);
            return;
        }
        char first = 0;
        {
            io::input_file in{path};
            char buf[4096];
            while (first == 0)
            {
                std::size_t const n = in.read(buf, sizeof buf);
                if (n == 0)
                    break;
                for (std::size_t i = 0; i < n && first == 0; ++i)
                    if (buf[i] != ' ' && buf[i] != '\t' && buf[i] != '\r' && buf[i] != '\n')
                        first = buf[i];
            }
        }
        if (first == 0)
            return; // empty: no sequences
        if (first == '@')
            fastq_ = std::make_unique<io::fastq_reader>(path);
        else if (first == '>')
            fasta_ = std::make_unique<io::fasta_reader>(path);
        else
            throw parse_error{path, 1, std::string{"neither FASTA ('>') nor FASTQ ('@'): starts with '"} + first + "'"};
    }

    std::vector<std::string> paths_;
    std::size_t next_ = 0;
    std::unique_ptr<io::fastq_reader> fastq_;
    std::unique_ptr<io::fasta_reader> fasta_;
    io::fasta_record record_;
};

} // namespace wgskit::kmer::detail
