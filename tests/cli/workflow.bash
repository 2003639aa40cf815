# Shared by workflow.sh (local Snakemake run) and slurm.sh (the same workflow on a single-node Slurm): two samples
# from the bundled reads, a config, and the checks of the outputs. Sourced after common.bash.

# Skips the test (exit 77, ctest "skipped") with a WARN line naming what is missing.
skip() {
    echo "WARN: skipped: $*"
    exit 77
}

require_workflow_tools() {
    local tool
    for tool in snakemake samtools bcftools tabix; do
        command -v "$tool" >/dev/null || skip "$tool absent (Debian: snakemake samtools bcftools tabix; run scripts/setup)"
    done
    # (`wgskit call --help` would print the main help and succeed even without the subcommand.)
    "$WGSKIT" --help | grep -qE '^  call ' ||
        skip "this wgskit has no 'call' subcommand yet: the workflow's calling step cannot run"
    WGSKIT=$(readlink -f "$WGSKIT") # the workflow runs in another folder
}

# make_workflow_inputs "SAMPLES" REGION_SIZE: writes $WORK/samples.tsv with some of S1 (the bundled pair) and S2
# (its first 2,000 pairs), and $WORK/config.yaml (calling chunks of REGION_SIZE bases over the 40,001 bp reference).
make_workflow_inputs() {
    local s
    mkdir -p "$WORK/reads"
    zcat "$DATA/NA12878.chr22_R1.fastq.gz" | awk "NR <= 8000" | gzip -1 >"$WORK/reads/S2_R1.fq.gz"
    zcat "$DATA/NA12878.chr22_R2.fastq.gz" | awk "NR <= 8000" | gzip -1 >"$WORK/reads/S2_R2.fq.gz"
    printf 'sample\tR1\tR2\n' >"$WORK/samples.tsv"
    for s in $1; do
        case $s in
        S1) printf 'S1\t%s\t%s\n' "$DATA/NA12878.chr22_R1.fastq.gz" "$DATA/NA12878.chr22_R2.fastq.gz" ;;
        S2) printf 'S2\t%s\t%s\n' "$WORK/reads/S2_R1.fq.gz" "$WORK/reads/S2_R2.fq.gz" ;;
        esac
    done >>"$WORK/samples.tsv"
    cat >"$WORK/config.yaml" <<YAML
samples: $WORK/samples.tsv
reference: $DATA/chr22_40k.fa
outdir: $WORK/results
wgskit: $WGSKIT
region_size: $2
threads: {index: 1, map: 2, call: 1, stats: 1}
resources:
  default: {mem_mb: 500, runtime: 10}
  map: {mem_mb: 1000, runtime: 10}
YAML
}

# check_workflow_outputs "SAMPLES" CHUNKS: checks the outputs under $WORK/results.
check_workflow_outputs() {
    local R=$WORK/results s
    [ "$(wc -l <"$R/reference/regions.tsv")" -eq "$2" ] && pass "$2 calling chunks" || fail "regions.tsv: $(cat "$R/reference/regions.tsv")"
    [ ! -e "$DATA/chr22_40k.fa.wgsx" ] && [ ! -e "$DATA/chr22_40k.fa.fai" ] && pass "nothing written beside the reference" || fail "files written into examples/data"
    for s in $1; do
        samtools quickcheck "$R/$s/$s.bam" && [ -s "$R/$s/$s.bam.bai" ] && pass "$s: BAM and index" || fail "$s: BAM or .bai"
        samtools view -H "$R/$s/$s.bam" | grep -qP "^\@RG\tID:$s\tSM:$s" && pass "$s: read group" || fail "$s: no @RG for $s"
        [ "$(samtools view -c -f 1024 "$R/$s/$s.bam")" -gt 0 ] && pass "$s: duplicates marked" || fail "$s: no duplicate flags"
        bcftools view -h "$R/$s/$s.vcf.gz" >/dev/null 2>&1 && [ -s "$R/$s/$s.vcf.gz.tbi" ] && pass "$s: VCF and index" || fail "$s: VCF or .tbi"
        [ "$(bcftools view -H "$R/$s/$s.vcf.gz" | wc -l)" -gt 0 ] && pass "$s: variants called" || fail "$s: no variants"
        # Scatter and gather give what one call over the whole reference gives.
        "$WGSKIT" call -t 1 -f "$R/reference/chr22_40k.fa" -o "$WORK/$s.whole.vcf.gz" "$R/$s/$s.bam" 2>"$WORK/call.err" || fail "$s: whole-reference call: $(cat "$WORK/call.err")"
        if cmp -s <(bcftools view -H "$R/$s/$s.vcf.gz") <(bcftools view -H "$WORK/$s.whole.vcf.gz"); then
            pass "$s: gathered chunks equal one call over the whole reference"
        else
            fail "$s: gathered VCF differs from the whole-reference call: $(diff <(bcftools view -H "$R/$s/$s.vcf.gz" | cut -f1-5) <(bcftools view -H "$WORK/$s.whole.vcf.gz" | cut -f1-5) | head -5)"
        fi
        [ ! -d "$R/$s/calls" ] || [ -z "$(ls -A "$R/$s/calls")" ] && pass "$s: chunk VCFs removed after the gather" || fail "$s: chunks left: $(ls "$R/$s/calls")"
    done
    python3 - "$R/cohort_summary.tsv" $1 <<'PY' && pass "cohort summary: a row a sample, sane figures" || fail "cohort summary: $(cat "$R/cohort_summary.tsv" 2>&1)"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
assert [r["sample"] for r in rows] == sys.argv[2:], rows
assert set(rows[0]) == {"sample", "reads", "mapping_rate", "duplicate_rate", "variants", "snps", "indels", "ts_tv"}
pairs = {"S1": 4949, "S2": 2000}
for r in rows:
    assert int(r["reads"]) == 2 * pairs[r["sample"]], r
    assert 0.9 < float(r["mapping_rate"]) <= 1.0, r
    assert 0.0 < float(r["duplicate_rate"]) < 0.5, r
    assert int(r["variants"]) > 0 and int(r["variants"]) >= int(r["snps"]), r
    assert r["ts_tv"] == "NA" or float(r["ts_tv"]) > 0, r
PY
}
