#!/usr/bin/env bash
# Index construction time and peak memory (GNU time's maximum RSS) of `wgskit index` beside `bwa index`, on the
# GRCh38 chr20:1-10,000,000 and E. coli K-12 references, plus the index sizes (wgskit's one file against bwa's
# .bwt + .sa + .pac at the same SA sampling, 32).
# Usage: bench/fm/build_memory.sh WGSKIT_BINARY [WORK_DIR]
set -euo pipefail
wgskit=${1:?usage: $0 WGSKIT_BINARY [WORK_DIR]}
work=${2:-$(mktemp -d)}
data=$(cd "$(dirname "$0")/../../../shared/data" && pwd)
mkdir -p "$work"
zcat "$data/giab_hg002_chr20_grch38_truth_only/reference/grch38.chr20_and_21_10M.fa.gz" |
    awk '/^>/ { n++ } n == 1' > "$work/chr20_10M.fa"
zcat "$data/ecoli_k12_mg1655/genome/GCF_000005845.2_ASM584v2_genomic.fna.gz" > "$work/ecoli.fa"

measure() { # label command...
    local label=$1; shift
    /usr/bin/time -v "$@" 2> "$work/time.log" > /dev/null
    local wall cpu rss
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { print $2 }' "$work/time.log")
    cpu=$(awk -F': ' '/User time/ { u = $2 } /System time/ { s = $2 } END { printf "%.2f s", u + s }' "$work/time.log")
    rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$work/time.log")
    printf '%-28s wall %-9s cpu %-9s peak RSS %8.1f MB\n' "$label" "$wall" "$cpu" \
        "$(awk -v k="$rss" 'BEGIN { print k / 1024 }')"
}

for ref in chr20_10M ecoli; do
    measure "wgskit index $ref" "$wgskit" index "$work/$ref.fa"
    measure "bwa index $ref" bwa index -p "$work/bwa_$ref" "$work/$ref.fa"
    wg=$(stat -c %s "$work/$ref.fa.wgsx")
    bw=$(( $(stat -c %s "$work/bwa_$ref.bwt") + $(stat -c %s "$work/bwa_$ref.sa") + $(stat -c %s "$work/bwa_$ref.pac") ))
    printf '%-28s wgskit %.2f MB, bwa .bwt+.sa+.pac %.2f MB\n' "index size $ref" \
        "$(awk -v b="$wg" 'BEGIN { print b / 1e6 }')" "$(awk -v b="$bw" 'BEGIN { print b / 1e6 }')"
done
