// Streaming inflate of gzip members through ISA-L's igzip: 2.5-3x zlib's inflate on FASTQ (measured in
// docs/benchmarks.md). libdeflate inflates only whole buffers, which BGZF blocks are but the one large member
// of a plain gzip FASTQ is not; BGZF blocks stay with libdeflate (bgzf/detail/block.hpp).
//
// One member at a time: the caller resets at each member start, so concatenated gzip (and BGZF read as plain
// gzip) works. The header is parsed and the CRC-32 and size in the trailer are checked by ISA-L.
//
//   codec::gzip::member_inflater z;
//   auto const r = z.inflate(in, in_len, out, out_len); // r.consumed, r.produced, r.member_end, r.error
//   if (r.error) throw ... "corrupt gzip data: " + codec::gzip::describe(r.error) ...;
//   if (r.member_end) z.reset(); // the next member starts at in + r.consumed
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>

#include <isa-l/igzip_lib.h>

namespace wgskit::codec::gzip
{

//! What one inflate call did: bytes consumed from the input and written to the output, whether the member
//! (with its trailer) ended, and an ISA-L error code (negative, see describe()) or 0.
struct inflate_step
{
    std::size_t consumed{0};
    std::size_t produced{0};
    bool member_end{false};
    int error{0};
};

//! The reason for an inflate_step error code, for messages ("corrupt gzip data: " + describe(e)).
inline char const * describe(int error) noexcept
{
    switch (error)
    {
    case ISAL_INVALID_BLOCK: return "invalid deflate block";
    case ISAL_INVALID_SYMBOL: return "invalid deflate symbol";
    case ISAL_INVALID_LOOKBACK: return "back-reference before the start of the data";
    case ISAL_INVALID_WRAPPER: return "bad gzip header";
    case ISAL_UNSUPPORTED_METHOD: return "compression method other than deflate";
    case ISAL_INCORRECT_CHECKSUM: return "CRC-32 or length in the trailer does not match the data";
    default: return "inflate error";
    }
}

//! A gzip member decompressor (ISA-L inflate state, ~50 KB, on the heap).
class member_inflater
{
public:
    member_inflater() : state_{std::make_unique<inflate_state>()} { reset(); }

    //! Prepares for a new member (its header comes next).
    void reset() noexcept
    {
        isal_inflate_init(state_.get());
        state_->crc_flag = ISAL_GZIP;
        ended_ = false;
    }

    //! Inflates what it can of in[0, in_len) into out[0, out_len). After member_end, the rest of the input
    //! belongs to what follows the member: call reset() before passing it again.
    inflate_step inflate(std::uint8_t const * in, std::size_t in_len, std::uint8_t * out, std::size_t out_len) noexcept
    {
        constexpr std::size_t max_chunk = std::numeric_limits<std::uint32_t>::max();
        inflate_step step;
        if (ended_)
        {
            step.member_end = true;
            return step;
        }
        auto & s = *state_;
        s.next_in = const_cast<std::uint8_t *>(in); // ISA-L's field is not const; it never writes the input
        s.avail_in = static_cast<std::uint32_t>(std::min(in_len, max_chunk));
        s.next_out = out;
        s.avail_out = static_cast<std::uint32_t>(std::min(out_len, max_chunk));
        int const r = isal_inflate(&s);
        step.consumed = static_cast<std::size_t>(s.next_in - in);
        step.produced = static_cast<std::size_t>(s.next_out - out);
        if (r < 0)
            step.error = r;
        else if (s.block_state == ISAL_BLOCK_FINISH)
            step.member_end = ended_ = true;
        return step;
    }

private:
    std::unique_ptr<inflate_state> state_;
    bool ended_{false};
};

} // namespace wgskit::codec::gzip
