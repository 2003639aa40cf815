// The test program's entry point. WGSKIT_SIMD forces the architecture of the whole run (see tests/CMakeLists.txt);
// exit code 77 tells ctest the CPU lacks it, so the run is skipped rather than failed.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <cstdio>

#include <wgskit/simd/arch.hpp>

int main(int argc, char ** argv)
{
    try
    {
        std::printf("wgskit_tests: SIMD architecture %s\n",
                    std::string{wgskit::simd::isa_name(wgskit::simd::active_isa())}.c_str());
    }
    catch (wgskit::unsupported_architecture const & e)
    {
        std::printf("skipped: %s\n", e.what());
        return 77;
    }
    return Catch::Session().run(argc, argv);
}
