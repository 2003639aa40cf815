#!/usr/bin/env bash
# Sort + duplicate marking + BAI on a real mapped BAM: wgskit sort --markdup beside samtools sort | markdup |
# index, both at 2 threads, the same total memory (samtools' -m is per thread: -@2 -m M/2) and compression level.
# The input is put into mapper order first (samtools collate), with fixmate -m's MC/ms tags (both tools need them
# for duplicate marking; `wgskit map --mate-score` writes them itself) and duplicate flags cleared.
# Rounds are interleaved (samtools, wgskit, samtools, wgskit...) so that load from other jobs hits both alike;
# each step is timed with /usr/bin/time: wall, CPU (user + system) and peak RSS.
#   bench/scripts/sort_real_vs_samtools.sh BUILD_DIR IN.bam [WORK_DIR] [ROUNDS] [MEM_MB] [LEVEL]
# e.g. bench/scripts/sort_real_vs_samtools.sh build /work/eval-runs/hg002_chr20_10M_30x/call/aln.bam /tmp/s30 3
set -euo pipefail
BUILD=${1:?build dir}
IN=${2:?input BAM (any order)}
WORK=${3:-/tmp/wgskit_sort_real}
ROUNDS=${4:-3}
MEM=${5:-768}
LEVEL=${6:-6}
WGSKIT=${WGSKIT:-$(cd "$BUILD" && pwd)/bin/wgskit} # WGSKIT=path overrides
mkdir -p "$WORK"
cd "$WORK"

if [ ! -f input.bam ]; then
    samtools collate -@2 -O -u "$IN" coll.tmp | samtools fixmate -@2 -m -u - - |
        samtools view -@2 -b --remove-flags 1024 -o input.bam.tmp -
    mv input.bam.tmp input.bam
fi
echo "input: $(samtools view -c -@2 input.bam) records, $(stat -L -c %s input.bam) bytes (mapper order, fixmate -m)"
echo "machine: $(lscpu | grep 'Model name' | sed 's/  */ /g'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "memory ${MEM}M in total, level ${LEVEL}, 2 threads, ${ROUNDS} rounds"

# timed NAME command...: appends "NAME wall cpu rss_mb" to times.txt
timed() {
    local name=$1
    shift
    /usr/bin/time -f "%e %U %S %M" -o t.tmp "$@"
    awk -v n="$name" '{ printf "%s %.2f %.2f %d\n", n, $1, $2 + $3, $4 / 1024 }' t.tmp >>times.txt
}

rm -f times.txt
half=$((MEM / 2))
for ((i = 1; i <= ROUNDS; i++)); do
    rm -f st.* wg.*
    # samtools, step by step (files), as in the classic pipeline
    timed "st_sort" samtools sort -@2 -m ${half}M -l "$LEVEL" -T st.tmp -o st.sorted.bam input.bam
    timed "st_markdup" samtools markdup -@2 -T st.md --output-fmt-option level="$LEVEL" st.sorted.bam st.bam
    timed "st_index" samtools index -@2 st.bam
    # samtools piped: sort -u | markdup --write-index (one pass less through BGZF)
    /usr/bin/time -f "%e %U %S %M" -o tp1.tmp samtools sort -@2 -m ${half}M -u -T stp.tmp input.bam |
        /usr/bin/time -f "%e %U %S %M" -o tp2.tmp samtools markdup -@2 -T stp.md --output-fmt-option level="$LEVEL" --write-index - stp.bam
    paste tp1.tmp tp2.tmp | awk '{ printf "st_piped %.2f %.2f %d\n", ($1 > $5 ? $1 : $5), $2 + $3 + $6 + $7, ($4 + $8) / 1024 }' >>times.txt
    rm -f stp.bam*
    timed "wg_sort_markdup" "$WGSKIT" sort -t 2 -m ${MEM}M -l "$LEVEL" --markdup -o wg.bam input.bam
    echo "round $i: $(tail -5 times.txt | tr '\n' ' ')"
done

echo
echo "step                                   wall s (median)  CPU s (median)  peak RSS MB (max)"
median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }
for s in st_sort st_markdup st_index st_piped wg_sort_markdup; do
    w=$(awk -v s=$s '$1 == s { print $2 }' times.txt | median)
    c=$(awk -v s=$s '$1 == s { print $3 }' times.txt | median)
    m=$(awk -v s=$s '$1 == s { print $4 }' times.txt | sort -n | tail -1)
    printf '%-38s %16s %15s %18s\n' "$s" "$w" "$c" "$m"
done
# Per round: samtools total (sort + markdup + index) over wgskit, and piped samtools over wgskit.
awk '{ w[$1, ++k[$1]] = $2; c[$1, k[$1]] = $3 }
     END { for (i = 1; i <= k["wg_sort_markdup"]; i++) {
             sw = w["st_sort", i] + w["st_markdup", i] + w["st_index", i]; sc = c["st_sort", i] + c["st_markdup", i] + c["st_index", i]
             printf "round %d: samtools 3 steps %.1f s wall / %.1f s CPU, piped %.1f / %.1f; wgskit %.1f / %.1f -> %.2fx / %.2fx (piped %.2fx / %.2fx)\n",
                 i, sw, sc, w["st_piped", i], c["st_piped", i], w["wg_sort_markdup", i], c["wg_sort_markdup", i],
                 sw / w["wg_sort_markdup", i], sc / c["wg_sort_markdup", i],
                 w["st_piped", i] / w["wg_sort_markdup", i], c["st_piped", i] / c["wg_sort_markdup", i] } }' times.txt

echo
echo "sizes: samtools $(stat -c %s st.bam), wgskit $(stat -c %s wg.bam) ($(awk -v a="$(stat -c %s wg.bam)" -v b="$(stat -c %s st.bam)" 'BEGIN { printf "%+.2f%%", 100 * (a - b) / b }'))"
cmp -s <(samtools view -@2 st.bam) <(samtools view -@2 wg.bam) && echo "records: identical (order and flags)" ||
    echo "records: DIFFER ($(diff <(samtools view -@2 st.bam | cut -f1-4) <(samtools view -@2 wg.bam | cut -f1-4) | grep -c '^[<>]') lines of name/flag/pos differ)"
dups() { samtools view -@2 -f 1024 "$1" | cut -f1-4 | sort; }
echo "duplicates: samtools $(samtools view -c -@2 -f 1024 st.bam), wgskit $(samtools view -c -@2 -f 1024 wg.bam);" \
    "only samtools: $(comm -23 <(dups st.bam) <(dups wg.bam) | wc -l), only wgskit: $(comm -13 <(dups st.bam) <(dups wg.bam) | wc -l)"
cmp -s <(samtools idxstats st.bam) <(samtools idxstats wg.bam) && echo "idxstats: identical" || echo "idxstats: DIFFER"
