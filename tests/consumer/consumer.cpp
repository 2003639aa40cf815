// Packs a sequence, reverse-complements it and prints the result with the SIMD architecture used.
#include <cstdio>
#include <string>

#include <wgskit/all.hpp>

int main()
{
    auto const packed = wgskit::codec::twobit::pack("ACGTNacgtRYACGTACGTACGTACGTACGTACGTACGT");
    std::string const rc = wgskit::codec::twobit::unpack(wgskit::codec::twobit::reverse_complement(packed));
    std::printf("%s %s %s\n", rc.c_str(), std::string{wgskit::simd::isa_name(wgskit::simd::active_isa())}.c_str(),
                WGSKIT_VERSION_STRING);
    return rc == "ACGTACGTACGTACGTACGTACGTACGTRYacgtNACGT" ? 0 : 1;
}
