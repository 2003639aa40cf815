// SMEMs against their brute-force definition on small texts; bwa-mem-style seeding invariants.
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include <catch2/catch.hpp>

#include <wgskit/fm/all.hpp>

#include "fm_test_support.hpp"

using namespace wgskit;
using namespace wgskit::fm_test;

namespace
{
//! Every SMEM [b, e) of read by definition: occurs, not extendable either way, contained in no other MEM.
std::set<std::pair<std::uint32_t, std::uint32_t>> brute_force_smems(std::vector<std::string> const & text,
                                                                     std::string const & read)
{
    auto const n = static_cast<std::uint32_t>(read.size());
    auto occurs = [&](std::uint32_t b, std::uint32_t e) {
        std::string const p = read.substr(b, e - b);
        if (p.find_first_not_of("ACGT") != std::string::npos)
            return false;
        return !naive_hits(text, p).empty();
    };
    std::vector<std::pair<std::uint32_t, std::uint32_t>> mems;
    for (std::uint32_t b = 0; b < n; ++b)
        for (std::uint32_t e = b + 1; e <= n; ++e)
            if (occurs(b, e) && (b == 0 || !occurs(b - 1, e)) && (e == n || !occurs(b, e + 1)))
                mems.emplace_back(b, e);
    std::set<std::pair<std::uint32_t, std::uint32_t>> out;
    for (auto const & m : mems)
    {
        bool contained = false;
        for (auto const & o : mems)
            contained |= o != m && o.first <= m.first && m.second <= o.second;
        if (!contained)
            out.insert(m);
    }
    return out;
}

std::string mutated_read(std::mt19937_64 & rng, std::vector<std::string> const & text, std::size_t len)
{
    std::string r = sample_pattern(rng, text, len);
    for (int k = 0; k < 3; ++k)
        r[rng() % r.size()] = "ACGTN"[rng() % 5];
    if (rng() % 3 == 0) // a chimera of two places
        r = r.substr(0, len / 2) + sample_pattern(rng, text, len - len / 2);
    return r;
}

//! Calls f(text, index, read) for `reads` mutated reads of read_len bases on each of `references` random references
//! of `contigs` contigs of up to max_len bases (the read named in INFO).
template <typename F>
void on_random_reads(std::mt19937_64 & rng, int references, std::size_t contigs, std::size_t max_len, int reads,
                     std::size_t read_len, F && f)
{
    for (int t = 0; t < references; ++t)
    {
        auto const ref = random_reference(rng, contigs, max_len);
        auto const text = indexed_text(ref);
        auto const idx = fm::fmd_index::build(as_input(ref));
        for (int q = 0; q < reads; ++q)
        {
            std::string const read = mutated_read(rng, text, read_len);
            INFO("read " << read);
            f(text, idx, read);
        }
    }
}

//! Edge cases ("", "A", "NNNN") and 60 mutated reads of 20 to 250 bases.
std::vector<std::string> edge_and_mutated_reads(std::mt19937_64 & rng, std::vector<std::string> const & text)
{
    std::vector<std::string> reads{"", "A", "NNNN"};
    for (int q = 0; q < 60; ++q)
        reads.push_back(mutated_read(rng, text, std::uniform_int_distribution<std::size_t>{20, 250}(rng)));
    return reads;
}

//! Appends to contigs 0 and 1 a random 60-base unit and a copy of it with base 45 changed (each followed by 100
//! random bases): the read of the unit is one unique SMEM that hides the copy's match [0, 45). Returns the unit.
std::string add_repeat_with_difference(std::mt19937_64 & rng, contig_list & ref)
{
    std::string const unit = random_bases(rng, 60);
    std::string copy = unit;
    copy[45] = copy[45] == 'A' ? 'C' : 'A';
    ref[0].second += unit + random_bases(rng, 100);
    ref[1].second += copy + random_bases(rng, 100);
    return unit;
}
} // namespace

TEST_CASE("find_smems equals the brute-force definition", "[fm]")
{
    auto const seed = Catch::rngSeed() + 21;
    INFO("seed " << seed);
    std::mt19937_64 rng{seed};
    on_random_reads(rng, 6, 2, 250, 15, 30, [](auto const & text, auto const & idx, std::string const & read) {
        auto const got = fm::find_smems(idx, read);
        std::set<std::pair<std::uint32_t, std::uint32_t>> got_set;
        for (auto const & m : got)
        {
            got_set.emplace(m.begin, m.end);
            REQUIRE(m.interval.s == naive_hits(text, read.substr(m.begin, m.length())).size());
        }
        REQUIRE(got.size() == got_set.size()); // no duplicates
        REQUIRE(std::is_sorted(got.begin(), got.end(),
                               [](auto const & a, auto const & b) { return a.begin < b.begin; }));
        REQUIRE(got_set == brute_force_smems(text, read));
    });
}

TEST_CASE("find_smems with min_forward leaves out exactly the SMEMs ending few bases past a later start", "[fm]")
{
    auto const seed = Catch::rngSeed() + 28;
    INFO("seed " << seed);
    std::mt19937_64 rng{seed};
    std::size_t left_out = 0;
    on_random_reads(rng, 6, 2, 250, 15, 40, [&](auto const & text, auto const & idx, std::string const & read) {
        auto const n = static_cast<std::uint32_t>(read.size());
        auto const all = brute_force_smems(text, read);
        // The search starts: the first base, then the end of the longest match from the previous start (the
        // largest end of the SMEMs through it), or the next base when none goes through it.
        std::vector<std::uint32_t> starts;
        for (std::uint32_t x = 0; x < n;)
        {
            starts.push_back(x);
            std::uint32_t next = x + 1;
            for (auto const & [b, e] : all)
                if (b <= x && x < e)
                    next = std::max(next, e);
            x = next;
        }
        for (std::uint32_t const min_forward : {3u, 6u, 10u})
        {
            INFO("min_forward " << min_forward);
            std::set<std::pair<std::uint32_t, std::uint32_t>> expected;
            for (auto const & [b, e] : all)
            {
                bool const open_end = e < n && std::string_view{"ACGT"}.find(read[e]) != std::string_view::npos;
                bool const short_past_start = std::any_of(starts.begin(), starts.end(), [&](std::uint32_t x) {
                    return x > 0 && b <= x && x < e && e - x < min_forward && open_end;
                });
                if (!short_past_start)
                    expected.emplace(b, e);
            }
            left_out += all.size() - expected.size();
            std::set<std::pair<std::uint32_t, std::uint32_t>> got;
            for (auto const & m : fm::find_smems(idx, read, 1, min_forward))
                got.emplace(m.begin, m.end);
            REQUIRE(got == expected);

            // collect_seeds' first pass takes the option (re-seeding and the third pass off here).
            fm::seed_options opt{.min_seed_length = 8, .reseed_factor = 1000, .third_pass_max_occ = 0,
                                 .first_pass_min_forward = min_forward};
            std::set<std::pair<std::uint32_t, std::uint32_t>> seeds, long_expected;
            for (auto const & m : fm::collect_seeds(idx, read, opt))
                seeds.emplace(m.begin, m.end);
            for (auto const & [b, e] : expected)
                if (e - b >= opt.min_seed_length)
                    long_expected.emplace(b, e);
            REQUIRE(seeds == long_expected);
        }
    });
    REQUIRE(left_out > 0);
}

TEST_CASE("collect_seeds: bwa mem seeding invariants", "[fm]")
{
    std::mt19937_64 rng{Catch::rngSeed() + 22};
    auto ref = random_reference(rng, 2, 3000);
    // A long repeat with one difference: re-seeding must find the copy that the long SMEM hides.
    std::string const unit = add_repeat_with_difference(rng, ref);
    auto const text = indexed_text(ref);
    auto const idx = fm::fmd_index::build(as_input(ref));

    fm::seed_options opt;
    auto const seeds = fm::collect_seeds(idx, unit, opt);
    REQUIRE(!seeds.empty());
    for (auto const & s : seeds)
    {
        REQUIRE(s.length() >= opt.min_seed_length);
        REQUIRE(s.interval.s == naive_hits(text, unit.substr(s.begin, s.length())).size());
    }
    // The whole unit is one SMEM occurring once; re-seeding through its middle finds [0, 45) occurring twice.
    bool whole = false, shared = false;
    for (auto const & s : seeds)
    {
        whole |= s.begin == 0 && s.end == 60 && s.interval.s == 1;
        shared |= s.begin == 0 && s.end == 45 && s.interval.s == 2;
    }
    REQUIRE(whole);
    REQUIRE(shared);

    fm::seed_options no_reseed = opt;
    no_reseed.reseed_factor = 1000;
    no_reseed.third_pass_max_occ = 0;
    auto const plain = fm::collect_seeds(idx, unit, no_reseed);
    REQUIRE(plain.size() == 1);

    // Batched seeding gives the same seeds.
    std::vector<std::string> reads;
    for (int q = 0; q < 20; ++q)
        reads.push_back(mutated_read(rng, text, 150));
    std::vector<std::string_view> views(reads.begin(), reads.end());
    std::vector<std::vector<fm::smem>> batch;
    fm::collect_seeds(idx, views, batch, opt);
    for (std::size_t r = 0; r < reads.size(); ++r)
        REQUIRE(batch[r] == fm::collect_seeds(idx, reads[r], opt));

    // Hits of a seed are (contig, position, strand) of the seed's bases.
    for (auto const & s : seeds)
        for (auto const & h : fm::locate(idx, s, opt.max_occ))
        {
            std::string const at = text[h.contig].substr(h.pos, s.length());
            std::string const piece = unit.substr(s.begin, s.length());
            REQUIRE(at == (h.reverse ? reverse_complement(piece) : piece));
        }
}

TEST_CASE("SMEMs followed in the text: same seeds, hits equal the naive search (ambiguous stand-ins too)", "[fm]")
{
    auto const seed = Catch::rngSeed() + 23;
    INFO("seed " << seed);
    std::mt19937_64 rng{seed};
    std::size_t followed = 0;
    for (int t = 0; t < 4; ++t)
    {
        auto const ref = random_reference(rng, 3, 1500);
        auto const text = indexed_text(ref);
        auto const idx = fm::fmd_index::build(as_input(ref));
        for (int q = 0; q < 25; ++q)
        {
            std::string const read = mutated_read(rng, text, 120);
            INFO("read " << read);
            for (auto const & m : fm::find_smems(idx, read))
            {
                std::string const piece = read.substr(m.begin, m.length());
                auto const want = naive_hits(text, piece);
                REQUIRE(m.interval.s == want.size());
                auto got = fm::locate(idx, m);
                std::sort(got.begin(), got.end());
                REQUIRE(got == want);
                followed += m.followed();
            }
        }
    }
    CHECK(followed > 0);
}

TEST_CASE("collect_seeds of a batch: the interleaved searches give each read's own seeds (edge cases too)", "[fm]")
{
    auto const seed = Catch::rngSeed() + 24;
    INFO("seed " << seed);
    std::mt19937_64 rng{seed};
    auto const ref = random_reference(rng, 2, 4000);
    auto const text = indexed_text(ref);
    auto const idx = fm::fmd_index::build(as_input(ref));
    fm::seed_options const opt;

    // Reads of every kind in one batch, more than the lanes: empty, one base, only N, N inside, short, long,
    // repeats of the reference, so that lanes finish at different steps and take new reads in between.
    std::vector<std::string> reads{"", "A", "N", "NNNN", std::string(19, 'A')};
    for (int q = 0; q < 60; ++q)
    {
        std::size_t const len = std::uniform_int_distribution<std::size_t>{1, 250}(rng);
        std::string r = mutated_read(rng, text, len);
        if (q % 7 == 0 && r.size() > 10)
            r[r.size() / 2] = 'N';
        if (q % 11 == 0)
            r += r; // a tandem copy
        reads.push_back(std::move(r));
    }
    std::vector<std::string_view> views(reads.begin(), reads.end());
    for (std::size_t count : {std::size_t{0}, std::size_t{1}, std::size_t{7}, views.size()})
    {
        INFO("batch of " << count);
        std::vector<std::vector<fm::smem>> batch{{fm::smem{}}}; // stale content is replaced
        fm::collect_seeds(idx, std::span<std::string_view const>{views.data(), count}, batch, opt);
        REQUIRE(batch.size() == count);
        // The prefix table saves steps only: the same seeds, with bwa's options and with the mapper's (whose first
        // pass takes the table's entry from later starts too); 4-base entries occur often enough here to be taken.
        for (unsigned const length : {4u, 9u})
        {
            INFO("prefix length " << length);
            auto const prefixes = fm::prefix_table::build(idx, length);
            std::vector<std::vector<fm::smem>> with_table;
            fm::collect_seeds(idx, std::span<std::string_view const>{views.data(), count}, with_table, opt, &prefixes);
            REQUIRE(with_table == batch);
            fm::seed_options const mapper_opt{
                .skip_unique_contained = true, .reseed_unique = false, .first_pass_min_forward = 12};
            std::vector<std::vector<fm::smem>> plain;
            fm::collect_seeds(idx, std::span<std::string_view const>{views.data(), count}, plain, mapper_opt);
            fm::collect_seeds(idx, std::span<std::string_view const>{views.data(), count}, with_table, mapper_opt,
                              &prefixes);
            REQUIRE(with_table == plain);
        }
        for (std::size_t r = 0; r < count; ++r)
        {
            INFO("read " << reads[r]);
            REQUIRE(batch[r] == fm::collect_seeds(idx, reads[r], opt));
        }
    }
}

TEST_CASE("prefix_table: entries equal the bi-intervals of the strings, bad lengths throw", "[fm]")
{
    std::mt19937_64 rng{Catch::rngSeed() + 25};
    auto const ref = random_reference(rng, 2, 500);
    auto const idx = fm::fmd_index::build(as_input(ref));
    auto const t = fm::prefix_table::build(idx, 3);
    REQUIRE(t.length() == 3);
    std::uint8_t codes[3];
    for (std::size_t k = 0; k < 64; ++k)
    {
        codes[0] = static_cast<std::uint8_t>(k >> 4), codes[1] = (k >> 2) & 3, codes[2] = k & 3;
        REQUIRE(t.slot(codes) == k);
        std::string s;
        for (auto c : codes)
            s += "ACGT"[c];
        auto const want = idx.search(s);
        if (want.s == 0)
            REQUIRE(t[k].s == 0);
        else
            REQUIRE(t[k] == want);
    }
    REQUIRE_THROWS_AS(fm::prefix_table::build(idx, 0), wgskit::invalid_argument);
    REQUIRE_THROWS_AS(fm::prefix_table::build(idx, 13), wgskit::invalid_argument);
}

TEST_CASE("collect_seeds with skip_unique_contained leaves out only third-pass seeds inside unique SMEMs", "[fm]")
{
    auto const seed = Catch::rngSeed() + 26;
    INFO("seed " << seed);
    std::mt19937_64 rng{seed};
    auto const ref = random_reference(rng, 2, 4000); // with repeats: not every SMEM is unique
    auto const text = indexed_text(ref);
    auto const idx = fm::fmd_index::build(as_input(ref));
    fm::seed_options const bwa;
    fm::seed_options skip;
    skip.skip_unique_contained = true;

    auto const reads = edge_and_mutated_reads(rng, text);
    std::size_t left_out = 0;
    for (auto const & r : reads)
    {
        INFO("read " << r);
        auto const all = fm::collect_seeds(idx, r, bwa);
        auto const kept = fm::collect_seeds(idx, r, skip);
        // Every kept seed is one of bwa's (the searches after a skipped one start where they would have).
        for (auto const & s : kept)
            REQUIRE(std::find(all.begin(), all.end(), s) != all.end());
        // Every seed left out occurs once and lies inside a unique seed that is kept (it may span the same
        // bases as that one: the third pass's seed equals the SMEM then, apart from the hit it was followed to).
        for (auto const & s : all)
        {
            if (std::find(kept.begin(), kept.end(), s) != kept.end())
                continue;
            ++left_out;
            REQUIRE(s.interval.s == 1);
            REQUIRE(std::any_of(kept.begin(), kept.end(), [&](fm::smem const & u) {
                return u.interval.s == 1 && u.begin <= s.begin && s.end <= u.end;
            }));
        }
    }
    REQUIRE(left_out > 0); // the option did something on these reads

    // The interleaved batch search honours the option as the one-read search does.
    std::vector<std::string_view> views(reads.begin(), reads.end());
    std::vector<std::vector<fm::smem>> batch;
    fm::collect_seeds(idx, std::span<std::string_view const>{views}, batch, skip);
    REQUIRE(batch.size() == reads.size());
    for (std::size_t r = 0; r < reads.size(); ++r)
        REQUIRE(batch[r] == fm::collect_seeds(idx, reads[r], skip));
}

TEST_CASE("collect_seeds without reseed_unique leaves out only re-seeding seeds of unique SMEMs", "[fm]")
{
    auto const seed = Catch::rngSeed() + 27;
    INFO("seed " << seed);
    std::mt19937_64 rng{seed};
    auto ref = random_reference(rng, 2, 4000);
    // The bwa test's repeat with one difference: without re-seeding the unique whole read, the third pass still
    // reaches the copy (a match of min_seed_length + 1 bases occurring twice).
    std::string const unit = add_repeat_with_difference(rng, ref);
    std::string copy = unit;
    copy[45] = copy[45] == 'A' ? 'C' : 'A';
    auto const text = indexed_text(ref);
    auto const idx = fm::fmd_index::build(as_input(ref));
    fm::seed_options const with{.skip_unique_contained = true};                         // the mapper before
    fm::seed_options const without{.skip_unique_contained = true, .reseed_unique = false}; // the mapper now
    auto const split_length = static_cast<std::uint32_t>(with.min_seed_length * with.reseed_factor + .499);

    auto const unit_seeds = fm::collect_seeds(idx, unit, without);
    REQUIRE(std::none_of(unit_seeds.begin(), unit_seeds.end(),
                         [](fm::smem const & s) { return s.begin == 0 && s.end == 45; })); // re-seeding's
    REQUIRE(std::any_of(unit_seeds.begin(), unit_seeds.end(), [&](fm::smem const & s) {
        return s.interval.s == 2 && s.end <= 45 && s.length() == with.min_seed_length + 1;
    }));

    auto reads = edge_and_mutated_reads(rng, text);
    reads.push_back(unit);
    reads.push_back(copy);
    std::size_t left_out = 0;
    for (auto const & r : reads)
    {
        INFO("read " << r);
        auto const all = fm::collect_seeds(idx, r, with);
        auto const kept = fm::collect_seeds(idx, r, without);
        auto const count = [](std::vector<fm::smem> const & v, fm::smem const & s) {
            return std::count(v.begin(), v.end(), s);
        };
        // kept is all less some seeds, each through the middle of a unique kept SMEM long enough to re-seed
        // and occurring more often than it.
        for (auto const & s : kept)
            REQUIRE(count(kept, s) <= count(all, s));
        for (auto const & s : all)
        {
            if (count(kept, s) == count(all, s))
                continue;
            ++left_out;
            REQUIRE(s.interval.s > 1);
            REQUIRE(std::any_of(kept.begin(), kept.end(), [&](fm::smem const & u) {
                std::uint32_t const middle = (u.begin + u.end) / 2;
                return u.interval.s == 1 && u.length() >= split_length && s.begin <= middle && middle < s.end;
            }));
        }
    }
    REQUIRE(left_out > 0);

    std::vector<std::string_view> views(reads.begin(), reads.end());
    std::vector<std::vector<fm::smem>> batch;
    fm::collect_seeds(idx, std::span<std::string_view const>{views}, batch, without);
    for (std::size_t r = 0; r < reads.size(); ++r)
        REQUIRE(batch[r] == fm::collect_seeds(idx, reads[r], without));
}
