// The whole public API of wgskit.
#pragma once

#include <wgskit/align/all.hpp>
#include <wgskit/bam/all.hpp>
#include <wgskit/codec/bgzf/all.hpp>
#include <wgskit/codec/fastq/all.hpp>
#include <wgskit/codec/rans/all.hpp>
#include <wgskit/codec/twobit/all.hpp>
#include <wgskit/core/all.hpp>
#include <wgskit/fm/all.hpp>
#include <wgskit/io/all.hpp>
#include <wgskit/kmer/all.hpp>
#include <wgskit/map/all.hpp>
#include <wgskit/qc/all.hpp>
#include <wgskit/simd/all.hpp>
#include <wgskit/vcf/all.hpp>
#include <wgskit/version.hpp>
#include <wgskit/workflow/all.hpp>
