# ctest driver: install wgskit into a staging prefix, build tests/consumer against it, run both programs.
# Inputs: WGSKIT_BINARY_DIR, CONSUMER_SOURCE_DIR, WORK_DIR.
file(REMOVE_RECURSE ${WORK_DIR})
set(prefix ${WORK_DIR}/prefix)

function(run)
    execute_process(COMMAND ${ARGV} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
    if(NOT rc EQUAL 0)
        message(FATAL_ERROR "failed (${rc}): ${ARGV}\n${out}\n${err}")
    endif()
    set(last_output "${out}" PARENT_SCOPE)
endfunction()

run(${CMAKE_COMMAND} --install ${WGSKIT_BINARY_DIR} --prefix ${prefix})
run(${CMAKE_COMMAND} -S ${CONSUMER_SOURCE_DIR} -B ${WORK_DIR}/build -DCMAKE_PREFIX_PATH=${prefix}
    -DCMAKE_BUILD_TYPE=Release)
run(${CMAKE_COMMAND} --build ${WORK_DIR}/build -j2)
foreach(program consumer_header_only consumer_dispatch consumer_crypt)
    if(program STREQUAL "consumer_crypt" AND NOT EXISTS ${WORK_DIR}/build/${program})
        message(FATAL_ERROR "the installed wgskit has no crypt component (wgskitCryptTargets.cmake, libsodium)")
    endif()
    run(${WORK_DIR}/build/${program})
    message(STATUS "${program}: ${last_output}")
endforeach()
