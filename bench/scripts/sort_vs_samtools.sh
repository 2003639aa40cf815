#!/usr/bin/env bash
# wgskit sort beside samtools sort (+ index) and samtools markdup, at 2 threads, on a larger BAM made from the
# example BAM: COPIES copies of its records (after samtools collate/fixmate -m, duplicate flags cleared), copy k
# shifted by k*SHIFT bases and renamed, so that duplicates stay as in the original. Prints wall time, peak RSS
# and output size from /usr/bin/time -v, and checks that the outputs agree.
#   bench/scripts/sort_vs_samtools.sh BUILD_DIR [WORK_DIR] [COPIES]
# On a real mapped BAM (interleaved rounds, CPU seconds, duplicate sets): bench/scripts/sort_real_vs_samtools.sh.
set -euo pipefail
BUILD=${1:?build dir}
WORK=${2:-/tmp/wgskit_sort_bench}
COPIES=${3:-100}
SHIFT=70000
SRC=$(cd "$(dirname "$0")/../.." && pwd)
BAM=$SRC/../shared/data/giab_hg001_chr22_grch38_nfcore/reads/NA12878.chr22.bam
WGSKIT=$BUILD/bin/wgskit
mkdir -p "$WORK"

if [ ! -f "$WORK/big.bam" ]; then
    samtools collate -O -u "$BAM" "$WORK/coll" | samtools fixmate -m -u - - |
        samtools view -h --remove-flags 1024 - >"$WORK/fix.sam"
    {
        grep '^@' "$WORK/fix.sam"
        for ((k = 0; k < COPIES; k++)); do
            grep -v '^@' "$WORK/fix.sam" | awk -v k="$k" -v s="$SHIFT" 'BEGIN{OFS="\t"}
                { $1 = "c" k "_" $1; if ($4 > 0) $4 += k * s; if ($8 > 0) $8 += k * s; print }'
        done
    } | samtools view -b -@2 -o "$WORK/big.unsorted.bam" -
    # Unsorted input, as from a mapper: shuffle by name via collate.
    samtools collate -@2 -o "$WORK/big.bam" "$WORK/big.unsorted.bam" "$WORK/coll2"
    rm -f "$WORK/fix.sam" "$WORK/big.unsorted.bam"
fi
echo "input: $(samtools view -c "$WORK/big.bam") records, $(stat -c %s "$WORK/big.bam") bytes"
grep -m1 'model name' /proc/cpuinfo

measure() { # label command...
    local label=$1
    shift
    /usr/bin/time -v "$@" 2>"$WORK/time.txt" >/dev/null
    local wall rss
    wall=$(grep 'Elapsed (wall clock)' "$WORK/time.txt" | awk '{print $NF}')
    rss=$(grep 'Maximum resident' "$WORK/time.txt" | awk '{print $NF}')
    printf '%-44s wall %8s  peak RSS %7d MB\n' "$label" "$wall" $((rss / 1024))
}

measure "samtools sort -@2 -m 768M" samtools sort -@2 -m 384M -o "$WORK/st.bam" "$WORK/big.bam"
measure "samtools index" samtools index "$WORK/st.bam"
measure "wgskit sort -t 2 -m 768M (+ BAI)" "$WGSKIT" sort -t 2 -m 768M -o "$WORK/wg.bam" "$WORK/big.bam"
measure "samtools sort -@2 -m 100M (spills)" samtools sort -@2 -m 50M -o "$WORK/st2.bam" "$WORK/big.bam"
measure "wgskit sort -t 2 -m 100M (spills, + BAI)" "$WGSKIT" sort -t 2 -m 100M -o "$WORK/wg2.bam" "$WORK/big.bam"
measure "samtools markdup -@2 (on sorted)" samtools markdup -@2 "$WORK/st.bam" "$WORK/st.md.bam"
measure "wgskit sort -t 2 --markdup (+ BAI)" "$WGSKIT" sort -t 2 --markdup -o "$WORK/wg.md.bam" "$WORK/big.bam"
echo "sizes: samtools sort $(stat -c %s "$WORK/st.bam")  wgskit sort $(stat -c %s "$WORK/wg.bam")"
cmp -s <(samtools view "$WORK/st.bam") <(samtools view "$WORK/wg.bam") && echo "sort: identical records" || echo "sort: RECORDS DIFFER"
cmp -s <(samtools view "$WORK/st.md.bam") <(samtools view "$WORK/wg.md.bam") && echo "markdup: identical records ($(samtools view -c -f 1024 "$WORK/wg.md.bam") duplicates)" || echo "markdup: RECORDS DIFFER"
cmp -s <(samtools idxstats "$WORK/st.bam") <(samtools idxstats "$WORK/wg.bam") && echo "idxstats: identical" || echo "idxstats: DIFFER"
rm -f "$WORK"/st*.bam* "$WORK"/wg*.bam* "$WORK/time.txt"
