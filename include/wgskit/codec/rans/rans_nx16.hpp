// rANS Nx16, the CRAM 3.1 entropy coder (hts-specs CRAMcodecs.tex §3), compatible with htscodecs'
// rans_compress_4x16 / rans_uncompress_4x16: order-0 and order-1, 4 or 32 interleaved states, and the STRIPE,
// RLE, PACK, CAT and NOSZ options. The flags are the format's own bits, as in htscodecs' "order" argument.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <wgskit/codec/rans/detail/nx16_stream.hpp>
#include <wgskit/core/exception.hpp>

namespace wgskit::codec::rans
{

//! Order-1 (previous byte as context) instead of order-0.
inline constexpr unsigned order1 = detail::flag_order1;
//! 32 interleaved states instead of 4 (faster to decode on large inputs, larger on small ones).
inline constexpr unsigned x32 = detail::flag_x32;
//! Byte i to sub-stream i mod N, each compressed on its own (N from stripe_ways, 4 by default).
inline constexpr unsigned stripe = detail::flag_stripe;
//! Do not store the size: decompress() must be told it.
inline constexpr unsigned no_size = detail::flag_no_size;
//! Store the data uncompressed (after RLE/PACK if asked).
inline constexpr unsigned cat = detail::flag_cat;
//! Run-length encode the symbols with long runs.
inline constexpr unsigned rle = detail::flag_rle;
//! Pack 2, 4, 8 (or all) symbols per byte when there are at most 16 distinct ones.
inline constexpr unsigned pack = detail::flag_pack;
//! The number of STRIPE sub-streams (1..255), or-ed into the flags.
constexpr unsigned stripe_ways(unsigned n) noexcept { return (n & 0xff) << 8; }

//! Compresses in (at most 2^32 - 1 bytes).
inline std::vector<std::uint8_t> compress(std::span<std::uint8_t const> in, unsigned flags = 0)
{
    if (in.size() > 0xffffffffu)
        throw invalid_argument{"rans::compress: input larger than 4 GiB"};
    if ((flags & stripe) && ((flags >> 8) & 0xff) == 1)
        throw invalid_argument{"rans::compress: STRIPE needs at least 2 ways"};
    std::vector<std::uint8_t> out;
    out.reserve(in.size() + in.size() / 16 + 1024); // no regrowth: names take over half their size
    detail::encode_stream(in, flags, out);
    return out;
}

inline std::vector<std::uint8_t> compress(std::string_view in, unsigned flags = 0)
{
    return compress({reinterpret_cast<std::uint8_t const *>(in.data()), in.size()}, flags);
}

struct decompress_options
{
    //! The uncompressed size, needed (only) for a stream written with no_size.
    std::optional<std::size_t> size{};
    //! The largest output accepted: a corrupt header cannot make us allocate more.
    std::size_t max_size{std::size_t{1} << 31};
    //! Names the data in error messages (a file and block, a CRAM data series...).
    std::string_view source{"rANS Nx16 stream"};
};

//! Decompresses one whole stream; parse_error on corrupt or truncated input.
inline std::vector<std::uint8_t> decompress(std::span<std::uint8_t const> in, decompress_options const & opt = {})
{
    std::vector<std::uint8_t> out;
    if (auto st = detail::decode_stream(in, opt.size.value_or(detail::unknown_size), opt.max_size, out); st != detail::decode_status::ok)
        throw parse_error{opt.source, 0, detail::describe(st)};
    return out;
}

} // namespace wgskit::codec::rans
