// In-process record streaming between blocks: a producer (the mapper, a file reader, the sorter's merge) pushes
// bam::record objects into a record_sink; a consumer pulls them from a record_source. No SAM text in between.
//
//   bam::reader in{"in.bam"};                        // record_source
//   bam::coordinate_sorter sorter{in.header(), opt}; // record_sink (sort.hpp)
//   bam::pump(in, sorter);                           // or: the mapper calls sorter.write(std::move(rec))
//   sorter.finish();
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include <wgskit/bam/header.hpp>
#include <wgskit/bam/record.hpp>

namespace wgskit::bam
{

//! Receives records in order. write() may be called from one thread at a time; close() finishes the output
//! (a sink destroyed without close() discards what it produced, where that applies).
class record_sink
{
public:
    virtual ~record_sink() = default;
    virtual void write(record const & r) = 0;
    //! Sinks that keep records (the sorter) take them without a copy.
    virtual void write(record && r) { write(static_cast<record const &>(r)); }
    virtual void close() = 0;
};

//! Yields records in order with the header they refer to.
class record_source
{
public:
    virtual ~record_source() = default;
    virtual bam::header const & header() const = 0;
    //! Next record into r; false at the end. Throws parse_error on bad input.
    virtual bool read(record & r) = 0;
};

//! Copies every record of in to out (does not close out). Returns the number of records.
inline std::uint64_t pump(record_source & in, record_sink & out)
{
    std::uint64_t n = 0;
    record r;
    while (in.read(r))
    {
        out.write(std::move(r));
        ++n;
    }
    return n;
}

//! A sink that keeps records in memory (tests, small data).
class vector_sink : public record_sink
{
public:
    void write(record const & r) override { records.push_back(r); }
    void write(record && r) override { records.push_back(std::move(r)); }
    void close() override {}
    std::vector<record> records;
};

} // namespace wgskit::bam
