// The WGS workflow in one process:
//   reference -> FM index -> FASTQ pairs -> mapper (worker threads, input order) -> bam::record stream
//   -> coordinate sort (memory-bounded, spills in OUTDIR) -> duplicate marking -> coverage QC -> BAM + BAI
//   -> k-mer spectrum -> variant calling (when the call block is in the build) -> metrics.json, MultiQC JSON,
//   report.html.
// No SAM text between steps. QC figures are gathered while the records stream (reads, mapping, insert sizes in
// the mapper's workers; depth and duplicates on the sorted stream). Every output is written under a temporary
// name and renamed when complete; OUTDIR/.wgskit-state.json lets a rerun skip the steps whose outputs are
// complete and whose inputs and parameters have not changed. SIGINT/SIGTERM (with install_interrupt_handlers)
// stop the run at the next batch or record block, and the temporaries are removed on the way out.
#pragma once

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <wgskit/bam/bai.hpp>
#include <wgskit/bam/markdup.hpp>
#include <wgskit/bam/sort.hpp>
#include <wgskit/codec/twobit/packed_dna.hpp>
#include <wgskit/core/atomic_file.hpp>
#include <wgskit/core/batch_pipeline.hpp>
#include <wgskit/core/exception.hpp>
#include <wgskit/fm/fmd_index.hpp>
#include <wgskit/io/packed_reference.hpp>
#include <wgskit/io/paired_fastq.hpp>
#include <wgskit/kmer/counter.hpp>
#include <wgskit/kmer/profile.hpp>
#include <wgskit/map/bam_output.hpp>
#include <wgskit/map/mapper.hpp>
#include <wgskit/qc/alignment_stats.hpp>
#include <wgskit/qc/read_qc.hpp>
#include <wgskit/qc/report.hpp>
#include <wgskit/simd/arch.hpp>
#include <wgskit/version.hpp>
#include <wgskit/workflow/progress.hpp>
#include <wgskit/workflow/state.hpp>

#if __has_include(<wgskit/call/caller.hpp>)
#include <wgskit/call/caller.hpp>
#define WGSKIT_WORKFLOW_HAS_CALLER 1
#else
#define WGSKIT_WORKFLOW_HAS_CALLER 0
#endif

namespace wgskit::workflow
{

struct wgs_options
{
    std::string reference; //!< FASTA (plain or gzip)
    std::string reads1;    //!< R1 FASTQ (plain or gzip)
    std::string reads2;    //!< R2 FASTQ (plain or gzip)
    std::string outdir;    //!< created if missing
    std::string sample;    //!< output prefix and sample name; default: R1's file name up to the first '.' or '_R1'
    std::size_t threads = 1;
    std::string command_line; //!< recorded in the metrics and the BAM's @PG
    std::size_t batch_pairs = 10000;              //!< mapper batch (the insert size is estimated per batch)
    std::size_t sort_memory = std::size_t{768} << 20; //!< records held before the sorter spills a run
    unsigned kmer_k = 21;                         //!< 0: no k-mer spectrum
    unsigned kmer_sample = 0;                     //!< spectrum of 1 in N k-mers; 0: kmer::sample_one_in_for(reference length)
    int bam_level = 6;                            //!< BAM's BGZF level (as samtools -l); 5 takes ~30% less CPU to compress, +0.5% size
    std::string regions;                          //!< calling regions (empty: whole genome)
    bool force = false;                           //!< rerun every step even when its outputs are valid
    bool huge_pages = true;                       //!< mapper's index on huge pages (fm::load_options::huge_pages)
};

struct wgs_outputs
{
    std::filesystem::path metrics;  //!< NAME.metrics.json
    std::filesystem::path multiqc;  //!< NAME_mqc.json
    std::filesystem::path report;   //!< NAME.report.html
    std::filesystem::path bam;      //!< NAME.bam (+ .bai)
    std::filesystem::path vcf;      //!< NAME.vcf.gz (+ .tbi); empty when calling is not in this build
    std::filesystem::path index;    //!< the FM index used (built in OUTDIR when none was beside the reference)
    std::vector<std::string> skipped; //!< steps a rerun skipped
};

//! One reference sequence as the workflow sees it.
struct contig_summary
{
    std::string name;
    std::uint64_t length = 0;
    std::uint64_t ambiguous = 0; //!< bases other than A, C, G, T (N runs and IUPAC codes)
    std::uint64_t soft_masked = 0;
};

//! Thrown at the next check after SIGINT/SIGTERM.
class interrupted : public std::runtime_error
{
public:
    explicit interrupted(int sig) :
        std::runtime_error{std::string{"interrupted by "} + (sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "a signal") +
                           "; temporary files removed, no partial output left under a final name"}
    {}
};

namespace detail
{
inline std::atomic<int> & pending_signal() noexcept
{
    static std::atomic<int> s{0};
    return s;
}
extern "C" inline void on_interrupt(int sig) { pending_signal().store(sig); }
} // namespace detail

//! SIGINT and SIGTERM set a flag that the workflow checks between batches (instead of killing the process
//! with temporaries left behind). A second signal ends the process at once.
inline void install_interrupt_handlers()
{
    struct sigaction sa{};
    sa.sa_handler = detail::on_interrupt;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESETHAND;
    ::sigaction(SIGINT, &sa, nullptr);
    ::sigaction(SIGTERM, &sa, nullptr);
}

inline void throw_if_interrupted()
{
    if (int const sig = detail::pending_signal().load(); sig != 0)
        throw interrupted{sig};
}

//! A record_sink that passes records on and, every few thousand records, checks for an interruption and reports
//! how many records went through (progress).
class interruptible_sink : public bam::record_sink
{
public:
    explicit interruptible_sink(bam::record_sink & out, std::function<void(std::uint64_t)> on_progress = {}) :
        out_{out}, on_progress_{std::move(on_progress)}
    {}
    void write(bam::record const & r) override
    {
        tick();
        out_.write(r);
    }
    void write(bam::record && r) override
    {
        tick();
        out_.write(std::move(r));
    }
    void close() override {}

private:
    void tick()
    {
        if ((++n_ & 4095) == 0)
        {
            throw_if_interrupted();
            if (on_progress_)
                on_progress_(n_);
        }
    }
    bam::record_sink & out_;
    std::function<void(std::uint64_t)> on_progress_;
    std::uint64_t n_{0};
};

//! How far the process has read into a file (from the kernel's file position of the descriptor that has it
//! open), as a fraction of its size; negative when unknown. Used for ETAs on compressed input.
class read_position
{
public:
    explicit read_position(std::string const & path)
    {
        std::error_code ec;
        target_ = std::filesystem::canonical(path, ec);
        size_ = std::filesystem::file_size(path, ec);
        if (ec)
            size_ = 0;
    }

    double fraction()
    {
        if (size_ == 0)
            return -1;
        if (fd_ < 0)
            find();
        if (fd_ < 0)
            return -1;
        std::ifstream info{"/proc/self/fdinfo/" + std::to_string(fd_)};
        std::string key;
        std::uint64_t pos = 0;
        while (info >> key)
            if (key == "pos:" && (info >> pos))
                return std::min(1.0, static_cast<double>(pos) / static_cast<double>(size_));
        return -1;
    }

private:
    void find()
    {
        std::error_code ec;
        for (auto const & e : std::filesystem::directory_iterator{"/proc/self/fd", ec})
        {
            std::error_code ec2;
            if (std::filesystem::read_symlink(e.path(), ec2) == target_ && !ec2)
            {
                fd_ = std::atoi(e.path().filename().c_str());
                return;
            }
        }
    }
    std::filesystem::path target_;
    std::uint64_t size_ = 0;
    int fd_ = -1;
};

//! What the workflow reports of each reference sequence.
inline std::vector<contig_summary> summarise_reference(std::vector<io::packed_contig> const & reference)
{
    std::vector<contig_summary> contigs;
    for (auto const & contig : reference)
    {
        contig_summary c{contig.name, contig.sequence.size(), 0, 0};
        for (auto const & r : contig.sequence.ambiguous())
            c.ambiguous += r.length;
        for (auto const & r : contig.sequence.soft_masked())
            c.soft_masked += r.length;
        contigs.push_back(std::move(c));
    }
    return contigs;
}

//! Whether index holds exactly these contigs (names and lengths).
inline bool index_matches(fm::fmd_index const & index, std::vector<io::packed_contig> const & reference)
{
    if (index.contig_count() != reference.size())
        return false;
    for (std::size_t k = 0; k < reference.size(); ++k)
        if (index.contig_name(k) != reference[k].name || index.contig_length(k) != reference[k].sequence.size())
            return false;
    return true;
}

//! Where the FM index comes from and whether it had to be built.
struct index_source
{
    std::filesystem::path path;
    bool built = false;
};

//! The FM index for the reference: REF.wgsx beside it (as `wgskit index` writes it) if valid and matching,
//! otherwise OUTDIR/<reference file name>.wgsx, built there if missing or stale. The user's folder is never written.
inline index_source ensure_index(std::string const & reference_path, std::vector<io::packed_contig> const & reference,
                                 std::filesystem::path const & outdir, progress_log & log)
{
    std::filesystem::path const beside{reference_path + ".wgsx"};
    std::filesystem::path const ours = outdir / (std::filesystem::path{reference_path}.filename().string() + ".wgsx");
    for (auto const & candidate : {beside, ours})
    {
        if (!std::filesystem::exists(candidate))
            continue;
        try
        {
            if (index_matches(fm::fmd_index::load(candidate.string()), reference))
                return {candidate, false};
            log.line("index", candidate.string() + " was built from another reference; not used");
        }
        catch (std::runtime_error const & e)
        {
            log.line("index", std::string{"ignoring an unusable index: "} + e.what());
        }
    }
    log.line("index", "building " + ours.string());
    fm::fmd_index::build(std::span<io::packed_contig const>{reference}).save(ours.string());
    return {ours, true};
}

//! The default sample name: R1's file name without folders, compression and FASTQ suffixes, and a trailing _R1/_1.
inline std::string default_sample_name(std::string const & reads1)
{
    std::string name = std::filesystem::path{reads1}.filename().string();
    for (std::string suffix : {".gz", ".fastq", ".fq", "_R1", "_1", ".R1"})
        if (name.size() > suffix.size() && name.ends_with(suffix))
            name.resize(name.size() - suffix.size());
    return name.empty() ? "sample" : name;
}


//! The streaming part: FASTQ pairs -> mapper -> sorter -> duplicate marker -> coverage -> BAM + BAI. Returns the
//! figures gathered on the way (reads, alignments, duplicates, coverage).
inline nlohmann::ordered_json align_sort_markdup(wgs_options const & opt, std::filesystem::path const & index_path,
                                                 std::string const & bam_path, progress_log & log)
{
    fm::load_options lo;
    lo.verify_checksums = false; // ensure_index has just loaded (and checked) it, or built it
    lo.huge_pages = opt.huge_pages;
    auto const index = fm::fmd_index::load(index_path.string(), lo);
    map::map_options mo;
    mo.read_group = opt.sample;
    map::mapper const mapper{index, mo};
    std::string const rg = "@RG\tID:" + opt.sample + "\tSM:" + opt.sample + "\tLB:" + opt.sample + "\tPL:ILLUMINA";
    bam::header hdr = map::make_header(index, rg, opt.command_line);
    hdr.set_sort_order("coordinate");

    std::size_t const bgzf_threads = opt.threads > 1 ? opt.threads : 0;
    bam::indexing_bam_writer out{bam_path, hdr, opt.bam_level, bgzf_threads};
    qc::coverage_counter coverage{hdr, out};
    bam::duplicate_marker dups{hdr, coverage};
    qc::alignment_stats aln; // records seen by the sorter, for the merge's progress
    interruptible_sink checked{dups, [&](std::uint64_t n) {
                                   log.update(n, "records", aln.records() ? double(n) / double(aln.records()) : -1);
                               }};
    bam::coordinate_sorter sorter{hdr, checked, {opt.sort_memory, bgzf_threads, bam_path + ".sort"}};

    using batch = map::read_pairs;
    struct result : map::mapped_batch
    {
        qc::alignment_stats aln;
        qc::read_stats r1, r2;
    };
    qc::read_stats r1, r2;
    io::paired_fastq_reader reads{opt.reads1, opt.reads2};
    read_position position{opt.reads1};
    std::atomic<std::uint64_t> produced{0}; // pairs read from the files (the producer runs ahead)

    log.begin("map");
    pipeline_options po;
    po.threads = opt.threads;
    po.max_in_flight = opt.threads + 1; // batches are large: bound the memory
    run_ordered_pipeline<batch, result>(
        po,
        [&](batch & b) {
            throw_if_interrupted();
            bool const more = reads.read_batch(b.mates1, b.mates2, opt.batch_pairs, std::uint64_t{1} << 40);
            produced += b.mates1.size();
            return more;
        },
        [&](batch & b, result & r) {
            map::map_batch(mapper, b, true, true, r);
            r.aln.reset();
            for (auto const & rec : r.records)
                r.aln.add(rec);
            r.r1.reset();
            r.r2.reset();
            r.r1.add(b.mates1);
            r.r2.add(b.mates2);
        },
        [&](batch &, result & r) {
            aln.merge(r.aln);
            r1.merge(r.r1);
            r2.merge(r.r2);
            for (auto & rec : r.records)
                sorter.write(std::move(rec));
            // The file position runs ahead of the consumer by the batches in flight: scale it back.
            double const read = position.fraction();
            log.update(r1.records(), "pairs",
                       read > 0 ? read * double(r1.records()) / double(std::max<std::uint64_t>(1, produced)) : -1);
        });
    char rate[64];
    std::snprintf(rate, sizeof rate, "%.2f%% mapped, %.2f%% properly paired", 100 * aln.mapping_rate(),
                  100 * aln.proper_pair_rate());
    log.end(std::to_string(r1.records()) + " pairs, " + rate + ", " + std::to_string(sorter.runs()) +
            " sorted runs spilled");

    log.begin("sort+markdup");
    sorter.finish();
    dups.close();
    coverage.close();
    throw_if_interrupted();
    out.close();
    char dup[96];
    std::snprintf(dup, sizeof dup, "%llu of %llu reads examined marked duplicate (%.2f%%)",
                  static_cast<unsigned long long>(dups.duplicates()), static_cast<unsigned long long>(dups.examined()),
                  dups.examined() ? 100.0 * double(dups.duplicates()) / double(dups.examined()) : 0.0);
    log.end(std::string{dup} + "; " + bam_path + " + .bai written");

    nlohmann::ordered_json f;
    f["reads"] = {{"pairs", r1.records()}, {"mate1", qc::to_json(r1)}, {"mate2", qc::to_json(r2)}};
    f["alignment"] = aln.to_json();
    f["duplicates"] = {{"examined", dups.examined()},
                       {"marked", dups.duplicates()},
                       {"records_flagged", coverage.duplicates()},
                       {"rate", dups.examined() ? double(dups.duplicates()) / double(dups.examined()) : 0.0}};
    f["coverage"] = coverage.to_json();
    f["sort"] = {{"spilled_runs", sorter.runs()}, {"memory_bytes", opt.sort_memory}};
    return f;
}

//! The k-mer spectrum of both read files and the genome profile fitted to it.
inline nlohmann::ordered_json kmer_spectrum(wgs_options const & opt, unsigned sample_one_in, progress_log & log)
{
    kmer::count_options ko;
    ko.k = opt.kmer_k;
    ko.sample_one_in = sample_one_in;
    ko.threads = std::max<std::size_t>(1, opt.threads);
    ko.keep_kmers = false;
    ko.temp_dir = opt.outdir;
    ko.memory_budget = std::uint64_t{1} << 30;
    auto const counts = kmer::count_kmers<std::uint64_t>({opt.reads1, opt.reads2}, ko);
    throw_if_interrupted();
    auto const profile = kmer::fit_genome_profile(counts.histogram, ko.k, kmer::sampled_fraction(counts.stats));
    auto j = kmer::to_json(profile, counts.histogram);
    j["sample_one_in"] = sample_one_in;
    j["total_kmers"] = counts.stats.total_kmers;
    j["distinct_kmers"] = counts.stats.distinct_kmers; // of the sample
    std::string const sampled = sample_one_in > 1 ? " (in a 1 in " + std::to_string(sample_one_in) + " sample)" : "";
    log.line("kmers", std::to_string(counts.stats.distinct_kmers) + " distinct " + std::to_string(ko.k) + "-mers" +
                          sampled +
                          (profile.fitted ? ", genome size " + std::to_string(std::llround(profile.genome_size)) : ""));
    return j;
}

#if WGSKIT_WORKFLOW_HAS_CALLER
//! The reference as the caller reads it (plain FASTA with a .fai): the user's file when its .fai is beside it;
//! otherwise a link to it (plain) or a decompressed copy (gzip) in OUTDIR, so the .fai is built there and the
//! user's folder is never written.
inline std::string reference_for_calling(std::string const & reference, std::filesystem::path const & outdir)
{
    if (std::filesystem::exists(reference + ".fai") && !io::is_gzip_file(reference))
        return reference;
    std::string name = std::filesystem::path{reference}.filename().string();
    bool const gz = io::is_gzip_file(reference);
    if (gz && name.ends_with(".gz"))
        name.resize(name.size() - 3);
    auto const local = outdir / ("calling." + name);
    if (std::filesystem::exists(local))
        return local.string();
    if (!gz)
    {
        std::filesystem::create_symlink(std::filesystem::absolute(reference), local);
        return local.string();
    }
    io::input_file in{reference};
    atomic_output_file out{local.string()};
    char buf[1 << 16];
    for (std::size_t n; (n = in.read(buf, sizeof buf)) > 0;)
        out.write(buf, n);
    out.commit();
    return local.string();
}

inline nlohmann::ordered_json call_step(wgs_options const & opt, std::string const & bam, std::string const & vcf,
                                        std::string const & reference)
{
    call::caller_options co;
    co.threads = static_cast<int>(std::max<std::size_t>(1, opt.threads));
    for (std::size_t at = 0; at < opt.regions.size();)
    {
        std::size_t const comma = std::min(opt.regions.find(',', at), opt.regions.size());
        if (comma > at)
            co.regions.push_back(opt.regions.substr(at, comma - at));
        at = comma + 1;
    }
    co.gvcf = false;
    co.command_line = opt.command_line;
    auto const s = call::call_variants(bam, reference, vcf, co);
    double const tstv = s.transversions ? double(s.transitions) / double(s.transversions) : 0.0;
    double const hethom = s.hom_alt ? double(s.het) / double(s.hom_alt) : 0.0;
    return {{"records", s.records}, {"snps", s.snps},       {"indels", s.indels},       {"multiallelic", s.multiallelic},
            {"transitions", s.transitions}, {"transversions", s.transversions}, {"ts_tv", tstv},
            {"het", s.het}, {"hom_alt", s.hom_alt}, {"het_hom_ratio", hethom}, {"pass", s.pass}};
}
#endif

namespace detail
{
inline double number_at(nlohmann::ordered_json const & j, std::initializer_list<char const *> path, double fallback = 0)
{
    nlohmann::ordered_json const * p = &j;
    for (auto const * k : path)
    {
        if (!p->is_object() || !p->contains(k))
            return fallback;
        p = &(*p)[k];
    }
    return p->is_number() ? p->get<double>() : fallback;
}

//! (index, value) points of a histogram up to the smallest index holding `keep` of its mass (at least min_x).
inline std::vector<std::pair<double, double>> histogram_points(nlohmann::ordered_json const & h, double keep,
                                                               std::size_t min_x = 10)
{
    std::vector<double> v;
    if (h.is_array())
        for (auto const & x : h)
            v.push_back(x.get<double>());
    double total = 0;
    for (double x : v)
        total += x;
    std::size_t last = v.empty() ? 0 : v.size() - 1;
    double seen = 0;
    for (std::size_t i = 0; i < v.size(); ++i)
        if ((seen += v[i]) >= keep * total)
        {
            last = std::max(i, min_x);
            break;
        }
    std::vector<std::pair<double, double>> pts;
    for (std::size_t i = 0; i < v.size() && i <= last; ++i)
        pts.emplace_back(static_cast<double>(i), v[i]);
    return pts;
}

inline std::string percent(double f)
{
    char b[32];
    std::snprintf(b, sizeof b, "%.2f%%", 100 * f);
    return b;
}
inline std::string fixed(double v, int digits = 1)
{
    char b[48];
    std::snprintf(b, sizeof b, "%.*f", digits, v);
    return b;
}
} // namespace detail

//! The report's plots from the metrics.
inline std::vector<qc::line_plot> report_plots(nlohmann::ordered_json const & m)
{
    std::vector<qc::line_plot> plots;
    qc::line_plot ins{"insert_size", "Insert size (FR pairs)", "insert size (bp)", "pairs", {}, false};
    if (m.contains("alignment"))
        ins.series.push_back({"pairs", detail::histogram_points(m["alignment"]["insert_size"]["histogram"], 0.995, 50)});
    plots.push_back(ins);
    qc::line_plot cov{"coverage", "Coverage depth distribution", "depth", "reference positions", {}, false};
    if (m.contains("coverage"))
        cov.series.push_back({"positions", detail::histogram_points(m["coverage"]["histogram"], 0.995)});
    plots.push_back(cov);
    unsigned const kmer_sample = m.contains("kmers") ? m["kmers"].value("sample_one_in", 1u) : 1u;
    qc::line_plot km{"kmer_spectrum",
                     "k-mer spectrum with the genome profile" +
                         (kmer_sample > 1 ? " (1 in " + std::to_string(kmer_sample) + " k-mers, by minimizer hash)" : std::string{}),
                     "k-mer count", "distinct k-mers", {}, true};
    if (m.contains("kmers") && m["kmers"].contains("spectrum"))
    {
        qc::plot_series seen{"observed", {}}, model{"model", {}};
        std::uint64_t const top = m["kmers"].value("fit_range", nlohmann::ordered_json::array({0, 0}))[1].get<std::uint64_t>();
        for (auto const & e : m["kmers"]["spectrum"])
        {
            auto const c = e["count"].get<std::uint64_t>();
            if (c > std::max<std::uint64_t>(3 * top, 100))
                break;
            seen.points.emplace_back(static_cast<double>(c), e["kmers"].get<double>());
            if (e["model"].get<double>() > 0)
                model.points.emplace_back(static_cast<double>(c), e["model"].get<double>());
        }
        km.series.push_back(std::move(seen));
        if (!model.points.empty())
            km.series.push_back(std::move(model));
    }
    plots.push_back(km);
    qc::line_plot q{"quality_by_cycle", "Mean base quality by cycle", "cycle", "mean Phred quality", {}, false};
    if (m.contains("reads"))
        for (char const * mate : {"mate1", "mate2"})
        {
            qc::plot_series s{mate, {}};
            auto const & v = m["reads"][mate]["per_cycle_mean_quality"];
            for (std::size_t i = 0; i < v.size(); ++i)
                s.points.emplace_back(static_cast<double>(i + 1), v[i].get<double>());
            q.series.push_back(std::move(s));
        }
    plots.push_back(q);
    return plots;
}

//! Summary rows (report table) and the same values as numbers (MultiQC table).
inline std::vector<qc::summary_row> report_summary(nlohmann::ordered_json const & m, nlohmann::ordered_json & numbers)
{
    using detail::number_at;
    std::vector<qc::summary_row> rows;
    auto add = [&](std::string const & name, std::string const & text, double value) {
        rows.push_back({name, text});
        numbers[name] = value;
    };
    rows.push_back({"Sample", m.value("sample", "")});
    double const ref = number_at(m, {"reference", "length"});
    add("Reference length (bp)", detail::fixed(ref, 0), ref);
    double const pairs = number_at(m, {"reads", "pairs"});
    add("Read pairs", detail::fixed(pairs, 0), pairs);
    double const bases = number_at(m, {"reads", "mate1", "bases"}) + number_at(m, {"reads", "mate2", "bases"});
    add("Bases", detail::fixed(bases, 0), bases);
    double const q30 = (number_at(m, {"reads", "mate1", "q30_fraction"}) + number_at(m, {"reads", "mate2", "q30_fraction"})) / 2;
    add("Bases >= Q30", detail::percent(q30), 100 * q30);
    double const mr = number_at(m, {"alignment", "mapping_rate"});
    add("Mapping rate", detail::percent(mr), 100 * mr);
    double const pp = number_at(m, {"alignment", "proper_pair_rate"});
    add("Proper-pair rate", detail::percent(pp), 100 * pp);
    double const ins = number_at(m, {"alignment", "insert_size", "median"});
    add("Median insert size (bp)", detail::fixed(ins, 0), ins);
    double const dr = number_at(m, {"duplicates", "rate"});
    add("Duplicate rate", detail::percent(dr), 100 * dr);
    double const depth = number_at(m, {"coverage", "mean"});
    add("Mean depth", detail::fixed(depth, 1) + "x", depth);
    double const c10 = number_at(m, {"coverage", "fraction_at_least_10x"});
    add("Reference >= 10x", detail::percent(c10), 100 * c10);
    if (m.contains("kmers") && m["kmers"].value("fitted", false))
    {
        double const gs = number_at(m, {"kmers", "genome_size"});
        add("k-mer genome size (bp)", detail::fixed(gs, 0), gs);
        double const het = number_at(m, {"kmers", "heterozygosity"});
        add("k-mer heterozygosity", detail::percent(het), 100 * het);
    }
    if (m.contains("variants") && m["variants"].is_object() && m["variants"].contains("records"))
    {
        double const v = number_at(m, {"variants", "records"});
        add("Variants", detail::fixed(v, 0), v);
        double const snps = number_at(m, {"variants", "snps"}), indels = number_at(m, {"variants", "indels"});
        add("SNPs", detail::fixed(snps, 0), snps);
        add("Indels", detail::fixed(indels, 0), indels);
        double const tstv = number_at(m, {"variants", "ts_tv"});
        add("Ts/Tv", detail::fixed(tstv, 2), tstv);
        double const hh = number_at(m, {"variants", "het_hom_ratio"});
        add("Het/hom-alt", detail::fixed(hh, 2), hh);
    }
    else
        rows.push_back({"Variants", "not called (the call block is not in this build)"});
    return rows;
}

//! Runs the workflow. Throws (parse_error, io_error, interrupted, ...) on any failure, leaving no output under a
//! final name that is not complete.
inline wgs_outputs run_wgs(wgs_options opt, progress_log & log)
{
    using clock = std::chrono::steady_clock;
    auto const t_start = clock::now();
    if (opt.sample.empty())
        opt.sample = default_sample_name(opt.reads1);
    for (auto const * p : {&opt.reference, &opt.reads1, &opt.reads2})
        if (!std::filesystem::is_regular_file(*p))
            throw io_error{*p, std::filesystem::exists(*p) ? "not a regular file" : "no such file"};
    std::filesystem::path const outdir{opt.outdir};
    std::error_code ec;
    std::filesystem::create_directories(outdir, ec);
    if (ec)
        throw io_error{opt.outdir, "cannot create the output folder: " + ec.message()};

    wgs_outputs out;
    out.metrics = outdir / (opt.sample + ".metrics.json");
    out.multiqc = outdir / (opt.sample + "_mqc.json");
    out.report = outdir / (opt.sample + ".report.html");
    out.bam = outdir / (opt.sample + ".bam");
    std::string const bam = out.bam.string(), bai = bam + ".bai";
    run_state state{outdir / ".wgskit-state.json"};
    // Leftovers of an earlier run killed with SIGKILL (signals we can catch clean up after themselves).
    for (auto const & stale : remove_stale_temporaries(outdir))
        log.line("cleanup", "removed " + stale.filename().string() + ", left by a run that was killed");

    nlohmann::ordered_json metrics;
    metrics["wgskit_version"] = WGSKIT_VERSION_STRING;
    metrics["command_line"] = opt.command_line;
    metrics["simd"] = std::string{simd::isa_name(simd::active_isa())};
    metrics["threads"] = opt.threads;
    metrics["sample"] = opt.sample;

    log.begin("reference");
    auto const reference = io::read_packed_reference(opt.reference);
    auto const contigs = summarise_reference(reference);
    std::uint64_t total = 0, ambiguous = 0;
    nlohmann::ordered_json jcontigs = nlohmann::ordered_json::array();
    for (auto const & c : contigs)
    {
        total += c.length;
        ambiguous += c.ambiguous;
        jcontigs.push_back({{"name", c.name}, {"length", c.length}, {"ambiguous_bases", c.ambiguous},
                            {"soft_masked_bases", c.soft_masked}});
    }
    metrics["reference"] = {{"path", opt.reference}, {"contigs", jcontigs.size()}, {"length", total},
                            {"ambiguous_bases", ambiguous}, {"sequences", jcontigs}};
    log.end(std::to_string(contigs.size()) + " contigs, " + std::to_string(total) + " bp");

    log.begin("index");
    auto const index = ensure_index(opt.reference, reference, outdir, log);
    out.index = index.path;
    metrics["index"] = {{"path", index.path.string()}, {"built", index.built}};
    log.end((index.built ? "built " : "using ") + index.path.string());

    // What the outputs depend on: inputs (path, size, time) and the parameters that change them (not -t).
    nlohmann::ordered_json inputs = {
        {"reference", file_fingerprint::of(opt.reference).to_json(opt.reference)},
        {"reads1", file_fingerprint::of(opt.reads1).to_json(opt.reads1)},
        {"reads2", file_fingerprint::of(opt.reads2).to_json(opt.reads2)}};
    nlohmann::ordered_json const align_key = {{"inputs", inputs}, {"sample", opt.sample},
                                              {"batch_pairs", opt.batch_pairs}, {"bam_level", opt.bam_level},
                                              {"version", WGSKIT_VERSION_STRING}};
    auto skipped = [&](std::string const & step, std::string const & what) {
        log.begin(step);
        log.end(what + " (outputs complete, inputs and parameters unchanged)", true);
        out.skipped.push_back(step);
    };

    // Map, sort, mark duplicates, index.
    nlohmann::ordered_json aligned;
    if (auto const * f = opt.force ? nullptr : state.reusable("align", align_key, indexed_bgzf_complete(bam, bai)))
    {
        aligned = *f;
        skipped("map", bam + " is complete");
    }
    else
    {
        state.invalidate("align");
        state.invalidate("call"); // calls come from the BAM about to be rewritten
        aligned = align_sort_markdup(opt, index.path, bam, log);
        state.record("align", align_key, {bam, bai}, aligned);
    }
    for (auto const & [k, v] : aligned.items())
        metrics[k] = v;

    // k-mer spectrum of the reads.
    if (opt.kmer_k > 0)
    {
        unsigned const kmer_sample = opt.kmer_sample != 0 ? opt.kmer_sample : kmer::sample_one_in_for(total);
        nlohmann::ordered_json const kmer_key = {{"inputs", {inputs["reads1"], inputs["reads2"]}}, {"k", opt.kmer_k},
                                                 {"sample_one_in", kmer_sample}};
        if (auto const * f = opt.force ? nullptr : state.reusable("kmers", kmer_key, true))
        {
            metrics["kmers"] = *f;
            skipped("kmers", "spectrum recorded");
        }
        else
        {
            log.begin("kmers");
            metrics["kmers"] = kmer_spectrum(opt, kmer_sample, log);
            log.end(std::to_string(metrics["kmers"]["distinct_kmers"].get<std::uint64_t>()) + " distinct k-mers" +
                    (kmer_sample > 1 ? " in a 1 in " + std::to_string(kmer_sample) + " sample" : ""));
            state.record("kmers", kmer_key, {}, metrics["kmers"]);
        }
    }

    // Variant calling.
#if WGSKIT_WORKFLOW_HAS_CALLER
    out.vcf = outdir / (opt.sample + ".vcf.gz");
    std::string const vcf = out.vcf.string(), tbi = vcf + ".tbi";
    nlohmann::ordered_json const call_key = {{"bam", file_fingerprint::of(bam).to_json(bam)},
                                             {"reference", inputs["reference"]}, {"regions", opt.regions}};
    if (auto const * f = opt.force ? nullptr : state.reusable("call", call_key, indexed_bgzf_complete(vcf, tbi)))
    {
        metrics["variants"] = *f;
        skipped("call", vcf + " is complete");
    }
    else
    {
        log.begin("call");
        metrics["variants"] = call_step(opt, bam, vcf, reference_for_calling(opt.reference, outdir));
        log.end(std::to_string(metrics["variants"]["records"].get<std::uint64_t>()) + " variants in " + vcf);
        state.record("call", call_key, {vcf, tbi}, metrics["variants"]);
    }
#else
    metrics["variants"] = "not called: the call block (wgskit/call/caller.hpp) is not in this build";
#endif

    // Metrics, MultiQC custom content, report.
    log.begin("report");
    nlohmann::ordered_json steps = nlohmann::ordered_json::array();
    for (auto const & t : log.timings())
        steps.push_back({{"step", t.step}, {"seconds", t.seconds}, {"cpu_seconds", t.cpu_seconds}, {"skipped", t.skipped}});
    metrics["steps"] = steps;
    metrics["outputs"] = {{"bam", bam}, {"bai", bai}, {"vcf", out.vcf.string()}, {"metrics", out.metrics.string()},
                          {"multiqc", out.multiqc.string()}, {"report", out.report.string()}};
    auto const plots = report_plots(metrics);
    nlohmann::ordered_json numbers;
    auto const rows = report_summary(metrics, numbers);
    write_file_atomically(out.multiqc.string(), qc::multiqc_custom_content(opt.sample, numbers, plots).dump(1) + "\n");
    write_file_atomically(out.report.string(),
                          qc::render_html_report("wgskit QC report: " + opt.sample, rows, plots,
                                                 "wgskit " WGSKIT_VERSION_STRING " - " + opt.command_line));
    log.end("report and MultiQC content written");
    metrics["wall_seconds"] = std::chrono::duration<double>(clock::now() - t_start).count();
    write_file_atomically(out.metrics.string(), metrics.dump(2) + "\n");

    // Closing summary.
    std::string times;
    for (auto const & t : log.timings())
        times += (times.empty() ? "" : ", ") + t.step + " " +
                 (t.skipped ? "skipped" : progress_log::seconds(t.seconds) + " (" + progress_log::seconds(t.cpu_seconds) + " CPU)");
    log.line("summary", "time per step: " + times);
    log.line("summary", detail::fixed(detail::number_at(metrics, {"reads", "pairs"}), 0) + " read pairs, mapping rate " +
                            detail::percent(detail::number_at(metrics, {"alignment", "mapping_rate"})) +
                            ", duplicate rate " + detail::percent(detail::number_at(metrics, {"duplicates", "rate"})) +
                            ", mean depth " + detail::fixed(detail::number_at(metrics, {"coverage", "mean"})) + "x" +
                            (metrics["variants"].is_object()
                                 ? ", " + detail::fixed(detail::number_at(metrics, {"variants", "records"}), 0) + " variants"
                                 : ", variants not called"));
    log.line("summary", "total " + progress_log::seconds(std::chrono::duration<double>(clock::now() - t_start).count()) +
                            " (" + progress_log::seconds(progress_log::process_cpu_seconds()) + " CPU)");
    return out;
}

} // namespace wgskit::workflow
