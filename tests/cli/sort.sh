# wgskit sort against samtools (view, sort, fixmate/markdup, index/idxstats, region queries) on the example BAM,
# plus bad inputs. The samtools comparisons are skipped (with a note) when samtools is absent.
source "$(dirname "$0")/common.bash"

BAM=$SRC/../shared/data/giab_hg001_chr22_grch38_nfcore/reads/NA12878.chr22.bam
CONF=$SRC/../shared/data/format_conformance/hts-specs/sam
if [ ! -f "$BAM" ]; then
    echo "skip: $BAM absent"
    exit 0
fi
have_samtools=1
command -v samtools >/dev/null || { have_samtools=0; echo "note: samtools absent, comparisons skipped"; }

# Sort, with and without spilling; threads 1 and 2.
"$WGSKIT" sort -t 2 -o "$WORK/s.bam" "$BAM" 2>"$WORK/err.txt" && pass "sort the example BAM" || fail "sort: $(cat "$WORK/err.txt")"
"$WGSKIT" sort -t 1 -m 300K -o "$WORK/spill.bam" "$BAM" 2>"$WORK/err.txt" && pass "sort with spilled runs" || fail "sort -m 300K: $(cat "$WORK/err.txt")"
grep -q "temporary runs" "$WORK/err.txt" && ! grep -q " 0 temporary runs" "$WORK/err.txt" && pass "small -m spills runs" || fail "no runs spilled: $(cat "$WORK/err.txt")"
ls "$WORK" | grep -q "\.sort\." && fail "temporary runs left behind" || pass "no temporary runs left"
[ -f "$WORK/s.bam.bai" ] && pass "index written" || fail "no s.bam.bai"

if [ "$have_samtools" -eq 1 ]; then
    samtools view -h --no-PG "$BAM" >"$WORK/in.sam"
    # SAM -> BAM -> SAM: records equal to samtools view's.
    "$WGSKIT" sort -o "$WORK/fromsam.bam" "$WORK/in.sam" 2>/dev/null
    samtools sort -o "$WORK/theirs.bam" "$BAM" 2>/dev/null
    samtools index "$WORK/theirs.bam"
    for f in s spill fromsam; do
        cmp -s <(samtools view "$WORK/$f.bam") <(samtools view "$WORK/theirs.bam") && pass "$f.bam: records and order equal samtools sort's" || fail "$f.bam differs from samtools sort"
    done
    samtools view -H "$WORK/s.bam" >"$WORK/h.txt"
    head -1 "$WORK/h.txt" | grep -q "SO:coordinate" && pass "@HD SO:coordinate" || fail "no SO:coordinate"
    cat "$WORK/in.sam" | "$WGSKIT" sort -o "$WORK/stdin.bam" - 2>/dev/null && cmp -s <(samtools view "$WORK/stdin.bam") <(samtools view "$WORK/theirs.bam") && pass "SAM from stdin" || fail "stdin input"
    # A named pipe (process substitution) is read once: BAM and SAM.
    "$WGSKIT" sort -o "$WORK/fifo.bam" <(cat "$BAM") 2>"$WORK/err.txt" && cmp -s <(samtools view "$WORK/fifo.bam") <(samtools view "$WORK/theirs.bam") && pass "BAM from a pipe" || fail "pipe input: $(cat "$WORK/err.txt")"
    "$WGSKIT" sort -o "$WORK/fifo2.bam" <(cat "$WORK/in.sam") 2>"$WORK/err.txt" && cmp -s <(samtools view "$WORK/fifo2.bam") <(samtools view "$WORK/theirs.bam") && pass "SAM from a pipe" || fail "SAM pipe input: $(cat "$WORK/err.txt")"
    # BAI: idxstats and regions as with samtools' own index.
    cmp -s <(samtools idxstats "$WORK/s.bam") <(samtools idxstats "$WORK/theirs.bam") && pass "idxstats equal" || fail "idxstats differ"
    for r in chr22 chr22:16570000-16575000 chr22:16580001-16580100 chr22:16600000-16610000 chr22:1-1000 chr21; do
        cmp -s <(samtools view "$WORK/s.bam" "$r" 2>&1) <(samtools view "$WORK/theirs.bam" "$r" 2>&1) && pass "region $r" || fail "region $r differs"
    done
    # Duplicates after collate / fixmate -m, with the input's duplicate flags cleared.
    samtools collate -O -u "$BAM" "$WORK/coll" | samtools fixmate -m -u - - | samtools view -u --remove-flags 1024 -o "$WORK/fix.bam" -
    samtools sort -o "$WORK/fixs.bam" "$WORK/fix.bam" 2>/dev/null
    samtools markdup "$WORK/fixs.bam" "$WORK/md_theirs.bam" 2>/dev/null
    "$WGSKIT" sort -t 2 --markdup -o "$WORK/md_ours.bam" "$WORK/fix.bam" 2>"$WORK/err.txt"
    n=$(samtools view -c -f 1024 "$WORK/md_theirs.bam")
    cmp -s <(samtools view "$WORK/md_ours.bam") <(samtools view "$WORK/md_theirs.bam") && pass "markdup: records equal samtools markdup's ($n duplicates)" || fail "markdup differs from samtools"
    "$WGSKIT" sort --markdup -m 200K -o "$WORK/md_spill.bam" "$WORK/fix.bam" 2>/dev/null
    cmp -s <(samtools view "$WORK/md_spill.bam") <(samtools view "$WORK/md_theirs.bam") && pass "markdup after spilled sort" || fail "markdup after spill differs"
    # Every passing conformance file sorts to what samtools sort gives.
    bad=0
    for f in "$CONF"/passed/*.sam; do
        "$WGSKIT" sort --no-index -o "$WORK/c.bam" "$f" 2>/dev/null || { bad=1; echo "rejected: $f"; continue; }
        samtools sort -o "$WORK/c2.bam" "$f" 2>/dev/null
        cmp -s <(samtools view "$WORK/c.bam") <(samtools view "$WORK/c2.bam") || { bad=1; echo "differs: $f"; }
    done
    [ "$bad" -eq 0 ] && pass "conformance: every passing SAM sorts as samtools" || fail "conformance files"
fi

# Bad input: clear errors, nothing left behind.
expect_fail "missing input" "cannot open" "$WGSKIT" sort -o "$WORK/x.bam" "$WORK/none.sam"
expect_fail "failing conformance file" "record 1: CIGAR" "$WGSKIT" sort -o "$WORK/x.bam" "$CONF/failed/cigar.fail3.sam"
head -c 300000 "$BAM" >"$WORK/trunc.bam"
expect_fail "truncated BAM" "trunc.bam" "$WGSKIT" sort -o "$WORK/x.bam" "$WORK/trunc.bam"
expect_fail "markdup without MC/ms tags" "fixmate" "$WGSKIT" sort --markdup -o "$WORK/x.bam" "$BAM"
expect_fail "bad -m" "-m" "$WGSKIT" sort -m lots -o "$WORK/x.bam" "$BAM"
ls "$WORK" | grep -qE "^x\.bam|\.tmp\.|\.sort\." && fail "files left after failures: $(ls "$WORK")" || pass "nothing left after failures"
finish
