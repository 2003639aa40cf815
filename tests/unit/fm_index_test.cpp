// FM-index: SA-IS against a naive sort; count, locate and search against naive scanning of both strands
// (several contigs, N runs, 32- and 64-bit positions); index file round trip and rejection of broken files.
#include "wgskit_test_paths.hpp"
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <wgskit/fm/all.hpp>

#include "fm_test_support.hpp"

using namespace wgskit;
using namespace wgskit::fm_test;

TEST_CASE("sais equals a naive suffix sort", "[fm]")
{
    auto const seed = Catch::rngSeed() + 11;
    INFO("seed " << seed);
    std::mt19937_64 rng{seed};
    for (int it = 0; it < 400; ++it)
    {
        std::size_t const n = rng() % 300;
        unsigned const k = 1 + rng() % 5;
        std::vector<std::uint8_t> t(n);
        int const mode = it % 4;
        for (std::size_t i = 0; i < n; ++i)
            t[i] = mode == 0   ? static_cast<std::uint8_t>(rng() % k)
                   : mode == 1 ? static_cast<std::uint8_t>(rng() % 8 == 0 ? rng() % k : 0)  // long runs
                   : mode == 2 ? static_cast<std::uint8_t>((i % 7) % k)                   // periodic
                               : static_cast<std::uint8_t>(i < n / 2 ? rng() % k : t[i - n / 2]); // a repeat
        std::vector<std::uint32_t> sa(n);
        fm::detail::sais<std::uint32_t>(t.data(), sa.data(), static_cast<std::uint32_t>(n), 5u);
        REQUIRE(sa == naive_suffix_array(t));
        std::vector<std::uint64_t> sa64(n);
        fm::detail::sais<std::uint64_t>(t.data(), sa64.data(), n, std::uint64_t{5});
        REQUIRE(std::equal(sa.begin(), sa.end(), sa64.begin(), sa64.end()));
    }
}

TEST_CASE("sais on a real sequence slice", "[fm]")
{
    auto const contigs = read_fasta(std::string{WGSKIT_SOURCE_DIR} + "/examples/data/chr22_40k.fa");
    REQUIRE(!contigs.empty());
    std::string const slice = contigs[0].second.substr(10000, 4000);
    std::vector<std::uint8_t> t(slice.size());
    for (std::size_t i = 0; i < slice.size(); ++i)
        t[i] = fm::detail::base_codes[static_cast<unsigned char>(slice[i])];
    std::vector<std::uint32_t> sa(t.size());
    fm::detail::sais<std::uint32_t>(t.data(), sa.data(), static_cast<std::uint32_t>(t.size()), 5u);
    REQUIRE(sa == naive_suffix_array(t));
}

TEST_CASE("count, search and locate equal naive scanning of both strands", "[fm]")
{
    auto const seed = Catch::rngSeed() + 12;
    INFO("seed " << seed);
    std::size_t ambiguous_codes = 0;
    std::mt19937_64 rng{seed};
    for (bool wide : {false, true})
        for (std::uint32_t rate : {1u, 5u, 32u})
        {
            auto const ref = random_reference(rng, 4, 1500);
            auto const stand_in = indexed_text(ref);
            fm::build_options opt;
            opt.sa_sample_rate = rate;
            opt.force_64bit = wide;
            auto const idx = fm::fmd_index::build(as_input(ref), opt);
            REQUIRE(idx.wide() == wide);
            REQUIRE(idx.contig_count() == ref.size());
            for (int q = 0; q < 300; ++q)
            {
                std::string const p = q % 3 == 0 ? random_bases(rng, 1 + rng() % 8) : sample_pattern(rng, stand_in);
                auto const expected = naive_hits(stand_in, p);
                INFO("pattern " << p);
                REQUIRE(idx.count(p) == expected.size());
                auto const bi = idx.search(p);
                REQUIRE(bi.s == expected.size());
                if (bi.s > 0)
                    REQUIRE(idx.search(reverse_complement(p)).k == bi.l);
                auto hits = idx.locate(bi, p.size());
                std::sort(hits.begin(), hits.end());
                REQUIRE(hits == expected);
                auto by_pattern = idx.locate(p);
                std::sort(by_pattern.begin(), by_pattern.end());
                REQUIRE(by_pattern == expected);
                // Sampled: at most max_hits, all of them true hits.
                auto const sampled = idx.locate(bi, p.size(), 3);
                REQUIRE(sampled.size() == std::min<std::size_t>(3, expected.size()));
                for (auto const & h : sampled)
                    REQUIRE(std::binary_search(expected.begin(), expected.end(), h));
                for (auto const & h : hits)
                    REQUIRE(idx.overlaps_ambiguous(h.contig, h.pos, p.size()) ==
                            naive_overlaps_ambiguous(ref[h.contig].second, h.pos, p.size()));
            }
            for (std::size_t k = 0; k < ref.size(); ++k)
            {
                REQUIRE(idx.contig_name(k) == ref[k].first);
                REQUIRE(idx.contig_sequence(k, 0, ref[k].second.size()) == upper(ref[k].second));
                // contig_codes: the same bases as codes (ambiguity letters 4), forward and last base first, for the
                // whole contig and a slice of it.
                std::uint64_t const n = ref[k].second.size();
                for (auto const & [b, e] : {std::pair<std::uint64_t, std::uint64_t>{0, n}, {n / 3, n - n / 6}})
                {
                    std::string const bases = idx.contig_sequence(k, b, e);
                    std::vector<std::uint8_t> want(bases.size()), got;
                    for (std::size_t i = 0; i < bases.size(); ++i)
                        want[i] = static_cast<std::uint8_t>(
                            std::min<std::size_t>(4, std::string_view{"ACGT"}.find(bases[i])));
                    ambiguous_codes += static_cast<std::size_t>(std::count(want.begin(), want.end(), 4));
                    idx.contig_codes(k, b, e, got);
                    REQUIRE(got == want);
                    idx.contig_codes(k, b, e, got, true);
                    std::reverse(want.begin(), want.end());
                    REQUIRE(got == want);
                }
            }
        }
    REQUIRE(ambiguous_codes > 0); // the references had N runs or other ambiguity letters
}

TEST_CASE("count and locate on a real sequence", "[fm]")
{
    auto contigs = read_fasta(std::string{WGSKIT_SOURCE_DIR} + "/examples/data/chr22_40k.fa");
    REQUIRE(!contigs.empty());
    // Three contigs cut from the slice (one with an N run) so hits near the cuts must not span them.
    std::string const & s = contigs[0].second;
    std::vector<std::pair<std::string, std::string>> ref = {
        {"a", s.substr(0, 12000)}, {"empty", ""}, {"b", s.substr(12000, 9000)}, {"c", s.substr(21000, 19000)}};
    std::fill_n(ref[2].second.begin() + 100, 250, 'N');
    auto const stand_in = indexed_text(ref);
    auto const idx = fm::fmd_index::build(as_input(ref));
    std::mt19937_64 rng{Catch::rngSeed() + 13};
    for (int q = 0; q < 200; ++q)
    {
        std::size_t const len = q % 2 ? 12 : 20;
        std::string const p = sample_pattern(rng, stand_in, len);
        auto const expected = naive_hits(stand_in, p);
        auto hits = idx.locate(idx.search(p), p.size());
        std::sort(hits.begin(), hits.end());
        INFO("pattern " << p);
        REQUIRE(idx.count(p) == expected.size());
        REQUIRE(hits == expected);
    }
    // A pattern across the a|b cut occurs nowhere.
    std::string const across = s.substr(12000 - 10, 20);
    REQUIRE(naive_hits(stand_in, across).empty());
    REQUIRE(idx.count(across) == 0);
}

TEST_CASE("batched count equals single count", "[fm]")
{
    std::mt19937_64 rng{Catch::rngSeed() + 14};
    auto const ref = random_reference(rng, 3, 3000);
    auto const stand_in = indexed_text(ref);
    auto const idx = fm::fmd_index::build(as_input(ref));
    std::vector<std::string> patterns;
    for (int q = 0; q < 500; ++q)
        patterns.push_back(q % 5 == 0 ? random_bases(rng, rng() % 12) : sample_pattern(rng, stand_in));
    patterns.push_back("ACGNT");
    std::vector<std::string_view> views(patterns.begin(), patterns.end());
    std::vector<std::uint64_t> counts(views.size());
    idx.count(views, counts);
    for (std::size_t q = 0; q < views.size(); ++q)
        REQUIRE(counts[q] == idx.count(views[q]));
}

TEST_CASE("locate of many intervals at once", "[fm]")
{
    std::mt19937_64 rng{Catch::rngSeed() + 16};
    auto const ref = random_reference(rng, 3, 2000);
    auto const stand_in = indexed_text(ref);
    auto const idx = fm::fmd_index::build(as_input(ref));
    std::vector<std::string> patterns;
    std::vector<fm::bi_interval> intervals;
    std::vector<std::uint64_t> lengths;
    std::vector<fm::hit> expected;
    for (int q = 0; q < 50; ++q)
    {
        patterns.push_back(sample_pattern(rng, stand_in));
        intervals.push_back(idx.search(patterns.back()));
        lengths.push_back(patterns.back().size());
        auto h = idx.locate(intervals.back(), lengths.back());
        expected.insert(expected.end(), h.begin(), h.end());
    }
    std::vector<fm::hit> got;
    idx.locate(intervals, lengths, ~std::uint64_t{0}, got);
    REQUIRE(got == expected);
}

TEST_CASE("build rejects bad input", "[fm]")
{
    std::vector<fm::reference_sequence> none;
    REQUIRE_THROWS_AS(fm::fmd_index::build(none), invalid_argument);
    std::vector<fm::reference_sequence> bad = {{"x", "ACGT!A"}};
    REQUIRE_THROWS_WITH(fm::fmd_index::build(bad), Catch::Contains("contig 'x'"));
    std::vector<fm::reference_sequence> empty = {{"x", ""}};
    REQUIRE_THROWS_AS(fm::fmd_index::build(empty), invalid_argument);
}

TEST_CASE("index file round trip and rejection of broken files", "[fm]")
{
    std::mt19937_64 rng{Catch::rngSeed() + 15};
    auto const ref = random_reference(rng, 3, 2000);
    auto const idx = fm::fmd_index::build(as_input(ref));
    // Its own folder per process and run: ctest runs this executable once per ISA in parallel, with the same seed.
    auto const dir = std::filesystem::temp_directory_path() /
                     ("wgskit_fm_test_" + std::to_string(rng()) + "_" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(dir);
    std::string const path = (dir / "ref.fa.wgsx").string();
    idx.save(path);
    REQUIRE(std::filesystem::file_size(path) == idx.size_bytes());

    // Both ways of loading: the file mapping and the private copy on huge pages.
    bool const huge_pages = GENERATE(false, true);
    fm::load_options lo;
    lo.huge_pages = huge_pages;
    INFO("huge_pages " << huge_pages);
    auto const loaded = fm::fmd_index::load(path, lo);
    REQUIRE(loaded.size_bytes() == idx.size_bytes());
    REQUIRE(loaded.reference_checksum() == idx.reference_checksum());
    REQUIRE(loaded.contig_count() == ref.size());
    auto const stand_in = indexed_text(ref);
    for (int q = 0; q < 100; ++q)
    {
        std::string const p = sample_pattern(rng, stand_in);
        REQUIRE(loaded.count(p) == idx.count(p));
        REQUIRE(loaded.locate(loaded.search(p), p.size()) == idx.locate(idx.search(p), p.size()));
    }
    REQUIRE(loaded.contig_sequence(1, 0, ref[1].second.size()) == upper(ref[1].second));

    std::vector<char> bytes(idx.size_bytes());
    {
        std::ifstream in(path, std::ios::binary);
        in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    }
    auto const write = [&](std::vector<char> const & b, std::size_t n) {
        std::string const p = (dir / "broken.wgsx").string();
        std::ofstream out(p, std::ios::binary | std::ios::trunc);
        out.write(b.data(), static_cast<std::streamsize>(n));
        return p;
    };
    auto const rejected_with = [&](std::string const & p, std::string const & what) {
        try
        {
            (void)fm::fmd_index::load(p, lo);
        }
        catch (parse_error const & e)
        {
            INFO(e.what());
            REQUIRE(e.file() == p);
            REQUIRE_THAT(e.what(), Catch::Contains(what));
            return;
        }
        FAIL("not rejected: " << what);
    };

    SECTION("truncated")
    {
        for (std::size_t n : {std::size_t{0}, std::size_t{100}, std::size_t{511}, std::size_t{600},
                              bytes.size() / 2, bytes.size() - 1})
            rejected_with(write(bytes, n), n < 512 ? "header" : "truncated");
    }
    SECTION("bad magic and version")
    {
        auto b = bytes;
        b[0] = 'X';
        rejected_with(write(b, b.size()), "bad magic");
        b = bytes;
        b[8] = 9;
        rejected_with(write(b, b.size()), "format version 9");
    }
    SECTION("a flipped byte in any section")
    {
        auto const & h = *reinterpret_cast<fm::detail::file_header const *>(bytes.data());
        for (std::size_t s = 0; s < fm::detail::section_count; ++s)
        {
            if (h.sections[s].size == 0)
                continue;
            auto b = bytes;
            b[h.sections[s].offset + h.sections[s].size / 2] ^= 0x10;
            rejected_with(write(b, b.size()), std::string{"section '"} + fm::detail::section_names_text[s] + "'");
        }
        auto b = bytes;
        b[40] ^= 1; // the header itself
        rejected_with(write(b, b.size()), "header");
    }
    SECTION("missing file")
    {
        REQUIRE_THROWS_AS(fm::fmd_index::load((dir / "absent.wgsx").string(), lo), io_error);
    }
    std::filesystem::remove_all(dir);
}
