// BGZF (SAM specification §4.1): multithreaded reader and writer, virtual offsets, .gzi index
// (wgskit::codec::bgzf). Interoperable with bgzip, htslib and samtools.
#pragma once

#include <wgskit/codec/bgzf/gzi_index.hpp>
#include <wgskit/codec/bgzf/reader.hpp>
#include <wgskit/codec/bgzf/writer.hpp>
