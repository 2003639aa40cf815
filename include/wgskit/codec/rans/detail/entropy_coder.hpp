// The rANS Nx16 entropy coder (hts-specs CRAMcodecs "rANS Nx16 Order-0/Order-1"): 32-bit states with lower
// bound L = 2^15 and 16-bit renormalisation, N = 4 or 32 interleaved states. Order-0 sends symbol i to state
// i mod N; order-1 splits the data into N equal regions (the remainder goes to the last state), each state
// starting in context 0. The encoder runs backwards and writes backwards, so the decoder reads forwards:
// the N initial states (little-endian uint32), then 16-bit words as the states drop below L.
#pragma once

#include <wgskit/core/platform.hpp>

#include <algorithm>
#include <cmath>
#include <array>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <vector>

#include <wgskit/codec/rans/detail/byte_stream.hpp>
#include <wgskit/codec/rans/detail/decode_status.hpp>
#include <wgskit/codec/rans/detail/frequency_table.hpp>
#include <wgskit/codec/rans/detail/rans_x32_kernel.hpp>

namespace wgskit::codec::rans::detail
{

inline constexpr unsigned order1_bits = 12; // we always write 12-bit order-1 tables; 10-bit ones are read too

// ---------------------------------------------------------------------------------------------------------
// Encoder
// ---------------------------------------------------------------------------------------------------------

//! One symbol's encoding constants: x -> (x / f) * 2^bits + x mod f + start, with the division done as a
//! multiplication by a 32-bit reciprocal (exact for x < 2^31, which the 16-bit renormalisation guarantees).
struct encoder_symbol
{
    std::uint32_t x_max{0};     // renormalise (emit 16 bits) while x >= x_max
    std::uint32_t rcp_freq{0};
    std::uint32_t bias{0};
    std::uint32_t cmpl_freq{0}; // 2^bits - f
    std::uint32_t rcp_shift{0};
};

inline encoder_symbol make_encoder_symbol(std::uint32_t start, std::uint32_t freq, unsigned bits)
{
    encoder_symbol e;
    e.x_max = ((state_lower_bound >> bits) << 16) * freq;
    e.cmpl_freq = (1u << bits) - freq;
    if (freq < 2)
    {
        // q = x - 1 for x >= 1, and x + bias + (x - 1) * (2^bits - 1) = x * 2^bits + start.
        e.rcp_freq = ~0u;
        e.rcp_shift = 32;
        e.bias = start + (1u << bits) - 1;
    }
    else
    {
        unsigned shift = 0;
        while (freq > (1u << shift))
            ++shift;
        e.rcp_freq = static_cast<std::uint32_t>(((std::uint64_t{1} << (shift + 31)) + freq - 1) / freq);
        e.rcp_shift = 32 + shift - 1;
        e.bias = start;
    }
    return e;
}

//! Encodes one symbol into x, writing renormalisation words backwards at *ptr. Branchless: for data of more
//! than a bit a symbol (names), where renormalisation is frequent and a branch on it mispredicts often; on
//! well-compressible data (qualities) the branch is predictable and cheaper than the extra dependency.
template <bool Branchless>
WGSKIT_ALWAYS_INLINE void encode_symbol(std::uint32_t & x, std::uint8_t *& ptr, encoder_symbol const & s) noexcept
{
    if constexpr (Branchless)
    {
        // The word is always stored below ptr (the buffer has room), but ptr only moves over it when it counts.
        // Arithmetic rather than ?:, which GCC compiles back into a branch.
        std::uint32_t const renorm = x >= s.x_max;
        ptr[-2] = static_cast<std::uint8_t>(x);
        ptr[-1] = static_cast<std::uint8_t>(x >> 8);
        ptr -= 2 * renorm;
        x >>= 16 * renorm;
    }
    else if (x >= s.x_max)
    {
        ptr -= 2;
        ptr[0] = static_cast<std::uint8_t>(x);
        ptr[1] = static_cast<std::uint8_t>(x >> 8);
        x >>= 16;
    }
    std::uint32_t const q = static_cast<std::uint32_t>((std::uint64_t{x} * s.rcp_freq) >> s.rcp_shift);
    x = x + s.bias + q * s.cmpl_freq;
}

//! The bits that symbols with these counts take under the normalised frequencies f (total 2^bits). Over a bit a
//! symbol, the encoder renormalises often enough that the branch-free step pays.
inline double coded_bits(frequencies const & counts, frequencies const & f, unsigned bits)
{
    double coded = 0;
    for (int s = 0; s < 256; ++s)
        if (counts[s] && f[s])
            coded += counts[s] * (bits - std::log2(static_cast<double>(f[s])));
    return coded;
}

inline std::array<encoder_symbol, 256> make_encoder_table(frequencies const & f, unsigned bits)
{
    std::array<encoder_symbol, 256> t{};
    std::uint32_t start = 0;
    for (int s = 0; s < 256; ++s)
        if (f[s])
        {
            t[s] = make_encoder_symbol(start, f[s], bits);
            start += f[s];
        }
    return t;
}

//! Encoder scratch memory kept per thread between calls: the order-1 tables (1.8 MB) and the backward buffer
//! allocated fresh on every call cost more in page faults than coding a block of qualities or names takes.
//! Users run one after the other (a nested order-0 encoding of an order-1 table finishes before the order-1
//! data is coded), never two at once.
struct encoder_workspace
{
    std::vector<frequencies> counts, freqs;
    std::vector<std::array<encoder_symbol, 256>> tables;
    std::unique_ptr<std::uint8_t[]> backward;
    std::size_t backward_size{0};

    static encoder_workspace & of_this_thread()
    {
        thread_local encoder_workspace w;
        return w;
    }
};

//! Backward output area for one encoding: room for a 16-bit word per symbol plus the states. Up to 64 MB come
//! from the thread's workspace; larger ones are allocated for the call (and not kept).
class backward_buffer
{
public:
    explicit backward_buffer(std::size_t symbols, unsigned states) : size_{2 * symbols + 4 * states + 16}
    {
        auto & w = encoder_workspace::of_this_thread();
        if (size_ > max_kept)
        {
            own_.reset(new std::uint8_t[size_]);
            data_ = own_.get();
            return;
        }
        if (w.backward_size < size_)
        {
            w.backward.reset();
            w.backward_size = 0;
            w.backward.reset(new std::uint8_t[size_]);
            w.backward_size = size_;
        }
        data_ = w.backward.get();
    }
    std::uint8_t * end() noexcept { return data_ + size_; }
    void append_from(std::uint8_t const * ptr, std::vector<std::uint8_t> & out) const
    {
        out.insert(out.end(), ptr, static_cast<std::uint8_t const *>(data_ + size_));
    }

private:
    static constexpr std::size_t max_kept = std::size_t{64} << 20;
    std::size_t size_;
    std::uint8_t * data_{nullptr};
    std::unique_ptr<std::uint8_t[]> own_;
};

inline void flush_states(std::uint32_t const * x, unsigned n, std::uint8_t *& ptr) noexcept
{
    for (unsigned j = n; j-- > 0;)
    {
        ptr -= 4;
        std::memcpy(ptr, &x[j], 4);
    }
}

//! Byte counts. Four interleaved tables: runs of one byte would otherwise chain every increment through the
//! same counter in memory.
inline frequencies histogram(std::span<std::uint8_t const> in)
{
    std::array<frequencies, 4> part{};
    std::size_t i = 0;
    for (; i + 4 <= in.size(); i += 4)
    {
        ++part[0][in[i]];
        ++part[1][in[i + 1]];
        ++part[2][in[i + 2]];
        ++part[3][in[i + 3]];
    }
    for (; i < in.size(); ++i)
        ++part[0][in[i]];
    for (int s = 0; s < 256; ++s)
        part[0][s] += part[1][s] + part[2][s] + part[3][s];
    return part[0];
}

// The N states' symbols in reverse: the partial last round first, then whole rounds (N fixed: no division).
// Byte stores may alias anything: the pointers and states live in locals the compiler can keep in registers.
template <unsigned N, bool Branchless>
void encode_order0_states(std::span<std::uint8_t const> in, std::array<encoder_symbol, 256> const & table,
                          std::uint8_t *& out_ptr)
{
    std::uint8_t * ptr = out_ptr;
    std::uint32_t x[N];
    std::fill_n(x, N, state_lower_bound);
    std::size_t const whole = in.size() / N * N;
    for (std::size_t i = in.size(); i-- > whole;)
        encode_symbol<Branchless>(x[i - whole], ptr, table[in[i]]);
    for (std::size_t i = whole; i > 0; i -= N)
        for (unsigned j = N; j-- > 0;)
            encode_symbol<Branchless>(x[j], ptr, table[in[i - N + j]]);
    flush_states(x, N, ptr);
    out_ptr = ptr;
}

//! Order-0, N states: frequency table, states, data (appended to out). Empty input writes nothing.
inline void encode_order0(std::span<std::uint8_t const> in, unsigned n_states, std::vector<std::uint8_t> & out)
{
    if (in.empty())
        return;
    frequencies const counts = histogram(in);
    frequencies const f = normalise(counts, order0_bits);
    write_frequencies0(out, f);
    auto const table = make_encoder_table(f, order0_bits);

    backward_buffer buf{in.size(), n_states};
    std::uint8_t * ptr = buf.end();
    bool const branchless = coded_bits(counts, f, order0_bits) > static_cast<double>(in.size());
    if (n_states == 32)
        branchless ? encode_order0_states<32, true>(in, table, ptr) : encode_order0_states<32, false>(in, table, ptr);
    else
        branchless ? encode_order0_states<4, true>(in, table, ptr) : encode_order0_states<4, false>(in, table, ptr);
    buf.append_from(ptr, out);
}

//! Order-1 tables: byte (bits << 4 | compressed), then the alphabet and, per context, the frequencies of the
//! alphabet's symbols with runs of zeros as 0 + run length. Tables over 1000 bytes are tried order-0 compressed.
inline void write_frequencies1(std::vector<std::uint8_t> & out, frequencies const & alphabet,
                               std::vector<frequencies> const & f)
{
    std::vector<std::uint8_t> table;
    write_alphabet(table, alphabet);
    for (int ctx = 0; ctx < 256; ++ctx)
    {
        if (!alphabet[ctx])
            continue;
        int zeros = 0; // pending zeros after a written 0
        bool in_run = false;
        for (int s = 0; s < 256; ++s)
        {
            if (!alphabet[s])
                continue;
            std::uint32_t const v = f[ctx][s];
            if (v == 0 && in_run && zeros < 255)
            {
                ++zeros;
                continue;
            }
            if (in_run)
            {
                put_u8(table, static_cast<std::uint32_t>(zeros));
                in_run = false;
            }
            put_u7(table, v);
            if (v == 0)
            {
                in_run = true;
                zeros = 0;
            }
        }
        if (in_run)
            put_u8(table, static_cast<std::uint32_t>(zeros));
    }
    std::uint8_t const header = static_cast<std::uint8_t>(order1_bits << 4);
    if (table.size() > 1000)
    {
        std::vector<std::uint8_t> packed;
        encode_order0(table, 4, packed);
        std::vector<std::uint8_t> lengths;
        put_u7(lengths, static_cast<std::uint32_t>(table.size()));
        put_u7(lengths, static_cast<std::uint32_t>(packed.size()));
        if (1 + lengths.size() + packed.size() < 1 + table.size())
        {
            put_u8(out, header | 1u);
            out.insert(out.end(), lengths.begin(), lengths.end());
            out.insert(out.end(), packed.begin(), packed.end());
            return;
        }
    }
    put_u8(out, header);
    out.insert(out.end(), table.begin(), table.end());
}

// Calls visit(position, context) for every byte: each of the N regions starts in context 0, the remainder
// continues the last region.
template <typename Visit>
void for_each_order1_context(std::span<std::uint8_t const> in, unsigned n_states, Visit && visit)
{
    std::size_t const region = in.size() / n_states;
    for (unsigned j = 0; j < n_states; ++j)
        for (std::size_t i = 0, p = j * region; i < region; ++i, ++p)
            visit(p, i == 0 ? std::uint8_t{0} : in[p - 1]);
    for (std::size_t p = region * n_states; p < in.size(); ++p)
        visit(p, p == 0 ? std::uint8_t{0} : in[p - 1]);
}

template <unsigned N, bool Branchless>
void encode_order1_states(std::span<std::uint8_t const> in, std::vector<std::array<encoder_symbol, 256>> const & table,
                          std::uint8_t *& out_ptr)
{
    std::uint8_t * ptr = out_ptr;
    std::uint32_t x[N];
    std::fill_n(x, N, state_lower_bound);
    std::size_t const len = in.size();
    std::size_t const region = len / N;
    // The decoder's last steps are the remainder (last state); before them the regions in lock-step.
    for (std::size_t p = len; p-- > region * N;)
        encode_symbol<Branchless>(x[N - 1], ptr, table[p == 0 ? 0 : in[p - 1]][in[p]]);
    for (std::size_t i = region; i-- > 0;)
        for (unsigned j = N; j-- > 0;)
        {
            std::size_t const p = j * region + i;
            encode_symbol<Branchless>(x[j], ptr, table[i == 0 ? 0 : in[p - 1]][in[p]]);
        }
    flush_states(x, N, ptr);
    out_ptr = ptr;
}

//! Order-1, N states.
inline void encode_order1(std::span<std::uint8_t const> in, unsigned n_states, std::vector<std::uint8_t> & out)
{
    if (in.empty())
        return;
    auto & w = encoder_workspace::of_this_thread();
    auto & counts = w.counts;
    counts.assign(256, frequencies{});
    frequencies alphabet{};
    alphabet[0] = 1; // every state starts in context 0
    for_each_order1_context(in, n_states, [&](std::size_t p, std::uint8_t ctx) {
        ++counts[ctx][in[p]];
        alphabet[in[p]] = 1;
    });
    // Only contexts that occur are (re)built: the coder never looks at the others' stale rows.
    auto & f = w.freqs;
    auto & table = w.tables;
    f.resize(256);
    table.resize(256);
    double coded = 0; // bits
    for (int ctx = 0; ctx < 256; ++ctx)
    {
        bool any = false;
        for (auto c : counts[ctx])
            any = any || c != 0;
        if (!alphabet[ctx] || !any)
        {
            f[ctx] = frequencies{};
            continue;
        }
        f[ctx] = normalise(counts[ctx], order1_bits);
        table[ctx] = make_encoder_table(f[ctx], order1_bits);
        coded += coded_bits(counts[ctx], f[ctx], order1_bits);
    }
    write_frequencies1(out, alphabet, f);

    backward_buffer buf{in.size(), n_states};
    std::uint8_t * ptr = buf.end();
    bool const branchless = coded > static_cast<double>(in.size());
    if (n_states == 32)
        branchless ? encode_order1_states<32, true>(in, table, ptr) : encode_order1_states<32, false>(in, table, ptr);
    else
        branchless ? encode_order1_states<4, true>(in, table, ptr) : encode_order1_states<4, false>(in, table, ptr);
    buf.append_from(ptr, out);
}

// ---------------------------------------------------------------------------------------------------------
// Decoder
// ---------------------------------------------------------------------------------------------------------

//! Per cumulative-frequency slot: symbol | (slot - start) << 8 | (freq - 1) << 20, so that one load gives
//! everything a decoding step needs.
using decoder_table = std::array<std::uint32_t, 4096>;

inline void build_decoder_table(frequencies const & f, std::uint32_t * slots)
{
    std::uint32_t start = 0;
    for (std::uint32_t s = 0; s < 256; ++s)
    {
        for (std::uint32_t k = 0; k < f[s]; ++k)
            slots[start + k] = s | (k << 8) | ((f[s] - 1) << 20);
        start += f[s];
    }
}

inline decode_status read_states(byte_reader & in, std::uint32_t * x, unsigned n)
{
    for (unsigned j = 0; j < n; ++j)
    {
        if (!in.u32(x[j]))
            return decode_status::truncated;
        if (x[j] < state_lower_bound)
            return decode_status::bad_state;
    }
    return decode_status::ok;
}

//! Every state returns to L after the last symbol: a cheap whole-stream integrity check.
inline decode_status check_final_states(std::uint32_t const * x, unsigned n)
{
    for (unsigned j = 0; j < n; ++j)
        if (x[j] != state_lower_bound)
            return decode_status::bad_state;
    return decode_status::ok;
}

//! Finishes order-0 decoding from symbol i: whole rounds, then the careful tail.
template <unsigned N, bool Branchless>
decode_status decode_order0_states(std::uint32_t const * table, std::uint32_t * states, std::uint8_t const *& in_ptr,
                                   std::uint8_t const * end, std::size_t i, std::size_t len, std::uint8_t * out)
{
    local_decoder_state<N> local{states, in_ptr};
    auto & x = local.x;
    auto & p = local.p;
    constexpr std::uint32_t mask = (1u << order0_bits) - 1;
    i = decode_order0_rounds<N, Branchless>(table, x, p, end, i, len, out);
    for (unsigned j = static_cast<unsigned>(i % N); i < len; ++i, j = (j + 1 == N) ? 0 : j + 1)
    {
        std::uint32_t const slot = table[x[j] & mask];
        out[i] = static_cast<std::uint8_t>(slot);
        x[j] = decode_step(x[j], slot, order0_bits);
        if (!renormalise(x[j], p, end))
            return local.finish(decode_status::truncated);
    }
    return local.finish(decode_status::ok);
}

//! Order-0 decoding of len symbols with N states from the rest of in (everything left belongs to it).
inline decode_status decode_order0(byte_reader & in, std::size_t len, unsigned n_states, std::uint8_t * out)
{
    if (len == 0)
        return decode_status::ok;
    frequencies f;
    if (auto st = read_frequencies0(in, f, order0_bits); st != decode_status::ok)
        return st;
    auto table = std::make_unique<decoder_table>();
    build_decoder_table(f, table->data());
    std::uint32_t x[32];
    if (auto st = read_states(in, x, n_states); st != decode_status::ok)
        return st;
    std::uint8_t const * p = in.position();
    std::uint8_t const * const end = p + in.remaining();
    decode_status st;
    if (n_states == 32)
    {
        // The 32-way rounds are the SIMD kernel's; the tail (and rounds it left) the scalar code's.
        std::size_t const done = simd::dispatch<rans_x32_kernel>(
            [&](auto kernel) { return kernel.decode_order0(table->data(), x, p, end, len, out); });
        st = decode_order0_states<32, true>(table->data(), x, p, end, done, len, out);
    }
    else if (renormalise_branchless(static_cast<std::size_t>(end - p), len))
        st = decode_order0_states<4, true>(table->data(), x, p, end, 0, len, out);
    else
        st = decode_order0_states<4, false>(table->data(), x, p, end, 0, len, out);
    if (st != decode_status::ok)
        return st;
    std::span<std::uint8_t const> rest;
    in.take(static_cast<std::size_t>(p - in.position()), rest);
    return check_final_states(x, n_states);
}

//! Room for the order-1 decoder tables of every context at the largest table size.
inline constexpr std::size_t order1_slots = std::size_t{256} << order1_bits;

//! Reads an order-1 table into per-context decoder tables: context c's at slots + (c << bits), context_base[c]
//! = c << bits, or no_context_table for a context without one (its slots are left as they were). slots: room for
//! order1_slots entries. complete: whether every context decoding can reach (0 and the alphabet) has a table.
inline decode_status read_frequencies1(byte_reader & in, unsigned & bits, std::uint32_t * slots,
                                       std::array<std::uint32_t, 256> & context_base, bool & complete)
{
    std::uint32_t header;
    if (!in.u8(header))
        return decode_status::truncated;
    bits = header >> 4;
    if (bits != 10 && bits != 12)
        return decode_status::bad_frequencies;
    std::vector<std::uint8_t> unpacked;
    byte_reader table_in = in;
    if (header & 1)
    {
        std::uint32_t u_size, c_size;
        std::span<std::uint8_t const> c_data;
        if (!in.u7(u_size) || !in.u7(c_size) || !in.take(c_size, c_data))
            return decode_status::truncated;
        if (u_size > (1u << 20)) // 256 contexts x 256 symbols x 3 bytes is far less
            return decode_status::bad_size;
        unpacked.resize(u_size);
        byte_reader c_in{c_data};
        if (auto st = decode_order0(c_in, u_size, 4, unpacked.data()); st != decode_status::ok)
            return st;
        table_in = byte_reader{unpacked};
    }
    frequencies alphabet;
    if (auto st = read_alphabet(table_in, alphabet); st != decode_status::ok)
        return st;
    context_base.fill(no_context_table);
    for (int ctx = 0; ctx < 256; ++ctx)
    {
        if (!alphabet[ctx])
            continue;
        frequencies f{};
        std::uint32_t zeros = 0;
        for (int s = 0; s < 256; ++s)
        {
            if (!alphabet[s])
                continue;
            if (zeros > 0)
            {
                --zeros;
                continue;
            }
            if (!table_in.u7(f[s]))
                return decode_status::truncated;
            if (f[s] == 0 && !table_in.u8(zeros))
                return decode_status::truncated;
        }
        bool any = false;
        for (auto v : f)
            any = any || v != 0;
        if (!any)
            continue; // a context never followed by anything
        if (!scale_to_total(f, bits))
            return decode_status::bad_frequencies;
        context_base[ctx] = static_cast<std::uint32_t>(ctx) << bits;
        build_decoder_table(f, slots + context_base[ctx]);
    }
    complete = context_base[0] != no_context_table;
    for (int ctx = 0; ctx < 256; ++ctx)
        complete = complete && (!alphabet[ctx] || context_base[ctx] != no_context_table);
    if (!(header & 1))
        in = table_in;
    return decode_status::ok;
}

//! Finishes order-1 decoding from round i (state j writes out[j * region + i], in context last[j]).
template <unsigned N, bool Branchless>
decode_status decode_order1_states(std::uint32_t const * slots, std::uint32_t const * context_base, unsigned bits,
                                   std::uint32_t * states, std::uint8_t const * last_in, std::uint8_t const *& in_ptr,
                                   std::uint8_t const * end, std::size_t i, std::size_t len, std::uint8_t * out)
{
    local_decoder_state<N> local{states, in_ptr};
    auto & x = local.x;
    auto & p = local.p;
    std::uint32_t const mask = (1u << bits) - 1;
    std::size_t const region = len / N;
    std::uint32_t last[N]; // wider than bytes: no zero-extension on the dependency chain
    std::copy_n(last_in, N, last);
    // One step of state j writing position pos; false on a context without a table. The table's place follows
    // from the context alone (c << bits), so the check is off the dependency chain x -> slot -> x.
    auto step = [&](unsigned j, std::size_t pos) {
        if (context_base[last[j]] == no_context_table) [[unlikely]]
            return false;
        std::uint32_t const slot = slots[(last[j] << bits) + (x[j] & mask)];
        out[pos] = static_cast<std::uint8_t>(slot);
        last[j] = slot & 0xffu;
        x[j] = decode_step(x[j], slot, bits);
        return true;
    };
    for (; i < region && static_cast<std::size_t>(end - p) >= 2 * N; ++i)
    {
        for (unsigned j = 0; j < N; ++j)
            if (!step(j, j * region + i))
                return local.finish(decode_status::missing_context);
        renormalise_round<N, Branchless>(x, p);
    }
    for (; i < region; ++i)
        for (unsigned j = 0; j < N; ++j)
        {
            if (!step(j, j * region + i))
                return local.finish(decode_status::missing_context);
            if (!renormalise(x[j], p, end))
                return local.finish(decode_status::truncated);
        }
    for (std::size_t pos = region * N; pos < len; ++pos)
    {
        if (!step(N - 1, pos))
            return local.finish(decode_status::missing_context);
        if (!renormalise(x[N - 1], p, end))
            return local.finish(decode_status::truncated);
    }
    return local.finish(decode_status::ok);
}

inline decode_status decode_order1(byte_reader & in, std::size_t len, unsigned n_states, std::uint8_t * out)
{
    if (len == 0)
        return decode_status::ok;
    unsigned bits = 12;
    // Per-context tables (16 KB each) in memory kept per thread, context c's at c << bits: only the pages of
    // contexts that occur are ever touched. Nothing else uses it while this call runs.
    thread_local std::unique_ptr<std::uint32_t[]> const slots{new std::uint32_t[order1_slots]};
    std::array<std::uint32_t, 256> context_base;
    bool complete = false;
    if (auto st = read_frequencies1(in, bits, slots.get(), context_base, complete); st != decode_status::ok)
        return st;
    std::uint32_t x[32];
    if (auto st = read_states(in, x, n_states); st != decode_status::ok)
        return st;
    std::uint8_t const * p = in.position();
    std::uint8_t const * const end = p + in.remaining();
    std::uint8_t last[32] = {}; // every state starts in context 0
    decode_status st;
    if (n_states == 32)
    {
        // The SIMD kernel's whole rounds, then the scalar code from where it stopped (the tail, a missing context).
        std::size_t const done = simd::dispatch<rans_x32_kernel>([&](auto kernel) {
            return kernel.decode_order1(slots.get(), context_base.data(), !complete, bits, x, last, p, end, len / 32, out);
        });
        st = decode_order1_states<32, true>(slots.get(), context_base.data(), bits, x, last, p, end, done, len, out);
    }
    else if (renormalise_branchless(static_cast<std::size_t>(end - p), len))
        st = decode_order1_states<4, true>(slots.get(), context_base.data(), bits, x, last, p, end, 0, len, out);
    else
        st = decode_order1_states<4, false>(slots.get(), context_base.data(), bits, x, last, p, end, 0, len, out);
    if (st != decode_status::ok)
        return st;
    std::span<std::uint8_t const> rest;
    in.take(static_cast<std::size_t>(p - in.position()), rest);
    return check_final_states(x, n_states);
}

} // namespace wgskit::codec::rans::detail
