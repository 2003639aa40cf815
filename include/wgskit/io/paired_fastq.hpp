// Paired-end FASTQ: two files read in lockstep, or one interleaved file (mates alternate). Mate names must agree
// (a trailing "/1" or "/2" is ignored); a file ending before its mate is an error naming both files.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include <wgskit/core/exception.hpp>
#include <wgskit/io/fastq.hpp>

namespace wgskit::io
{

//! Tag selecting interleaved input in paired_fastq_reader.
struct interleaved_t
{
    explicit interleaved_t() = default;
};
inline constexpr interleaved_t interleaved{};

//! A read name without a trailing "/1" or "/2" mate suffix.
inline std::string_view mate_base_name(std::string_view name) noexcept
{
    if (name.size() >= 2 && name[name.size() - 2] == '/' && (name.back() == '1' || name.back() == '2'))
        name.remove_suffix(2);
    return name;
}

class paired_fastq_reader
{
public:
    static constexpr std::size_t default_batch_pairs = fastq_reader::default_batch_records;
    static constexpr std::uint64_t default_batch_bases = fastq_reader::default_batch_bases;

    //! Mates in two files (R1, R2).
    paired_fastq_reader(std::string path1, std::string path2) :
        r1_{std::move(path1)},
        r2_{std::make_unique<fastq_reader>(std::move(path2))}
    {}

    //! Mates alternating in one file.
    paired_fastq_reader(std::string path, interleaved_t) : r1_{std::move(path)} {}

    bool is_interleaved() const noexcept { return r2_ == nullptr; }
    std::string const & path1() const noexcept { return r1_.path(); }
    std::string const & path2() const noexcept { return r2_ ? r2_->path() : r1_.path(); }
    std::uint64_t pairs_read() const noexcept { return pairs_; }

    //! Fills mates1/mates2 with up to max_pairs pairs (mates1[i] pairs with mates2[i]), stopping early once
    //! mates1 holds max_bases bases. Returns false at the end of the input.
    bool read_batch(io::read_batch & mates1,
                    io::read_batch & mates2,
                    std::size_t max_pairs = default_batch_pairs,
                    std::uint64_t max_bases = default_batch_bases)
    {
        if (r2_)
        {
            r1_.read_batch(mates1, max_pairs, max_bases);
            if (mates1.empty())
            {
                mates2.clear();
                if (r2_->read_batch(mates2, 1))
                    fewer(r1_, *r2_);
                return false;
            }
            r2_->read_batch(mates2, mates1.size(), std::numeric_limits<std::uint64_t>::max());
            if (mates2.size() < mates1.size())
                fewer(*r2_, r1_);
            for (std::size_t i = 0; i < mates1.size(); ++i)
                check_names(mates1.name(i), mates2.name(i), mates1.first_record() + i);
        }
        else
        {
            mates1.clear();
            mates2.clear();
            r1_.read_batch(scratch_, 2 * max_pairs, 2 * max_bases);
            if (scratch_.empty())
                return false;
            for (std::size_t i = 0; i + 1 < scratch_.size(); i += 2)
                push_pair(mates1, mates2, scratch_[i], scratch_[i + 1], scratch_.first_record() + i + 1);
            if (scratch_.size() % 2 == 1)
            {
                if (!r1_.next(odd_))
                    throw parse_error{r1_.path(), r1_.records_read(),
                                      "odd number of records in interleaved file: record " +
                                          std::to_string(r1_.records_read()) + " has no mate"};
                push_pair(mates1, mates2, scratch_[scratch_.size() - 1], odd_.view(), r1_.records_read());
            }
            mates1.set_first_record(pairs_ + 1);
            mates2.set_first_record(pairs_ + 1);
        }
        pairs_ += mates1.size();
        return true;
    }

    //! Reads the next pair. Returns false at the end of the input.
    bool next(fastq_record & mate1, fastq_record & mate2)
    {
        bool got1 = r1_.next(mate1);
        if (r2_)
        {
            bool got2 = r2_->next(mate2);
            if (!got1 && !got2)
                return false;
            if (!got1)
                fewer(r1_, *r2_);
            if (!got2)
                fewer(*r2_, r1_);
            check_names(mate1.name, mate2.name, r1_.records_read());
        }
        else
        {
            if (!got1)
                return false;
            if (!r1_.next(mate2))
                throw parse_error{r1_.path(), r1_.records_read(),
                                  "odd number of records in interleaved file: record " +
                                      std::to_string(r1_.records_read()) + " has no mate"};
            check_names(mate1.name, mate2.name, r1_.records_read());
        }
        ++pairs_;
        return true;
    }

private:
    [[noreturn]] static void fewer(fastq_reader const & shorter, fastq_reader const & longer)
    {
        throw parse_error{shorter.path(), shorter.records_read() + 1,
                          shorter.path() + " has fewer records than " + longer.path() + " (ends at record " +
                              std::to_string(shorter.records_read()) + ")"};
    }

    void check_names(std::string_view a, std::string_view b, std::uint64_t record) const
    {
        if (WGSKIT_UNLIKELY(mate_base_name(a) != mate_base_name(b)))
        {
            std::string what = "mate names differ: '" + std::string{a} + "' in " + path1() + " vs '" +
                               std::string{b} + "' in " + path2();
            throw parse_error{path1(), record, what};
        }
    }

    void push_pair(io::read_batch & m1, io::read_batch & m2, fastq_record_view a, fastq_record_view b,
                   std::uint64_t record_of_b)
    {
        check_names(a.name, b.name, record_of_b);
        m1.push_back(a);
        m2.push_back(b);
    }

    fastq_reader r1_;
    std::unique_ptr<fastq_reader> r2_; // null when interleaved
    io::read_batch scratch_;
    fastq_record odd_;
    std::uint64_t pairs_{0};
};

} // namespace wgskit::io
