// A byte-oriented range coder (32-bit range, 64-bit low with carry propagation) and adaptive frequency models
// for small alphabets. Arithmetic coding is inherently serial (each symbol narrows the range the next one
// uses), so there is no SIMD kernel here; speed comes from small models that stay in cache.
//
// The decoder never reads past its input: missing bytes read as zero and set overrun(), which the block
// decoder turns into a parse_error. Every decoded symbol is < the model's alphabet size, whatever the input.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <span>
#include <vector>

#include <wgskit/core/platform.hpp>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace wgskit::codec::fastq::detail
{

//! Totals stay below 2^16 so that range / total keeps at least 8 bits of precision (range >= 2^24).
inline constexpr std::uint32_t max_total = 1u << 16;
inline constexpr std::uint32_t range_bottom = 1u << 24;

class range_encoder
{
public:
    explicit range_encoder(std::vector<std::uint8_t> & out) : out_{&out} {}

    void encode(std::uint32_t cum, std::uint32_t freq, std::uint32_t total) noexcept
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
    }

private:
    // Emits the top byte of low; a byte that could still receive a carry (0xff runs) is held back in cache_.
    void shift_low()
    {
        if (static_cast<std::uint32_t>(low_) < 0xff000000u || (low_ >> 32) != 0)
        {
            auto const carry = static_cast<std::uint8_t>(low_ >> 32);
            std::uint8_t held = cache_;
            do
            {
                out_->push_back(static_cast<std::uint8_t>(held + carry));
                held = 0xff;
            } while (--pending_ != 0);
            cache_ = static_cast<std::uint8_t>(low_ >> 24);
        }
        ++pending_;
        low_ = (low_ & 0x00ffffffu) << 8;
    }

    std::vector<std::uint8_t> * out_;
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

    void encode(range_encoder & rc, unsigned sym) noexcept
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

//! Adaptive models over a run-time alphabet size (<= 256), many contexts in one flat table. A context's row
//! holds its total first, then the counts: one model is one or two cache lines, and rows() lets the encoder
//! prefetch a context it knows ahead.
class context_models
{
public:
    context_models() = default;

    //! n_contexts models over `symbols` symbols each, all counts 1.
    void reset(std::size_t n_contexts, unsigned symbols, unsigned step)
    {
        symbols_ = symbols;
        stride_ = symbols + 1;
        step_ = step;
        table_.assign(n_contexts * stride_, 1);
        for (std::size_t c = 0; c < n_contexts; ++c)
            table_[c * stride_] = static_cast<std::uint16_t>(symbols);
    }

    unsigned symbols() const noexcept { return symbols_; }

    void prefetch(std::size_t ctx) const noexcept { __builtin_prefetch(table_.data() + ctx * stride_); }

    void encode(range_encoder & rc, std::size_t ctx, unsigned sym) noexcept
    {
        std::uint16_t * row = table_.data() + ctx * stride_;
        std::uint16_t * f = row + 1;
        std::uint32_t cum = 0;
        for (unsigned s = 0; s < sym; ++s)
            cum += f[s];
        rc.encode(cum, f[sym], row[0]);
        update(row, sym);
    }

    unsigned decode(range_decoder & rc, std::size_t ctx) noexcept
    {
        std::uint16_t * row = table_.data() + ctx * stride_;
        std::uint16_t const * f = row + 1;
        std::uint32_t const t = rc.target(row[0]);
        std::uint32_t cum = 0;
        unsigned s = 0;
        while (s + 1 < symbols_ && cum + f[s] <= t)
            cum += f[s++];
        rc.consume(cum, f[s]);
        update(row, s);
        return s;
    }

private:
    void update(std::uint16_t * row, unsigned sym) noexcept
    {
        std::uint16_t * f = row + 1;
        f[sym] = static_cast<std::uint16_t>(f[sym] + step_);
        std::uint32_t total = row[0] + step_;
        if (WGSKIT_UNLIKELY(total > max_total - step_))
        {
            total = 0;
            for (unsigned s = 0; s < symbols_; ++s)
            {
                f[s] = static_cast<std::uint16_t>((f[s] + 1) >> 1);
                total += f[s];
            }
        }
        row[0] = static_cast<std::uint16_t>(total);
    }

    unsigned symbols_{2};
    unsigned stride_{3};
    unsigned step_{16};
    std::vector<std::uint16_t> table_;
};

//! The base model's table, one per thread and kept between blocks: a fresh 64 MB table per block would cost
//! 16k page faults, and transparent huge pages (asked for where Linux offers them) spare a TLB miss per base.
//! Only one base_model may live per thread at a time (encode_block / decode_block each make one).
class base_table_storage
{
public:
    static std::uint32_t * get(std::size_t words)
    {
        thread_local base_table_storage cache;
        if (cache.words_ < words)
        {
            cache.data_.reset();
            cache.words_ = 0;
            std::size_t const align = words * 4 >= huge_page ? huge_page : 64;
            std::size_t const bytes = (words * 4 + align - 1) / align * align;
            cache.data_.reset(static_cast<std::uint32_t *>(std::aligned_alloc(align, bytes)));
            if (!cache.data_)
                throw std::bad_alloc{};
#if defined(__linux__) && defined(MADV_HUGEPAGE)
            if (align == huge_page)
                ::madvise(cache.data_.get(), bytes, MADV_HUGEPAGE); // a hint: failure only costs speed
#endif
            cache.words_ = words;
        }
        return cache.data_.get();
    }

private:
    static constexpr std::size_t huge_page = std::size_t{2} << 20;
    struct free_deleter
    {
        void operator()(std::uint32_t * p) const noexcept { std::free(p); }
    };
    std::unique_ptr<std::uint32_t[], free_deleter> data_;
    std::size_t words_{0};
};

//! Order-k model for bases 0..3: four 8-bit counts per context (2^(2k) contexts), packed in one 32-bit word so a
//! context costs one memory access. The table is larger than the caches for k >= 10, so callers prefetch: the
//! encoder knows the bases ahead and prefetches the exact context many bases early; the decoder can only
//! prefetch the 16 contexts two bases ahead of ctx, ((ctx << 4) | b1 b2), which fill exactly one 64-byte line.
class base_model
{
public:
    explicit base_model(unsigned order) :
        mask_{(std::uint32_t{1} << (2 * order)) - 1},
        counts_{base_table_storage::get(std::max<std::size_t>(16, std::size_t{mask_} + 1))}
    {
        std::fill_n(counts_, std::size_t{mask_} + 1, 0x01010101u);
    }

    std::uint32_t mask() const noexcept { return mask_; }

    //! Brings the contexts two bases after ctx into the cache.
    void prefetch_after_next_two(std::uint32_t ctx) const noexcept { __builtin_prefetch(counts_ + ((ctx << 4) & mask_)); }

    //! Brings context ctx into the cache.
    void prefetch(std::uint32_t ctx) const noexcept { __builtin_prefetch(counts_ + ctx); }

    void encode(range_encoder & rc, std::uint32_t ctx, unsigned base) noexcept
    {
        std::uint8_t c[4];
        load(ctx, c);
        std::uint32_t cum = 0;
        for (unsigned s = 0; s < base; ++s)
            cum += c[s];
        rc.encode(cum, c[base], std::uint32_t{c[0]} + c[1] + c[2] + c[3]);
        update(ctx, c, base);
    }

    unsigned decode(range_decoder & rc, std::uint32_t ctx) noexcept
    {
        std::uint8_t c[4];
        load(ctx, c);
        std::uint32_t const t = rc.target(std::uint32_t{c[0]} + c[1] + c[2] + c[3]);
        std::uint32_t cum = 0;
        unsigned s = 0;
        while (s < 3 && cum + c[s] <= t)
            cum += c[s++];
        rc.consume(cum, c[s]);
        update(ctx, c, s);
        return s;
    }

private:
    void load(std::uint32_t ctx, std::uint8_t (&c)[4]) const noexcept { std::memcpy(c, counts_ + ctx, 4); }

    void update(std::uint32_t ctx, std::uint8_t (&c)[4], unsigned base) noexcept
    {
        if (c[base] > 255 - step)
            for (auto & x : c)
                x = static_cast<std::uint8_t>((x + 1) >> 1);
        c[base] = static_cast<std::uint8_t>(c[base] + step);
        std::memcpy(counts_ + ctx, c, 4);
    }

    static constexpr unsigned step = 4;
    std::uint32_t mask_;
    std::uint32_t * counts_;
};

} // namespace wgskit::codec::fastq::detail
