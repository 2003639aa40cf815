// Compiler and platform requirements shared by every wgskit header.
#pragma once

#if __cplusplus < 202002L
#error "wgskit needs C++20 (-std=c++20)"
#endif

#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ < 11
#error "wgskit needs g++ 11 or newer"
#endif

#include <bit>

static_assert(std::endian::native == std::endian::little,
              "wgskit's packed formats assume a little-endian machine (x86-64, AArch64)");

#if defined(__GNUC__)
#define WGSKIT_ALWAYS_INLINE inline __attribute__((always_inline))
#define WGSKIT_LIKELY(x) __builtin_expect(!!(x), 1)
#define WGSKIT_UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define WGSKIT_ALWAYS_INLINE inline
#define WGSKIT_LIKELY(x) (x)
#define WGSKIT_UNLIKELY(x) (x)
#endif
