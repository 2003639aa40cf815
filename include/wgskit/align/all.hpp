// Pairwise alignment (wgskit::align): affine-gap local, global, semi-global and seed extension; scalar full-DP
// references with CIGAR traceback, and SIMD kernels that score many pairs at once.
#pragma once

#include <wgskit/align/batch.hpp>
#include <wgskit/align/config.hpp>
#include <wgskit/align/pairwise.hpp>
#include <wgskit/align/scoring.hpp>
