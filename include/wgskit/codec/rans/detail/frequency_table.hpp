// rANS Nx16 frequency tables (hts-specs CRAMcodecs "Frequency tables"): the alphabet as an ascending symbol
// list with runs of consecutive symbols, then one uint7 frequency per symbol; the decoder scales a table whose
// sum is a power of two up to the coder's total (4096, or 1024 for order-1 10-bit tables).
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

#include <wgskit/codec/rans/detail/byte_stream.hpp>
#include <wgskit/codec/rans/detail/decode_status.hpp>

namespace wgskit::codec::rans::detail
{

using frequencies = std::array<std::uint32_t, 256>;

//! Writes the symbols s with present[s] != 0.
inline void write_alphabet(std::vector<std::uint8_t> & out, frequencies const & present)
{
    int run = 0;
    for (int s = 0; s < 256; ++s)
    {
        if (!present[s])
            continue;
        if (run > 0)
        {
            --run; // implied by the previous run length
            continue;
        }
        put_u8(out, static_cast<std::uint32_t>(s));
        if (s > 0 && present[s - 1])
        {
            // The decoder reads a run length after any symbol that follows its predecessor.
            int next = s + 1;
            while (next < 256 && present[next])
                ++next;
            run = next - s - 1;
            put_u8(out, static_cast<std::uint32_t>(run));
        }
    }
    put_u8(out, 0);
}

//! Sets present[s] = 1 for every symbol of the alphabet.
inline decode_status read_alphabet(byte_reader & in, frequencies & present)
{
    present.fill(0);
    std::uint32_t s;
    if (!in.u8(s))
        return decode_status::truncated;
    std::uint32_t run = 0;
    int last = -1;
    while (true)
    {
        if (static_cast<int>(s) <= last)
            return decode_status::bad_alphabet; // symbols ascend (0 can only come first)
        present[s] = 1;
        last = static_cast<int>(s);
        if (run > 0)
        {
            --run;
            if (++s > 255)
                return decode_status::bad_alphabet;
            continue;
        }
        if (!in.u8(s))
            return decode_status::truncated;
        if (s == 0)
            return decode_status::ok;
        if (static_cast<int>(s) == last + 1 && !in.u8(run))
            return decode_status::truncated;
    }
}

//! Scales a table whose total is a power of two below 2^bits up to exactly 2^bits; false if it cannot be.
inline bool scale_to_total(frequencies & f, unsigned bits)
{
    std::uint64_t total = 0;
    for (auto v : f)
        total += v;
    std::uint64_t const target = std::uint64_t{1} << bits;
    if (total == 0)
        return false;
    unsigned shift = 0;
    while ((total << shift) < target)
        ++shift;
    if ((total << shift) != target)
        return false;
    for (auto & v : f)
        v <<= shift;
    return true;
}

//! Encoder: frequencies summing exactly to 2^bits, every counted symbol at least 1. counts must not be all 0;
//! at most 2^bits distinct symbols (always true: 256 <= 1024).
inline frequencies normalise(frequencies const & counts, unsigned bits)
{
    std::uint64_t total = 0;
    for (auto c : counts)
        total += c;
    std::uint32_t const target = 1u << bits;
    frequencies f{};
    std::int64_t sum = 0;
    int largest = 0;
    for (int s = 0; s < 256; ++s)
    {
        if (!counts[s])
            continue;
        f[s] = std::max<std::uint32_t>(1, static_cast<std::uint32_t>(std::uint64_t{counts[s]} * target / total));
        sum += f[s];
        if (counts[s] > counts[largest])
            largest = s;
    }
    // Rounding error goes to or comes from the most frequent symbols, where it costs least.
    if (sum < target)
        f[largest] += static_cast<std::uint32_t>(target - sum);
    while (sum > target)
    {
        int big = 0;
        for (int s = 1; s < 256; ++s)
            if (f[s] > f[big])
                big = s;
        std::uint32_t const take = std::min<std::uint32_t>(f[big] - 1, static_cast<std::uint32_t>(sum - target));
        f[big] -= take;
        sum -= take;
        if (take == 0)
            break; // cannot happen while #symbols <= target
    }
    return f;
}

//! Order-0 table: alphabet, then a uint7 frequency per symbol.
inline void write_frequencies0(std::vector<std::uint8_t> & out, frequencies const & f)
{
    write_alphabet(out, f);
    for (int s = 0; s < 256; ++s)
        if (f[s])
            put_u7(out, f[s]);
}

inline decode_status read_frequencies0(byte_reader & in, frequencies & f, unsigned bits)
{
    if (auto st = read_alphabet(in, f); st != decode_status::ok)
        return st;
    for (int s = 0; s < 256; ++s)
        if (f[s] && !in.u7(f[s]))
            return decode_status::truncated;
    return scale_to_total(f, bits) ? decode_status::ok : decode_status::bad_frequencies;
}

} // namespace wgskit::codec::rans::detail
