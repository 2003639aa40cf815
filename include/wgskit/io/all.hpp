// All of wgskit's sequence file input: FASTQ (single, paired, interleaved), FASTA, .fai random access.
#pragma once

#include <wgskit/io/faidx.hpp>
#include <wgskit/io/fasta.hpp>
#include <wgskit/io/fastq.hpp>
#include <wgskit/io/input_file.hpp>
#include <wgskit/io/mapped_file.hpp>
#include <wgskit/io/packed_reference.hpp>
#include <wgskit/io/paired_fastq.hpp>
