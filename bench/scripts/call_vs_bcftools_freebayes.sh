#!/usr/bin/env bash
# Variant calling accuracy and cost, side by side on the same BAM: wgskit call, bcftools mpileup | call -mv,
# freebayes. Scored with ../shared/eval/score-variants.sh (all calls and QUAL >= 20), timed with /usr/bin/time -v.
#
#   bench/scripts/call_vs_bcftools_freebayes.sh DATASET OUTDIR WGSKIT [THREADS]
#
# DATASET is a make-dataset.sh / make-real-dataset.sh folder (ref.fa, reads_1.fq.gz, reads_2.fq.gz,
# truth.vcf.gz, optional confident.bed). The reads are aligned once with bwa mem (-t 2) and sorted/indexed with
# samtools (reused when OUTDIR/aln.bam exists). bcftools and freebayes are single-threaded; wgskit call gets
# THREADS (default 1; the table says which).
set -euo pipefail
DS=$1 OUT=$2 WGSKIT=$3 THREADS=${4:-1}
source "$(dirname "${BASH_SOURCE[0]}")/eval_paths.bash"
EVAL=$eval_dir
mkdir -p "$OUT"
REF=$DS/ref.fa
BED=""
[ -f "$DS/confident.bed" ] && BED=$DS/confident.bed
[ -f "$DS/truth.bed" ] && BED=$DS/truth.bed

timed() { # name command...: /usr/bin/time -v into OUT/name.time
    local name=$1
    shift
    /usr/bin/time -v -o "$OUT/$name.time" "$@"
}
cost() { # name -> "cpu_s wall_s rss_mb"
    awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} /Elapsed/ {w=$2} /Maximum resident/ {m=$2}
        END {n=split(w, a, ":"); ws=0; for (i=1;i<=n;i++) ws=ws*60+a[i]; printf "%.2f\t%.2f\t%.1f", u+s, ws, m/1024}' "$OUT/$1.time"
}

if [ ! -s "$OUT/aln.bam.bai" ]; then
    [ -s "$REF.bwt" ] || bwa index "$REF" 2>/dev/null
    timed bwa bash -c "bwa mem -t 2 -R '@RG\tID:sim\tSM:SAMPLE' '$REF' '$DS/reads_1.fq.gz' '$DS/reads_2.fq.gz' 2>/dev/null \
        | samtools sort -@2 -m 512M -o '$OUT/aln.bam' - 2>/dev/null"
    samtools index "$OUT/aln.bam"
fi
[ -s "$REF.fai" ] || samtools faidx "$REF"

timed wgskit "$WGSKIT" call -t "$THREADS" -f "$REF" -o "$OUT/wgskit.vcf.gz" "$OUT/aln.bam"
timed bcftools bash -c "set -o pipefail; bcftools mpileup -f '$REF' -a AD,DP -Ou '$OUT/aln.bam' 2>/dev/null | bcftools call -mv -Oz -o '$OUT/bcftools.vcf.gz'"
timed freebayes bash -c "freebayes -f '$REF' '$OUT/aln.bam' | bgzip > '$OUT/freebayes.vcf.gz'"

{
    printf "caller\tfilter\ttype\ttruth\tcalls\tTP\tFP\tFN\tprecision\trecall\tF1\tGT_TP\tGT_precision\tGT_recall\tGT_F1\tCPU_s\twall_s\tRSS_MB\n"
    for c in wgskit bcftools freebayes; do
        for q in "" 20; do
            LABEL=$c MINQUAL=$q "$EVAL/score-variants.sh" "$OUT/$c.vcf.gz" "$DS/truth.vcf.gz" "$REF" $BED | tail -n +2 |
                while IFS= read -r line; do
                    printf "%s\t%s\t%s\t%s\n" "$(cut -f1 <<<"$line")" "$([ -n "$q" ] && echo "QUAL>=$q" || echo all)" "$(cut -f2- <<<"$line")" "$(cost $c)"
                done
        done
    done
} | tee "$OUT/scores.tsv"
