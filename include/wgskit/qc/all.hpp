// Quality control: read and alignment statistics, coverage, the HTML report and MultiQC content (wgskit::qc).
#pragma once

#include <wgskit/qc/alignment_stats.hpp>
#include <wgskit/qc/read_qc.hpp>
#include <wgskit/qc/read_stats.hpp>
#include <wgskit/qc/report.hpp>
