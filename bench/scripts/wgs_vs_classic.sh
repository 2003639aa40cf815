#!/usr/bin/env bash
# wgskit wgs (one process) beside the classic pipeline on the same reads, same reference, same run, 2 threads:
#   bwa index; bwa mem -t2 | samtools fixmate -m | samtools sort; samtools markdup; samtools index;
#   bcftools mpileup | bcftools call -mv (and wgskit's own calling when it is in the build).
# Wall and CPU seconds per step (/usr/bin/time), peak RSS, and the ratio of the totals.
# Usage: bench/scripts/wgs_vs_classic.sh REF.fa R1.fq.gz R2.fq.gz [WGSKIT_BINARY]
#   WORK=dir keeps the outputs there (default: a temporary folder, removed at the end). THREADS (default 2).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
ref=$(realpath "$1"); r1=$(realpath "$2"); r2=$(realpath "$3")
wgskit="$(realpath "${4:-$root/build/bin/wgskit}")"
t=${THREADS:-2}
if [ -n "${WORK:-}" ]; then work="$WORK"; mkdir -p "$work"; else work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT; fi
cd "$work"
rm -rf wgs classic; mkdir -p classic
cp "$ref" classic/ref.fa
echo "machine: $(lscpu | grep 'Model name' | sed 's/  */ /g'); $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "reads: $(( $(zcat "$r1" | wc -l) / 4 )) pairs; reference $(grep -v '>' "$ref" | tr -d '\n' | wc -c) bp; $t threads"

declare -A wall cpu
step() { # label command... (a shell string, run by bash -c)
    local label=$1; shift
    /usr/bin/time -f "%e %U %S %M" -o time.txt bash -c "$*" 2>> steps.log
    read -r real user sys rss < time.txt
    wall[$label]=$real; cpu[$label]=$(echo "$user + $sys" | bc)
    printf "%-34s wall %8.2f s  cpu %8.2f s  peak RSS %7.1f MB\n" "$label" "$real" "${cpu[$label]}" "$(echo "$rss / 1024" | bc -l)"
}

step "wgskit wgs (all steps)" "'$wgskit' wgs -t $t --plain-progress --sample S -o wgs -r '$ref' -1 '$r1' -2 '$r2' > wgs.out 2> wgs.log"
grep -E '(reference|index|map|sort\+markdup|kmers|call|report): (done|skipped)' wgs.log | sed 's/^\[[^]]*\] /    /'
step "bwa index" "bwa index classic/ref.fa"
step "bwa mem | fixmate -m | sort" "bwa mem -t $t classic/ref.fa '$r1' '$r2' | samtools fixmate -m -@ $((t - 1)) - - | samtools sort -@ $((t - 1)) -o classic/sorted.bam -"
step "samtools markdup" "samtools markdup -@ $((t - 1)) classic/sorted.bam classic/md.bam"
step "samtools index" "samtools index classic/md.bam"
step "bcftools mpileup | call -mv" "bcftools mpileup --threads $t -f classic/ref.fa classic/md.bam | bcftools call --threads $t -mv -Oz -o classic/calls.vcf.gz"
classic_wall=$(echo "${wall[bwa index]} + ${wall[bwa mem | fixmate -m | sort]} + ${wall[samtools markdup]} + ${wall[samtools index]}" | bc)
classic_all=$(echo "$classic_wall + ${wall[bcftools mpileup | call -mv]}" | bc)
printf "classic without calling: %.2f s wall; with calling: %.2f s wall\n" "$classic_wall" "$classic_all"
classic_cpu=$(echo "${cpu[bwa index]} + ${cpu[bwa mem | fixmate -m | sort]} + ${cpu[samtools markdup]} + ${cpu[samtools index]}" | bc)
if [ -s wgs/S.vcf.gz ]; then
    classic_wall=$classic_all; classic_cpu=$(echo "$classic_cpu + ${cpu[bcftools mpileup | call -mv]}" | bc); what="with calling"
else
    what="without calling (this wgskit build does not call)"
fi
printf "wgskit wgs: %.2f s wall, %.2f s cpu; classic %s: %.2f s wall, %.2f s cpu; ratio classic/wgskit: wall %.2f, cpu %.2f\n" \
    "${wall[wgskit wgs (all steps)]}" "${cpu[wgskit wgs (all steps)]}" "$what" "$classic_wall" "$classic_cpu" \
    "$(echo "$classic_wall / ${wall[wgskit wgs (all steps)]}" | bc -l)" "$(echo "$classic_cpu / ${cpu[wgskit wgs (all steps)]}" | bc -l)"
truth=${TRUTH:-$(dirname "$r1")/truth.vcf.gz}
score="${WGSKIT_EVAL_DIR:-$root/../shared/eval}/score-variants.sh" # scoring is optional here
if [ -s wgs/S.vcf.gz ] && [ -s "$truth" ] && [ -x "$score" ]; then
    echo "variant accuracy against $truth:"
    "$score" wgs/S.vcf.gz "$truth" classic/ref.fa | sed 's/^/    wgskit   /'
    "$score" classic/calls.vcf.gz "$truth" classic/ref.fa | sed 's/^/    bcftools /'
fi
printf "duplicates: wgskit %s, samtools markdup %s; mapped: wgskit %s, bwa %s\n" \
    "$(samtools view -c -f 1024 wgs/S.bam)" "$(samtools view -c -f 1024 classic/md.bam)" \
    "$(samtools view -c -F 2308 wgs/S.bam)" "$(samtools view -c -F 2308 classic/md.bam)"
