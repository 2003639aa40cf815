# wgskit compress / decompress: lossless round trips (single, paired, prefix outputs), random access to a block,
# identical output for 1 and 2 threads, clear errors on mismatched pairs and corrupted files.
source "$(dirname "$0")/common.bash"

R1=$DATA/NA12878.chr22_R1.fastq.gz
R2=$DATA/NA12878.chr22_R2.fastq.gz
zcat "$R1" > "$WORK/r1.fq"
zcat "$R2" > "$WORK/r2.fq"

"$WGSKIT" compress -t 1 --block 1000 "$R1" "$R2" -o "$WORK/p1.wfq"
"$WGSKIT" compress -t 2 --block 1000 "$R1" "$R2" -o "$WORK/p2.wfq"
cmp -s "$WORK/p1.wfq" "$WORK/p2.wfq" && pass "output identical for 1 and 2 threads" || fail "output differs by thread count"
"$WGSKIT" decompress -t 2 "$WORK/p1.wfq" -o "$WORK/o_1.fq" -o "$WORK/o_2.fq"
cmp -s "$WORK/o_1.fq" "$WORK/r1.fq" && cmp -s "$WORK/o_2.fq" "$WORK/r2.fq" && pass "paired round trip" || fail "paired round trip"
"$WGSKIT" decompress "$WORK/p1.wfq" -o "$WORK/pre"
cmp -s "$WORK/pre_1.fq" "$WORK/r1.fq" && cmp -s "$WORK/pre_2.fq" "$WORK/r2.fq" && pass "prefix output" || fail "prefix output"
"$WGSKIT" decompress --block 2 "$WORK/p1.wfq" -o "$WORK/b_1.fq" -o "$WORK/b_2.fq"
sed -n 8001,12000p "$WORK/r2.fq" | cmp -s - "$WORK/b_2.fq" && pass "block 2 is records 2000..2999" || fail "block 2 slice"
"$WGSKIT" decompress --blocks 3-4 "$WORK/p1.wfq" -o "$WORK/b"
sed -n 12001,19796p "$WORK/r1.fq" | cmp -s - "$WORK/b_1.fq" && pass "blocks 3-4 (the last, short one)" || fail "blocks 3-4 slice"

"$WGSKIT" compress "$WORK/r1.fq" -o "$WORK/s.wfq"
"$WGSKIT" decompress "$WORK/s.wfq" -o "$WORK/s.fq"
cmp -s "$WORK/s.fq" "$WORK/r1.fq" && pass "single-end round trip" || fail "single-end round trip"
[ "$(stat -c %s "$WORK/s.wfq")" -lt "$(stat -c %s "$R1")" ] && pass "smaller than gzip" || fail "not smaller than gzip"

head -n 400 "$WORK/r2.fq" > "$WORK/short2.fq"
expect_fail "mismatched pair files" "fewer records" "$WGSKIT" compress "$WORK/r1.fq" "$WORK/short2.fq" -o "$WORK/m.wfq"
[ ! -e "$WORK/m.wfq" ] && pass "no output left after an error" || fail "output left after an error"
expect_fail "block out of range" "out of range" "$WGSKIT" decompress --block 9 "$WORK/p1.wfq" -o "$WORK/x"
expect_fail "not a .wfq file" "bad magic" "$WGSKIT" decompress "$WORK/r1.fq" -o "$WORK/x.fq"
head -c 20000 "$WORK/p1.wfq" > "$WORK/trunc.wfq"
expect_fail "truncated file" "trunc.wfq" "$WGSKIT" decompress "$WORK/trunc.wfq" -o "$WORK/x"
cp "$WORK/p1.wfq" "$WORK/bad.wfq"
printf '\x5a' | dd of="$WORK/bad.wfq" bs=1 seek=5000 conv=notrunc status=none
expect_fail "corrupted block" "block 0" "$WGSKIT" decompress "$WORK/bad.wfq" -o "$WORK/x"
finish
