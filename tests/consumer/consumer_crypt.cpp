// The optional crypt component: a crypt4gh round trip through iostreams.
#include <cstdio>
#include <sstream>

#include <wgskit/crypt/all.hpp>

int main()
{
    auto const reader = wgskit::crypt::generate_keypair();
    std::istringstream plain{"ACGTACGT"};
    std::stringstream sealed;
    wgskit::crypt::encrypt_stream(plain, sealed, {reader.pub});
    std::ostringstream back;
    wgskit::crypt::decrypt_stream(sealed, back, reader.sec);
    std::printf("crypt4gh round trip: %s\n", back.str().c_str());
    return back.str() == "ACGTACGT" ? 0 : 1;
}
