# wgskit wgs on the bundled example data, and on broken inputs.
source "$(dirname "$0")/common.bash"

R1=$DATA/NA12878.chr22_R1.fastq.gz
R2=$DATA/NA12878.chr22_R2.fastq.gz
REF=$DATA/chr22_40k.fa

if "$WGSKIT" wgs -t 2 --sample NA12878 -o "$WORK/out" -r "$REF" -1 "$R1" -2 "$R2" >"$WORK/stdout.txt" 2>"$WORK/stderr.txt"; then
    pass "wgs on the example data"
else
    fail "wgs on the example data: $(cat "$WORK/stderr.txt")"
fi
M=$WORK/out/NA12878.metrics.json
grep -qF "$M" "$WORK/stdout.txt" && pass "prints where the metrics are" || fail "stdout does not name $M"
python3 - "$M" <<'PY' && pass "metrics.json holds the reference and read figures" || fail "metrics.json content"
import json, sys
m = json.load(open(sys.argv[1]))
assert m["sample"] == "NA12878"
assert m["reference"]["contigs"] == 1 and m["reference"]["length"] == 40001, m["reference"]
assert m["reads"]["pairs"] == 4949, m["reads"]["pairs"]
assert m["reads"]["mate1"]["bases"] == 742350 and m["reads"]["mate2"]["bases"] == 742350
assert m["reads"]["mate1"]["max_length"] == 150
assert len(m["reads"]["mate1"]["per_cycle_mean_quality"]) == 150
PY
[ -s "$WORK/out/chr22_40k.fa.wgsx" ] && pass "the FM index was built in the output folder" || fail "no index in $WORK/out"
[ ! -e "$DATA/chr22_40k.fa.wgsx" ] && pass "nothing written beside the bundled reference" || fail "index written into examples/data"
python3 -c "import json,sys; m=json.load(open(sys.argv[1])); assert m['index']['built'] is True" "$M" \
    && pass "metrics say the index was built" || fail "metrics index entry"
ls "$WORK/out" | grep -q tmp && fail "temporary files left behind" || pass "no temporary files left"

# The same figures with one thread; the rerun reuses the index.
"$WGSKIT" wgs -t 1 --sample one -o "$WORK/out" -r "$REF" -1 "$R1" -2 "$R2" 2>/dev/null
python3 -c "import json,sys; m=json.load(open(sys.argv[1])); assert m['index']['built'] is False" "$WORK/out/one.metrics.json" \
    && pass "a rerun reuses the index" || fail "the rerun rebuilt the index"
python3 - "$M" "$WORK/out/one.metrics.json" <<'PY' && pass "identical read figures for 1 and 2 threads" || fail "thread count changes figures"
import json, sys
a, b = (json.load(open(p))["reads"] for p in sys.argv[1:])
assert a == b
PY

# Broken inputs: a clear message naming the file, non-zero exit, no metrics file under the final name.
expect_fail "missing R2" "$WORK/nope_R2.fq.gz" "$WGSKIT" wgs -o "$WORK/bad1" -r "$REF" -1 "$R1" -2 "$WORK/nope_R2.fq.gz"
[ ! -e "$WORK/bad1/NA12878.chr22.metrics.json" ] && pass "no metrics after a failure" || fail "metrics written after a failure"
expect_fail "missing reference" "$WORK/none.fa" "$WGSKIT" wgs -o "$WORK/bad2" -r "$WORK/none.fa" -1 "$R1" -2 "$R2"

# Plain copies first: head on a pipe would end zcat with SIGPIPE, which pipefail turns into a failure.
zcat "$R1" > "$WORK/R1.fq"
zcat "$R2" > "$WORK/R2.fq"
head -n 400 "$WORK/R2.fq" | gzip > "$WORK/short_R2.fq.gz"
expect_fail "R2 shorter than R1" "fewer records" "$WGSKIT" wgs -o "$WORK/bad3" -r "$REF" -1 "$R1" -2 "$WORK/short_R2.fq.gz"
# The index is a complete, reusable step output; a failed run leaves no metrics and no temporary files.
ls "$WORK/bad3" 2>/dev/null | grep -v '\.wgsx$' | grep -q . && fail "files left after a failed run: $(ls "$WORK/bad3")" \
    || pass "nothing half-written left after a failed run"

sed '1s/^@[^ ]*/@someone_else/' "$WORK/R2.fq" | gzip > "$WORK/renamed_R2.fq.gz"
expect_fail "mates with different names" "record 1" "$WGSKIT" wgs -o "$WORK/bad4" -r "$REF" -1 "$R1" -2 "$WORK/renamed_R2.fq.gz"

head -c 100000 "$WORK/R1.fq" | gzip > "$WORK/trunc_R1.fq.gz"
expect_fail "R1 ends inside a record" "$WORK/trunc_R1.fq.gz" "$WGSKIT" wgs -o "$WORK/bad5" -r "$REF" -1 "$WORK/trunc_R1.fq.gz" -2 "$R2"

head -c 150000 "$R1" > "$WORK/cut_R1.fq.gz"
expect_fail "truncated gzip" "gzip" "$WGSKIT" wgs -o "$WORK/bad6" -r "$REF" -1 "$WORK/cut_R1.fq.gz" -2 "$R2"

printf '>bad\nACGTXACGT\n' > "$WORK/bad.fa"
expect_fail "reference with a non-IUPAC letter" "'X'" "$WGSKIT" wgs -o "$WORK/bad7" -r "$WORK/bad.fa" -1 "$R1" -2 "$R2"
finish
