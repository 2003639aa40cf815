// Asking Linux for transparent huge pages on a large buffer before it is first written: one page fault per 2 MB
// instead of 512 (page faults are expensive on virtual machines), and fewer TLB misses on random access (the
// FASTQ codec's context tables, the FM-index walked at random by the mapper).
#pragma once

#include <cstddef>
#include <cstdint>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace wgskit
{

inline constexpr std::size_t huge_page_bytes = std::size_t{2} << 20;

//! A hint for the 2 MB-aligned part of [p, p + bytes); failure (or another OS) only costs speed.
inline void advise_huge_pages([[maybe_unused]] void * p, [[maybe_unused]] std::size_t bytes) noexcept
{
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    auto const begin = (reinterpret_cast<std::uintptr_t>(p) + huge_page_bytes - 1) & ~(huge_page_bytes - 1);
    auto const end = (reinterpret_cast<std::uintptr_t>(p) + bytes) & ~(huge_page_bytes - 1);
    if (end > begin)
        ::madvise(reinterpret_cast<void *>(begin), end - begin, MADV_HUGEPAGE);
#endif
}

} // namespace wgskit
