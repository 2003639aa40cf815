// Alignment files: BAM/SAM records and headers, readers and writers, coordinate sort, duplicate marking, BAI
// (wgskit::bam).
#pragma once

#include <wgskit/bam/bai.hpp>
#include <wgskit/bam/header.hpp>
#include <wgskit/bam/markdup.hpp>
#include <wgskit/bam/reader.hpp>
#include <wgskit/bam/record.hpp>
#include <wgskit/bam/sam.hpp>
#include <wgskit/bam/sort.hpp>
#include <wgskit/bam/stream.hpp>
#include <wgskit/bam/writer.hpp>
