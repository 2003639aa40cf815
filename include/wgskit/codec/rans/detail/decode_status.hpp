// Why an rANS Nx16 stream could not be decoded. Corrupt input is routine for a decoder: the detail functions
// return one of these, the public wrapper turns it into a parse_error.
#pragma once

namespace wgskit::codec::rans::detail
{

enum class decode_status
{
    ok,
    truncated,           // the stream ends before a field or the data it announces
    bad_alphabet,        // the symbol list runs past 255 or is not ascending
    bad_frequencies,     // frequencies that do not sum to a power of two within the table size
    bad_state,           // an initial state below the lower bound, or a final state not back at the bound
    missing_context,     // order-1 data reaches a context that has no frequency table
    bad_size,            // a length that does not match (RLE, PACK, STRIPE, NOSZ without a size)
    bad_flags,           // a combination of flags the format does not allow
    too_deep,            // STRIPE nested inside STRIPE more than the format needs
};

inline char const * describe(decode_status s) noexcept
{
    switch (s)
    {
    case decode_status::ok: return "ok";
    case decode_status::truncated: return "truncated rANS Nx16 stream";
    case decode_status::bad_alphabet: return "bad symbol alphabet";
    case decode_status::bad_frequencies: return "bad frequency table (frequencies do not sum to the table size)";
    case decode_status::bad_state: return "bad rANS state";
    case decode_status::missing_context: return "order-1 context without a frequency table";
    case decode_status::bad_size: return "inconsistent lengths";
    case decode_status::bad_flags: return "invalid flag combination";
    case decode_status::too_deep: return "STRIPE nested too deeply";
    }
    return "unknown";
}

} // namespace wgskit::codec::rans::detail
