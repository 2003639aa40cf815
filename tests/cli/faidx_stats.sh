# wgskit faidx against samtools faidx; wgskit stats on the example reads.
source "$(dirname "$0")/common.bash"

cp "$DATA/chr22_40k.fa" "$WORK/ref.fa"
"$WGSKIT" faidx "$WORK/ref.fa" chr22:100-250 chr22:39990-40001 > "$WORK/ours.fa"
if command -v samtools >/dev/null; then
    samtools faidx "$WORK/ref.fa" --fai-idx "$WORK/samtools.fai" chr22:100-250 chr22:39990-40001 > "$WORK/samtools.fa"
    cmp -s "$WORK/ref.fa.fai" "$WORK/samtools.fai" && pass ".fai equals samtools'" || fail ".fai differs from samtools'"
    cmp -s "$WORK/ours.fa" "$WORK/samtools.fa" && pass "regions equal samtools'" || fail "regions differ from samtools'"
else
    echo "warning: samtools absent, comparison skipped"
fi
expect_fail "unknown contig" "chr99" "$WGSKIT" faidx "$WORK/ref.fa" chr99:1-10
expect_fail "missing FASTA" "$WORK/none.fa" "$WGSKIT" faidx "$WORK/none.fa"

R1=$DATA/NA12878.chr22_R1.fastq.gz
R2=$DATA/NA12878.chr22_R2.fastq.gz
"$WGSKIT" stats -t 1 --json "$WORK/s1.json" "$R1" "$R2" > "$WORK/s1.txt"
"$WGSKIT" stats -t 2 --json "$WORK/s2.json" "$R1" "$R2" > "$WORK/s2.txt"
cmp -s "$WORK/s1.json" "$WORK/s2.json" && pass "stats identical for 1 and 2 threads" || fail "stats differ by thread count"
python3 - "$WORK/s1.json" <<'PY' && pass "stats counts the example pairs" || fail "stats figures"
import json, sys
j = json.load(open(sys.argv[1]))
assert j["paired"] is True
assert [i["records"] for i in j["inputs"]] == [4949, 4949]
assert all(i["min_length"] == 150 and i["max_length"] == 150 for i in j["inputs"])
PY
expect_fail "stats on a missing file" "$WORK/none.fq" "$WGSKIT" stats "$WORK/none.fq"
finish
