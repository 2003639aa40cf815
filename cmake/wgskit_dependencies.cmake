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

# Libraries Debian 12 ships without a CMake package: wgskit::<name> from a plain search of header and library.
# REQUIRED: a missing one is fatal, naming its Debian package; otherwise the target is just not made.
function(wgskit_import_plain_library name header package)
    cmake_parse_arguments(arg "REQUIRED" "" "NAMES" ${ARGN})
    if(TARGET wgskit::${name})
        return()
    endif()
    string(TOUPPER "${name}" var)
    find_path(WGSKIT_${var}_INCLUDE_DIR ${header})
    find_library(WGSKIT_${var}_LIBRARY NAMES ${arg_NAMES})
    if(NOT WGSKIT_${var}_INCLUDE_DIR OR NOT WGSKIT_${var}_LIBRARY)
        if(arg_REQUIRED)
            message(FATAL_ERROR "wgskit needs ${name} (Debian: ${package}); run scripts/setup")
        endif()
        return()
    endif()
    add_library(wgskit::${name} UNKNOWN IMPORTED)
    set_target_properties(wgskit::${name} PROPERTIES
        IMPORTED_LOCATION "${WGSKIT_${var}_LIBRARY}"
        INTERFACE_INCLUDE_DIRECTORIES "${WGSKIT_${var}_INCLUDE_DIR}")
endfunction()

# DEFLATE (BGZF, gzip input).
wgskit_import_plain_library(libdeflate libdeflate.h libdeflate-dev REQUIRED NAMES deflate libdeflate)
# Streaming gzip inflate (plain gzip FASTQ: one large member, which libdeflate cannot stream).
wgskit_import_plain_library(isal isa-l/igzip_lib.h libisal-dev REQUIRED NAMES isal)
# zstd for temporary files only wgskit reads back (the sorter's spilled runs).
wgskit_import_plain_library(zstd zstd.h libzstd-dev REQUIRED NAMES zstd libzstd)

# JSON for metrics and reports.
wgskit_find_dependency(nlohmann_json 3.10)

# libsodium (Debian: libsodium-dev) for the optional crypt block (GA4GH crypt4gh): only wgskit::crypt links it, so
# a consumer that does not use encryption does not need it.
wgskit_import_plain_library(sodium sodium.h libsodium-dev NAMES sodium libsodium)
