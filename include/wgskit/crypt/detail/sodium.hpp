// libsodium set-up and the few primitives crypt4gh combines: X25519 + BLAKE2b shared keys (crypt4gh v1 section
// 3.3.1) and ChaCha20-IETF-Poly1305 sealing (RFC 8439, as section 3.4.1 uses it).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>

#include <sodium.h>

namespace wgskit::crypt::detail
{

inline constexpr std::size_t key_bytes = 32;
inline constexpr std::size_t nonce_bytes = crypto_aead_chacha20poly1305_IETF_NPUBBYTES; // 12
inline constexpr std::size_t mac_bytes = crypto_aead_chacha20poly1305_IETF_ABYTES;     // 16
static_assert(nonce_bytes == 12 && mac_bytes == 16 && crypto_scalarmult_BYTES == key_bytes);

using key32 = std::array<std::uint8_t, key_bytes>;

//! sodium_init() once per process (thread-safe in libsodium; repeated calls are cheap).
inline void ensure_sodium()
{
    if (::sodium_init() < 0)
        throw std::runtime_error{"crypt: libsodium could not be initialised"};
}

//! Overwrites secrets before their memory is reused.
template <typename T>
void wipe(T & object) noexcept
{
    ::sodium_memzero(&object, sizeof object);
}

//! K_shared = first 32 bytes of BLAKE2b-512(X25519(own_secret, peer_public) || reader_public || writer_public).
//! Returns false for a peer key of small order (the Diffie-Hellman result would be all zeros).
inline bool shared_key(key32 const & own_secret, key32 const & peer_public, key32 const & reader_public,
                       key32 const & writer_public, key32 & out) noexcept
{
    std::uint8_t material[3 * key_bytes];
    if (::crypto_scalarmult(material, own_secret.data(), peer_public.data()) != 0)
    {
        wipe(material);
        return false;
    }
    std::memcpy(material + key_bytes, reader_public.data(), key_bytes);
    std::memcpy(material + 2 * key_bytes, writer_public.data(), key_bytes);
    std::uint8_t hash[crypto_generichash_BYTES_MAX]; // 64: the spec hashes with BLAKE2b-512 and keeps the start
    static_assert(sizeof hash == 64);
    ::crypto_generichash(hash, sizeof hash, material, sizeof material, nullptr, 0);
    std::memcpy(out.data(), hash, key_bytes);
    wipe(material);
    wipe(hash);
    return true;
}

//! out = nonce || ciphertext || MAC for plain (aad may be empty), with a fresh random nonce.
inline void seal(key32 const & key, std::uint8_t const * plain, std::size_t n, std::uint8_t const * aad,
                 std::size_t aad_n, std::uint8_t * out) noexcept
{
    ::randombytes_buf(out, nonce_bytes);
    unsigned long long written = 0;
    ::crypto_aead_chacha20poly1305_ietf_encrypt(out + nonce_bytes, &written, plain, n, aad, aad_n, nullptr, out,
                                                key.data());
}

//! Verifies and decrypts nonce || ciphertext || MAC (n bytes in all) into plain (n - 28 bytes); false if the MAC
//! does not verify (libsodium checks the MAC before decrypting, and then leaves plain zeroed).
inline bool unseal(key32 const & key, std::uint8_t const * sealed, std::size_t n, std::uint8_t const * aad,
                 std::size_t aad_n, std::uint8_t * plain) noexcept
{
    if (n < nonce_bytes + mac_bytes)
        return false;
    unsigned long long written = 0;
    return ::crypto_aead_chacha20poly1305_ietf_decrypt(plain, &written, nullptr, sealed + nonce_bytes,
                                                       n - nonce_bytes, aad, aad_n, sealed, key.data()) == 0;
}

} // namespace wgskit::crypt::detail
