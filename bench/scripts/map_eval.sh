#!/usr/bin/env bash
# The mapping evaluation of issue 5, in one run: wgskit map beside bwa mem, minimap2 -ax sr and bowtie2 (run by
# ../shared/eval/run-peers.sh) on the same reads.
#   1. GRCh38 chr20:1-10,000,000 with the GIAB HG002 v4.2.1 variants planted, 2x150 reads at 30x
#      (../shared/eval/make-dataset.sh --seed 1 --variants ... --bed ...), scored by score-mapping.py: fraction
#      mapped, fraction at the true place, wrong-mapping rate at MAPQ >= 20 / 30 / 60; CPU and wall seconds,
#      reads/s and peak RSS (GNU time, through the harness's lib/timeit.sh), 2 threads each;
#   2. the real NA12878 chr22 reads (examples/data, 40 kb slice): wgskit map against bwa mem, agreement of the
#      primary placements (scripts/sam-concordance.py).
# Usage: bench/scripts/map_eval.sh [WGSKIT_BINARY] [OUTDIR]
#   defaults: build/bin/wgskit, ../eval-runs/map_eval
#   PAIRS=N     map only the first N read pairs of the dataset (when the machine is too slow or busy for all)
#   DATASET=dir reuse a dataset made by make-dataset.sh (default: OUTDIR/dataset, made once and then reused)
#   MAPPERS     peers to run (default "bwa minimap2 bowtie2")
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/eval_paths.bash"
wgskit="$(realpath "${1:-$root/build/bin/wgskit}")"
out="${2:-$root/../eval-runs/map_eval}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
MAPPERS="${MAPPERS-bwa minimap2 bowtie2}"
log() { echo "[map_eval $(date +%H:%M:%S)] $*" >&2; }

giab="$data_dir/giab_hg002_chr20_grch38_truth_only"
truth_prefix="$giab/truth/derived/HG002_GRCh38_v4.2.1.chr20_1-10000000"
ref="$out/grch38_chr20_10M.fa"
[ -s "$ref" ] || samtools faidx "$giab/reference/grch38.chr20_and_21_10M.fa.gz" chr20 > "$ref"

ds="${DATASET:-$out/dataset}"
if [ ! -s "$ds/reads.truth.tsv.gz" ]; then
    log "simulating the dataset in $ds (30x, HG002 variants)"
    "$eval_dir/make-dataset.sh" "$ref" "$ds" --seed 1 --coverage 30 --variants "$truth_prefix.vcf.gz" \
        --bed "$truth_prefix.bed" > "$out/make-dataset.log" 2>&1
fi

# The reads mapped: all, or the first PAIRS pairs (and their truth lines).
run_ds="$ds"
if [ -n "${PAIRS:-}" ]; then
    run_ds="$out/subset_$PAIRS"
    if [ ! -s "$run_ds/reads.truth.tsv.gz" ]; then
        mkdir -p "$run_ds"
        set +o pipefail # head ends zcat early (SIGPIPE)
        for m in 1 2; do
            zcat "$ds/reads_$m.fq.gz" | head -n $((4 * PAIRS)) | gzip -1 > "$run_ds/reads_$m.fq.gz"
        done
        zcat "$run_ds/reads_1.fq.gz" | awk 'NR % 4 == 1 { n = substr($1, 2); sub(/\/[12]$/, "", n); print n }' \
            > "$run_ds/names.txt"
        zcat "$ds/reads.truth.tsv.gz" | awk -F'\t' 'NR == FNR { keep[$1] = 1; next } /^#/ || ($1 in keep)' \
            "$run_ds/names.txt" - | gzip -1 > "$run_ds/reads.truth.tsv.gz"
        cp "$ds/ref.fa" "$run_ds/ref.fa"
        set -o pipefail
    fi
fi
reads=$(( $(zcat "$run_ds/reads_1.fq.gz" | wc -l) / 2 ))
{
    echo "machine: $(lscpu | grep 'Model name' | sed 's/  */ /g'), $(nproc) cores"
    echo "load at start: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "reads: $reads (2x150) from $run_ds"
} | tee "$out/summary.txt"

# Peers: indexes and mapping only (no sorting/calling), SAM kept for scoring.
if [ -n "$MAPPERS" ]; then
    log "peers: $MAPPERS"
    MAPPERS="$MAPPERS" STEPS="index map" KEEP_SAM=1 "$eval_dir/run-peers.sh" "$run_ds" "$ref" "$out/peers" \
        > "$out/peers.log" 2>&1
fi

# wgskit, timed by the same helper into the same results table.
export LOGDIR="$out/peers/logs" RESULTS="$out/peers/results.tsv"
mkdir -p "$LOGDIR" "$out/peers/map" "$out/peers/idx/wgskit"
[ -s "$RESULTS" ] || { source "$eval_dir/lib/timeit.sh"; results_header; }
# shellcheck source=/dev/null
source "$eval_dir/lib/timeit.sh"
cp "$ref" "$out/peers/idx/wgskit/ref.fa"
timeit wgskit index 1 "$out/peers/idx/wgskit/ref.fa.wgsx" "$wgskit" index "$out/peers/idx/wgskit/ref.fa"
log "wgskit map"
timeit -o "$out/peers/map/wgskit.sam" wgskit map 2 "$out/peers/map/wgskit.sam" \
    "$wgskit" map -t 2 -R '@RG\tID:sim\tSM:SIM\tPL:ILLUMINA' "$out/peers/idx/wgskit/ref.fa" \
    "$run_ds/reads_1.fq.gz" "$run_ds/reads_2.fq.gz"
python3 "$eval_dir/score-mapping.py" "$out/peers/map/wgskit.sam" "$run_ds/reads.truth.tsv.gz" --name wgskit \
    --json "$out/peers/map/wgskit.score.json" > "$out/peers/map/wgskit.score.txt"

# One table: accuracy from the score files, time and memory from the results table.
python3 - "$out/peers" "$reads" wgskit $MAPPERS <<'PY' | tee -a "$out/summary.txt"
import json, sys
d, reads, names = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
rows = {}
for line in open(f"{d}/results.tsv"):
    f = line.rstrip('\n').split('\t')
    if len(f) > 7 and f[1] == 'map':
        rows[f[0]] = f
print("| mapper | mapped | correct | wrong at MAPQ>=20 / 30 / 60 | reads at MAPQ>=60 | CPU s | wall s | reads/s (wall) | reads/CPU s | peak RSS MB |")
print("|---|---|---|---|---|---|---|---|---|---|")
for n in names:
    try:
        s = json.load(open(f"{d}/map/{n}.score.json"))
    except OSError:
        continue
    r = rows.get(n)
    cpu, wall, rss = (float(r[3]), float(r[6]), float(r[7])) if r else (float('nan'),) * 3
    err = " / ".join(f"{s['mapq'][t]['error_rate']:.2e}" for t in ('20', '30', '60'))
    print(f"| {n} | {s['mapped_frac']:.5f} | {s['correct_frac']:.5f} | {err} | {s['mapq']['60']['frac_of_reads']:.4f} "
          f"| {cpu:.1f} | {wall:.1f} | {reads / wall:,.0f} | {reads / cpu:,.0f} | {rss:.0f} |")
PY

# Real reads: agreement with bwa mem.
log "real NA12878 reads"
mkdir -p "$out/real"
cp "$root/examples/data/chr22_40k.fa" "$out/real/ref.fa"
"$wgskit" index "$out/real/ref.fa" 2>/dev/null
bwa index "$out/real/ref.fa" 2>/dev/null
r1="$root/examples/data/NA12878.chr22_R1.fastq.gz" r2="$root/examples/data/NA12878.chr22_R2.fastq.gz"
"$wgskit" map -t 2 "$out/real/ref.fa" "$r1" "$r2" > "$out/real/wgskit.sam" 2>/dev/null
bwa mem -t 2 "$out/real/ref.fa" "$r1" "$r2" > "$out/real/bwa.sam" 2>/dev/null
{ echo "real NA12878 chr22 reads on chr22_40k.fa:"; python3 "$root/scripts/sam-concordance.py" "$out/real/wgskit.sam" "$out/real/bwa.sam"; } \
    | tee -a "$out/summary.txt"
echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/summary.txt"
