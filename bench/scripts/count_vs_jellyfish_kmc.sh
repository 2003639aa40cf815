#!/usr/bin/env bash
# Times `wgskit count -k 31 -t 2` beside `jellyfish count -C -k 31 -t 2 -s 100M` and `kmc -k31 -t2 -ci1` on the same
# FASTQ under /usr/bin/time -v: wall seconds, CPU seconds (user + sys), peak RSS, output bytes, and checks that the
# three agree on the number of distinct and total k-mers.
#
#   bench/scripts/count_vs_jellyfish_kmc.sh WGSKIT_BINARY [READS.fq[.gz]] [WORK_DIR]
#
# Without READS, the bundled example R1 (NA12878 chr22, 4,949 reads) is concatenated 40 times (30 Mbases).
set -euo pipefail
WGSKIT=$1
SRC=$(cd "$(dirname "$0")/../.." && pwd)
READS=${2:-}
WORK=${3:-$(mktemp -d /tmp/wgskit_count_bench.XXXXXX)}
THREADS=${THREADS:-2}
K=${K:-31}
mkdir -p "$WORK"
for tool in jellyfish kmc /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "missing $tool (scripts/setup installs jellyfish, kmc; time is GNU time)" >&2; exit 1; }
done

FQ=$WORK/reads.fq
if [ -z "$READS" ]; then
    zcat "$SRC/examples/data/NA12878.chr22_R1.fastq.gz" > "$WORK/one.fq"
    : > "$FQ"
    for _ in $(seq 40); do cat "$WORK/one.fq" >> "$FQ"; done
    rm "$WORK/one.fq"
elif [[ $READS == *.gz ]]; then
    zcat "$READS" > "$FQ"   # jellyfish reads plain text only: all three get the same plain file
else
    cp "$READS" "$FQ"
fi
BASES=$(awk 'NR % 4 == 2 { n += length($0) } END { print n }' "$FQ")

# measure NAME OUTPUT_GLOB COMMAND...: one TSV row from GNU time's report.
measure() {
    local name=$1 outputs=$2
    shift 2
    sync
    /usr/bin/time -v "$@" > "$WORK/$name.stdout" 2> "$WORK/$name.time"
    local wall cpu rss bytes
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0; for (i = 1; i <= n; ++i) s = s * 60 + t[i]; print s }' "$WORK/$name.time")
    cpu=$(awk -F': ' '/User time/ { u = $2 } /System time/ { s = $2 } END { print u + s }' "$WORK/$name.time")
    rss=$(awk -F': ' '/Maximum resident/ { printf "%.1f", $2 / 1024 }' "$WORK/$name.time")
    # shellcheck disable=SC2086
    bytes=$(du -cb $outputs | tail -1 | cut -f1)
    printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$wall" "$cpu" "$rss" "$bytes"
}

echo "input: $FQ ($BASES bases), k = $K, threads = $THREADS; $(lscpu | grep 'Model name' | sed 's/  */ /g')"
printf 'tool\twall_s\tcpu_s\tpeak_rss_MB\toutput_bytes\n'
rm -rf "$WORK/kmc_tmp" && mkdir -p "$WORK/kmc_tmp"
measure wgskit "$WORK/w.kmers" "$WGSKIT" count -k "$K" -t "$THREADS" -m 4G --tmp-dir "$WORK" -o "$WORK/w.kmers" "$FQ"
measure jellyfish "$WORK/j.jf" jellyfish count -C -m "$K" -t "$THREADS" -s 100M -o "$WORK/j.jf" "$FQ"
measure kmc "$WORK/k.kmc_pre $WORK/k.kmc_suf" kmc -k"$K" -t"$THREADS" -ci1 -fq "$FQ" "$WORK/k" "$WORK/kmc_tmp"

# The same k-mers: distinct and total from each tool's own report.
w=$(awk -F'\t' '$1 == "distinct_kmers" { d = $2 } $1 == "kmers" { t = $2 } END { print d, t }' "$WORK/wgskit.stdout")
j=$(jellyfish stats "$WORK/j.jf" | awk '/Distinct/ { d = $2 } /Total/ { t = $2 } END { print d, t }')
k=$(awk '/No. of unique counted k-mers/ { d = $NF } /Total no. of k-mers/ { t = $NF } END { print d, t }' "$WORK/kmc.stdout")
echo "distinct/total k-mers: wgskit $w | jellyfish $j | kmc $k"
[ "$w" = "$j" ] && [ "$w" = "$k" ] && echo "agree: yes" || echo "agree: NO"
