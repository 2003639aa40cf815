// Lossless FASTQ codec (.wfq).
#pragma once

#include <wgskit/codec/fastq/fastq_codec.hpp>
