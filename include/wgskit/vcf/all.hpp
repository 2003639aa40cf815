// VCF 4.3: header, records, reader, writer (plain or BGZF with a .tbi / .csi index), indexed region queries
// (wgskit::vcf).
#pragma once

#include <wgskit/vcf/header.hpp>
#include <wgskit/vcf/index.hpp>
#include <wgskit/vcf/reader.hpp>
#include <wgskit/vcf/record.hpp>
#include <wgskit/vcf/writer.hpp>
