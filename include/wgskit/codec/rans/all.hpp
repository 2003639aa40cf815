// rANS Nx16, the CRAM 3.1 entropy coder (wgskit::codec::rans), byte-compatible with htscodecs.
#pragma once

#include <wgskit/codec/rans/rans_nx16.hpp>
