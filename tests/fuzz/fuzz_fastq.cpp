// Fuzzes the FASTQ reader (plain and gzip input), record by record and in batches: it must either read the
// input or throw a wgskit exception — never crash, hang, leak or read out of bounds.
#include <cstdlib>

#include <wgskit/io/fastq.hpp>

#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const * data, std::size_t size)
{
    wgskit::fuzz::memory_file file{data, size};
    std::uint64_t by_record = 0, by_batch = 0;
    bool record_error = false, batch_error = false;
    try
    {
        wgskit::io::fastq_reader in{file.path(), 64}; // a tiny buffer exercises records that straddle refills
        wgskit::io::fastq_record rec;
        while (in.next(rec))
        {
            if (rec.sequence.size() != rec.qualities.size())
                std::abort();
            ++by_record;
        }
    }
    catch (std::runtime_error const &)
    {
        record_error = true;
    }
    try
    {
        wgskit::io::fastq_reader in{file.path()};
        wgskit::io::read_batch batch;
        while (in.read_batch(batch, 3))
            by_batch += batch.size();
    }
    catch (std::runtime_error const &)
    {
        batch_error = true;
    }
    // Both ways of reading must agree on the verdict, and on the records when the input is valid.
    if (record_error != batch_error || (!record_error && by_record != by_batch))
        std::abort();
    return 0;
}
