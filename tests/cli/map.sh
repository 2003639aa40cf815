# wgskit map on the bundled NA12878 chr22 reads: SAM validity in samtools, flagstat agreement, NM/MD against
# calmd, CIGAR lengths, identical output for 1 and 2 threads, concordance with bwa mem; error messages.
source "$(dirname "$0")/common.bash"

R1=$DATA/NA12878.chr22_R1.fastq.gz
R2=$DATA/NA12878.chr22_R2.fastq.gz
cp "$DATA/chr22_40k.fa" "$WORK/ref.fa"
REF=$WORK/ref.fa

expect_fail "missing index" "wgskit index" "$WGSKIT" map "$REF" "$R1" "$R2"
"$WGSKIT" index "$REF" 2>/dev/null || fail "wgskit index"
expect_fail "bad read group" "@RG" "$WGSKIT" map -R 'ID:x' "$REF" "$R1" "$R2"

if "$WGSKIT" map -t 2 -K 1000 -R '@RG\tID:grp\tSM:NA12878' -o "$WORK/t2.sam" "$REF" "$R1" "$R2" 2>"$WORK/err.txt"; then
    pass "map, paired, 2 threads"
else
    fail "map: $(cat "$WORK/err.txt")"
fi
ls "$WORK" | grep -q '\.tmp\.' && fail "temporary file left" || pass "no temporary file left"
mkdir -p "$WORK/one" && cp "$WORK/t2.sam" "$WORK/one/t2_of_2.sam"
"$WGSKIT" map -t 1 -K 1000 -R '@RG\tID:grp\tSM:NA12878' -o "$WORK/t2.sam" "$REF" "$R1" "$R2" 2>/dev/null
cmp -s "$WORK/t2.sam" "$WORK/one/t2_of_2.sam" && pass "identical output for 1 and 2 threads" || fail "output depends on the thread count"
"$WGSKIT" map -t 2 -R '@RG\tID:grp\tSM:NA12878' "$REF" "$R1" "$R2" > "$WORK/stdout.sam" 2>/dev/null
grep -q . "$WORK/stdout.sam" && pass "SAM on standard output" || fail "nothing on standard output"

# BAM output (-o x.bam): identical for 1 and 2 threads, and the same records as the SAM output.
"$WGSKIT" map -t 2 -K 1000 -R '@RG\tID:grp\tSM:NA12878' -o "$WORK/t2.bam" "$REF" "$R1" "$R2" 2>/dev/null \
    && pass "map -o x.bam" || fail "map -o x.bam"
cp "$WORK/t2.bam" "$WORK/one/t2.bam.check"
"$WGSKIT" map -t 1 -K 1000 -R '@RG\tID:grp\tSM:NA12878' -o "$WORK/t2.bam" "$REF" "$R1" "$R2" 2>/dev/null
cmp -s "$WORK/t2.bam" "$WORK/one/t2.bam.check" && pass "identical BAM for 1 and 2 threads" || fail "BAM depends on the thread count"
[ "$(head -c 2 "$WORK/t2.bam" | od -An -tx1 | tr -d ' ')" = "1f8b" ] && pass "BAM is BGZF-compressed" || fail "BAM is not gzip"

SAM=$WORK/t2.sam
if command -v samtools >/dev/null; then
    samtools quickcheck "$SAM" && pass "samtools quickcheck" || fail "samtools quickcheck"
    samtools quickcheck "$WORK/t2.bam" && pass "samtools quickcheck (BAM)" || fail "samtools quickcheck (BAM)"
    cmp -s <(samtools view "$WORK/t2.bam") <(grep -v '^@' "$SAM") && pass "BAM records equal the SAM records" \
        || fail "BAM and SAM records differ"
    samtools view "$SAM" >/dev/null 2>"$WORK/view_err.txt"
    [ ! -s "$WORK/view_err.txt" ] && pass "samtools view reads it without warnings" || fail "samtools view: $(head -3 "$WORK/view_err.txt")"
    grep -q $'^@RG\tID:grp\tSM:NA12878$' "$SAM" && pass "@RG line" || fail "@RG line missing"
    grep -q $'^@PG\tID:wgskit' "$SAM" && pass "@PG line" || fail "@PG line missing"
    grep -q $'^@SQ\tSN:chr22\tLN:40001$' "$SAM" && pass "@SQ line" || fail "@SQ line"
    samtools flagstat "$SAM" > "$WORK/flagstat.txt"
    python3 - "$SAM" "$WORK/flagstat.txt" <<'PY' && pass "flagstat agrees with our own counts" || fail "flagstat disagrees"
import sys
total = sec = sup = mapped = paired = proper = both = single = 0
for l in open(sys.argv[1]):
    if l[0] == '@': continue
    f = l.split('\t'); fl = int(f[1])
    total += 1
    if fl & 0x100: sec += 1
    if fl & 0x800: sup += 1
    if not fl & 4: mapped += 1
    if fl & 0x900: continue
    if fl & 1:
        paired += 1
        if fl & 2 and not fl & 4: proper += 1
        if not fl & 4 and not fl & 8: both += 1
        if not fl & 4 and fl & 8: single += 1
    assert "RG:Z:grp" in l
fs = {}
for l in open(sys.argv[2]):
    n = int(l.split()[0]); key = l.split('+ 0 ')[1].split('(')[0].strip()
    fs.setdefault(key, n)
exp = {"in total": total, "secondary": sec, "supplementary": sup, "mapped": mapped,
       "paired in sequencing": paired, "properly paired": proper, "with itself and mate mapped": both,
       "singletons": single}
for k, v in exp.items():
    assert fs[k] == v, (k, fs[k], v)
assert mapped / total > 0.99, mapped / total
PY
    python3 - "$SAM" <<'PY' && pass "every CIGAR's query length equals the read length" || fail "CIGAR query length"
import re, sys
for l in open(sys.argv[1]):
    if l[0] == '@': continue
    f = l.split('\t')
    if f[5] == '*': continue
    n = sum(int(a) for a, op in re.findall(r'(\d+)([MIDNSHP=X])', f[5]) if op in 'MIS=X')
    assert n == len(f[9]), l
PY
    # calmd recomputes NM and MD from the reference and reports any difference ("different NM"/"different MD").
    head -n 3000 "$SAM" > "$WORK/sample.sam"
    samtools calmd "$WORK/sample.sam" "$REF" >/dev/null 2>"$WORK/calmd.txt"
    grep -qE 'different (NM|MD)' "$WORK/calmd.txt" && fail "calmd: $(grep -m3 -E 'different' "$WORK/calmd.txt")" || pass "calmd finds no NM/MD disagreement"
else
    echo "skipped: samtools not installed: SAM checks skipped"
fi

if command -v bwa >/dev/null; then
    bwa index "$REF" 2>/dev/null
    bwa mem -t 2 "$REF" "$R1" "$R2" 2>/dev/null > "$WORK/bwa.sam"
    python3 "$SRC/scripts/sam-concordance.py" "$SAM" "$WORK/bwa.sam" --mapq 0,20 --min-mapped 0.99 --min-agree 0.98 \
        && pass "concordant with bwa mem" || fail "not concordant with bwa mem"
else
    echo "skipped: bwa not installed: concordance check skipped"
fi

# --bwa-seeds (bwa's seeding, from which the mapper departs by default): named in @PG, placements as the default's.
"$WGSKIT" map -t 2 --bwa-seeds "$REF" "$R1" "$R2" > "$WORK/bwa_seeds.sam" 2>/dev/null || fail "map --bwa-seeds"
grep -q '^@PG.*CL:wgskit map --bwa-seeds ' "$WORK/bwa_seeds.sam" && pass "--bwa-seeds in @PG" \
    || fail "--bwa-seeds not in @PG: $(grep -m1 '^@PG' "$WORK/bwa_seeds.sam")"
python3 "$SRC/scripts/sam-concordance.py" "$WORK/stdout.sam" "$WORK/bwa_seeds.sam" --mapq 0,20 --min-mapped 0.99 \
    --min-agree 0.999 > "$WORK/bwa_seeds.txt" && pass "default seeding places reads as --bwa-seeds does" \
    || fail "default and --bwa-seeds disagree: $(cat "$WORK/bwa_seeds.txt")"

# Single-end and interleaved input.
"$WGSKIT" map -o "$WORK/se.sam" "$REF" "$R1" 2>/dev/null && pass "single-end" || fail "single-end"
python3 - "$WORK/se.sam" <<'PY' && pass "single-end flags" || fail "single-end flags"
import sys
n = m = 0
for l in open(sys.argv[1]):
    if l[0] == '@': continue
    fl = int(l.split('\t')[1]); assert not fl & 1 and not fl & 0x40
    n += 1; m += not fl & 4
assert m > 0.99 * n
PY
# Plain copies first: head on a pipe would end zcat with SIGPIPE, which pipefail turns into a failure.
zcat "$R1" > "$WORK/R1.fq"; zcat "$R2" > "$WORK/R2.fq"
head -n 400 "$WORK/R1.fq" > "$WORK/a.fq"; head -n 400 "$WORK/R2.fq" > "$WORK/b.fq"
paste -d '\n' <(paste - - - - < "$WORK/a.fq") <(paste - - - - < "$WORK/b.fq") | tr '\t' '\n' > "$WORK/il.fq"
"$WGSKIT" map -p "$REF" "$WORK/il.fq" > "$WORK/il.sam" 2>/dev/null && "$WGSKIT" map "$REF" "$WORK/a.fq" "$WORK/b.fq" > "$WORK/two.sam" 2>/dev/null
diff <(grep -v '^@PG' "$WORK/il.sam") <(grep -v '^@PG' "$WORK/two.sam") >/dev/null && pass "interleaved equals two files" || fail "interleaved differs"
finish
