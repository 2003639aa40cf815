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
#include <type_traits>
#include <vector>

#include <wgskit/codec/rans/detail/byte_stream.hpp>
#include <wgskit/codec/rans/detail/decode_status.hpp>
#include <wgskit/codec/rans/detail/encode_primitives.hpp>
#include <wgskit/codec/rans/detail/frequency_table.hpp>
#include <wgskit/codec/rans/detail/rans_x32_encode_kernel.hpp>
#include <wgskit/codec/rans/detail/rans_x32_kernel.hpp>

namespace wgskit::codec::rans::detail
{

//! Order-1 tables are 12-bit, or 10-bit when that costs little (see encode_order1).
inline constexpr unsigned order1_bits = 12;
inline constexpr unsigned order1_small_bits = 10;

// ---------------------------------------------------------------------------------------------------------
// Encoder
// ---------------------------------------------------------------------------------------------------------

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

//! The 256 entries of a table at t (symbols absent from f are left as they were: the coder never looks at them).
template <typename Symbol = encoder_symbol>
void make_encoder_table(frequencies const & f, unsigned bits, Symbol * t)
{
    std::uint32_t start = 0;
    for (int s = 0; s < 256; ++s)
        if (f[s])
        {
            if constexpr (std::is_same_v<Symbol, scalar_encoder_symbol>)
                t[s] = make_scalar_encoder_symbol(start, f[s], bits);
            else
                t[s] = make_encoder_symbol(start, f[s], bits);
            start += f[s];
        }
}

//! Encoder scratch memory kept per thread between calls: the order-1 counts and tables (1.3 MB) and the
//! backward buffer allocated fresh on every call cost more in page faults than coding a block of qualities or
//! names takes. Users run one after the other (a nested order-0 encoding of an order-1 table finishes before
//! the order-1 data is coded), never two at once. The counts are all zero between calls.
struct encoder_workspace
{
    std::vector<frequencies> counts, freqs, freqs_large; // order-1: per context; freqs_large the 12-bit ones
    std::vector<encoder_symbol> tables; // order-1: context c's 256 entries at c * 256 (32 states)
    std::vector<scalar_encoder_symbol> scalar_tables; // the same for 4 states
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

//! Byte counts. Eight interleaved tables: runs of one byte would otherwise chain every increment through the
//! same counter in memory (a store-to-load forwarding each).
inline frequencies histogram(std::span<std::uint8_t const> in)
{
    std::array<frequencies, 8> part{};
    std::uint8_t const * const d = in.data();
    std::size_t const n = in.size();
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8)
    {
        ++part[0][d[i]];
        ++part[1][d[i + 1]];
        ++part[2][d[i + 2]];
        ++part[3][d[i + 3]];
        ++part[4][d[i + 4]];
        ++part[5][d[i + 5]];
        ++part[6][d[i + 6]];
        ++part[7][d[i + 7]];
    }
    for (; i < n; ++i)
        ++part[0][d[i]];
    for (int s = 0; s < 256; ++s)
        part[0][s] += part[1][s] + part[2][s] + part[3][s] + part[4][s] + part[5][s] + part[6][s] + part[7][s];
    return part[0];
}

// The 4 states' symbols in reverse: the partial last round first, then whole rounds (no division). The states
// are four named locals: as an array, GCC keeps them in a vector register and extracts and inserts lanes.
template <bool Branchless>
void encode_order0_x4(std::span<std::uint8_t const> in, scalar_encoder_symbol const * table, std::uint32_t * states,
                      std::uint8_t *& out_ptr)
{
    std::uint8_t * ptr = out_ptr;
    std::size_t const whole = in.size() / 4 * 4;
    for (std::size_t i = in.size(); i-- > whole;)
        encode_symbol<Branchless>(states[i - whole], ptr, table[in[i]]);
    std::uint32_t x0 = states[0], x1 = states[1], x2 = states[2], x3 = states[3];
    for (std::uint8_t const * p = in.data() + whole; p != in.data(); p -= 4)
    {
        encode_symbol<Branchless>(x3, ptr, table[p[-1]]);
        encode_symbol<Branchless>(x2, ptr, table[p[-2]]);
        encode_symbol<Branchless>(x1, ptr, table[p[-3]]);
        encode_symbol<Branchless>(x0, ptr, table[p[-4]]);
    }
    states[0] = x0, states[1] = x1, states[2] = x2, states[3] = x3;
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

    backward_buffer buf{in.size(), n_states};
    std::uint8_t * ptr = buf.end();
    bool const branchless = coded_bits(counts, f, order0_bits) > static_cast<double>(in.size());
    std::uint32_t x[32];
    std::fill_n(x, n_states, state_lower_bound);
    if (n_states == 32)
    {
        std::array<encoder_symbol, 256> table;
        make_encoder_table(f, order0_bits, table.data());
        // The partial last round first (the encoder runs backwards), then the kernel's whole rounds.
        std::size_t const whole = in.size() / 32 * 32;
        for (std::size_t i = in.size(); i-- > whole;)
            encode_symbol<true>(x[i - whole], ptr, table[in[i]]);
        simd::dispatch<rans_x32_encode_kernel>([&](auto kernel) {
            kernel.encode_order0(table.data(), in.data(), whole / 32, x, ptr, branchless);
        });
    }
    else
    {
        std::array<scalar_encoder_symbol, 256> table;
        make_encoder_table(f, order0_bits, table.data());
        branchless ? encode_order0_x4<true>(in, table.data(), x, ptr) : encode_order0_x4<false>(in, table.data(), x, ptr);
    }
    flush_states(x, n_states, ptr);
    buf.append_from(ptr, out);
}

//! Order-1 tables: byte (bits << 4 | compressed), then the alphabet and, per context, the frequencies of the
//! alphabet's symbols with runs of zeros as 0 + run length. Tables over 1000 bytes are tried order-0 compressed.
inline void write_frequencies1(std::vector<std::uint8_t> & out, frequencies const & alphabet,
                               std::vector<frequencies> const & f, unsigned bits)
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
    std::uint8_t const header = static_cast<std::uint8_t>(bits << 4);
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

//! Order-1 counts (counts[context][symbol], all zero on entry) and the alphabet (with 0, every state's first
//! context). Each of the N regions starts in context 0, the remainder continues the last region: counted as one
//! sequence, then the region starts corrected.
//!
//! Inputs of a few KB and more are counted into four tables, by position mod 4: with one table, a run of one
//! byte (qualities) chains every increment through one counter in memory, a store-to-load forwarding a byte. The
//! loop then stores nothing else: the alphabet is every symbol reachable from context 0 along the counted pairs
//! (the input is one path through them), found while the tables' rows are summed.
inline void count_order1(std::span<std::uint8_t const> in, unsigned n_states, frequencies * counts,
                         frequencies & alphabet)
{
    alphabet.fill(0);
    alphabet[0] = 1;
    std::uint8_t const * const d = in.data();
    std::size_t const n = in.size();
    std::uint32_t prev = 0;
    if (n >= 4096) // below, summing the rows costs about what a single table loses
    {
        // All zero between calls; table k's row c at tk + c * 256. The tables start 64 bytes apart modulo 4 KB:
        // in a run, the four increments hit the same row and column of each table, and at equal addresses modulo
        // 4 KB a load waits for the previous table's store (4K aliasing).
        constexpr std::size_t table_size = 256 * 256;
        thread_local std::vector<std::uint32_t> more(3 * table_size + 64);
        std::uint32_t * const t1 = more.data() + 16;
        std::uint32_t * const t2 = t1 + table_size + 16;
        std::uint32_t * const t3 = t2 + table_size + 16;
        std::size_t i = 0;
        for (; i + 4 <= n; i += 4)
        {
            std::uint32_t const c0 = d[i], c1 = d[i + 1], c2 = d[i + 2], c3 = d[i + 3];
            ++counts[prev][c0];
            ++t1[c0 * 256 + c1];
            ++t2[c1 * 256 + c2];
            ++t3[c2 * 256 + c3];
            prev = c3;
        }
        for (; i < n; prev = d[i++])
            ++counts[prev][d[i]];
        // Every context in t1..t3 is reached: its row is summed (and cleared) before the search leaves it.
        std::array<std::uint8_t, 256> pending;
        unsigned n_pending = 0;
        pending[n_pending++] = 0;
        while (n_pending > 0)
        {
            unsigned const ctx = pending[--n_pending];
            auto & row = counts[ctx];
            std::uint32_t * const r1 = t1 + ctx * 256;
            std::uint32_t * const r2 = t2 + ctx * 256;
            std::uint32_t * const r3 = t3 + ctx * 256;
            for (int s = 0; s < 256; ++s)
                row[s] += r1[s] + r2[s] + r3[s];
            std::fill_n(r1, 256, 0u);
            std::fill_n(r2, 256, 0u);
            std::fill_n(r3, 256, 0u);
            for (int s = 0; s < 256; ++s)
                if (row[s] != 0 && !alphabet[s])
                {
                    alphabet[s] = 1;
                    pending[n_pending++] = static_cast<std::uint8_t>(s);
                }
        }
    }
    else
        for (std::size_t i = 0; i < n; prev = d[i++])
        {
            ++counts[prev][d[i]];
            alphabet[d[i]] = 1;
        }
    std::size_t const region = n / n_states;
    for (unsigned j = 1; region > 0 && j < n_states; ++j)
    {
        std::size_t const p = j * region;
        --counts[d[p - 1]][d[p]];
        ++counts[0][d[p]];
    }
}

//! Order-1, 4 states: the remainder (the last state's) first, then the regions in lock-step, last round first.
template <bool Branchless>
void encode_order1_x4(std::span<std::uint8_t const> in, scalar_encoder_symbol const * tables, std::uint32_t * states,
                      std::uint8_t *& out_ptr)
{
    local_encoder_state<4> local{states, out_ptr};
    auto & x = local.x;
    std::uint8_t * ptr = local.ptr;
    std::size_t const len = in.size();
    std::size_t const region = len / 4;
    for (std::size_t p = len; p-- > region * 4;)
        encode_symbol<Branchless>(x[3], ptr, tables[(p == 0 ? 0 : in[p - 1]) * 256 + in[p]]);
    // The states in named variables (as an array GCC keeps them in memory, on the dependency chain); the first
    // round, in context 0, on its own.
    std::uint32_t x0 = x[0], x1 = x[1], x2 = x[2], x3 = x[3];
    std::uint8_t const * const r0 = in.data();
    std::uint8_t const * const r1 = r0 + region;
    std::uint8_t const * const r2 = r1 + region;
    std::uint8_t const * const r3 = r2 + region;
    for (std::size_t i = region; i-- > 1;)
    {
        encode_symbol<Branchless>(x3, ptr, tables[r3[i - 1] * 256 + r3[i]]);
        encode_symbol<Branchless>(x2, ptr, tables[r2[i - 1] * 256 + r2[i]]);
        encode_symbol<Branchless>(x1, ptr, tables[r1[i - 1] * 256 + r1[i]]);
        encode_symbol<Branchless>(x0, ptr, tables[r0[i - 1] * 256 + r0[i]]);
    }
    if (region > 0)
    {
        encode_symbol<Branchless>(x3, ptr, tables[r3[0]]);
        encode_symbol<Branchless>(x2, ptr, tables[r2[0]]);
        encode_symbol<Branchless>(x1, ptr, tables[r1[0]]);
        encode_symbol<Branchless>(x0, ptr, tables[r0[0]]);
    }
    x[0] = x0, x[1] = x1, x[2] = x2, x[3] = x3;
    local.ptr = ptr;
    local.write_back();
}

//! Order-1, N states.
inline void encode_order1(std::span<std::uint8_t const> in, unsigned n_states, std::vector<std::uint8_t> & out)
{
    if (in.empty())
        return;
    auto & w = encoder_workspace::of_this_thread();
    auto & counts = w.counts;
    if (counts.size() != 256)
        counts.assign(256, frequencies{}); // kept all zero between calls (rows cleared after use)
    frequencies alphabet;
    count_order1(in, n_states, counts.data(), alphabet);
    // Only the contexts of the alphabet can have counts, and only theirs are (re)built: neither the table
    // writer nor the coder looks at the others' stale rows.
    auto & f = w.freqs;
    f.resize(256);
    std::array<std::uint8_t, 256> with_table; // the contexts with frequencies
    unsigned n_with_table = 0;
    for (int ctx = 0; ctx < 256; ++ctx)
    {
        if (!alphabet[ctx])
            continue;
        bool any = false;
        for (auto c : counts[ctx])
            any = any || c != 0;
        if (!any)
        {
            f[ctx].fill(0);
            continue;
        }
        with_table[n_with_table++] = static_cast<std::uint8_t>(ctx);
    }
    // 10-bit tables when they cost at most 1% more bits than 12-bit ones (htscodecs makes the same trade): the
    // decoder's tables are a quarter the size, which keeps many contexts' tables (read names) in L1.
    unsigned bits = order1_small_bits;
    auto & f_large = w.freqs_large;
    f_large.resize(256);
    double coded = 0, coded_large = 0; // bits
    for (unsigned k = 0; k < n_with_table; ++k)
    {
        auto const ctx = with_table[k];
        f[ctx] = normalise(counts[ctx], order1_small_bits);
        coded += coded_bits(counts[ctx], f[ctx], order1_small_bits);
        f_large[ctx] = normalise(counts[ctx], order1_bits);
        coded_large += coded_bits(counts[ctx], f_large[ctx], order1_bits);
    }
    if (coded > 1.01 * coded_large)
    {
        bits = order1_bits;
        coded = coded_large;
        for (unsigned k = 0; k < n_with_table; ++k)
            f[with_table[k]] = f_large[with_table[k]];
    }
    for (unsigned k = 0; k < n_with_table; ++k)
        counts[with_table[k]].fill(0);
    write_frequencies1(out, alphabet, f, bits);
    // The encoder tables of the contexts with frequencies, in the layout of the coder that runs.
    auto const make_tables = [&](auto & table) {
        table.resize(order1_encoder_entries);
        for (unsigned k = 0; k < n_with_table; ++k)
            make_encoder_table(f[with_table[k]], bits, table.data() + with_table[k] * 256);
        return table.data();
    };

    backward_buffer buf{in.size(), n_states};
    std::uint8_t * ptr = buf.end();
    bool const branchless = coded > static_cast<double>(in.size());
    std::uint32_t x[32];
    std::fill_n(x, n_states, state_lower_bound);
    if (n_states == 32)
    {
        encoder_symbol const * const table = make_tables(w.tables);
        // The decoder's last steps are the remainder (last state's): encoded first, then the kernel's rounds.
        std::size_t const region = in.size() / 32;
        for (std::size_t p = in.size(); p-- > region * 32;)
            encode_symbol<true>(x[31], ptr, table[(p == 0 ? 0 : in[p - 1]) * 256 + in[p]]);
        simd::dispatch<rans_x32_encode_kernel>([&](auto kernel) {
            kernel.encode_order1(table, in.data(), region, x, ptr, branchless);
        });
    }
    else
    {
        scalar_encoder_symbol const * const table = make_tables(w.scalar_tables);
        branchless ? encode_order1_x4<true>(in, table, x, ptr) : encode_order1_x4<false>(in, table, x, ptr);
    }
    flush_states(x, n_states, ptr);
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

//! Decoder tables, one entry per cumulative-frequency slot, in two layouts. Both build a table of 2^bits slots
//! at base from the frequencies f and take one decoding step from slot index: step() updates x and returns the
//! symbol.
//!
//! packed_slots: one 32-bit word a slot (decoder_table's symbol | (slot - start) << 8 | (freq - 1) << 20), what the
//! 32-way kernel gathers, one per lane.
struct packed_slots
{
    std::uint32_t * slots;

    void build(std::uint32_t base, frequencies const & f) const { build_decoder_table(f, slots + base); }

    WGSKIT_ALWAYS_INLINE std::uint32_t step(std::uint32_t & x, std::uint32_t index, unsigned bits) const noexcept
    {
        std::uint32_t const slot = slots[index];
        x = decode_step(x, slot, bits);
        return slot & 0xffu;
    }
};

//! split_slots: the fields in three arrays, as in htscodecs' 4-way decoder. The multiply's operand comes straight
//! from a 16-bit load and no shift or mask extracts a field, which shortens the chain from one state to the next
//! by a cycle and the scalar loops by two instructions a symbol. The arrays sit at fixed offsets from one pointer
//! (Slots a constant), so the loops keep one register for them, not three. With Thresholds (the order-0 tables),
//! a fourth array holds per slot the quotient x >> bits below which the new state needs a word (see
//! step_renormalising).
template <std::size_t Slots, bool Thresholds = false>
struct split_slots
{
    // u16 freq[Slots], bias[Slots] (slot - start), [u32 threshold[Slots]], then the symbol bytes[Slots]. 32-bit
    // thresholds: the compare reads them from memory (a 16-bit one needs a load of its own: 9% slower).
    static constexpr std::size_t bias_at = Slots;
    static constexpr std::size_t threshold_at = 2 * Slots;
    static constexpr std::size_t symbols_at = (Thresholds ? 4 : 2) * Slots;
    static constexpr std::size_t size = symbols_at + (Slots + 1) / 2; // in 16-bit units
    std::uint16_t * data; // in byte storage (split_slot_storage), where the u32 thresholds may live too

    std::uint8_t * symbols() const noexcept { return reinterpret_cast<std::uint8_t *>(data + symbols_at); }
    std::uint32_t & threshold(std::size_t index) const noexcept
    {
        return reinterpret_cast<std::uint32_t *>(data + threshold_at)[index];
    }

    void build(std::uint32_t base, frequencies const & f) const
    {
        std::uint32_t start = base;
        for (std::uint32_t s = 0; s < 256; ++s)
        {
            if (f[s] == 0)
                continue;
            // The new state f q + k is below L exactly when q < ceil((L - k) / f): t for k below L - (t - 1) f
            // with t = ceil(L / f), t - 1 from there on (k < f).
            std::uint32_t const t = (state_lower_bound + f[s] - 1) / f[s];
            std::uint32_t const t_from = state_lower_bound - (t - 1) * f[s];
            for (std::uint32_t k = 0; k < f[s]; ++k)
            {
                data[start + k] = static_cast<std::uint16_t>(f[s]);
                data[bias_at + start + k] = static_cast<std::uint16_t>(k);
                if constexpr (Thresholds)
                    threshold(start + k) = k < t_from ? t : t - 1;
                symbols()[start + k] = static_cast<std::uint8_t>(s);
            }
            start += f[s];
        }
    }

    WGSKIT_ALWAYS_INLINE std::uint32_t step(std::uint32_t & x, std::uint32_t index, unsigned bits) const noexcept
    {
        x = data[index] * (x >> bits) + data[bias_at + index];
        return symbols()[index];
    }

    //! step() and the branch-free renormalisation (the caller knows two more bytes are there). Whether the new
    //! state needs a word follows from the old state's quotient and the slot's threshold, both known a multiply
    //! and an add before the new state: the input position, which each state's word waits for, moves earlier.
    //! (On the Intel VM the order-0 4-way loop on read names ran 13% faster than with the compare after the step.)
    WGSKIT_ALWAYS_INLINE std::uint32_t step_renormalising(std::uint32_t & x, std::size_t index, unsigned bits,
                                                          std::uint8_t const *& p) const noexcept
        requires Thresholds
    {
        std::uint32_t const q = x >> bits;
        x = data[index] * q + data[bias_at + index];
        renormalise_when_below(x, q, threshold(index), p);
        return symbols()[index];
    }

    // The order-1 4-way loop's view: a context is the symbol itself.
    static std::uint32_t context_of(std::uint8_t symbol) noexcept { return symbol; }
    template <unsigned Bits>
    WGSKIT_ALWAYS_INLINE std::uint32_t step_in(std::uint32_t & x, std::uint32_t c) const noexcept
    {
        return step(x, (c << Bits) + (x & ((1u << Bits) - 1)), Bits);
    }
    static std::uint8_t symbol_of_context(std::uint32_t c) noexcept { return static_cast<std::uint8_t>(c); }
};

//! Storage for split_slots<Slots, Thresholds>.
template <std::size_t Slots, bool Thresholds = false>
struct split_slot_storage
{
    // Bytes (aligned for any scalar), in which the 16- and 32-bit fields are objects of their own.
    std::unique_ptr<unsigned char[]> data{new unsigned char[2 * split_slots<Slots, Thresholds>::size]};

    split_slots<Slots, Thresholds> view() const { return {reinterpret_cast<std::uint16_t *>(data.get())}; }
};

//! ranked_slots: order-1 tables in a few tens of KB when there are many contexts (names: ~25 contexts of 1024
//! slots, 128 KB as split_slots, past L1): per context a byte a slot, the rank of its symbol in the alphabet, and
//! per (context rank, symbol rank) an entry: the frequency and start, 16 bits each (the multiply's operand
//! straight from a load), and a renormalisation threshold. The decoding step is two dependent loads from L1
//! instead of one from L2.
struct ranked_slots
{
    // One allocation, so that the 4-way loop keeps one register for all of it (with more, GCC spills the states'
    // contexts, and their store and reload land on the dependency chain). Context rank c has a block at
    // c * block_bytes: its slots' ranks (u8, 2^bits of them), then at entries_at 8 bytes a symbol rank. One
    // multiply of the context gives both addresses (separate arrays for the slots and entries took two shifts and
    // an add). The 64 spare bytes a block keep the blocks' entries out of each other's L1 sets (blocks of 8 KB
    // were 5% slower than the separate arrays; these 2-4% faster, on names with 12-bit tables).
    static constexpr std::size_t entries_at = std::size_t{1} << order1_bits; // in a block
    static constexpr std::size_t entry_bytes = 8; // u16 freq, u16 start, u32 threshold
    static constexpr std::size_t block_bytes = entries_at + 256 * entry_bytes + 64;
    static constexpr std::size_t symbol_of_at = 256 * block_bytes; // u8 [rank] -> symbol
    static constexpr std::size_t rank_of_at = symbol_of_at + 256;                // u8 [symbol] -> rank
    static constexpr std::size_t size = rank_of_at + 256;
    std::uint8_t * data;

    std::uint8_t * block(std::size_t c) const noexcept { return data + c * block_bytes; }
    //! The rank of the symbol of context rank c's slot m.
    std::uint8_t & rank_at(std::size_t c, std::size_t m) const noexcept { return block(c)[m]; }
    std::uint8_t const * symbol_of() const noexcept { return data + symbol_of_at; }
    std::uint8_t const * rank_of() const noexcept { return data + rank_of_at; }
    static WGSKIT_ALWAYS_INLINE std::uint32_t u16_at(std::uint8_t const * p) noexcept
    {
        std::uint16_t v;
        std::memcpy(&v, p, 2);
        return v;
    }
    static WGSKIT_ALWAYS_INLINE std::uint8_t * entry(std::uint8_t * block, std::size_t r) noexcept
    {
        return block + entries_at + entry_bytes * r;
    }
    //! The states below which a step of entry (c, r) leaves a state that needs a word (see step_ranked).
    static std::uint32_t & threshold(std::uint8_t * entry) noexcept
    {
        return *reinterpret_cast<std::uint32_t *>(entry + 4);
    }
    std::uint32_t threshold(std::size_t c, std::size_t r) const noexcept { return threshold(entry(block(c), r)); }
    static void set_entry(std::uint8_t * e, std::uint32_t f, std::uint32_t start, unsigned bits) noexcept
    {
        std::uint16_t const fv = static_cast<std::uint16_t>(f), sv = static_cast<std::uint16_t>(start);
        std::memcpy(e, &fv, 2);
        std::memcpy(e + 2, &sv, 2);
        // x = q 2^bits + m steps to f q + m - start, below L exactly when x < (t - 1) 2^bits + start + L - (t - 1) f
        // with t = ceil(L / f): all of quotient t - 1 up to that slot, and every smaller quotient.
        std::uint32_t const t = (state_lower_bound + f - 1) / f;
        threshold(e) = ((t - 1) << bits) + start + state_lower_bound - (t - 1) * f;
    }

    //! The frequency and start of rank r's entry in block b, loaded with b and r as the address registers. GCC
    //! computes the entry's address first (the step reads three fields of it), which puts an add on the decoding
    //! chain: read names (10-bit tables) decoded 10% faster this way on the Intel VM.
    WGSKIT_ALWAYS_INLINE void frequency_and_start(std::uint8_t const * b, std::size_t r, std::uint32_t & f,
                                                  std::uint32_t & start) const noexcept
    {
#if defined(__x86_64__) && defined(__GNUC__)
        static_assert(entry_bytes == 8); // the addressing's scale
        asm("movzwl %c[at](%[b],%[r],8), %[f]\n\t"
            "movzwl %c[at2](%[b],%[r],8), %[s]"
            : [f] "=r"(f), [s] "=r"(start)
            : [b] "r"(b), [r] "r"(r), [at] "i"(entries_at), [at2] "i"(entries_at + 2),
              "m"(*b)); // reads the block (written only by build(), before any decoding)
#else
        f = u16_at(entry(const_cast<std::uint8_t *>(b), r));
        start = u16_at(entry(const_cast<std::uint8_t *>(b), r) + 2);
#endif
    }

    //! Tables (context, frequencies summing to 2^bits); the ranks are those of 0, the contexts and their symbols.
    void build(unsigned bits, std::vector<std::pair<std::uint32_t, frequencies>> const & tables) const
    {
        frequencies alphabet{};
        for (auto const & [ctx, f] : tables)
        {
            alphabet[ctx] = 1;
            for (unsigned s = 0; s < 256; ++s)
                alphabet[s] |= f[s];
        }
        std::uint8_t * const symbol_of = data + symbol_of_at;
        std::uint8_t * const rank_of = data + rank_of_at;
        unsigned rank = 0;
        for (unsigned s = 0; s < 256; ++s)
            if (alphabet[s] || s == 0)
            {
                rank_of[s] = static_cast<std::uint8_t>(rank);
                symbol_of[rank++] = static_cast<std::uint8_t>(s);
            }
        for (auto const & [ctx, f] : tables)
        {
            std::uint8_t * const b = block(rank_of[ctx]);
            std::uint32_t start = 0;
            for (std::uint32_t r = 0; r < rank; ++r) // the ranked symbols, in symbol order
            {
                std::uint32_t const s = symbol_of[r];
                if (f[s] == 0)
                    continue;
                std::fill_n(b + start, f[s], static_cast<std::uint8_t>(r));
                set_entry(entry(b, r), f[s], start, bits);
                start += f[s];
            }
        }
    }

    //! One step in context rank c: updates x, returns the symbol's rank. With a p, also the branch-free
    //! renormalisation (the caller knows two more bytes are there), on a compare of the old state with the entry's
    //! threshold, which is known a multiply and an add before the new state: the input position, which each
    //! state's word waits for, moves earlier.
    //! (64-bit indexes: as 32-bit ones, each needs a zero-extending copy before it addresses memory.)
    WGSKIT_ALWAYS_INLINE std::size_t step_ranked(std::uint32_t & x, std::size_t c, unsigned bits,
                                                 std::uint8_t const ** p = nullptr) const noexcept
    {
        std::uint8_t * const b = block(c);
        std::size_t const m = x & ((1u << bits) - 1);
        std::size_t const r = b[m];
        std::uint32_t f, start;
        frequency_and_start(b, r, f, start);
        std::uint32_t bias = static_cast<std::uint32_t>(m) - start;
        keep_in_register(bias); // one add after the multiply, not a subtraction and an add
        std::uint32_t const old = x;
        x = f * (x >> bits) + bias;
        if (p)
            renormalise_when_below(x, old, threshold(entry(b, r)), *p);
        return r;
    }

    // The order-1 4-way loop's view: a context is a symbol's rank.
    std::size_t context_of(std::uint8_t symbol) const noexcept { return data[rank_of_at + symbol]; }
    template <unsigned Bits>
    WGSKIT_ALWAYS_INLINE std::size_t step_in(std::uint32_t & x, std::size_t c) const noexcept
    {
        return step_ranked(x, c, Bits);
    }
    template <unsigned Bits>
    WGSKIT_ALWAYS_INLINE std::size_t step_in_renormalising(std::uint32_t & x, std::size_t c,
                                                           std::uint8_t const *& p) const noexcept
    {
        return step_ranked(x, c, Bits, &p);
    }
    WGSKIT_ALWAYS_INLINE std::uint8_t symbol_of_context(std::size_t c) const noexcept
    {
        return data[symbol_of_at + c];
    }

    //! The generic step (index = symbol context << bits | slot), for the tail.
    WGSKIT_ALWAYS_INLINE std::uint32_t step(std::uint32_t & x, std::uint32_t index, unsigned bits) const noexcept
    {
        return symbol_of()[step_ranked(x, rank_of()[index >> bits], bits)];
    }
};

//! Order-1 4-way tables of more than a bit a symbol and larger than this as split_slots (5 bytes a slot) are
//! decoded from ranked_slots: about an L1 data cache.
inline constexpr std::size_t ranked_above_bytes = 48 * 1024;

//! Storage for ranked_slots.
struct ranked_slot_storage
{
    std::unique_ptr<std::uint8_t[]> data{new std::uint8_t[ranked_slots::size]};

    ranked_slots view() const { return {data.get()}; }
};

//! Order-0 decoding with 4 states (named variables, as in the order-1 loop), then the careful tail.
template <bool Branchless>
decode_status decode_order0_x4(split_slots<std::size_t{1} << order0_bits, true> const t, std::uint32_t * states,
                               std::uint8_t const *& in_ptr, std::uint8_t const * end, std::size_t len,
                               std::uint8_t * out)
{
    constexpr std::uint32_t mask = (1u << order0_bits) - 1;
    auto const step = [&t](std::uint32_t & x, std::uint8_t & symbol) {
        symbol = static_cast<std::uint8_t>(t.step(x, x & mask, order0_bits));
    };
    std::uint8_t const * p = in_ptr;
    std::uint32_t x0 = states[0], x1 = states[1], x2 = states[2], x3 = states[3];
    // Rounds in batches that cannot run past the input (a round reads at most 8 bytes): one compare a round.
    std::uint8_t * o = out;
    std::uint8_t * const whole_end = out + len / 4 * 4;
    while (true)
    {
        std::size_t const safe = std::min(static_cast<std::size_t>(end - p) / 8,
                                          static_cast<std::size_t>(whole_end - o) / 4);
        if (safe == 0)
            break;
        for (std::uint8_t * const stop = o + 4 * safe; o != stop; o += 4)
        {
            if constexpr (Branchless)
            {
                auto const step_renormalising = [&t, &p](std::uint32_t & x, std::uint8_t & symbol) {
                    symbol = static_cast<std::uint8_t>(t.step_renormalising(x, x & mask, order0_bits, p));
                };
                step_renormalising(x0, o[0]);
                step_renormalising(x1, o[1]);
                step_renormalising(x2, o[2]);
                step_renormalising(x3, o[3]);
            }
            else
            {
                step(x0, o[0]);
                step(x1, o[1]);
                step(x2, o[2]);
                step(x3, o[3]);
                renormalise_state<false>(x0, p);
                renormalise_state<false>(x1, p);
                renormalise_state<false>(x2, p);
                renormalise_state<false>(x3, p);
            }
        }
    }
    std::size_t i = static_cast<std::size_t>(o - out);
    std::uint32_t x[4] = {x0, x1, x2, x3};
    decode_status st = decode_status::ok;
    for (unsigned j = 0; i < len; ++i, j = (j + 1) & 3u)
    {
        step(x[j], out[i]);
        if (!renormalise(x[j], p, end))
        {
            st = decode_status::truncated;
            break;
        }
    }
    std::copy_n(x, 4, states);
    in_ptr = p;
    return st;
}

//! Order-0 decoding of len symbols with N states from the rest of in (everything left belongs to it).
inline decode_status decode_order0(byte_reader & in, std::size_t len, unsigned n_states, std::uint8_t * out)
{
    if (len == 0)
        return decode_status::ok;
    frequencies f;
    if (auto st = read_frequencies0(in, f, order0_bits); st != decode_status::ok)
        return st;
    std::uint32_t x[32];
    if (auto st = read_states(in, x, n_states); st != decode_status::ok)
        return st;
    std::uint8_t const * p = in.position();
    std::uint8_t const * const end = p + in.remaining();
    decode_status st;
    if (n_states == 32)
    {
        auto table = std::make_unique<decoder_table>();
        build_decoder_table(f, table->data());
        // The 32-way rounds are the SIMD kernel's; the tail (and rounds it left) the scalar code's.
        std::size_t const done = simd::dispatch<rans_x32_kernel>(
            [&](auto kernel) { return kernel.decode_order0(table->data(), x, p, end, len, out); });
        st = decode_order0_states<32, true>(table->data(), x, p, end, done, len, out);
    }
    else
    {
        split_slot_storage<std::size_t{1} << order0_bits, true> const storage;
        auto const table = storage.view();
        table.build(0, f);
        st = renormalise_branchless(static_cast<std::size_t>(end - p), len)
                 ? decode_order0_x4<true>(table, x, p, end, len, out)
                 : decode_order0_x4<false>(table, x, p, end, len, out);
    }
    if (st != decode_status::ok)
        return st;
    std::span<std::uint8_t const> rest;
    in.take(static_cast<std::size_t>(p - in.position()), rest);
    return check_final_states(x, n_states);
}

//! Room for the order-1 decoder tables of every context at the largest table size.
inline constexpr std::size_t order1_slots = std::size_t{256} << order1_bits;

//! Reads an order-1 table into per-context decoder tables (packed_slots or split_slots): context c's at slot
//! c << bits, context_base[c] = c << bits, or no_context_table for a context without one (its slots are left as
//! they were). table: room for order1_slots slots. complete: whether every context decoding can reach (0 and the
//! alphabet) has a table.
template <typename Table>
decode_status read_frequencies1(byte_reader & in, unsigned & bits, Table const & table,
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
    // The alphabet as a list: each context's loop visits its symbols, not all 256 bytes.
    std::array<std::uint8_t, 256> symbols;
    unsigned n_symbols = 0;
    for (unsigned s = 0; s < 256; ++s)
        if (alphabet[s])
            symbols[n_symbols++] = static_cast<std::uint8_t>(s);
    context_base.fill(no_context_table);
    for (unsigned k = 0; k < n_symbols; ++k)
    {
        unsigned const ctx = symbols[k];
        frequencies f{};
        std::uint32_t zeros = 0;
        bool any = false;
        for (unsigned j = 0; j < n_symbols; ++j)
        {
            unsigned const s = symbols[j];
            if (zeros > 0)
            {
                --zeros;
                continue;
            }
            if (!table_in.u7(f[s]))
                return decode_status::truncated;
            any = any || f[s] != 0;
            if (f[s] == 0 && !table_in.u8(zeros))
                return decode_status::truncated;
        }
        if (!any)
            continue; // a context never followed by anything
        if (!scale_to_total(f, bits))
            return decode_status::bad_frequencies;
        context_base[ctx] = static_cast<std::uint32_t>(ctx) << bits;
        table.build(context_base[ctx], f);
    }
    complete = context_base[0] != no_context_table;
    for (int ctx = 0; ctx < 256; ++ctx)
        complete = complete && (!alphabet[ctx] || context_base[ctx] != no_context_table);
    if (!(header & 1))
        in = table_in;
    return decode_status::ok;
}

//! Finishes order-1 decoding from round i (state j writes out[j * region + i], in context last[j]).
template <unsigned N, bool Branchless, typename Table>
decode_status decode_order1_states(Table const & table, std::uint32_t const * context_base, unsigned bits,
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
        last[j] = table.step(x[j], (last[j] << bits) + (x[j] & mask), bits);
        out[pos] = static_cast<std::uint8_t>(last[j]);
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

//! The 4-way order-1 rounds with each state and context in a named variable and the table size a constant:
//! in arrays indexed by state, GCC kept them on the stack (the byte stores to out may alias them) or in vector
//! registers, both on the decoder's dependency chain. Stops at the end of the input's whole rounds or, when
//! CheckContext (the table set is incomplete; split_slots only), before a round that meets a context without a
//! table; returns the rounds done (state j wrote out[j * region + i] for i below it).
template <unsigned Bits, bool Branchless, bool CheckContext, typename Table>
std::size_t decode_order1_x4_rounds(Table const & table_in, std::uint32_t const * context_base, std::uint32_t * x,
                                    std::uint8_t * last, std::uint8_t const *& p, std::uint8_t const * end,
                                    std::size_t region, std::uint8_t * out) noexcept
{
    Table const table = table_in; // a local copy: the byte stores to out could alias the caller's
    std::uint32_t x0 = x[0], x1 = x[1], x2 = x[2], x3 = x[3];
    // The states' contexts as the table indexes them (the symbol, or its rank).
    auto c0 = table.context_of(last[0]), c1 = table.context_of(last[1]);
    auto c2 = table.context_of(last[2]), c3 = table.context_of(last[3]);
    std::uint8_t const * q = p;
    auto const renormalise = [&q](std::uint32_t & s) { renormalise_state<Branchless>(s, q); };
    // o: state 0's next output; state j's is o + j * region. Few registers stay free: no end check in the loop.
    std::uint8_t * o = out;
    std::uint8_t * const o_end = out + region;
    while (o < o_end)
    {
        // A round reads at most 8 bytes, so this many rounds cannot run past the input's end.
        std::size_t const safe = std::min(static_cast<std::size_t>(end - q) / 8, static_cast<std::size_t>(o_end - o));
        if (safe == 0)
            break;
        for (std::uint8_t * const stop = o + safe; o < stop; ++o)
        {
            if constexpr (CheckContext)
                if (((context_base[c0] == no_context_table) | (context_base[c1] == no_context_table) |
                     (context_base[c2] == no_context_table) | (context_base[c3] == no_context_table)) != 0)
                    [[unlikely]] goto done;
            constexpr bool early = Branchless && requires { table.template step_in_renormalising<Bits>(x0, c0, q); };
            if constexpr (early) // each step renormalises its state
            {
                c0 = table.template step_in_renormalising<Bits>(x0, c0, q);
                c1 = table.template step_in_renormalising<Bits>(x1, c1, q);
                c2 = table.template step_in_renormalising<Bits>(x2, c2, q);
                c3 = table.template step_in_renormalising<Bits>(x3, c3, q);
            }
            else
            {
                c0 = table.template step_in<Bits>(x0, c0);
                c1 = table.template step_in<Bits>(x1, c1);
                c2 = table.template step_in<Bits>(x2, c2);
                c3 = table.template step_in<Bits>(x3, c3);
            }
            o[0] = table.symbol_of_context(c0);
            o[region] = table.symbol_of_context(c1);
            o[2 * region] = table.symbol_of_context(c2);
            o[3 * region] = table.symbol_of_context(c3);
            if constexpr (!early)
            {
                renormalise(x0);
                renormalise(x1);
                renormalise(x2);
                renormalise(x3);
            }
        }
    }
[[maybe_unused]] done: // the exit on a context without a table
    x[0] = x0, x[1] = x1, x[2] = x2, x[3] = x3;
    last[0] = table.symbol_of_context(c0), last[1] = table.symbol_of_context(c1);
    last[2] = table.symbol_of_context(c2), last[3] = table.symbol_of_context(c3);
    p = q;
    return static_cast<std::size_t>(o - out);
}

//! Order-1 decoding of len symbols with N states (4 or 32) from the rest of in (after the tables), with decoder
//! tables of the given layout.
template <typename Table>
decode_status decode_order1_with(byte_reader & in, std::size_t len, unsigned n_states, std::uint8_t * out,
                                 Table const & table, unsigned bits, std::array<std::uint32_t, 256> const & context_base,
                                 bool complete)
{
    std::uint32_t x[32];
    if (auto st = read_states(in, x, n_states); st != decode_status::ok)
        return st;
    std::uint8_t const * p = in.position();
    std::uint8_t const * const end = p + in.remaining();
    std::uint8_t last[32] = {}; // every state starts in context 0
    decode_status st;
    if constexpr (std::is_same_v<Table, packed_slots>) // 32 states
    {
        // The SIMD kernel's whole rounds, then the scalar code from where it stopped (the tail, a missing context).
        std::size_t const done = simd::dispatch<rans_x32_kernel>([&](auto kernel) {
            return kernel.decode_order1(table.slots, context_base.data(), !complete, bits, x, last, p, end, len / 32,
                                        out);
        });
        st = decode_order1_states<32, true>(table, context_base.data(), bits, x, last, p, end, done, len, out);
    }
    else
    {
        // Whole rounds in the specialised loop, then the generic code from where it stopped (the end of the
        // input, or a context without a table, which the generic code reports).
        bool const branchless = renormalise_branchless(static_cast<std::size_t>(end - p), len);
        auto const rounds = [&]<unsigned Bits, bool Branchless>() -> std::size_t {
            if constexpr (std::is_same_v<Table, ranked_slots>) // complete table sets of over a bit a symbol
                return decode_order1_x4_rounds<Bits, true, false>(table, context_base.data(), x, last, p, end,
                                                                  len / 4, out);
            else
                return complete ? decode_order1_x4_rounds<Bits, Branchless, false>(table, context_base.data(), x,
                                                                                   last, p, end, len / 4, out)
                                : decode_order1_x4_rounds<Bits, Branchless, true>(table, context_base.data(), x, last,
                                                                                  p, end, len / 4, out);
        };
        std::size_t done = 0;
        if (bits == 12)
            done = branchless ? rounds.template operator()<12, true>() : rounds.template operator()<12, false>();
        else
            done = branchless ? rounds.template operator()<10, true>() : rounds.template operator()<10, false>();
        st = branchless
                 ? decode_order1_states<4, true>(table, context_base.data(), bits, x, last, p, end, done, len, out)
                 : decode_order1_states<4, false>(table, context_base.data(), bits, x, last, p, end, done, len, out);
    }
    if (st != decode_status::ok)
        return st;
    std::span<std::uint8_t const> rest;
    in.take(static_cast<std::size_t>(p - in.position()), rest);
    return check_final_states(x, n_states);
}

//! The order-1 tables as read (context << bits, frequencies), for a layout chosen once their number is known.
struct collected_tables
{
    std::vector<std::pair<std::uint32_t, frequencies>> * tables;

    void build(std::uint32_t base, frequencies const & f) const { tables->emplace_back(base, f); }
};

inline decode_status decode_order1(byte_reader & in, std::size_t len, unsigned n_states, std::uint8_t * out)
{
    if (len == 0)
        return decode_status::ok;
    // Per-context tables in memory kept per thread, context c's at c << bits (or its rank's): only the pages of
    // contexts that occur are ever touched. Nothing else uses it while this call runs. The 32-way kernel gathers
    // packed slots.
    unsigned bits = 12;
    std::array<std::uint32_t, 256> context_base;
    bool complete = false;
    if (n_states == 32)
    {
        thread_local std::unique_ptr<std::uint32_t[]> const slots{new std::uint32_t[order1_slots]};
        packed_slots const table{slots.get()};
        if (auto st = read_frequencies1(in, bits, table, context_base, complete); st != decode_status::ok)
            return st;
        return decode_order1_with(in, len, n_states, out, table, bits, context_base, complete);
    }
    // The 4-way loops: split slots while they stay near L1, ranked ones for many contexts.
    thread_local std::vector<std::pair<std::uint32_t, frequencies>> read;
    read.clear();
    if (auto st = read_frequencies1(in, bits, collected_tables{&read}, context_base, complete); st != decode_status::ok)
        return st;
    // Over a bit a symbol, the steps spread over the contexts' tables: past L1 as split slots, ranked ones are
    // faster; on well-compressed data (qualities) the steps stay in a few contexts' tables, where split slots
    // are in L1 and their one load a step is faster than ranked slots' two.
    if (complete && renormalise_branchless(in.remaining(), len) && (read.size() << bits) * 5 > ranked_above_bytes)
    {
        thread_local ranked_slot_storage const storage;
        auto const table = storage.view();
        for (auto & t : read)
            t.first >>= bits;
        table.build(bits, read);
        return decode_order1_with(in, len, n_states, out, table, bits, context_base, complete);
    }
    thread_local split_slot_storage<order1_slots> const storage;
    auto const table = storage.view();
    for (auto const & [base, f] : read)
        table.build(base, f);
    return decode_order1_with(in, len, n_states, out, table, bits, context_base, complete);
}

} // namespace wgskit::codec::rans::detail
