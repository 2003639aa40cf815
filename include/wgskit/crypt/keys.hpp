// crypt4gh key files (the format of the GA4GH reference tools, so keys are interchangeable with them):
//   public:  "-----BEGIN CRYPT4GH PUBLIC KEY-----", base64 of the 32-byte X25519 key, "-----END ...-----"
//   secret:  "-----BEGIN CRYPT4GH PRIVATE KEY-----", base64 of
//            "c4gh-v1" || string kdfname || [string rounds(4, big-endian) || salt] || string ciphername
//            || string blob || [string comment], where string = 2-byte big-endian length || bytes.
//            kdf "none" + cipher "none": blob is the 32-byte key. kdf "scrypt" (N=2^14, r=8, p=1, 32-byte output)
//            + cipher "chacha20_poly1305": blob is nonce(12) || ChaCha20-IETF-Poly1305(passphrase key, secret).
// bcrypt and pbkdf2_hmac_sha256 protected keys (which the reference tool can also write) are rejected with a clear
// message. Secret material is wiped from memory when it is no longer needed.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include <wgskit/core/atomic_file.hpp>
#include <wgskit/core/exception.hpp>
#include <wgskit/crypt/detail/sodium.hpp>
#include <wgskit/io/input_file.hpp>

namespace wgskit::crypt
{

//! An X25519 public key (K_p in the specification).
struct public_key
{
    detail::key32 bytes{};
    friend bool operator==(public_key const &, public_key const &) = default;
};

//! An X25519 secret key (K_s); its bytes are wiped by the destructor.
struct secret_key
{
    detail::key32 bytes{};

    secret_key() = default;
    secret_key(secret_key const &) = default;
    secret_key & operator=(secret_key const &) = default;
    ~secret_key() { detail::wipe(bytes); }

    //! K_p = X25519(K_s, 9).
    public_key public_part() const
    {
        detail::ensure_sodium();
        public_key p;
        ::crypto_scalarmult_base(p.bytes.data(), bytes.data());
        return p;
    }
};

struct keypair
{
    public_key pub;
    secret_key sec;
};

//! A new key pair from the operating system's cryptographic random generator.
inline keypair generate_keypair()
{
    detail::ensure_sodium();
    keypair k;
    ::randombytes_buf(k.sec.bytes.data(), k.sec.bytes.size());
    k.pub = k.sec.public_part();
    return k;
}

namespace detail
{

inline constexpr std::string_view public_begin = "-----BEGIN CRYPT4GH PUBLIC KEY-----";
inline constexpr std::string_view public_end = "-----END CRYPT4GH PUBLIC KEY-----";
inline constexpr std::string_view private_begin = "-----BEGIN CRYPT4GH PRIVATE KEY-----";
inline constexpr std::string_view private_end = "-----END CRYPT4GH PRIVATE KEY-----";
inline constexpr std::string_view private_magic = "c4gh-v1";
// scrypt parameters of the reference implementation (its files store rounds = 0 for scrypt).
inline constexpr std::uint64_t scrypt_n = 1u << 14;
inline constexpr std::uint32_t scrypt_r = 8, scrypt_p = 1;
inline constexpr std::size_t scrypt_salt_bytes = 16;

inline std::string base64_encode(std::uint8_t const * data, std::size_t n)
{
    std::string out(sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL), '\0');
    ::sodium_bin2base64(out.data(), out.size(), data, n, sodium_base64_VARIANT_ORIGINAL);
    out.resize(std::strlen(out.c_str()));
    return out;
}

//! The base64 body between begin and end markers, decoded. Throws parse_error naming the file.
inline std::vector<std::uint8_t> pem_body(std::string_view text, std::string_view begin, std::string_view end,
                                          std::string const & file)
{
    auto const b = text.find(begin);
    if (b == std::string_view::npos)
        throw parse_error{file, 0, "not a crypt4gh key: no \"" + std::string{begin} + "\" line"};
    auto const body_start = b + begin.size();
    auto const e = text.find(end, body_start);
    if (e == std::string_view::npos)
        throw parse_error{file, 0, "not a crypt4gh key: no \"" + std::string{end} + "\" line"};
    std::string_view const body = text.substr(body_start, e - body_start);
    std::vector<std::uint8_t> out(body.size());
    std::size_t n = 0;
    char const * stop = nullptr;
    if (::sodium_base642bin(out.data(), out.size(), body.data(), body.size(), " \t\r\n", &n, &stop,
                            sodium_base64_VARIANT_ORIGINAL) != 0 ||
        stop != body.data() + body.size())
        throw parse_error{file, 0, "crypt4gh key: the key data is not valid base64"};
    out.resize(n);
    return out;
}

inline std::string pem(std::string_view begin, std::string_view end, std::uint8_t const * data, std::size_t n)
{
    return std::string{begin} + "\n" + base64_encode(data, n) + "\n" + std::string{end} + "\n";
}

inline void append_string(std::vector<std::uint8_t> & out, std::uint8_t const * data, std::size_t n)
{
    out.push_back(static_cast<std::uint8_t>(n >> 8));
    out.push_back(static_cast<std::uint8_t>(n));
    out.insert(out.end(), data, data + n);
}
inline void append_string(std::vector<std::uint8_t> & out, std::string_view s)
{
    append_string(out, reinterpret_cast<std::uint8_t const *>(s.data()), s.size());
}

//! Reads the 2-byte big-endian length-prefixed strings of a c4gh-v1 private key.
class string_reader
{
public:
    string_reader(std::vector<std::uint8_t> const & bytes, std::size_t start, std::string const & file) :
        bytes_{bytes}, at_{start}, file_{file}
    {}

    std::string_view next(char const * what)
    {
        if (bytes_.size() - at_ < 2)
            throw parse_error{file_, 0, std::string{"crypt4gh private key is truncated before its "} + what};
        std::size_t const n = std::size_t{bytes_[at_]} << 8 | bytes_[at_ + 1];
        at_ += 2;
        if (bytes_.size() - at_ < n)
            throw parse_error{file_, 0, std::string{"crypt4gh private key is truncated in its "} + what};
        std::string_view s{reinterpret_cast<char const *>(bytes_.data() + at_), n};
        at_ += n;
        return s;
    }

private:
    std::vector<std::uint8_t> const & bytes_;
    std::size_t at_;
    std::string const & file_;
};

//! The 32-byte key that encrypts a secret key under a passphrase (scrypt as the reference tool runs it).
inline key32 passphrase_key(std::string_view passphrase, std::uint8_t const * salt, std::size_t salt_n)
{
    key32 k{};
    if (::crypto_pwhash_scryptsalsa208sha256_ll(reinterpret_cast<std::uint8_t const *>(passphrase.data()),
                                                passphrase.size(), salt, salt_n, scrypt_n, scrypt_r, scrypt_p,
                                                k.data(), k.size()) != 0)
        throw std::runtime_error{"crypt: scrypt failed (out of memory?)"};
    return k;
}

inline std::string read_small_file(std::string const & path)
{
    io::detail::file_descriptor const fd{path};
    constexpr std::size_t limit = std::size_t{1} << 20; // key files are a few hundred bytes
    std::string text(limit + 1, '\0');
    text.resize(fd.read_some(text.data(), text.size(), path));
    if (text.size() > limit)
        throw parse_error{path, 0, "not a crypt4gh key: larger than 1 MiB"};
    return text;
}

} // namespace detail

//! The public key file text.
inline std::string format_public_key(public_key const & k)
{
    return detail::pem(detail::public_begin, detail::public_end, k.bytes.data(), k.bytes.size());
}

//! The secret key file text: unprotected ("none"/"none") when passphrase is empty, else scrypt + chacha20_poly1305.
inline std::string format_secret_key(secret_key const & k, std::string_view passphrase = {})
{
    detail::ensure_sodium();
    std::vector<std::uint8_t> blob;
    blob.insert(blob.end(), detail::private_magic.begin(), detail::private_magic.end());
    if (passphrase.empty())
    {
        detail::append_string(blob, "none");
        detail::append_string(blob, "none");
        detail::append_string(blob, k.bytes.data(), k.bytes.size());
    }
    else
    {
        std::uint8_t options[4 + detail::scrypt_salt_bytes] = {}; // rounds = 0 (big-endian), then the salt
        ::randombytes_buf(options + 4, detail::scrypt_salt_bytes);
        detail::key32 pk = detail::passphrase_key(passphrase, options + 4, detail::scrypt_salt_bytes);
        std::uint8_t sealed[detail::nonce_bytes + detail::key_bytes + detail::mac_bytes];
        detail::seal(pk, k.bytes.data(), k.bytes.size(), nullptr, 0, sealed);
        detail::wipe(pk);
        detail::append_string(blob, "scrypt");
        detail::append_string(blob, options, sizeof options);
        detail::append_string(blob, "chacha20_poly1305");
        detail::append_string(blob, sealed, sizeof sealed);
    }
    std::string text = detail::pem(detail::private_begin, detail::private_end, blob.data(), blob.size());
    ::sodium_memzero(blob.data(), blob.size());
    return text;
}

//! Parses a public key file's text; file names it in errors.
inline public_key parse_public_key(std::string_view text, std::string const & file)
{
    auto const bytes = detail::pem_body(text, detail::public_begin, detail::public_end, file);
    if (bytes.size() != detail::key_bytes)
        throw parse_error{file, 0, "crypt4gh public key: " + std::to_string(bytes.size()) + " bytes, expected 32"};
    public_key k;
    std::memcpy(k.bytes.data(), bytes.data(), detail::key_bytes);
    return k;
}

//! Whether a secret key file's text needs a passphrase.
inline bool secret_key_is_protected(std::string_view text, std::string const & file)
{
    auto bytes = detail::pem_body(text, detail::private_begin, detail::private_end, file);
    if (bytes.size() < detail::private_magic.size() ||
        std::string_view{reinterpret_cast<char const *>(bytes.data()), detail::private_magic.size()} !=
            detail::private_magic)
        throw parse_error{file, 0, "crypt4gh private key: no \"c4gh-v1\" magic"};
    detail::string_reader r{bytes, detail::private_magic.size(), file};
    bool const is_protected = r.next("kdf name") != "none";
    ::sodium_memzero(bytes.data(), bytes.size());
    return is_protected;
}

//! Parses a secret key file's text; passphrase is used only if the key is protected.
inline secret_key parse_secret_key(std::string_view text, std::string const & file, std::string_view passphrase = {})
{
    detail::ensure_sodium();
    auto bytes = detail::pem_body(text, detail::private_begin, detail::private_end, file);
    struct wipe_on_exit
    {
        std::vector<std::uint8_t> & b;
        ~wipe_on_exit() { ::sodium_memzero(b.data(), b.size()); }
    } guard{bytes};
    if (bytes.size() < detail::private_magic.size() ||
        std::string_view{reinterpret_cast<char const *>(bytes.data()), detail::private_magic.size()} !=
            detail::private_magic)
        throw parse_error{file, 0, "crypt4gh private key: no \"c4gh-v1\" magic"};
    detail::string_reader r{bytes, detail::private_magic.size(), file};
    std::string_view const kdf = r.next("kdf name");
    std::string_view options;
    if (kdf != "none")
    {
        if (kdf != "scrypt")
            throw parse_error{file, 0, "crypt4gh private key: key derivation \"" + std::string{kdf} +
                                           "\" is not supported (only none and scrypt)"};
        options = r.next("kdf options");
        if (options.size() < 4 + 8)
            throw parse_error{file, 0, "crypt4gh private key: scrypt salt is too short"};
    }
    std::string_view const cipher = r.next("cipher name");
    std::string_view const blob = r.next("key data");
    secret_key k;
    if (kdf == "none")
    {
        if (cipher != "none")
            throw parse_error{file, 0, "crypt4gh private key: kdf none with cipher \"" + std::string{cipher} + "\""};
        if (blob.size() != detail::key_bytes)
            throw parse_error{file, 0, "crypt4gh private key: " + std::to_string(blob.size()) +
                                           " bytes of key data, expected 32"};
        std::memcpy(k.bytes.data(), blob.data(), detail::key_bytes);
        return k;
    }
    if (cipher != "chacha20_poly1305")
        throw parse_error{file, 0, "crypt4gh private key: cipher \"" + std::string{cipher} + "\" is not supported"};
    if (blob.size() != detail::nonce_bytes + detail::key_bytes + detail::mac_bytes)
        throw parse_error{file, 0, "crypt4gh private key: encrypted key data has " + std::to_string(blob.size()) +
                                       " bytes, expected 60"};
    if (passphrase.empty())
        throw invalid_argument{file + ": the secret key is protected by a passphrase; none was given"};
    auto const * salt = reinterpret_cast<std::uint8_t const *>(options.data()) + 4;
    detail::key32 pk = detail::passphrase_key(passphrase, salt, options.size() - 4);
    bool const ok = detail::unseal(pk, reinterpret_cast<std::uint8_t const *>(blob.data()), blob.size(), nullptr, 0,
                                 k.bytes.data());
    detail::wipe(pk);
    if (!ok)
        throw invalid_argument{file + ": wrong passphrase for the secret key (or the key file is corrupted)"};
    return k;
}

inline public_key read_public_key(std::string const & path)
{
    return parse_public_key(detail::read_small_file(path), path);
}

inline secret_key read_secret_key(std::string const & path, std::string_view passphrase = {})
{
    std::string text = detail::read_small_file(path);
    secret_key k = parse_secret_key(text, path, passphrase);
    ::sodium_memzero(text.data(), text.size());
    return k;
}

//! Writes NAME.pub (mode 0644) and NAME.sec (mode 0600), each atomically. Refuses to replace existing files
//! unless overwrite is set (a lost secret key cannot be recovered).
inline void write_keypair(std::string const & name, keypair const & k, std::string_view passphrase = {},
                          bool overwrite = false)
{
    std::string const pub = name + ".pub", sec = name + ".sec";
    if (!overwrite)
        for (auto const & p : {pub, sec})
            if (::access(p.c_str(), F_OK) == 0)
                throw io_error{p, "exists; not replacing a key file"};
    std::string text = format_secret_key(k.sec, passphrase);
    {
        atomic_output_file out{sec, 0600};
        out.write(text);
        out.commit();
    }
    ::sodium_memzero(text.data(), text.size());
    write_file_atomically(pub, format_public_key(k.pub));
}

} // namespace wgskit::crypt
