// Index construction: FMD text from the contigs, SA-IS, then BWT, occurrence lines and SA samples streamed
// into the index image (which is the file).
#pragma once

#include <chrono>
#include <cstring>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <wgskit/codec/twobit/packed_dna.hpp>
#include <wgskit/io/packed_reference.hpp>
#include <wgskit/core/exception.hpp>
#include <wgskit/fm/detail/big_buffer.hpp>
#include <wgskit/fm/detail/index_file.hpp>
#include <wgskit/fm/detail/occ_table.hpp>
#include <wgskit/fm/detail/sais.hpp>

namespace wgskit::fm
{

//! One contig of the reference: its name and its IUPAC sequence (any case).
struct reference_sequence
{
    std::string_view name;
    std::string_view sequence;
};

//! A contig already packed (read with io::read_packed_reference, so the text form need not stay in memory).
using packed_reference_sequence = io::packed_contig;

struct build_options
{
    //! Every sa_sample_rate-th suffix array entry is stored. locate takes on average about sa_sample_rate LF
    //! steps a hit; the sampled array costs 4 (or 8) bytes / rate per text symbol. 16, not bwa's 32: against a
    //! 300 Mb reference the mapper spends ~19% less CPU for +75 MB (+1.5 GB at 3.1 Gb), same alignments
    //! (docs/benchmarks.md, "SA sampling").
    std::uint32_t sa_sample_rate = 16;
    //! Use 64-bit positions even for a small reference (for tests; chosen automatically from 2^31 up).
    bool force_64bit = false;
    //! Called with a short line at each construction stage (for progress on stderr).
    std::function<void(std::string_view)> progress;
};

} // namespace wgskit::fm

namespace wgskit::fm::detail
{

//! The FMD text X . revcomp(X) ($ = 0, A..T = 1..4) from its stored forward half X.
struct fmd_text
{
    std::uint8_t const * forward;
    std::uint64_t forward_length;
    std::uint64_t length;

    [[gnu::always_inline]] std::uint8_t operator[](std::uint64_t i) const noexcept
    {
        bool const rc = i >= forward_length;
        std::uint8_t const c = forward[rc ? length - 1 - i : i];
        return rc && c != 0 ? static_cast<std::uint8_t>(5 - c) : c;
    }
};

struct image_layout
{
    file_header header{};
    std::size_t total = 0;
};

template <typename Index>
image_layout plan_image(std::uint64_t contigs, std::uint64_t names_bytes, std::uint64_t runs,
                        std::uint64_t reference_length, std::uint64_t n, std::uint32_t rate)
{
    image_layout out;
    file_header & h = out.header;
    std::uint64_t const sizes[section_count] = {
        contigs * sizeof(contig_record),
        names_bytes,
        runs * sizeof(ambiguity_record),
        codec::twobit::detail::words_for(reference_length) * 8,
        occ_builder<Index>::lines_for(n + 1) * sizeof(occ_line<Index>),
        (2 * contigs + 1) * sizeof(dollar_entry),
        (n / rate + 1) * sizeof(Index)};
    std::uint64_t offset = header_bytes;
    for (std::size_t s = 0; s < section_count; ++s)
    {
        h.sections[s] = {offset, sizes[s], 0};
        out.total = offset + sizes[s]; // no padding after the last section: any truncation cuts a section
        offset = align64(out.total);
    }
    return out;
}

inline void report(build_options const & options, std::string const & line)
{
    if (options.progress)
        options.progress(line);
}

//! Packs every contig (validating its letters and finding its ambiguity runs).
inline std::vector<packed_reference_sequence> pack_contigs(std::span<reference_sequence const> contigs)
{
    std::vector<packed_reference_sequence> packed;
    packed.reserve(contigs.size());
    for (auto const & c : contigs)
    {
        try
        {
            packed.push_back({std::string{c.name}, codec::twobit::pack(c.sequence)});
        }
        catch (invalid_argument const & e)
        {
            throw invalid_argument{"fm::build: contig '" + std::string{c.name} + "': " + e.what()};
        }
    }
    return packed;
}

// Memory: the forward half of the text (1 byte a symbol) and the suffix array (sizeof(Index)) during SA-IS; the BWT then overwrites
// the suffix array's first bytes in place and the text is freed before the image (~0.33 byte a symbol) exists.
template <typename Index>
std::shared_ptr<image_storage> build_image(std::span<packed_reference_sequence const> contigs,
                                           build_options const & options)
{
    using clock = std::chrono::steady_clock;
    auto const t0 = clock::now();
    auto const elapsed = [&] {
        return std::to_string(std::chrono::duration<double>(clock::now() - t0).count()).substr(0, 6) + " s";
    };

    std::uint64_t reference_length = 0, names_bytes = 0, runs = 0;
    for (auto const & c : contigs)
    {
        reference_length += c.sequence.size();
        names_bytes += c.name.size();
        runs += c.sequence.ambiguous().size();
    }
    std::uint64_t const m = contigs.size();
    std::uint64_t const forward = reference_length + m;
    std::uint64_t const n = 2 * forward;
    std::uint64_t const rate = options.sa_sample_rate;

    // The FMD text: X = contigs each followed by $, then revcomp(X). Symbols: $ = 0, A..T = 1..4; ambiguous
    // bases become their stand-ins. Only X is stored.
    report(options, "fm: text of " + std::to_string(n) + " symbols (" + std::to_string(m) + " contigs)");
    big_buffer<std::uint8_t> x_text(forward);
    fmd_text const text{x_text.data(), forward, n};
    {
        std::uint64_t x = 0, ref_off = 0;
        for (auto const & c : contigs)
        {
            std::uint64_t const start = x;
            for (std::uint64_t i = 0; i < c.sequence.size(); ++i)
                x_text[x++] = static_cast<std::uint8_t>(c.sequence.code_at(i) + 1);
            for (auto const & r : c.sequence.ambiguous())
                for (std::uint64_t i = r.start; i < r.start + r.length; ++i)
                    x_text[start + i] = static_cast<std::uint8_t>(ambiguous_base(ref_off + i) + 1);
            x_text[x++] = 0;
            ref_off += c.sequence.size();
        }
    }

    report(options, "fm: suffix array (SA-IS, " + std::to_string(8 * sizeof(Index)) + "-bit) ...");
    big_buffer<Index> sa(n + 1);
    sais<Index>(text, sa.data(), static_cast<Index>(n), Index{5});
    report(options, "fm: suffix array done, " + elapsed());

    // BWT index i holds the suffix sa[i - 1] (the terminal suffix n sorts first). Its symbol (0..3, 4 for a
    // non-base) goes to byte i of the suffix array's storage, which lies in an entry already read.
    std::vector<Index> samples(n / rate + 1);
    std::vector<dollar_entry> dollars;
    dollars.reserve(2 * m + 1);
    std::uint64_t counts[5] = {0, 0, 0, 0, 0};
    std::uint64_t primary = 0;
    auto * const bwt = reinterpret_cast<std::uint8_t *>(sa.data());
    std::uint64_t next = n; // sa[i - 1], read before byte i - 1 is written
    for (std::uint64_t i = 0; i <= n; ++i)
    {
        std::uint64_t const p = next;
        if (i < n)
            next = sa[i]; // entry i is still intact: bytes 0..i-1 lie in entries below i
        if (i % rate == 0)
            samples[i / rate] = static_cast<Index>(p);
        std::uint8_t const sym = p == 0 ? 0 : text[p - 1];
        if (sym == 0)
        {
            dollars.push_back({i, p});
            if (p == 0)
                primary = i;
        }
        ++counts[sym];
        bwt[i] = sym == 0 ? std::uint8_t{4} : static_cast<std::uint8_t>(sym - 1);
    }
    x_text.reset();

    image_layout layout = plan_image<Index>(m, names_bytes, runs, reference_length, n, options.sa_sample_rate);
    auto image = image_storage::allocate(layout.total);
    std::byte * const base = image->mutable_data();
    file_header & h = layout.header;
    auto section_ptr = [&](section s) { return base + h.sections[s].offset; };

    {
        occ_builder<Index> occ{reinterpret_cast<occ_line<Index> *>(section_ptr(section_occ))};
        for (std::uint64_t i = 0; i <= n; ++i)
            occ.push(bwt[i]);
        occ.finish();
    }
    sa.reset();
    std::memcpy(section_ptr(section_dollars), dollars.data(), dollars.size() * sizeof(dollar_entry));
    std::memcpy(section_ptr(section_sa), samples.data(), samples.size() * sizeof(Index));

    // Contig table, names, ambiguity runs and the concatenated 2-bit reference.
    {
        auto * records = reinterpret_cast<contig_record *>(section_ptr(section_contigs));
        auto * names = reinterpret_cast<char *>(section_ptr(section_names));
        auto * amb = reinterpret_cast<ambiguity_record *>(section_ptr(section_ambiguity));
        auto * words = reinterpret_cast<std::uint64_t *>(section_ptr(section_reference));
        std::uint64_t ref_off = 0, name_off = 0;
        for (std::size_t k = 0; k < m; ++k)
        {
            auto const & c = contigs[k];
            records[k] = {c.sequence.size(), ref_off, name_off, c.name.size()};
            std::memcpy(names + name_off, c.name.data(), c.name.size());
            name_off += c.name.size();
            for (auto const & r : c.sequence.ambiguous())
                *amb++ = {ref_off + r.start, r.length, static_cast<std::uint64_t>(r.letter)};
            // An empty contig has no words: memcpy from their null pointer is undefined even for 0 bytes.
            if (ref_off % 32 == 0 && !c.sequence.words().empty())
                std::memcpy(words + ref_off / 32, c.sequence.words().data(), c.sequence.words().size() * 8);
            else
                for (std::uint64_t i = 0; i < c.sequence.size(); ++i)
                {
                    std::uint64_t const g = ref_off + i;
                    words[g / 32] |= std::uint64_t{c.sequence.code_at(i)} << (2 * (g % 32));
                }
            ref_off += c.sequence.size();
        }
    }

    // C[A] counts the suffixes before the A block: the terminal one and one a separator (the BWT holds
    // exactly as many non-bases); C[4] is the BWT length.
    h.c[0] = counts[0];
    for (int c = 1; c <= 4; ++c)
        h.c[c] = h.c[c - 1] + counts[c];
    std::memcpy(h.magic, file_magic, sizeof file_magic);
    h.version = file_version;
    h.index_bytes = sizeof(Index);
    h.sa_sample_rate = options.sa_sample_rate;
    h.line_symbols = occ_line<Index>::symbols;
    h.text_length = n;
    h.primary = primary;
    h.contig_count = m;
    h.forward_length = forward;
    h.reference_length = reference_length;
    std::uint32_t ref_crc = 0;
    for (section s : {section_contigs, section_names, section_ambiguity, section_reference})
        ref_crc = libdeflate_crc32(ref_crc, section_ptr(s), h.sections[s].size);
    h.reference_checksum = ref_crc;
    for (std::size_t s = 0; s < section_count; ++s)
        h.sections[s].crc = crc32(base + h.sections[s].offset, h.sections[s].size);
    h.header_crc = header_crc(h);
    std::memcpy(base, &h, sizeof h);
    report(options, "fm: index built, " + std::to_string(layout.total) + " bytes, " + elapsed());
    return image;
}

} // namespace wgskit::fm::detail
