# Limits: a 10 MB FASTA line, a 1 Mb FASTQ read, 10^6 contigs, empty files. Each must give a correct result or a
# clear error, never a crash (exit status > 128) or a hang (every command runs under `timeout`). samtools faidx is
# the reference for the .fai files when present.
source "$(dirname "$0")/common.bash"
cd "$WORK"
T="timeout 120"
have_samtools=1
command -v samtools >/dev/null || { have_samtools=0; echo "note: samtools absent, .fai comparisons skipped"; }

# ok NAME COMMAND...: must exit 0 (and not be killed).
ok() {
    local name=$1
    shift
    local rc=0
    "$@" >"$name.out" 2>"$name.err" || rc=$?
    [ "$rc" -eq 0 ] && pass "$name" || fail "$name: exit $rc: $(head -c 300 "$name.err")"
}

# A 10 MB single-line contig: faidx builds the index and extracts from both ends.
PY=/usr/bin/python3
bases() { $PY -c 'import os, sys; sys.stdout.write(os.urandom(int(sys.argv[1])).translate(bytes(b"ACGT"[i % 4] for i in range(256))).decode())' "$1"; }
{ echo ">long"; bases 10000000; printf "\n>tail\nACGTNNACGT\n"; } >longline.fa
ok "faidx: 10 MB line" $T "$WGSKIT" faidx longline.fa long:9999991-10000000 tail
[ "$(grep -v '>' faidx:\ 10\ MB\ line.out | tr -d '\n')" = "$(tail -c 11 <(head -2 longline.fa) | tr -d '\n')ACGTNNACGT" ] &&
    pass "faidx: last bases of the 10 MB line" || fail "faidx: wrong bases from the 10 MB line"
if [ "$have_samtools" -eq 1 ]; then
    cp longline.fa theirs.fa && samtools faidx theirs.fa && cmp -s longline.fa.fai theirs.fa.fai &&
        pass "faidx: 10 MB line .fai equals samtools'" || fail "faidx: .fai differs from samtools'"
fi
ok "count: a 10 MB FASTA line" $T "$WGSKIT" count -k 21 -m 64M --hist longline.hist longline.fa

# A 1 Mb read among short ones in FASTQ.
for n in 150 1000000 150; do
    printf "@r%d\n%s\n+\n" $n "$(bases $n)"; head -c $n /dev/zero | tr '\0' I; echo
done >longread.fq
ok "stats: a 1 Mb FASTQ read" $T "$WGSKIT" stats --json longread.json longread.fq
grep -q '1000000' longread.json && pass "stats: the 1 Mb read's length is reported" || fail "stats: 1000000 not in the JSON: $(head -c 300 longread.json)"
ok "count: a 1 Mb FASTQ read" $T "$WGSKIT" count -k 31 -m 64M --hist longread.hist longread.fq
awk '{ n += $1 * $2 } END { exit !(n == 1000000 - 31 + 1 + 2 * (150 - 31 + 1)) }' longread.hist &&
    pass "count: every k-mer of the 1 Mb read counted" || fail "count: k-mer total wrong: $(cat longread.hist | head -3)"

# 10^6 contigs of 10 bases.
awk 'BEGIN { for (i = 0; i < 1000000; i++) printf ">c%d\nACGTACGTAC\n", i }' >many.fa
ok "faidx: 10^6 contigs" $T "$WGSKIT" faidx many.fa c999999 c0
[ "$(wc -l <many.fa.fai)" -eq 1000000 ] && pass "faidx: 10^6 .fai lines" || fail "faidx: $(wc -l <many.fa.fai) .fai lines"
if [ "$have_samtools" -eq 1 ]; then
    cp many.fa theirs_many.fa && samtools faidx theirs_many.fa && cmp -s many.fa.fai theirs_many.fa.fai &&
        pass "faidx: 10^6 contigs .fai equals samtools'" || fail "faidx: 10^6 contigs .fai differs from samtools'"
fi
ok "index: 10^6 contigs" $T "$WGSKIT" index many.fa
[ -s many.fa.wgsx ] && pass "index: 10^6 contigs written" || fail "index: no many.fa.wgsx"

# Empty files: a result (zero reads) or a clear error, never a crash.
: >empty.fa
: >empty.fq
no_crash() {
    local name=$1
    shift
    local rc=0
    $T "$@" >"$WORK/nc.out" 2>"$WORK/nc.err" || rc=$?
    if [ "$rc" -gt 1 ]; then
        fail "$name: exit $rc (crash or hang): $(head -c 300 "$WORK/nc.err")"
    elif [ "$rc" -eq 1 ] && ! grep -q "^wgskit: error: empty\.[a-z]*: " "$WORK/nc.err"; then
        fail "$name: unclear error: $(head -c 300 "$WORK/nc.err")"
    else
        pass "$name: exit $rc $(head -c 120 "$WORK/nc.err" | tr '\n' ' ')"
    fi
}
no_crash "faidx: empty FASTA" "$WGSKIT" faidx empty.fa
no_crash "index: empty FASTA" "$WGSKIT" index empty.fa
no_crash "stats: empty FASTQ" "$WGSKIT" stats empty.fq
no_crash "count: empty FASTQ" "$WGSKIT" count -k 21 --hist empty.hist empty.fq
no_crash "sort: empty input" "$WGSKIT" sort -o empty.bam empty.fq
"$WGSKIT" keygen -o k 2>/dev/null
no_crash "decrypt: empty file" "$WGSKIT" decrypt -k k.sec -o empty.out empty.fq

finish
