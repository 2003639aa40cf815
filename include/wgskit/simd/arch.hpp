// SIMD architectures and dispatch.
//
// A kernel is a class template on the xsimd architecture whose static member functions are defined out of the
// class (so never implicitly inline), plus a specialisation on simd::scalar that calls the plain reference:
//
//   template <class Arch> struct pack_kernel { static std::size_t run(char const *, std::size_t, ...) noexcept; };
//   WGSKIT_DECLARE_KERNEL(pack_kernel)    // extern template for the runtime-dispatched architectures
//
//   simd::dispatch<pack_kernel>([&](auto kernel) { return kernel.run(...); });
//
// Two modes:
//  * header-only (default): the architectures are those the compile flags enable (xsimd's XSIMD_WITH_*),
//    instantiated implicitly where used;
//  * WGSKIT_RUNTIME_DISPATCH (set by the CMake helper wgskit_enable_runtime_dispatch): sse4_2, avx2 and avx512bw
//    are instantiated in translation units of their own, built with their flags, and declared extern here.
// In both, the environment variable WGSKIT_SIMD=scalar|sse4_2|avx2|avx512bw|neon64 forces one architecture
// (wgskit::unsupported_architecture if it is not compiled in or the CPU lacks it); tests use force_isa().
#pragma once

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <xsimd/xsimd.hpp>

#include <wgskit/core/exception.hpp>
#include <wgskit/core/platform.hpp>
#include <wgskit/simd/detail/cpu_features.hpp>

// Which architectures this translation unit can reach (1) or not (0).
#if defined(WGSKIT_RUNTIME_DISPATCH)
#define WGSKIT_EXTERN_ARCHS 1
#ifdef WGSKIT_DISPATCH_SSE4_2
#define WGSKIT_HAS_SSE4_2 1
#else
#define WGSKIT_HAS_SSE4_2 0
#endif
#ifdef WGSKIT_DISPATCH_AVX2
#define WGSKIT_HAS_AVX2 1
#else
#define WGSKIT_HAS_AVX2 0
#endif
#ifdef WGSKIT_DISPATCH_AVX512BW
#define WGSKIT_HAS_AVX512BW 1
#else
#define WGSKIT_HAS_AVX512BW 0
#endif
#else
#define WGSKIT_EXTERN_ARCHS 0
#define WGSKIT_HAS_SSE4_2 XSIMD_WITH_SSE4_2
#define WGSKIT_HAS_AVX2 XSIMD_WITH_AVX2
#define WGSKIT_HAS_AVX512BW XSIMD_WITH_AVX512BW
#endif
#define WGSKIT_HAS_NEON64 XSIMD_WITH_NEON64

// extern template declarations for the runtime-dispatched architectures: their code comes from the
// per-architecture translation units (see cmake/wgskit_dispatch.cmake), never from this one.
#if WGSKIT_EXTERN_ARCHS && WGSKIT_HAS_SSE4_2
#define WGSKIT_EXTERN_KERNEL_SSE4_2(K) extern template struct K<xsimd::sse4_2>;
#else
#define WGSKIT_EXTERN_KERNEL_SSE4_2(K)
#endif
#if WGSKIT_EXTERN_ARCHS && WGSKIT_HAS_AVX2
#define WGSKIT_EXTERN_KERNEL_AVX2(K) extern template struct K<xsimd::avx2>;
#else
#define WGSKIT_EXTERN_KERNEL_AVX2(K)
#endif
#if WGSKIT_EXTERN_ARCHS && WGSKIT_HAS_AVX512BW
#define WGSKIT_EXTERN_KERNEL_AVX512BW(K) extern template struct K<xsimd::avx512bw>;
#else
#define WGSKIT_EXTERN_KERNEL_AVX512BW(K)
#endif

//! Put after a kernel class template's definition, at global scope, with its qualified name.
#define WGSKIT_DECLARE_KERNEL(K) WGSKIT_EXTERN_KERNEL_SSE4_2(K) WGSKIT_EXTERN_KERNEL_AVX2(K) WGSKIT_EXTERN_KERNEL_AVX512BW(K)

namespace wgskit::simd
{

//! The tag of the plain scalar reference implementation of every kernel.
struct scalar
{
    static constexpr char const * name() noexcept { return "scalar"; }
};

//! The instruction sets wgskit dispatches between.
enum class isa : std::uint8_t
{
    scalar,
    sse4_2,
    avx2,
    avx512bw,
    neon64
};

constexpr std::string_view isa_name(isa i) noexcept
{
    switch (i)
    {
        case isa::scalar: return "scalar";
        case isa::sse4_2: return "sse4_2";
        case isa::avx2: return "avx2";
        case isa::avx512bw: return "avx512bw";
        case isa::neon64: return "neon64";
    }
    return "unknown";
}

//! Parses a name as WGSKIT_SIMD takes it ("sse4.2" is accepted for sse4_2).
inline std::optional<isa> parse_isa(std::string_view s) noexcept
{
    for (isa i : {isa::scalar, isa::sse4_2, isa::avx2, isa::avx512bw, isa::neon64})
        if (s == isa_name(i))
            return i;
    if (s == "sse4.2")
        return isa::sse4_2;
    return std::nullopt;
}

//! Whether this build contains code for i.
constexpr bool compiled_in(isa i) noexcept
{
    switch (i)
    {
        case isa::scalar: return true;
        case isa::sse4_2: return WGSKIT_HAS_SSE4_2;
        case isa::avx2: return WGSKIT_HAS_AVX2;
        case isa::avx512bw: return WGSKIT_HAS_AVX512BW;
        case isa::neon64: return WGSKIT_HAS_NEON64;
    }
    return false;
}

//! Whether the running CPU and operating system can execute i.
inline bool cpu_supports(isa i) noexcept
{
    auto const & f = detail::cpu();
    switch (i)
    {
        case isa::scalar: return true;
        case isa::sse4_2: return f.sse4_2;
        case isa::avx2: return f.avx2;
        case isa::avx512bw: return f.avx512bw;
        case isa::neon64: return f.neon64;
    }
    return false;
}

//! Compiled-in architectures, best first, scalar last.
inline std::vector<isa> compiled_isas()
{
    std::vector<isa> out;
    for (isa i : {isa::avx512bw, isa::avx2, isa::sse4_2, isa::neon64, isa::scalar})
        if (compiled_in(i))
            out.push_back(i);
    return out;
}

//! Compiled-in architectures this CPU can run, best first, scalar last.
inline std::vector<isa> available_isas()
{
    std::vector<isa> out;
    for (isa i : compiled_isas())
        if (cpu_supports(i))
            out.push_back(i);
    return out;
}

namespace detail
{
// The test hook's override; -1 when none.
inline std::atomic<int> & forced_isa() noexcept
{
    static std::atomic<int> value{-1};
    return value;
}

inline void require_available(isa i, std::string_view what)
{
    if (!compiled_in(i))
        throw unsupported_architecture{std::string{what} + ": SIMD architecture '" + std::string{isa_name(i)} +
                                       "' is not compiled into this build"};
    if (!cpu_supports(i))
        throw unsupported_architecture{std::string{what} + ": this CPU does not support SIMD architecture '" +
                                       std::string{isa_name(i)} + "'"};
}

// The architecture chosen at start: WGSKIT_SIMD if set, otherwise the best available.
inline isa startup_isa()
{
    if (char const * env = std::getenv("WGSKIT_SIMD"); env != nullptr && *env != '\0')
    {
        auto const parsed = parse_isa(env);
        if (!parsed)
            throw unsupported_architecture{"WGSKIT_SIMD=" + std::string{env} +
                                           ": unknown architecture (use scalar, sse4_2, avx2, avx512bw or neon64)"};
        require_available(*parsed, "WGSKIT_SIMD");
        return *parsed;
    }
    return available_isas().front();
}
} // namespace detail

//! The best architecture this build and CPU offer.
inline isa best_isa() { return available_isas().front(); }

//! The architecture kernels run on now. Throws unsupported_architecture for a bad WGSKIT_SIMD.
inline isa active_isa()
{
    if (int const forced = detail::forced_isa().load(std::memory_order_relaxed); forced >= 0)
        return static_cast<isa>(forced);
    static isa const chosen = detail::startup_isa();
    return chosen;
}

//! Forces (or, with nullopt, releases) the architecture for the whole process: for tests and benchmarks.
inline void force_isa(std::optional<isa> i)
{
    if (i)
        detail::require_available(*i, "force_isa");
    detail::forced_isa().store(i ? static_cast<int>(*i) : -1, std::memory_order_relaxed);
}

//! Forces an architecture for a scope.
class scoped_isa
{
public:
    explicit scoped_isa(isa i) : previous_{detail::forced_isa().load()} { force_isa(i); }
    ~scoped_isa() { detail::forced_isa().store(previous_); }
    scoped_isa(scoped_isa const &) = delete;
    scoped_isa & operator=(scoped_isa const &) = delete;

private:
    int previous_;
};

//! Calls f(Kernel<Arch>{}) for the architecture i (which must be compiled in).
template <template <class> class Kernel, class F>
decltype(auto) dispatch_to(isa i, F && f)
{
    switch (i)
    {
#if WGSKIT_HAS_AVX512BW
        case isa::avx512bw: return f(Kernel<xsimd::avx512bw>{});
#endif
#if WGSKIT_HAS_AVX2
        case isa::avx2: return f(Kernel<xsimd::avx2>{});
#endif
#if WGSKIT_HAS_SSE4_2
        case isa::sse4_2: return f(Kernel<xsimd::sse4_2>{});
#endif
#if WGSKIT_HAS_NEON64
        case isa::neon64: return f(Kernel<xsimd::neon64>{});
#endif
        default: return f(Kernel<scalar>{});
    }
}

//! Calls f(Kernel<Arch>{}) for the active architecture.
template <template <class> class Kernel, class F>
decltype(auto) dispatch(F && f)
{
    return dispatch_to<Kernel>(active_isa(), static_cast<F &&>(f));
}

} // namespace wgskit::simd
