// Every wgskit kernel, for the per-architecture translation units that wgskit_enable_runtime_dispatch() generates.
// A new kernel class template is added to both lists below.
#pragma once

#include <wgskit/align/detail/diagonal_kernel.hpp>
#include <wgskit/align/detail/inter_pair_kernel.hpp>
#include <wgskit/align/detail/local_diagonal_kernel.hpp>
#include <wgskit/align/detail/striped_kernel.hpp>
#include <wgskit/call/detail/pairhmm_kernel.hpp>
#include <wgskit/codec/rans/detail/rans_x32_encode_kernel.hpp>
#include <wgskit/codec/rans/detail/rans_x32_kernel.hpp>
#include <wgskit/codec/twobit/detail/twobit_kernel.hpp>
#include <wgskit/kmer/detail/minimizer_kernel.hpp>

#define WGSKIT_INSTANTIATE_ALL_KERNELS(ARCH) \
    template struct wgskit::align::detail::diagonal_kernel<ARCH>; \
    template struct wgskit::align::detail::inter_pair_kernel<ARCH>; \
    template struct wgskit::align::detail::local_diagonal_kernel<ARCH>; \
    template struct wgskit::align::detail::striped_kernel<ARCH>; \
    template struct wgskit::call::detail::pairhmm_kernel<ARCH>; \
    template struct wgskit::codec::rans::detail::rans_x32_encode_kernel<ARCH>; \
    template struct wgskit::codec::rans::detail::rans_x32_kernel<ARCH>; \
    template struct wgskit::codec::twobit::detail::twobit_kernel<ARCH>; \
    template struct wgskit::kmer::detail::minimizer_kernel<ARCH>;
