// Crypt: GA4GH crypt4gh v1 encryption at rest (keys, streaming encryption and decryption). Needs libsodium: link
// wgskit::crypt (find_package(wgskit COMPONENTS crypt)), not only wgskit::wgskit; wgskit/all.hpp leaves it out.
#pragma once

#include <wgskit/crypt/crypt4gh.hpp>
#include <wgskit/crypt/keys.hpp>
