// Quality control: read statistics (wgskit::qc).
#pragma once

#include <wgskit/qc/read_qc.hpp>
#include <wgskit/qc/read_stats.hpp>
