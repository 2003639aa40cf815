#!/usr/bin/env bash
# wgskit map beside bwa mem, same reads, same reference, same run:
#   1. simulated 2x150 pairs with known origin (../shared/eval/make-dataset.sh: mason, planted variants) on a
#      reference slice, scored by ../shared/eval/score-mapping.py (mapped, correct, wrong rate at MAPQ 20/30/60);
#   2. the real NA12878 chr22 reads of examples/data: mapped fraction and agreement with bwa mem's placements.
# Each mapper runs with 2 threads under /usr/bin/time: wall and CPU seconds, reads/s (per wall and per CPU second),
# peak RSS.
# Usage: bench/scripts/map_vs_bwa.sh [WGSKIT_BINARY] [REF.fa] [COVERAGE]
#   defaults: build/bin/wgskit, GRCh38 chr20:5,000,001-10,000,000 from ../shared/data, coverage 5.
#   WORK=dir keeps the outputs there (default: a temporary folder, removed at the end).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/eval_paths.bash"
wgskit="$(realpath "${1:-$root/build/bin/wgskit}")"
coverage="${3:-5}"
if [ -n "${WORK:-}" ]; then work="$WORK"; mkdir -p "$work"; else work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT; fi
cd "$work"

if [ -n "${2:-}" ]; then
    cp "$2" ref.fa
else
    samtools faidx "$data_dir/giab_hg002_chr20_grch38_truth_only/reference/grch38.chr20_and_21_10M.fa.gz" \
        chr20:5000001-10000000 | sed 's/^>.*/>chr20_5000001_10000000/' > ref.fa
fi
echo "machine: $(lscpu | grep 'Model name' | sed 's/  */ /g'); $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)"
[ -e ds/reads_1.fq.gz ] || "$eval_dir/make-dataset.sh" ref.fa ds --seed 1 --coverage "$coverage" > make-dataset.log 2>&1
"$wgskit" index ref.fa 2>/dev/null
bwa index ref.fa 2>/dev/null

timed() { # label reads out.sam command...
    local label=$1 reads=$2 out=$3; shift 3
    /usr/bin/time -f "%e %U %S %M" -o time.txt "$@" > "$out" 2>> mappers.log
    read -r real user sys rss < time.txt
    awk -v l="$label" -v r="$real" -v u="$user" -v s="$sys" -v m="$rss" -v n="$reads" 'BEGIN {
        printf "%-26s wall %7.2f s  cpu %7.2f s  reads/s %9.0f (wall) %9.0f (cpu)  peak RSS %7.1f MB\n",
               l, r, u + s, n / r, n / (u + s), m / 1024 }'
}

reads=$(( $(zcat ds/reads_1.fq.gz | wc -l) / 2 ))
echo "== simulated: $reads reads (2x150) on $(grep -c '>' ref.fa) contig(s), $(grep -v '>' ref.fa | tr -d '\n' | wc -c) bases"
timed "wgskit map -t 2" "$reads" ours.sam "$wgskit" map -t 2 ref.fa ds/reads_1.fq.gz ds/reads_2.fq.gz
timed "bwa mem -t 2" "$reads" bwa.sam bwa mem -t 2 ref.fa ds/reads_1.fq.gz ds/reads_2.fq.gz
for m in ours bwa; do
    echo "-- $m"
    python3 "$eval_dir/score-mapping.py" $m.sam ds/reads.truth.tsv.gz | sed 1d
done

echo "== real: NA12878 chr22 reads of examples/data on chr22_40k.fa"
cp "$root/examples/data/chr22_40k.fa" real.fa
"$wgskit" index real.fa 2>/dev/null
bwa index real.fa 2>/dev/null
R1="$root/examples/data/NA12878.chr22_R1.fastq.gz" R2="$root/examples/data/NA12878.chr22_R2.fastq.gz"
rreads=$(( $(zcat "$R1" | wc -l) / 2 ))
timed "wgskit map -t 2" "$rreads" real_ours.sam "$wgskit" map -t 2 real.fa "$R1" "$R2"
timed "bwa mem -t 2" "$rreads" real_bwa.sam bwa mem -t 2 real.fa "$R1" "$R2"
python3 "$root/scripts/sam-concordance.py" real_ours.sam real_bwa.sam
