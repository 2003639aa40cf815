# wgskit count on the bundled reads beside jellyfish, and on broken inputs.
source "$(dirname "$0")/common.bash"

R1=$DATA/NA12878.chr22_R1.fastq.gz
zcat "$R1" > "$WORK/R1.fq" # jellyfish reads plain text only

if command -v jellyfish >/dev/null; then
    for k in 21 31; do
        "$WGSKIT" count -k $k -t 2 --dump "$WORK/w$k.tsv" "$R1" >/dev/null 2>"$WORK/err.txt" || fail "count -k $k: $(cat "$WORK/err.txt")"
        jellyfish count -C -m $k -s 10M -t 2 -o "$WORK/j$k.jf" "$WORK/R1.fq"
        jellyfish dump -c -t "$WORK/j$k.jf" | LC_ALL=C sort > "$WORK/j$k.tsv"
        if cmp -s "$WORK/w$k.tsv" "$WORK/j$k.tsv"; then
            pass "k = $k: dump identical to jellyfish count -C / dump ($(wc -l < "$WORK/j$k.tsv") k-mers)"
        else
            fail "k = $k: dump differs from jellyfish"
        fi
    done
else
    echo "WARNING: jellyfish not installed (scripts/setup installs it): comparison skipped"
fi

# Same database, dump and histogram for 1 and 3 threads and with spilling (tiny memory budget).
"$WGSKIT" count -k 25 -t 1 -o "$WORK/a.db" --dump "$WORK/a.tsv" --hist "$WORK/a.hist" "$R1" >/dev/null
"$WGSKIT" count -k 25 -t 3 -m 64K --tmp-dir "$WORK" -o "$WORK/b.db" --dump "$WORK/b.tsv" --hist "$WORK/b.hist" \
    "$WORK/R1.fq" > "$WORK/b.out"
cmp -s "$WORK/a.db" "$WORK/b.db" && cmp -s "$WORK/a.tsv" "$WORK/b.tsv" && cmp -s "$WORK/a.hist" "$WORK/b.hist" \
    && pass "identical outputs for 1 thread and 3 threads with spilling" || fail "outputs depend on threads or spilling"
grep -q "spilled_bytes	[1-9]" "$WORK/b.out" && pass "the tiny budget spilled" || fail "no spill with -m 64K"
ls "$WORK" | grep -q "wgskit-count\|\.tmp\." && fail "temporary files left: $(ls "$WORK")" || pass "no temporary files left"
LC_ALL=C sort -c "$WORK/a.tsv" && pass "dump sorted" || fail "dump not sorted"
awk -F'\t' '{ s += $2 } END { exit !(s == 64938) }' <("$WGSKIT" count -k 21 --hist "$WORK/h21.tsv" "$R1" >/dev/null; cat "$WORK/h21.tsv") \
    && pass "histogram sums to the distinct k-mers" || fail "histogram sum"

# Count filters.
"$WGSKIT" count -k 31 --min-count 3 --max-count 10 --dump "$WORK/f.tsv" "$R1" >/dev/null
awk -F'\t' '$2 < 3 || $2 > 10 { bad = 1 } END { exit bad }' "$WORK/f.tsv" && [ -s "$WORK/f.tsv" ] \
    && pass "min/max count filters" || fail "count filters"

# The genome profile of the 40 kb region.
"$WGSKIT" count -k 21 --profile "$WORK/p.json" "$R1" >/dev/null
python3 - "$WORK/p.json" <<'PY' && pass "profile: genome size near 40 kb" || fail "profile content"
import json, sys
p = json.load(open(sys.argv[1]))
assert p["fitted"], p
assert 36000 < p["genome_size"] < 44000, p["genome_size"]
assert p["spectrum"][0]["count"] == 1
PY

# A 1 in 2 sample by minimizer hash: the profile scales the genome size back up.
"$WGSKIT" count -k 21 --sample 2 --profile "$WORK/ps.json" "$R1" > "$WORK/ps.txt"
python3 - "$WORK/ps.json" "$WORK/ps.txt" <<'PY' && pass "sampled profile: genome size near 40 kb" || fail "sampled profile"
import json, sys
p = json.load(open(sys.argv[1]))
stats = dict(l.split("\t") for l in open(sys.argv[2]).read().split("\n") if l)
assert p["fitted"], p
assert 0.3 < p["sampled_fraction"] < 0.7, p["sampled_fraction"]
assert abs(p["sampled_fraction"] - int(stats["sampled_kmers"]) / int(stats["kmers"])) < 1e-9, (p, stats)
assert 34000 < p["genome_size"] < 46000, p["genome_size"]
PY
expect_fail "sample with a database" "cannot write -o" "$WGSKIT" count -k 21 --sample 2 -o "$WORK/s.db" "$R1"

# Broken inputs: clear message, non-zero exit.
expect_fail "k out of range" "out of range" "$WGSKIT" count -k 64 "$R1"
expect_fail "k = 0" "out of range" "$WGSKIT" count -k 0 "$R1"
expect_fail "missing input" "$WORK/none.fq" "$WGSKIT" count -k 21 "$WORK/none.fq"
expect_fail "unwritable output" "$WORK/no/such/dir/x.db" "$WGSKIT" count -k 21 -o "$WORK/no/such/dir/x.db" "$R1"
expect_fail "bad memory size" "-m 12X" "$WGSKIT" count -k 21 -m 12X "$R1"
printf 'hello\n' > "$WORK/text.txt"
expect_fail "neither FASTA nor FASTQ" "neither FASTA" "$WGSKIT" count -k 21 "$WORK/text.txt"
head -c 100000 "$WORK/R1.fq" > "$WORK/trunc.fq"
expect_fail "FASTQ cut inside a record" "$WORK/trunc.fq" "$WGSKIT" count -k 21 -o "$WORK/t.db" "$WORK/trunc.fq"
[ ! -e "$WORK/t.db" ] && pass "no database after a failure" || fail "database written after a failure"
finish
