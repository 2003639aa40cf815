// A byte-oriented range coder (32-bit range, 64-bit low with carry propagation) and adaptive frequency models
// for small alphabets. Arithmetic coding is inherently serial (each symbol narrows the range the next one
// uses), so there is no SIMD kernel here; speed comes from small models that stay in cache.
//
// The decoder never reads past its input: missing bytes read as zero and set overrun(), which the block
// decoder turns into a parse_error. Every decoded symbol is < the model's alphabet size, whatever the input.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <span>
#include <vector>

#include <wgskit/core/huge_pages.hpp>
#include <wgskit/core/platform.hpp>

namespace wgskit::codec::fastq::detail
{

//! Totals stay below 2^16 so that range / total keeps at least 8 bits of precision (range >= 2^24).
inline constexpr std::uint32_t max_total = 1u << 16;
inline constexpr std::uint32_t range_bottom = 1u << 24;

class range_encoder
{
public:
    //! Appends the coded bytes to out.
    explicit range_encoder(std::vector<std::uint8_t> & out) : out_{&out}, start_{out.size()}
    {
        grow();
    }

    void encode(std::uint32_t cum, std::uint32_t freq, std::uint32_t total)
    {
        std::uint32_t const r = range_ / total;
        low_ += static_cast<std::uint64_t>(r) * cum;
        range_ = r * freq;
        while (range_ < range_bottom)
        {
            range_ <<= 8;
            shift_low();
        }
    }

    //! Writes the final bytes; the encoder must not be used afterwards.
    void finish()
    {
        for (int i = 0; i < 5; ++i)
            shift_low();
        out_->resize(static_cast<std::size_t>(at_ - out_->data()));
    }

private:
    // Emits the top byte of low; a byte that could still receive a carry (0xff runs) is held back in cache_.
    // The bytes go through a raw cursor (a byte store through the vector would make the compiler reload the
    // coder's state after every store); the buffer grows ahead, in steps, by the slow path.
    void shift_low()
    {
        if (static_cast<std::uint32_t>(low_) < 0xff000000u || (low_ >> 32) != 0)
        {
            auto const carry = static_cast<std::uint8_t>(low_ >> 32);
            if (WGSKIT_UNLIKELY(static_cast<std::size_t>(end_ - at_) <= pending_))
                grow();
            std::uint8_t * at = at_;
            *at++ = static_cast<std::uint8_t>(cache_ + carry);
            for (; pending_ > 1; --pending_)
                *at++ = static_cast<std::uint8_t>(0xff + carry);
            at_ = at;
            pending_ = 0;
            cache_ = static_cast<std::uint8_t>(low_ >> 24);
        }
        ++pending_;
        low_ = (low_ & 0x00ffffffu) << 8;
    }

    //! Makes room for at least pending_ + 64 more bytes.
    void grow()
    {
        std::size_t const used = at_ ? static_cast<std::size_t>(at_ - out_->data()) : start_;
        std::size_t const want = used + pending_ + 64;
        if (out_->size() < want)
            out_->resize(std::max(want, std::max<std::size_t>(out_->size() + (out_->size() - start_) / 2, start_ + 4096)));
        at_ = out_->data() + used;
        end_ = out_->data() + out_->size();
    }

    std::vector<std::uint8_t> * out_;
    std::size_t start_;
    std::uint8_t * at_{nullptr};
    std::uint8_t * end_{nullptr};
    std::uint64_t low_{0};
    std::uint32_t range_{0xffffffffu};
    std::uint8_t cache_{0};
    std::uint64_t pending_{1};
};

class range_decoder
{
public:
    explicit range_decoder(std::span<std::uint8_t const> in) noexcept : in_{in}
    {
        for (int i = 0; i < 5; ++i)
            code_ = (code_ << 8) | next_byte();
    }

    //! The cumulative frequency the next symbol falls in (always < total).
    std::uint32_t target(std::uint32_t total) noexcept
    {
        step_ = range_ / total;
        std::uint32_t const t = code_ / step_;
        return t < total ? t : total - 1;
    }

    //! Consumes the symbol [cum, cum + freq) found through target().
    void consume(std::uint32_t cum, std::uint32_t freq) noexcept
    {
        code_ -= step_ * cum;
        range_ = step_ * freq;
        while (range_ < range_bottom)
        {
            range_ <<= 8;
            code_ = (code_ << 8) | next_byte();
        }
    }

    //! True if the decoder needed more bytes than its input holds (corrupt or truncated stream).
    bool overrun() const noexcept { return pos_ > in_.size() + 4; }

private:
    std::uint32_t next_byte() noexcept
    {
        std::size_t const p = pos_++;
        return p < in_.size() ? in_[p] : 0u;
    }

    std::span<std::uint8_t const> in_;
    std::size_t pos_{0};
    std::uint32_t code_{0};
    std::uint32_t range_{0xffffffffu};
    std::uint32_t step_{1};
};

//! An adaptive frequency model over symbols 0..N-1 (N <= 256, fixed at compile time): counts start at 1, grow
//! by Step per use and are halved when the total would exceed max_total.
template <unsigned N, unsigned Step = 16>
struct adaptive_model
{
    static_assert(N >= 2 && N <= 256 && N * Step < max_total / 2);
    std::uint16_t freq[N];
    std::uint32_t total;

    adaptive_model() noexcept { reset(); }

    void reset() noexcept
    {
        std::fill(std::begin(freq), std::end(freq), std::uint16_t{1});
        total = N;
    }

    void encode(range_encoder & rc, unsigned sym)
    {
        std::uint32_t cum = 0;
        for (unsigned s = 0; s < sym; ++s)
            cum += freq[s];
        rc.encode(cum, freq[sym], total);
        update(sym);
    }

    unsigned decode(range_decoder & rc) noexcept
    {
        std::uint32_t const t = rc.target(total);
        std::uint32_t cum = 0;
        unsigned s = 0;
        while (s + 1 < N && cum + freq[s] <= t)
            cum += freq[s++];
        rc.consume(cum, freq[s]);
        update(s);
        return s;
    }

private:
    void update(unsigned sym) noexcept
    {
        freq[sym] = static_cast<std::uint16_t>(freq[sym] + Step);
        total += Step;
        if (total > max_total - Step)
        {
            total = 0;
            for (auto & f : freq)
            {
                f = static_cast<std::uint16_t>((f + 1) >> 1);
                total += f;
            }
        }
    }
};

//! Adaptive models over a run-time alphabet size (<= 256), many contexts in one flat table, kept as cumulative
//! counts: row[k] = the counts of the symbols below k (row[0] = 0, row[A] = total), padded with the total to a
//! multiple of 8 entries. Coding a symbol reads two entries; the update adds the symbol's row of a small
//! increments table (0 up to the symbol, the step above it) to the groups of 8 entries from the symbol's up, at
//! least the last two groups: the top 16 symbols (for qualities, in ascending order, the common ones) then
//! share one trip count, which the branch predictor learns. The decoder counts the entries <= its target, a
//! loop of fixed length without branches. The compiler vectorises both loops. Totals stay below 2^15 (the
//! entries compare as signed 16-bit lanes). One row is one or two cache lines; prefetch() lets the encoder fetch
//! a context it knows ahead.
class context_models
{
public:
    static constexpr std::uint32_t max_model_total = 1u << 15;

    context_models() = default;

    //! n_contexts models over `symbols` (1..256) symbols each, all counts 1.
    void reset(std::size_t n_contexts, unsigned symbols, unsigned step)
    {
        symbols_ = symbols;
        stride_ = (symbols + 1 + group - 1) / group * group;
        last_two_ = stride_ >= 2 * group ? stride_ - 2 * group : 0u;
        halve_above_ = max_model_total - 1 - 2 * step;
        table_.resize(n_contexts * stride_);
        increments_.assign(std::size_t{symbols} * stride_, 0);
        for (unsigned s = 0; s < symbols; ++s)
            std::fill(increments_.begin() + s * stride_ + s + 1, increments_.begin() + (s + 1) * stride_,
                      static_cast<std::int16_t>(step));
        if (n_contexts == 0)
            return;
        std::int16_t * first = table_.data();
        for (unsigned k = 0; k < stride_; ++k)
            first[k] = static_cast<std::int16_t>(std::min(k, symbols));
        for (std::size_t c = 1; c < n_contexts; ++c)
            std::copy_n(first, stride_, table_.data() + c * stride_);
    }

    unsigned symbols() const noexcept { return symbols_; }

    //! The cumulative counts of context ctx, padding included (for tests).
    std::span<std::int16_t const> row(std::size_t ctx) const noexcept { return {table_.data() + ctx * stride_, stride_}; }

    void prefetch(std::size_t ctx) const noexcept
    {
        auto const * row = reinterpret_cast<char const *>(table_.data() + ctx * stride_);
        __builtin_prefetch(row);
        __builtin_prefetch(row + 2 * stride_ - 1);
    }

    void encode(range_encoder & rc, std::size_t ctx, unsigned sym)
    {
        std::int16_t * row = table_.data() + ctx * stride_;
        auto const cum = static_cast<std::uint32_t>(row[sym]);
        auto const total = static_cast<std::uint32_t>(row[symbols_]);
        rc.encode(cum, static_cast<std::uint32_t>(row[sym + 1]) - cum, total);
        update(row, sym, total);
    }

    unsigned decode(range_decoder & rc, std::size_t ctx) noexcept
    {
        std::int16_t * row = table_.data() + ctx * stride_;
        auto const total = static_cast<std::uint32_t>(row[symbols_]);
        auto const t = static_cast<std::int16_t>(rc.target(total));
        unsigned at_or_below = 0; // row[0..sym] are <= t, row[sym + 1..] (the padding too) are above it
        for (unsigned k = 0; k < stride_; ++k)
            at_or_below += row[k] <= t;
        unsigned const sym = at_or_below - 1;
        auto const cum = static_cast<std::uint32_t>(row[sym]);
        rc.consume(cum, static_cast<std::uint32_t>(row[sym + 1]) - cum);
        update(row, sym, total);
        return sym;
    }

private:
    //! Adds the step to the symbol's count; total is the row's total before (already loaded by the coder).
    void update(std::int16_t * row, unsigned sym, std::uint32_t total) noexcept
    {
        // Against adding a compare mask to the whole row, this cut the block encoder's instructions by ~20%.
        std::int16_t const * inc = increments_.data() + std::size_t{sym} * stride_;
        unsigned const from = std::min((sym + 1) & ~(group - 1), last_two_);
        add_entries(row + from, inc + from, (stride_ - from) & ~std::size_t{group - 1});
        if (WGSKIT_UNLIKELY(total > halve_above_))
        {
            // Halve every count, rounding up so that none reaches 0.
            std::int16_t below = 0, old_below = 0;
            for (unsigned k = 1; k <= symbols_; ++k)
            {
                auto const count = static_cast<std::int16_t>(row[k] - old_below);
                old_below = row[k];
                below = static_cast<std::int16_t>(below + ((count + 1) >> 1));
                row[k] = below;
            }
            for (unsigned k = symbols_ + 1; k < stride_; ++k)
                row[k] = below;
        }
    }

    //! to[k] += add[k] for k < n, n a multiple of 8 (so no scalar epilogue), the two never overlapping (so no
    //! run-time overlap check: restrict holds for parameters).
    static void add_entries(std::int16_t * __restrict to, std::int16_t const * __restrict add, std::size_t n) noexcept
    {
        for (std::size_t k = 0; k < n; ++k)
            to[k] = static_cast<std::int16_t>(to[k] + add[k]);
    }

    static constexpr unsigned group = 8;
    unsigned symbols_{2};
    unsigned stride_{8};
    unsigned last_two_{0}; //!< where the last two groups of 8 entries start (0 for one group)
    //! Halve the counts when the total before an update exceeds this (the total after it then stays below
    //! max_model_total - step). Not 16-bit: the row stores (int16_t) could alias it and force a reload.
    unsigned halve_above_{max_model_total - 1 - 2 * 16};
    std::vector<std::int16_t> table_;
    std::vector<std::int16_t> increments_; //!< row s: 0 for entries 0..s, the step above
};

//! The base model's table, one per thread and kept between blocks: a fresh table per block would cost thousands
//! of page faults, and transparent huge pages (asked for where Linux offers them) spare a TLB miss per base.
//! Only one base_model may live per thread at a time (encode_block / decode_block each make one).
class base_table_storage
{
public:
    static std::uint8_t * get(std::size_t bytes)
    {
        thread_local base_table_storage cache;
        if (cache.bytes_ < bytes)
        {
            cache.data_.reset();
            cache.bytes_ = 0;
            std::size_t const align = bytes >= huge_page_bytes ? huge_page_bytes : 64;
            std::size_t const rounded = (bytes + align - 1) / align * align;
            cache.data_.reset(static_cast<std::uint8_t *>(std::aligned_alloc(align, rounded)));
            if (!cache.data_)
                throw std::bad_alloc{};
            advise_huge_pages(cache.data_.get(), rounded);
            cache.bytes_ = bytes;
        }
        return cache.data_.get();
    }

private:
    struct free_deleter
    {
        void operator()(std::uint8_t * p) const noexcept { std::free(p); }
    };
    std::unique_ptr<std::uint8_t[], free_deleter> data_;
    std::size_t bytes_{0};
};

//! Order-k model for bases 0..3, indirect: each of the 4^k contexts (the k bases before, rolling across reads)
//! keeps one byte of history -- how often it was seen (0..3, saturating) and the last three bases that followed
//! it -- and the base is coded relative to the last one (base XOR last, so "as last time" is always symbol 0)
//! under an adaptive model chosen by that history (with the bases replaced by their XOR with the last) and by
//! whether each of the four previous bases was coded as "as last time". The adaptive models learn how far a
//! history can be trusted (a context seen once may predict its base 90% right on deep data), which fixed counts
//! per context cannot; and one byte per context keeps the table at 16 MB for k = 12 (DRAM traffic is what the
//! base model's speed comes down to). The encoder knows the bases ahead and prefetches the exact context many
//! bases early; the decoder prefetches the 64 contexts three bases ahead, ((ctx << 6) | b1 b2 b3), one line.
class base_model
{
public:
    explicit base_model(unsigned order) :
        mask_{(std::uint32_t{1} << (2 * order)) - 1},
        history_{base_table_storage::get(std::max<std::size_t>(64, std::size_t{mask_} + 1))}
    {
        std::fill_n(history_, std::max<std::size_t>(64, std::size_t{mask_} + 1), std::uint8_t{0});
        relative_.reset(std::size_t{64} << miss_bits, 4, 16);
    }

    std::uint32_t mask() const noexcept { return mask_; }

    //! Brings context ctx into the cache (the encoder, which knows it ahead).
    void prefetch(std::uint32_t ctx) const noexcept { __builtin_prefetch(history_ + ctx); }

    //! Brings the contexts three bases after the current one into the cache (the decoder).
    void prefetch_ahead() const noexcept { __builtin_prefetch(history_ + ((ctx_ << 6) & mask_)); }

    void encode(range_encoder & rc, unsigned base)
    {
        std::uint8_t & h = history_[ctx_];
        unsigned const last = (h >> 4) & 3;
        unsigned const sym = base ^ last;
        relative_.encode(rc, model_of(h), sym);
        advance(h, base, sym);
    }

    unsigned decode(range_decoder & rc) noexcept
    {
        std::uint8_t & h = history_[ctx_];
        unsigned const sym = relative_.decode(rc, model_of(h));
        unsigned const base = sym ^ ((h >> 4) & 3);
        advance(h, base, sym);
        return base;
    }

private:
    static constexpr unsigned miss_bits = 4;

    //! The history byte h = seen (2 bits) | last (2) | before last (2) | before that (2), with the two older
    //! bases XORed with the last and unseen contexts all in model 0; then the recent misses.
    std::size_t model_of(std::uint8_t h) const noexcept { return std::size_t{model_of_history[h]} | misses_; }

    void advance(std::uint8_t & h, unsigned base, unsigned sym) noexcept
    {
        h = static_cast<std::uint8_t>(history_after[h] | base << 4);
        misses_ = ((misses_ << 1) | (sym != 0)) & ((1u << miss_bits) - 1);
        ctx_ = ((ctx_ << 2) | base) & mask_;
    }

    // Both as tables of the history byte: a few instructions less per base, and no branch on "seen".
    static constexpr std::array<std::uint16_t, 256> model_of_history = [] {
        std::array<std::uint16_t, 256> t{};
        for (unsigned h = 64; h < 256; ++h)
        {
            unsigned const last = (h >> 4) & 3;
            t[h] = static_cast<std::uint16_t>(((h & 0xc0u) >> 2 | (((h >> 2) & 3) ^ last) << 2 | ((h & 3) ^ last))
                                              << miss_bits);
        }
        return t;
    }();
    //! The history byte after one more base, but for the base itself (bits 4-5).
    static constexpr std::array<std::uint8_t, 256> history_after = [] {
        std::array<std::uint8_t, 256> t{};
        for (unsigned h = 0; h < 256; ++h)
            t[h] = static_cast<std::uint8_t>(std::min(3u, (h >> 6) + 1u) << 6 | ((h >> 2) & 0x0fu));
        return t;
    }();

    std::uint32_t mask_;
    std::uint8_t * history_;
    context_models relative_;
    std::uint32_t ctx_{0};
    unsigned misses_{0};
};

} // namespace wgskit::codec::fastq::detail
