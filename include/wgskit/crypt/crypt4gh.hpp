// GA4GH crypt4gh v1 (hts-specs crypt4gh.pdf): files readable by the reference crypt4gh tools and writable by them.
//   header  = "crypt4gh" || le32 version 1 || le32 packet count || packets
//   packet  = le32 length || le32 method 0 (X25519_chacha20_ietf_poly1305) || writer public key (32) || nonce (12)
//             || ChaCha20-IETF-Poly1305(K_shared, payload) || MAC (16),
//             K_shared = BLAKE2b-512(X25519(K_sw, K_pr) || K_pr || K_pw)[0..32)
//   payload = le32 type 0 (data_encryption_parameters) || le32 method || data key (32) [|| le64 sequence number]
//   data    = segments of 64 KiB plaintext (the last one shorter), each nonce (12) || ciphertext || MAC (16).
// One header packet per recipient, all holding the same data key; by default the writer's key pair is fresh for
// every file and discarded (spec 3.3.1: then only the readers can open the header).
// Reading: packets that do not authenticate with the reader's key are skipped (they are for other readers); no
// usable packet at all is an authentication_error. Every segment is authenticated before any of its plaintext is
// written, so a modified byte stops decryption at its segment with an authentication_error.
// Data method 1 (chacha20_ietf_poly1305_with_AEAD: segment index + sequence number as associated data, and a final
// empty segment when the plaintext ends on a segment boundary) is read and can be written; it also detects
// dropped, reordered and truncated-at-a-boundary segments, which method 0 (the default, what the reference tool
// writes) cannot. Edit lists (data_edit_list packets) are not supported: such files are rejected with a clear error.
#pragma once

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <functional>
#include <istream>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <unistd.h>

#include <wgskit/bam/detail/binary.hpp>
#include <wgskit/core/atomic_file.hpp>
#include <wgskit/core/exception.hpp>
#include <wgskit/crypt/detail/sodium.hpp>
#include <wgskit/crypt/keys.hpp>
#include <wgskit/io/input_file.hpp>

namespace wgskit::crypt
{

inline constexpr std::size_t segment_size = 65536;
inline constexpr std::size_t segment_overhead = detail::nonce_bytes + detail::mac_bytes; // 28
inline constexpr std::size_t sealed_segment_size = segment_size + segment_overhead;     // 65564

enum class data_method : std::uint32_t
{
    chacha20_ietf_poly1305 = 0,
    chacha20_ietf_poly1305_with_aead = 1,
};

struct encrypt_options
{
    //! The writer's secret key (K_sw); none: a fresh key pair for this file, discarded afterwards.
    std::optional<secret_key> sender;
    data_method method{data_method::chacha20_ietf_poly1305};
};

//! A header packet or data segment failed to authenticate: wrong key, modified or truncated data.
class authentication_error : public parse_error
{
public:
    using parse_error::parse_error;
};

//! Receives output bytes in order.
using byte_sink = std::function<void(std::uint8_t const *, std::size_t)>;
//! Fills up to n bytes and returns how many; fewer than n only at the end of the input.
using byte_source = std::function<std::size_t(std::uint8_t *, std::size_t)>;

namespace detail
{

inline constexpr char magic[8] = {'c', 'r', 'y', 'p', 't', '4', 'g', 'h'};
inline constexpr std::uint32_t version = 1;
inline constexpr std::uint32_t packet_method_x25519_chacha20_ietf_poly1305 = 0;
inline constexpr std::uint32_t packet_type_data_encryption_parameters = 0;
inline constexpr std::uint32_t packet_type_data_edit_list = 1;
// le32 length, le32 method, writer key, nonce, MAC: an X25519 packet's bytes around its encrypted payload.
inline constexpr std::size_t x25519_packet_overhead = 4 + 4 + key_bytes + nonce_bytes + mac_bytes; // 68
inline constexpr std::size_t max_packet_length = std::size_t{1} << 20;

template <typename T>
void append_le(std::vector<std::uint8_t> & out, T v)
{
    std::uint8_t b[sizeof v];
    std::memcpy(b, &v, sizeof v); // little-endian host (core/platform.hpp)
    out.insert(out.end(), b, b + sizeof v);
}

template <typename T>
T load_le(std::uint8_t const * p) noexcept
{
    return bam::detail::load<T>(reinterpret_cast<char const *>(p));
}

//! The associated data of segment `index` in AEAD mode: le64(sequence number + index), wrapping.
inline std::array<std::uint8_t, 8> segment_aad(std::uint64_t sequence, std::uint64_t index) noexcept
{
    std::array<std::uint8_t, 8> a;
    std::uint64_t const n = sequence + index;
    std::memcpy(a.data(), &n, 8);
    return a;
}

//! The whole header: one data_encryption_parameters packet per recipient.
inline std::vector<std::uint8_t> make_header(std::vector<public_key> const & recipients, secret_key const & writer,
                                             data_method method, key32 const & data_key, std::uint64_t sequence)
{
    public_key const writer_public = writer.public_part();
    std::vector<std::uint8_t> payload;
    append_le(payload, packet_type_data_encryption_parameters);
    append_le(payload, static_cast<std::uint32_t>(method));
    payload.insert(payload.end(), data_key.begin(), data_key.end());
    if (method == data_method::chacha20_ietf_poly1305_with_aead)
        append_le(payload, sequence);

    std::vector<std::uint8_t> header(magic, magic + sizeof magic);
    append_le(header, version);
    append_le(header, static_cast<std::uint32_t>(recipients.size()));
    std::vector<std::uint8_t> sealed(nonce_bytes + payload.size() + mac_bytes);
    for (auto const & reader : recipients)
    {
        key32 shared{};
        if (!shared_key(writer.bytes, reader.bytes, reader.bytes, writer_public.bytes, shared))
            throw invalid_argument{"crypt: a recipient's public key is not a usable X25519 key"};
        seal(shared, payload.data(), payload.size(), nullptr, 0, sealed.data());
        wipe(shared);
        append_le(header, static_cast<std::uint32_t>(4 + 4 + key_bytes + sealed.size()));
        append_le(header, packet_method_x25519_chacha20_ietf_poly1305);
        header.insert(header.end(), writer_public.bytes.begin(), writer_public.bytes.end());
        header.insert(header.end(), sealed.begin(), sealed.end());
    }
    ::sodium_memzero(payload.data(), payload.size());
    return header;
}

//! What a reader learnt from the header.
struct header_keys
{
    std::vector<key32> keys;
    std::vector<std::uint64_t> sequences; // AEAD mode: one per key
    data_method method{data_method::chacha20_ietf_poly1305};

    ~header_keys()
    {
        for (auto & k : keys)
            wipe(k);
    }
};

//! Reads exactly n bytes or throws parse_error("truncated ...").
inline void read_exactly(byte_source const & in, std::uint8_t * dst, std::size_t n, std::string const & file,
                         char const * what)
{
    if (in(dst, n) != n)
        throw parse_error{file, 0, std::string{"truncated crypt4gh file: ends inside the "} + what};
}

inline header_keys read_header(byte_source const & in, secret_key const & reader, std::string const & file)
{
    std::uint8_t fixed[16];
    std::size_t const got = in(fixed, sizeof fixed);
    if (got < sizeof magic || std::memcmp(fixed, magic, sizeof magic) != 0)
        throw parse_error{file, 0, "not a crypt4gh file (no \"crypt4gh\" magic)"};
    if (got < sizeof fixed)
        throw parse_error{file, 0, "truncated crypt4gh file: ends inside the header"};
    std::uint32_t const ver = load_le<std::uint32_t>(fixed + 8);
    if (ver != version)
        throw parse_error{file, 0, "crypt4gh version " + std::to_string(ver) + " is not supported (only 1)"};
    std::uint32_t const count = load_le<std::uint32_t>(fixed + 12);
    if (count == 0)
        throw parse_error{file, 0, "crypt4gh header has no header packets"};

    public_key const reader_public = reader.public_part();
    header_keys result;
    bool have_method = false, have_edit_list = false;
    std::vector<std::uint8_t> packet, plain;
    for (std::uint32_t i = 0; i < count; ++i)
    {
        std::string const which = "header packet " + std::to_string(i + 1) + " of " + std::to_string(count);
        std::uint8_t len_bytes[4];
        read_exactly(in, len_bytes, 4, file, which.c_str());
        std::uint32_t const length = load_le<std::uint32_t>(len_bytes);
        if (length < 8 || length > max_packet_length)
            throw parse_error{file, 0, which + ": invalid packet length " + std::to_string(length)};
        packet.resize(length - 4);
        read_exactly(in, packet.data(), packet.size(), file, which.c_str());
        if (load_le<std::uint32_t>(packet.data()) != packet_method_x25519_chacha20_ietf_poly1305)
            continue; // an encryption method we do not know: another reader's packet, as far as we can tell
        if (length < x25519_packet_overhead)
            throw parse_error{file, 0, which + ": packet length " + std::to_string(length) +
                                           " is too short for X25519_chacha20_ietf_poly1305"};
        public_key writer_public;
        std::memcpy(writer_public.bytes.data(), packet.data() + 4, key_bytes);
        key32 shared{};
        if (!shared_key(reader.bytes, writer_public.bytes, reader_public.bytes, writer_public.bytes, shared))
            continue;
        std::uint8_t const * sealed = packet.data() + 4 + key_bytes;
        std::size_t const sealed_n = packet.size() - 4 - key_bytes;
        plain.assign(sealed_n - nonce_bytes - mac_bytes, 0);
        bool const ok = unseal(shared, sealed, sealed_n, nullptr, 0, plain.data());
        wipe(shared);
        if (!ok)
            continue; // for another reader (or modified: then no packet at all will work, reported below)

        if (plain.size() < 4)
            throw parse_error{file, 0, which + ": decrypted payload is too short"};
        std::uint32_t const type = load_le<std::uint32_t>(plain.data());
        if (type == packet_type_data_edit_list)
        {
            if (have_edit_list)
                throw parse_error{file, 0, "crypt4gh header has more than one edit list"};
            have_edit_list = true;
            continue; // rejected after the loop, once the key is known to be right
        }
        if (type != packet_type_data_encryption_parameters)
            throw parse_error{file, 0, which + ": unknown header packet type " + std::to_string(type)};
        if (plain.size() < 8)
            throw parse_error{file, 0, which + ": decrypted payload is too short"};
        std::uint32_t const m = load_le<std::uint32_t>(plain.data() + 4);
        if (m > static_cast<std::uint32_t>(data_method::chacha20_ietf_poly1305_with_aead))
            throw parse_error{file, 0, which + ": data encryption method " + std::to_string(m) + " is not supported"};
        auto const method = static_cast<data_method>(m);
        if (have_method && method != result.method)
            throw parse_error{file, 0, "crypt4gh header mixes data encryption methods"};
        have_method = true;
        result.method = method;
        std::size_t const need = method == data_method::chacha20_ietf_poly1305 ? 8 + key_bytes : 8 + key_bytes + 8;
        if (plain.size() < need)
            throw parse_error{file, 0, which + ": decrypted payload is too short for its data key"};
        key32 k;
        std::memcpy(k.data(), plain.data() + 8, key_bytes);
        result.keys.push_back(k);
        wipe(k);
        result.sequences.push_back(method == data_method::chacha20_ietf_poly1305_with_aead
                                       ? load_le<std::uint64_t>(plain.data() + 8 + key_bytes)
                                       : 0);
        ::sodium_memzero(plain.data(), plain.size());
    }
    if (result.keys.empty())
        throw authentication_error{file, 0,
                                   "no crypt4gh header packet could be decrypted with this secret key (the file was "
                                   "encrypted for another key, or its header was modified)"};
    if (have_edit_list)
        throw parse_error{file, 0, "crypt4gh edit lists are not supported by wgskit"};
    return result;
}

} // namespace detail

//! Streaming encryption: the header is written on construction, then each full 64 KiB of plaintext is sealed and
//! written as it arrives; finish() seals the rest. Memory: two segments.
class encryptor
{
public:
    encryptor(byte_sink sink, std::vector<public_key> const & recipients, encrypt_options const & opt = {}) :
        sink_{std::move(sink)}, method_{opt.method}
    {
        if (recipients.empty())
            throw invalid_argument{"crypt: encryption needs at least one recipient public key"};
        detail::ensure_sodium();
        ::crypto_aead_chacha20poly1305_ietf_keygen(key_.data());
        if (method_ == data_method::chacha20_ietf_poly1305_with_aead)
            ::randombytes_buf(&sequence_, sizeof sequence_);
        auto const header = detail::make_header(recipients, opt.sender ? *opt.sender : generate_keypair().sec,
                                                method_, key_, sequence_);
        sink_(header.data(), header.size());
        plain_.resize(segment_size);
        sealed_.resize(sealed_segment_size);
    }

    encryptor(encryptor const &) = delete;
    encryptor & operator=(encryptor const &) = delete;
    ~encryptor()
    {
        detail::wipe(key_);
        ::sodium_memzero(plain_.data(), plain_.size());
    }

    void write(void const * data, std::size_t n)
    {
        if (finished_)
            throw invalid_argument{"crypt::encryptor: write after finish"};
        auto const * p = static_cast<std::uint8_t const *>(data);
        while (n > 0)
        {
            std::size_t const take = std::min(n, segment_size - fill_);
            std::memcpy(plain_.data() + fill_, p, take);
            fill_ += take;
            p += take;
            n -= take;
            if (fill_ == segment_size)
                seal_segment();
        }
    }

    void finish()
    {
        if (finished_)
            return;
        finished_ = true;
        // Method 0 writes no empty segment; AEAD mode marks a plaintext ending on a segment boundary (or empty)
        // with one.
        if (fill_ > 0 || (method_ == data_method::chacha20_ietf_poly1305_with_aead))
            seal_segment();
    }

    std::uint64_t plaintext_bytes() const noexcept { return bytes_; }

private:
    void seal_segment()
    {
        auto const aad = detail::segment_aad(sequence_, segments_);
        bool const aead = method_ == data_method::chacha20_ietf_poly1305_with_aead;
        detail::seal(key_, plain_.data(), fill_, aead ? aad.data() : nullptr, aead ? aad.size() : 0, sealed_.data());
        sink_(sealed_.data(), fill_ + segment_overhead);
        bytes_ += fill_;
        ++segments_;
        fill_ = 0;
    }

    byte_sink sink_;
    data_method method_;
    detail::key32 key_{};
    std::uint64_t sequence_ = 0;
    std::vector<std::uint8_t> plain_, sealed_;
    std::size_t fill_ = 0;
    std::uint64_t segments_ = 0;
    std::uint64_t bytes_ = 0;
    bool finished_ = false;
};

struct decrypt_stats
{
    std::uint64_t plaintext_bytes = 0;
    std::uint64_t segments = 0;
};

//! Streaming decryption of a crypt4gh stream; file names the input in errors. Each segment is authenticated before
//! its plaintext goes to out; the first failure throws authentication_error (earlier segments were already
//! written: write to an atomic_output_file, as decrypt_file does, so that no partial output remains).
inline decrypt_stats decrypt(byte_source const & in, byte_sink const & out, secret_key const & reader,
                             std::string const & file)
{
    detail::ensure_sodium();
    detail::header_keys const header = detail::read_header(in, reader, file);
    bool const aead = header.method == data_method::chacha20_ietf_poly1305_with_aead;
    std::vector<std::uint8_t> sealed(sealed_segment_size), plain(segment_size);
    decrypt_stats stats;
    std::size_t last_plain = segment_size;
    for (;;)
    {
        std::size_t const got = in(sealed.data(), sealed.size());
        if (got == 0)
            break;
        std::string const which = "data segment " + std::to_string(stats.segments + 1);
        if (got < segment_overhead)
            throw parse_error{file, 0, "truncated crypt4gh file: " + which + " has " + std::to_string(got) +
                                           " bytes, fewer than its nonce and MAC"};
        bool ok = false;
        for (std::size_t k = 0; k < header.keys.size() && !ok; ++k)
        {
            auto const aad = detail::segment_aad(header.sequences[k], stats.segments);
            ok = detail::unseal(header.keys[k], sealed.data(), got, aead ? aad.data() : nullptr, aead ? aad.size() : 0,
                              plain.data());
        }
        if (!ok)
            throw authentication_error{file, 0, which + ": authentication failed (the data was modified, corrupted "
                                                        "or truncated); no plaintext of it was written"};
        last_plain = got - segment_overhead;
        out(plain.data(), last_plain);
        stats.plaintext_bytes += last_plain;
        ++stats.segments;
        if (got < sealed.size())
            break; // the short last segment; the source is at its end
    }
    if (std::uint8_t extra; in(&extra, 1) != 0)
        throw parse_error{file, 0, "crypt4gh data continues after a short final segment"};
    if (aead && last_plain == segment_size)
        throw authentication_error{file, 0, "truncated crypt4gh file: the final segment of AEAD mode is missing"};
    ::sodium_memzero(plain.data(), plain.size());
    return stats;
}

namespace detail
{

//! A byte_source over a file descriptor ("-" is stdin).
inline byte_source file_source(io::detail::file_descriptor & fd, std::string const & path)
{
    return [&fd, &path](std::uint8_t * dst, std::size_t n) {
        return fd.read_some(reinterpret_cast<char *>(dst), n, path);
    };
}

//! Output to a path through atomic_output_file, or to stdout for "-" (written as it comes).
class output_target
{
public:
    explicit output_target(std::string const & path, ::mode_t mode = 0644) : path_{path}
    {
        if (path != "-")
            file_.emplace(path, mode);
    }

    byte_sink sink()
    {
        return [this](std::uint8_t const * p, std::size_t n) {
            if (file_)
                return file_->write(p, n);
            while (n > 0)
            {
                ssize_t const w = ::write(STDOUT_FILENO, p, n);
                if (w < 0 && errno == EINTR)
                    continue;
                if (w < 0)
                    throw io_error{"<stdout>", std::string{"write failed: "} + std::strerror(errno)};
                p += w;
                n -= static_cast<std::size_t>(w);
            }
        };
    }

    void commit()
    {
        if (file_)
            file_->commit();
    }

private:
    std::string path_;
    std::optional<atomic_output_file> file_;
};

inline byte_source stream_source(std::istream & in)
{
    return [&in](std::uint8_t * dst, std::size_t n) {
        std::size_t got = 0;
        while (got < n && in)
        {
            in.read(reinterpret_cast<char *>(dst + got), static_cast<std::streamsize>(n - got));
            got += static_cast<std::size_t>(in.gcount());
        }
        if (in.bad())
            throw io_error{"<input stream>", "read failed"};
        return got;
    };
}

inline byte_sink stream_sink(std::ostream & out)
{
    return [&out](std::uint8_t const * p, std::size_t n) {
        if (!out.write(reinterpret_cast<char const *>(p), static_cast<std::streamsize>(n)))
            throw io_error{"<output stream>", "write failed"};
    };
}

//! Copies a byte_source into an encryptor.
inline void encrypt_all(byte_source const & in, encryptor & enc)
{
    std::vector<std::uint8_t> buf(segment_size * 4);
    for (;;)
    {
        std::size_t const got = in(buf.data(), buf.size());
        enc.write(buf.data(), got);
        if (got < buf.size())
            break;
    }
    enc.finish();
    ::sodium_memzero(buf.data(), buf.size());
}

} // namespace detail

//! Encrypts istream to ostream for the recipients.
inline void encrypt_stream(std::istream & in, std::ostream & out, std::vector<public_key> const & recipients,
                           encrypt_options const & opt = {})
{
    encryptor enc{detail::stream_sink(out), recipients, opt};
    detail::encrypt_all(detail::stream_source(in), enc);
}

//! Decrypts istream to ostream; name labels the input in errors.
inline decrypt_stats decrypt_stream(std::istream & in, std::ostream & out, secret_key const & reader,
                                    std::string const & name = "<input stream>")
{
    return decrypt(detail::stream_source(in), detail::stream_sink(out), reader, name);
}

//! Encrypts file in ("-": stdin) to out ("-": stdout), which appears under its name only when complete.
inline void encrypt_file(std::string const & in, std::string const & out, std::vector<public_key> const & recipients,
                         encrypt_options const & opt = {})
{
    io::detail::file_descriptor fd{in};
    detail::output_target target{out};
    encryptor enc{target.sink(), recipients, opt};
    detail::encrypt_all(detail::file_source(fd, in), enc);
    target.commit();
}

//! Decrypts file in ("-": stdin) to out ("-": stdout). A file output appears only if every segment authenticated.
inline decrypt_stats decrypt_file(std::string const & in, std::string const & out, secret_key const & reader,
                                  ::mode_t mode = 0644)
{
    io::detail::file_descriptor fd{in};
    detail::output_target target{out, mode};
    decrypt_stats const stats = decrypt(detail::file_source(fd, in), target.sink(), reader, in);
    target.commit();
    return stats;
}

//! For finished workflow outputs: encrypts path to path + ".c4gh", then removes the plaintext. Returns the new path.
inline std::string encrypt_output(std::string const & path, std::vector<public_key> const & recipients,
                                  encrypt_options const & opt = {})
{
    std::string const encrypted = path + ".c4gh";
    encrypt_file(path, encrypted, recipients, opt);
    if (::unlink(path.c_str()) != 0)
        throw io_error{path, std::string{"encrypted, but cannot remove the plaintext: "} + std::strerror(errno)};
    return encrypted;
}

} // namespace wgskit::crypt
