// A reference FASTA read straight into 2-bit form: each record is packed as soon as it is read, so only one
// contig is ever held as text. Letters outside IUPAC are a parse_error naming the file, the record and the position.
#pragma once

#include <string>
#include <vector>

#include <wgskit/codec/twobit/packed_dna.hpp>
#include <wgskit/core/exception.hpp>
#include <wgskit/io/fasta.hpp>

namespace wgskit::io
{

struct packed_contig
{
    std::string name;
    codec::twobit::packed_dna sequence;
};

//! Every record of a FASTA file (plain or gzip), packed. An empty file is an error: a reference has sequences.
inline std::vector<packed_contig> read_packed_reference(std::string const & path)
{
    fasta_reader in{path};
    fasta_record rec;
    std::vector<packed_contig> contigs;
    while (in.next(rec))
    {
        try
        {
            contigs.push_back({rec.name, codec::twobit::pack(rec.sequence)});
        }
        catch (invalid_argument const & e)
        {
            throw parse_error{path, in.records_read(), "sequence '" + rec.name + "': " + e.what()};
        }
        rec.sequence.clear();
        rec.sequence.shrink_to_fit();
    }
    if (contigs.empty())
        throw parse_error{path, 0, "no sequences in the reference"};
    return contigs;
}

} // namespace wgskit::io
