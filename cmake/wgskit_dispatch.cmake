# Runtime SIMD dispatch for programs built on wgskit.
#
#   wgskit_enable_runtime_dispatch(<target>)
#
# Used as a plain header-only library, wgskit's kernels run on the architecture that the compile flags give
# (xsimd::default_arch). This helper makes one binary that picks the best architecture at start instead:
# the kernels are explicitly instantiated once per architecture in translation units of their own, each built
# with that architecture's flags, and the headers declare them `extern template`, so no wider instruction leaks
# into the code that runs first on an older CPU. The per-architecture objects are linked after the target's own
# objects, so where an inline function is emitted in both, the linker keeps the baseline copy.
# WGSKIT_SIMD=scalar|sse4_2|avx2|avx512bw (environment) forces one at run time.
include_guard(GLOBAL)

set(_wgskit_dispatch_dir "${CMAKE_CURRENT_LIST_DIR}")

# Architectures and the flags that build their translation unit (x86-64). On AArch64, neon64 is the baseline
# and needs no translation unit of its own.
set(WGSKIT_DISPATCH_X86_ARCHS sse4_2 avx2 avx512bw)
# No floating-point contraction (a * b + c fused where -mfma allows): float kernels (the pair-HMM) must give
# results bit-identical to their scalar reference, which the baseline build computes unfused.
set(WGSKIT_DISPATCH_FLAGS_sse4_2 -msse4.2 -mpopcnt)
set(WGSKIT_DISPATCH_FLAGS_avx2 -ffp-contract=off -mavx2 -mfma -mbmi -mbmi2 -mpopcnt -mlzcnt)
set(WGSKIT_DISPATCH_FLAGS_avx512bw -ffp-contract=off -mavx512f -mavx512cd -mavx512dq -mavx512bw -mavx512vl -mavx2 -mfma -mbmi
    -mbmi2 -mpopcnt -mlzcnt)

function(wgskit_enable_runtime_dispatch target)
    if(NOT CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64)$")
        return()   # header-only dispatch on the baseline architecture (neon64 on AArch64)
    endif()
    get_target_property(_already ${target} WGSKIT_RUNTIME_DISPATCH)
    if(_already)
        return()
    endif()
    set_target_properties(${target} PROPERTIES WGSKIT_RUNTIME_DISPATCH ON)

    set(_defs WGSKIT_RUNTIME_DISPATCH=1)
    foreach(arch IN LISTS WGSKIT_DISPATCH_X86_ARCHS)
        string(TOUPPER ${arch} _ARCH)
        list(APPEND _defs WGSKIT_DISPATCH_${_ARCH}=1)
    endforeach()

    # The per-architecture libraries are built once and shared by every target of the project that asks.
    foreach(arch IN LISTS WGSKIT_DISPATCH_X86_ARCHS)
        set(_lib wgskit_kernels_${arch})
        if(NOT TARGET ${_lib})
            set(_src ${CMAKE_BINARY_DIR}/wgskit_dispatch/${_lib}.cpp)
            set(WGSKIT_ARCH ${arch})
            configure_file(${_wgskit_dispatch_dir}/wgskit_instantiate.cpp.in ${_src} @ONLY)
            add_library(${_lib} STATIC ${_src})
            target_link_libraries(${_lib} PRIVATE wgskit::wgskit)
            target_compile_definitions(${_lib} PRIVATE ${_defs})
            target_compile_options(${_lib} PRIVATE ${WGSKIT_DISPATCH_FLAGS_${arch}})
        endif()
        target_link_libraries(${target} PRIVATE ${_lib})
    endforeach()
    target_compile_definitions(${target} PRIVATE ${_defs})
endfunction()
