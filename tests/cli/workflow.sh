# workflow/Snakefile run locally (snakemake --cores 2) on two samples made from the bundled reads: outputs,
# scatter/gather equal to one whole-reference call, cohort summary, nothing rerun when complete, resume after a
# lost output, clear errors for a bad sample sheet. Skipped (77) without snakemake or `wgskit call`.
source "$(dirname "$0")/common.bash"
source "$(dirname "$0")/workflow.bash"
require_workflow_tools
make_workflow_inputs "S1 S2" 15000 # three calling chunks a sample
SNAKE=(snakemake -s "$SRC/workflow/Snakefile" --configfile "$WORK/config.yaml" --directory "$WORK" --cores 2)

if "${SNAKE[@]}" >"$WORK/run.log" 2>&1; then
    pass "snakemake --cores 2 on two samples"
else
    fail "snakemake failed: $(tail -30 "$WORK/run.log")"
fi
check_workflow_outputs "S1 S2" 3

"${SNAKE[@]}" -n >"$WORK/dry.log" 2>&1
grep -q "Nothing to be done" "$WORK/dry.log" && pass "a complete run has nothing left to do" || fail "rerun would do: $(tail -20 "$WORK/dry.log")"

# Resume: a lost final VCF is rebuilt from what exists (its chunks are temporary, so calling reruns for it only).
rm "$WORK/results/S2/S2.vcf.gz"
"${SNAKE[@]}" --rerun-incomplete >"$WORK/resume.log" 2>&1 && pass "resume after a lost output" || fail "resume: $(tail -20 "$WORK/resume.log")"
grep -q "rule map_sort_markdup" "$WORK/resume.log" && fail "resume mapped again" || pass "resume did not map again"
[ -s "$WORK/results/S2/S2.vcf.gz.tbi" ] && pass "S2 VCF rebuilt" || fail "S2 VCF not rebuilt"

# A bad sample sheet: a clear error (Snakemake prints it on stdout) before anything runs.
bad_sheet() { # description message-fragment sheet-line
    printf '%s\n' "$3" >"$WORK/bad.tsv"
    if snakemake -s "$SRC/workflow/Snakefile" --configfile "$WORK/config.yaml" --config samples="$WORK/bad.tsv" \
        --directory "$WORK" --cores 1 -n >"$WORK/bad.log" 2>&1; then
        fail "$1: accepted"
    else
        grep -qF -- "$2" "$WORK/bad.log" && pass "$1" || fail "$1: no '$2' in: $(tail -5 "$WORK/bad.log")"
    fi
}
bad_sheet "sample sheet with two fields" "line 1: expected 3 tab-separated fields" "$(printf 'S1\t%s' "$DATA/NA12878.chr22_R1.fastq.gz")"
bad_sheet "sample sheet naming a missing file" "none_1.fq.gz: no such file" "$(printf 'S1\t%s\t%s' "$WORK/none_1.fq.gz" "$WORK/none_2.fq.gz")"
bad_sheet "sample listed twice" "sample S1 listed twice" "$(printf 'S1\t%s\t%s\nS1\t%s\t%s' "$DATA/NA12878.chr22_R1.fastq.gz" "$DATA/NA12878.chr22_R2.fastq.gz" "$DATA/NA12878.chr22_R1.fastq.gz" "$DATA/NA12878.chr22_R2.fastq.gz")"
finish
