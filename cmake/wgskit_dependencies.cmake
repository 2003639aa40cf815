# Finds what wgskit::wgskit needs. Used by the build tree and by the installed wgskitConfig.cmake,
# so that a consumer gets exactly the same dependencies.
include_guard(GLOBAL)
include(CMakeFindDependencyMacro)

# Inside find_package(wgskit) a missing dependency makes wgskit not found; in our own build it is fatal.
macro(wgskit_find_dependency)
    if(CMAKE_FIND_PACKAGE_NAME STREQUAL "wgskit")
        find_dependency(${ARGV})
    else()
        find_package(${ARGV} REQUIRED)
    endif()
endmacro()

set(THREADS_PREFER_PTHREAD_FLAG ON)
wgskit_find_dependency(Threads)
wgskit_find_dependency(ZLIB)
wgskit_find_dependency(xsimd 8.1)
# Debian's xsimd target asks to link "xtl", which it does not need and which is not installed: take only its
# include folder.
if(NOT TARGET wgskit::xsimd)
    get_target_property(_wgskit_xsimd_include xsimd INTERFACE_INCLUDE_DIRECTORIES)
    add_library(wgskit::xsimd INTERFACE IMPORTED)
    set_target_properties(wgskit::xsimd PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "${_wgskit_xsimd_include}")
endif()
# SeqAn3 asks for update notifications by default; they are never wanted in a pipeline.
set(SEQAN3_NO_VERSION_CHECK ON CACHE BOOL "")
# wgskit's own headers do not include SeqAn3 (the benchmarks use it as a baseline); SeqAn3 3.2 accepts only g++,
# so with another compiler (clang for the fuzzers) wgskit goes on without it.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    wgskit_find_dependency(seqan3 3.2)
else()
    find_package(seqan3 3.2 QUIET)
endif()
# seqan3::seqan3 is an alias of a non-imported target, which an export cannot name: wrap it in an imported one.
if(NOT TARGET wgskit::seqan3)
    add_library(wgskit::seqan3 INTERFACE IMPORTED)
    if(TARGET seqan3::seqan3)
        target_link_libraries(wgskit::seqan3 INTERFACE seqan3::seqan3)
    else()
        message(STATUS "wgskit: SeqAn3 is not usable with ${CMAKE_CXX_COMPILER_ID}; going on without it")
    endif()
endif()

# libdeflate 1.14 (Debian 12) ships no CMake package: an imported target from pkg-config or a plain search.
if(NOT TARGET wgskit::libdeflate)
    find_path(WGSKIT_LIBDEFLATE_INCLUDE_DIR libdeflate.h)
    find_library(WGSKIT_LIBDEFLATE_LIBRARY NAMES deflate libdeflate)
    if(NOT WGSKIT_LIBDEFLATE_INCLUDE_DIR OR NOT WGSKIT_LIBDEFLATE_LIBRARY)
        message(FATAL_ERROR "wgskit needs libdeflate (Debian: libdeflate-dev); run scripts/setup")
    endif()
    add_library(wgskit::libdeflate UNKNOWN IMPORTED)
    set_target_properties(wgskit::libdeflate PROPERTIES
        IMPORTED_LOCATION "${WGSKIT_LIBDEFLATE_LIBRARY}"
        INTERFACE_INCLUDE_DIRECTORIES "${WGSKIT_LIBDEFLATE_INCLUDE_DIR}")
endif()

# zstd (Debian: libzstd-dev) for temporary files only wgskit reads back (the sorter's spilled runs). Debian's
# libzstd-dev ships a pkg-config file but no CMake package: a plain search, as for libdeflate.
if(NOT TARGET wgskit::zstd)
    find_path(WGSKIT_ZSTD_INCLUDE_DIR zstd.h)
    find_library(WGSKIT_ZSTD_LIBRARY NAMES zstd libzstd)
    if(NOT WGSKIT_ZSTD_INCLUDE_DIR OR NOT WGSKIT_ZSTD_LIBRARY)
        message(FATAL_ERROR "wgskit needs libzstd (Debian: libzstd-dev); run scripts/setup")
    endif()
    add_library(wgskit::zstd UNKNOWN IMPORTED)
    set_target_properties(wgskit::zstd PROPERTIES
        IMPORTED_LOCATION "${WGSKIT_ZSTD_LIBRARY}"
        INTERFACE_INCLUDE_DIRECTORIES "${WGSKIT_ZSTD_INCLUDE_DIR}")
endif()

# JSON for metrics and reports.
wgskit_find_dependency(nlohmann_json 3.10)

# libsodium (Debian: libsodium-dev) for the optional crypt block (GA4GH crypt4gh): only wgskit::crypt links it, so
# a consumer that does not use encryption does not need it. No CMake package upstream: a plain search.
if(NOT TARGET wgskit::sodium)
    find_path(WGSKIT_SODIUM_INCLUDE_DIR sodium.h)
    find_library(WGSKIT_SODIUM_LIBRARY NAMES sodium libsodium)
    if(WGSKIT_SODIUM_INCLUDE_DIR AND WGSKIT_SODIUM_LIBRARY)
        add_library(wgskit::sodium UNKNOWN IMPORTED)
        set_target_properties(wgskit::sodium PROPERTIES
            IMPORTED_LOCATION "${WGSKIT_SODIUM_LIBRARY}"
            INTERFACE_INCLUDE_DIRECTORIES "${WGSKIT_SODIUM_INCLUDE_DIR}")
    endif()
endif()
