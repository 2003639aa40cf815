// crypt4gh: round trips at segment boundaries, several recipients, wrong keys, every modified header byte and a
// sample of modified data bytes, truncation, key files, and the shared-key derivation of the reference tool.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include <sys/stat.h>

#include <wgskit/crypt/all.hpp>

#include "../test_helpers.hpp"

namespace c4gh = wgskit::crypt;

namespace
{
std::string random_bytes(std::size_t n, std::uint32_t seed)
{
    std::mt19937 rng{seed};
    std::string s(n, '\0');
    for (auto & c : s)
        c = static_cast<char>(rng());
    return s;
}

std::string encrypt(std::string const & plain, std::vector<c4gh::public_key> const & to,
                    c4gh::encrypt_options const & opt = {})
{
    std::istringstream in{plain};
    std::ostringstream out;
    c4gh::encrypt_stream(in, out, to, opt);
    return out.str();
}

std::string decrypt(std::string const & sealed, c4gh::secret_key const & key)
{
    std::istringstream in{sealed};
    std::ostringstream out;
    c4gh::decrypt_stream(in, out, key, "test.c4gh");
    return out.str();
}

std::string slurp(std::string const & path)
{
    std::ifstream in{path, std::ios::binary};
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// The header of a file for one recipient: 16 bytes + one 108-byte packet (68 + a 40-byte payload).
constexpr std::size_t one_recipient_header = 16 + 108;
} // namespace

TEST_CASE("crypt4gh: round trip at segment boundaries", "[crypt]")
{
    auto const reader = c4gh::generate_keypair();
    for (std::size_t n : {std::size_t{0}, std::size_t{1}, c4gh::segment_size - 1, c4gh::segment_size,
                          c4gh::segment_size + 1, 3 * c4gh::segment_size + 17, std::size_t{5} << 20})
    {
        INFO("plaintext bytes " << n);
        std::string const plain = random_bytes(n, static_cast<std::uint32_t>(n));
        std::string const sealed = encrypt(plain, {reader.pub});
        std::size_t const segments = (n + c4gh::segment_size - 1) / c4gh::segment_size;
        CHECK(sealed.size() == one_recipient_header + n + segments * c4gh::segment_overhead);
        CHECK(sealed.compare(0, 12, std::string{"crypt4gh\1\0\0\0", 12}) == 0);
        CHECK(decrypt(sealed, reader.sec) == plain);
    }
}

TEST_CASE("crypt4gh: AEAD data method round trip, and it detects dropped segments", "[crypt]")
{
    auto const reader = c4gh::generate_keypair();
    c4gh::encrypt_options opt;
    opt.method = c4gh::data_method::chacha20_ietf_poly1305_with_aead;
    for (std::size_t n : {std::size_t{0}, std::size_t{5}, c4gh::segment_size, 2 * c4gh::segment_size + 3})
    {
        INFO("plaintext bytes " << n);
        std::string const plain = random_bytes(n, 7);
        std::string const sealed = encrypt(plain, {reader.pub}, opt);
        CHECK(decrypt(sealed, reader.sec) == plain);
    }
    // 2 full segments + the final empty one. Dropping the empty one, or the second full one, must be detected.
    std::string const plain = random_bytes(2 * c4gh::segment_size, 8);
    std::string const sealed = encrypt(plain, {reader.pub}, opt);
    std::size_t const header = sealed.size() - 2 * c4gh::sealed_segment_size - c4gh::segment_overhead;
    CHECK_THROWS_AS(decrypt(sealed.substr(0, sealed.size() - c4gh::segment_overhead), reader.sec),
                    c4gh::authentication_error);
    std::string dropped = sealed;
    dropped.erase(header + c4gh::sealed_segment_size, c4gh::sealed_segment_size);
    CHECK_THROWS_AS(decrypt(dropped, reader.sec), c4gh::authentication_error);
}

TEST_CASE("crypt4gh: every recipient decrypts; others are told no header packet is theirs", "[crypt]")
{
    std::vector<c4gh::keypair> readers;
    std::vector<c4gh::public_key> pubs;
    for (int i = 0; i < 3; ++i)
    {
        readers.push_back(c4gh::generate_keypair());
        pubs.push_back(readers.back().pub);
    }
    std::string const plain = random_bytes(100000, 3);
    std::string const sealed = encrypt(plain, pubs);
    CHECK(sealed.size() == 16 + 3 * 108 + plain.size() + 2 * c4gh::segment_overhead);
    for (auto const & r : readers)
        CHECK(decrypt(sealed, r.sec) == plain);

    auto const stranger = c4gh::generate_keypair();
    CHECK_THROWS_WITH(decrypt(sealed, stranger.sec),
                      Catch::Contains("no crypt4gh header packet could be decrypted with this secret key"));
    CHECK_THROWS_AS(decrypt(sealed, stranger.sec), c4gh::authentication_error);
    CHECK_THROWS_AS(encrypt(plain, {}), wgskit::invalid_argument);
}

TEST_CASE("crypt4gh: a given sender key is the header's writer key", "[crypt]")
{
    auto const reader = c4gh::generate_keypair();
    auto const sender = c4gh::generate_keypair();
    c4gh::encrypt_options opt;
    opt.sender = sender.sec;
    std::string const sealed = encrypt("hello", {reader.pub}, opt);
    CHECK(sealed.compare(24, 32, std::string{reinterpret_cast<char const *>(sender.pub.bytes.data()), 32}) == 0);
    CHECK(decrypt(sealed, reader.sec) == "hello");
}

TEST_CASE("crypt4gh: the shared key is the reference tool's (libsodium crypto_kx session keys)", "[crypt]")
{
    // The reference implementation takes the writer's key as the "server" transmit key of crypto_kx and the
    // reader's as the "client" receive key; both are BLAKE2b-512(dh || K_pr || K_pw)[0..32), as the spec says.
    auto const writer = c4gh::generate_keypair();
    auto const reader = c4gh::generate_keypair();
    c4gh::detail::key32 ours_writer{}, ours_reader{};
    REQUIRE(c4gh::detail::shared_key(writer.sec.bytes, reader.pub.bytes, reader.pub.bytes, writer.pub.bytes,
                                      ours_writer));
    REQUIRE(c4gh::detail::shared_key(reader.sec.bytes, writer.pub.bytes, reader.pub.bytes, writer.pub.bytes,
                                      ours_reader));
    CHECK(ours_writer == ours_reader);
    std::uint8_t rx[32], tx[32];
    REQUIRE(::crypto_kx_server_session_keys(rx, tx, writer.pub.bytes.data(), writer.sec.bytes.data(),
                                            reader.pub.bytes.data()) == 0);
    CHECK(std::memcmp(tx, ours_writer.data(), 32) == 0);
    REQUIRE(::crypto_kx_client_session_keys(rx, tx, reader.pub.bytes.data(), reader.sec.bytes.data(),
                                            writer.pub.bytes.data()) == 0);
    CHECK(std::memcmp(rx, ours_reader.data(), 32) == 0);
}

TEST_CASE("crypt4gh: every modified header byte and sampled data bytes fail; no output file remains", "[crypt]")
{
    wgskit::test::temp_dir tmp{"wgskit_crypt"};
    auto const reader = c4gh::generate_keypair();
    std::string const in = tmp.file("sealed.c4gh"), out = tmp.file("plain.out");

    auto expect_rejected = [&](std::string const & bytes) {
        wgskit::test::write_file(in, bytes);
        CHECK_THROWS_AS(c4gh::decrypt_file(in, out, reader.sec), wgskit::parse_error);
        CHECK_FALSE(std::filesystem::exists(out));
    };

    // Small file: every byte of the header and of its one data segment, each with one bit flipped.
    std::string const small = encrypt(random_bytes(100, 11), {reader.pub});
    for (std::size_t pos = 0; pos < small.size(); ++pos)
    {
        INFO("modified byte " << pos << " of " << small.size());
        std::string bad = small;
        bad[pos] = static_cast<char>(bad[pos] ^ (1 << (pos % 8)));
        expect_rejected(bad);
    }
    // Only the input file: no temporary litter.
    CHECK(std::distance(std::filesystem::directory_iterator{tmp.path}, {}) == 1);

    // Four segments: a sample of data positions. The error names the segment, and the plaintext written before it
    // is exactly the segments before it: nothing of the modified one.
    std::string const plain = random_bytes(3 * c4gh::segment_size + 1000, 12);
    std::string const sealed = encrypt(plain, {reader.pub});
    std::mt19937 rng{13};
    std::vector<std::size_t> positions;
    for (std::size_t s = 0; s < 4; ++s) // first and last byte of each segment (nonce start, MAC end)
    {
        std::size_t const start = one_recipient_header + s * c4gh::sealed_segment_size;
        positions.push_back(start);
        positions.push_back(std::min(start + c4gh::sealed_segment_size, sealed.size()) - 1);
    }
    for (int i = 0; i < 40; ++i)
        positions.push_back(one_recipient_header + rng() % (sealed.size() - one_recipient_header));
    for (std::size_t pos : positions)
    {
        std::size_t const segment = (pos - one_recipient_header) / c4gh::sealed_segment_size;
        INFO("modified byte " << pos << " in segment " << segment + 1);
        std::string bad = sealed;
        bad[pos] = static_cast<char>(bad[pos] ^ 0x20);
        std::istringstream src{bad};
        std::string written;
        c4gh::byte_sink sink = [&](std::uint8_t const * p, std::size_t n) {
            written.append(reinterpret_cast<char const *>(p), n);
        };
        CHECK_THROWS_WITH(c4gh::decrypt(c4gh::detail::stream_source(src), sink, reader.sec, "x.c4gh"),
                          Catch::Contains("data segment " + std::to_string(segment + 1) + ": authentication failed"));
        CHECK(written == plain.substr(0, segment * c4gh::segment_size));
        if (pos % 7 == 0) // the file path as well, fewer times (it renames files)
            expect_rejected(bad);
    }
}

TEST_CASE("crypt4gh: truncated and malformed files are rejected", "[crypt]")
{
    auto const reader = c4gh::generate_keypair();
    std::string const plain = random_bytes(2 * c4gh::segment_size + 500, 21);
    std::string const sealed = encrypt(plain, {reader.pub});
    for (std::size_t keep : {std::size_t{0}, std::size_t{5}, std::size_t{12}, std::size_t{16}, std::size_t{20},
                             one_recipient_header - 1, one_recipient_header + 27, one_recipient_header + 1000,
                             sealed.size() - 1})
    {
        INFO("kept bytes " << keep);
        CHECK_THROWS_AS(decrypt(sealed.substr(0, keep), reader.sec), wgskit::parse_error);
    }
    // Method 0 cannot see a file cut exactly at a segment boundary (spec 5.4: segments can be removed); it reads
    // as a shorter plaintext. The AEAD method detects it (tested above).
    CHECK(decrypt(sealed.substr(0, one_recipient_header + c4gh::sealed_segment_size), reader.sec) ==
          plain.substr(0, c4gh::segment_size));

    CHECK_THROWS_WITH(decrypt("not a crypt4gh file at all", reader.sec), Catch::Contains("no \"crypt4gh\" magic"));
    std::string v2 = sealed;
    v2[8] = 2;
    CHECK_THROWS_WITH(decrypt(v2, reader.sec), Catch::Contains("version 2 is not supported"));
    std::string no_packets = sealed.substr(0, 16);
    no_packets[12] = 0;
    CHECK_THROWS_WITH(decrypt(no_packets, reader.sec), Catch::Contains("no header packets"));
    std::string huge_packet = sealed;
    huge_packet[16 + 3] = 0x7f; // packet length ~2 GB: rejected before any allocation
    CHECK_THROWS_WITH(decrypt(huge_packet, reader.sec), Catch::Contains("invalid packet length"));
}

TEST_CASE("crypt4gh key files: formats, passphrases, permissions", "[crypt]")
{
    wgskit::test::temp_dir tmp{"wgskit_crypt_keys"};
    auto const k = c4gh::generate_keypair();
    std::string const pub_text = c4gh::format_public_key(k.pub);
    CHECK(pub_text.rfind("-----BEGIN CRYPT4GH PUBLIC KEY-----\n", 0) == 0);
    CHECK(pub_text.find("\n-----END CRYPT4GH PUBLIC KEY-----\n") != std::string::npos);
    CHECK(c4gh::parse_public_key(pub_text, "k.pub") == k.pub);

    std::string const sec_text = c4gh::format_secret_key(k.sec);
    CHECK(sec_text.rfind("-----BEGIN CRYPT4GH PRIVATE KEY-----\n", 0) == 0);
    CHECK_FALSE(c4gh::secret_key_is_protected(sec_text, "k.sec"));
    CHECK(c4gh::parse_secret_key(sec_text, "k.sec").bytes == k.sec.bytes);

    std::string const protected_text = c4gh::format_secret_key(k.sec, "correct horse");
    CHECK(c4gh::secret_key_is_protected(protected_text, "k.sec"));
    CHECK(c4gh::parse_secret_key(protected_text, "k.sec", "correct horse").bytes == k.sec.bytes);
    CHECK_THROWS_WITH(c4gh::parse_secret_key(protected_text, "k.sec", "wrong"), Catch::Contains("wrong passphrase"));
    CHECK_THROWS_WITH(c4gh::parse_secret_key(protected_text, "k.sec"), Catch::Contains("protected by a passphrase"));

    // A hand-assembled unprotected key of the reference layout: "c4gh-v1", "none", "none", 32 key bytes.
    std::vector<std::uint8_t> blob{'c', '4', 'g', 'h', '-', 'v', '1', 0, 4, 'n', 'o', 'n', 'e', 0, 4, 'n', 'o', 'n',
                                   'e', 0, 32};
    blob.insert(blob.end(), k.sec.bytes.begin(), k.sec.bytes.end());
    std::string const by_hand = "-----BEGIN CRYPT4GH PRIVATE KEY-----\n" +
                                c4gh::detail::base64_encode(blob.data(), blob.size()) +
                                "\n-----END CRYPT4GH PRIVATE KEY-----\n";
    CHECK(by_hand == sec_text);

    CHECK_THROWS_WITH(c4gh::parse_public_key("-----BEGIN CRYPT4GH PUBLIC KEY-----\nAAAA\n"
                                              "-----END CRYPT4GH PUBLIC KEY-----\n",
                                              "short.pub"),
                      Catch::Contains("short.pub") && Catch::Contains("expected 32"));
    CHECK_THROWS_WITH(c4gh::parse_public_key("hello", "x.pub"), Catch::Contains("not a crypt4gh key"));
    CHECK_THROWS_WITH(c4gh::parse_secret_key(pub_text, "x.sec"), Catch::Contains("not a crypt4gh key"));

    std::string const name = tmp.file("alice");
    c4gh::write_keypair(name, k);
    struct ::stat st{};
    REQUIRE(::stat((name + ".sec").c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    CHECK(c4gh::read_public_key(name + ".pub") == k.pub);
    CHECK(c4gh::read_secret_key(name + ".sec").bytes == k.sec.bytes);
    CHECK_THROWS_WITH(c4gh::write_keypair(name, c4gh::generate_keypair()), Catch::Contains("not replacing"));
}

TEST_CASE("crypt4gh: files, and encrypt_output for finished workflow outputs", "[crypt]")
{
    wgskit::test::temp_dir tmp{"wgskit_crypt_files"};
    auto const reader = c4gh::generate_keypair();
    std::string const plain = random_bytes(200000, 31);
    std::string const path = tmp.file("sample.bam");
    wgskit::test::write_file(path, plain);
    std::string const encrypted = c4gh::encrypt_output(path, {reader.pub});
    CHECK(encrypted == path + ".c4gh");
    CHECK_FALSE(std::filesystem::exists(path));
    auto const stats = c4gh::decrypt_file(encrypted, tmp.file("back.bam"), reader.sec);
    CHECK(stats.plaintext_bytes == plain.size());
    CHECK(stats.segments == 4);
    CHECK(slurp(tmp.file("back.bam")) == plain);
    CHECK_THROWS_AS(c4gh::encrypt_file(tmp.file("missing"), tmp.file("x.c4gh"), {reader.pub}), wgskit::io_error);
    CHECK_FALSE(std::filesystem::exists(tmp.file("x.c4gh")));
}
