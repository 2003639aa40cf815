// 2-bit DNA: packing, unpacking and reverse complement with SIMD kernels (wgskit::codec::twobit).
#pragma once

#include <wgskit/codec/twobit/packed_dna.hpp>
