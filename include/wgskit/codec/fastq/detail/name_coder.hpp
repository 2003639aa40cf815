// Read names (whole header lines after '@') coded against the previous name, token by token, as in CRAM 3.1's
// name tokeniser and fqzcomp: a name splits into digit runs (numbers), letter runs and single other characters;
// each token is coded as MATCH (same as the previous name's token at that index), DELTA (a number 1..255 above
// it), NUMBER or STRING, followed by END. Every token index has its own adaptive models, so the usual Illumina
// "instrument:run:flowcell:lane:tile:x:y" costs a few bits for the matching fields and a small delta for y.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <wgskit/codec/fastq/detail/range_coder.hpp>

namespace wgskit::codec::fastq::detail
{

//! An unsigned integer as up to five 7-bit groups, each group with its own byte model.
struct uint_model
{
    adaptive_model<256, 24> group[5];

    void encode(range_encoder & rc, std::uint32_t v)
    {
        for (unsigned i = 0;; ++i)
        {
            unsigned const b = (v & 0x7f) | (v >= 0x80 ? 0x80 : 0);
            group[i].encode(rc, b);
            v >>= 7;
            if (!(b & 0x80))
                return;
        }
    }

    std::uint32_t decode(range_decoder & rc) noexcept
    {
        std::uint32_t v = 0;
        for (unsigned i = 0; i < 5; ++i)
        {
            unsigned const b = group[i].decode(rc);
            v |= static_cast<std::uint32_t>(b & 0x7f) << (7 * i);
            if (!(b & 0x80))
                break;
        }
        return v;
    }
};

//! Byte strings: a length, then the bytes under one order-0 model (they are rare: new name tokens, escapes).
struct bytes_model
{
    uint_model length;
    adaptive_model<256, 24> byte;

    void encode(range_encoder & rc, std::string_view s)
    {
        length.encode(rc, static_cast<std::uint32_t>(s.size()));
        for (char c : s)
            byte.encode(rc, static_cast<unsigned char>(c));
    }

    //! Appends the string to out; false if its length exceeds max_length (corrupt input).
    bool decode(range_decoder & rc, std::string & out, std::size_t max_length)
    {
        std::uint32_t const n = length.decode(rc);
        if (n > max_length || rc.overrun())
            return false;
        for (std::uint32_t i = 0; i < n; ++i)
            out.push_back(static_cast<char>(byte.decode(rc)));
        return true;
    }
};

struct name_token
{
    std::string_view text;
    std::uint32_t value; // the number, for numeric tokens
    bool numeric;
};

//! Splits a name into tokens (at most max_tokens; the last one takes the rest of the name as a string).
inline void tokenize_name(std::string_view name, std::vector<name_token> & out, std::size_t max_tokens)
{
    out.clear();
    auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
    auto is_alpha = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); };
    std::size_t i = 0;
    while (i < name.size())
    {
        if (out.size() + 1 == max_tokens)
        {
            out.push_back({name.substr(i), 0, false});
            return;
        }
        std::size_t j = i + 1;
        if (is_digit(name[i]))
            while (j < name.size() && is_digit(name[j]))
                ++j;
        else if (is_alpha(name[i]))
            while (j < name.size() && is_alpha(name[j]))
                ++j;
        std::string_view const t = name.substr(i, j - i);
        // Numbers keep their exact spelling: no leading zero, at most 9 digits.
        bool const numeric = is_digit(t[0]) && t.size() <= 9 && (t[0] != '0' || t.size() == 1);
        std::uint32_t v = 0;
        if (numeric)
            for (char c : t)
                v = v * 10 + static_cast<std::uint32_t>(c - '0');
        out.push_back({t, v, numeric});
        i = j;
    }
}

class name_coder
{
public:
    static constexpr std::size_t max_tokens = 32;
    enum op : unsigned { op_match = 0, op_delta = 1, op_number = 2, op_string = 3, op_end = 4 };

    void encode(range_encoder & rc, std::string_view name)
    {
        tokenize_name(name, tokens_, max_tokens);
        for (std::size_t i = 0; i < tokens_.size(); ++i)
        {
            auto & m = models_[i];
            name_token const & t = tokens_[i];
            bool const have_prev = i < prev_.size();
            if (have_prev && prev_[i].text == t.text)
                m.ops.encode(rc, op_match);
            else if (have_prev && t.numeric && prev_[i].numeric && t.value > prev_[i].value &&
                     t.value - prev_[i].value < 256)
            {
                m.ops.encode(rc, op_delta);
                m.delta.encode(rc, t.value - prev_[i].value);
            }
            else if (t.numeric)
            {
                m.ops.encode(rc, op_number);
                m.number.encode(rc, t.value);
            }
            else
            {
                m.ops.encode(rc, op_string);
                m.string.encode(rc, t.text);
            }
        }
        models_[tokens_.size()].ops.encode(rc, op_end);
        prev_name_.assign(name);
        tokenize_name(prev_name_, prev_, max_tokens);
    }

    //! Decodes one name into out (replacing it); false on corrupt input.
    bool decode(range_decoder & rc, std::string & out, std::size_t max_length)
    {
        out.clear();
        for (std::size_t i = 0; i <= max_tokens; ++i)
        {
            auto & m = models_[i];
            unsigned const o = m.ops.decode(rc);
            if (rc.overrun())
                return false;
            if (o == op_end)
                break;
            if (i == max_tokens)
                return false;
            bool const have_prev = i < prev_.size();
            if (o == op_match)
            {
                if (!have_prev)
                    return false;
                out.append(prev_[i].text);
            }
            else if (o == op_delta)
            {
                if (!have_prev || !prev_[i].numeric)
                    return false;
                std::uint64_t const v = std::uint64_t{prev_[i].value} + m.delta.decode(rc);
                out += std::to_string(v);
            }
            else if (o == op_number)
                out += std::to_string(m.number.decode(rc));
            else if (o == op_string)
            {
                if (!m.string.decode(rc, out, max_length))
                    return false;
            }
            else
                return false;
            if (out.size() > max_length)
                return false;
        }
        // A corrupt stream can produce a token sequence that re-tokenises differently; the block checksum
        // catches any such name. Keep the previous-name state consistent with the encoder either way.
        prev_name_ = out;
        tokenize_name(prev_name_, prev_, max_tokens);
        return !rc.overrun();
    }

private:
    struct token_models
    {
        adaptive_model<5, 32> ops;
        adaptive_model<256, 24> delta;
        uint_model number;
        bytes_model string;
    };

    std::unique_ptr<token_models[]> models_{new token_models[max_tokens + 1]};
    std::vector<name_token> tokens_;
    std::vector<name_token> prev_;
    std::string prev_name_;
};

} // namespace wgskit::codec::fastq::detail
