# wgskit keygen / encrypt / decrypt: round trips through files and pipes, several recipients, wrong key, a modified
# byte, passphrase-protected keys, and interoperability both ways with an independent implementation of the
# specification (tests/cli/crypt4gh_spec.py, Debian python3-nacl; skipped with a note if absent).
source "$(dirname "$0")/common.bash"

PY=/usr/bin/python3
SPEC=$SRC/tests/cli/crypt4gh_spec.py
cd "$WORK"
head -c 300000 /dev/urandom >plain.bin
: >empty.bin

"$WGSKIT" keygen -o alice 2>err.txt && pass "keygen alice" || fail "keygen: $(cat err.txt)"
"$WGSKIT" keygen -o bob 2>/dev/null && "$WGSKIT" keygen -o carol 2>/dev/null
[ "$(stat -c %a alice.sec)" = 600 ] && pass "alice.sec has mode 0600" || fail "alice.sec mode $(stat -c %a alice.sec)"
head -1 alice.pub | grep -qx -- "-----BEGIN CRYPT4GH PUBLIC KEY-----" && pass "public key header line" || fail "alice.pub: $(head -1 alice.pub)"
head -1 alice.sec | grep -qx -- "-----BEGIN CRYPT4GH PRIVATE KEY-----" && pass "private key header line" || fail "alice.sec: $(head -1 alice.sec)"
expect_fail "keygen refuses to replace keys" "not replacing" "$WGSKIT" keygen -o alice

for f in plain.bin empty.bin; do
    "$WGSKIT" encrypt -k alice.pub -o "$f.c4gh" "$f" && "$WGSKIT" decrypt -k alice.sec -o "$f.out" "$f.c4gh" &&
        cmp -s "$f" "$f.out" && pass "$f: round trip" || fail "$f: round trip"
done
"$WGSKIT" encrypt -k alice.pub - <plain.bin | "$WGSKIT" decrypt -k alice.sec - >pipe.out && cmp -s plain.bin pipe.out &&
    pass "stdin to stdout both ways" || fail "pipes"

"$WGSKIT" encrypt -k alice.pub -k bob.pub -o two.c4gh plain.bin
for who in alice bob; do
    "$WGSKIT" decrypt -k $who.sec -o two.$who two.c4gh && cmp -s plain.bin two.$who && pass "recipient $who decrypts" || fail "recipient $who"
done
expect_fail "a non-recipient's key" "no crypt4gh header packet could be decrypted" "$WGSKIT" decrypt -k carol.sec -o carol.out two.c4gh
[ ! -e carol.out ] && pass "no output after the wrong key" || fail "carol.out exists"

# One modified byte in the third data segment: an authentication error, no output file, no temporary. The byte
# is inverted, not overwritten with a constant: the ciphertext is random, and a byte already equal to the
# constant (1 time in 256) left the file unmodified.
cp plain.bin.c4gh bad.c4gh
byte=$(od -An -tu1 -j150000 -N1 bad.c4gh | tr -d ' ')
printf "\\$(printf '%03o' $((byte ^ 255)))" | dd of=bad.c4gh bs=1 seek=150000 conv=notrunc status=none
cmp -s plain.bin.c4gh bad.c4gh && fail "the modified copy equals the original"
expect_fail "a modified data byte" "data segment 3: authentication failed" "$WGSKIT" decrypt -k alice.sec -o bad.out bad.c4gh
[ ! -e bad.out ] && ! ls | grep -q "bad.out.tmp" && pass "no output and no temporary after tampering" || fail "bad.out or its temporary exists"
head -c 200 plain.bin.c4gh >trunc.c4gh
expect_fail "a truncated file" "truncated" "$WGSKIT" decrypt -k alice.sec -o trunc.out trunc.c4gh
expect_fail "a plaintext input" "no \"crypt4gh\" magic" "$WGSKIT" decrypt -k alice.sec -o x.out plain.bin
expect_fail "a public key given as the secret key" "not a crypt4gh key" "$WGSKIT" decrypt -k alice.pub -o x.out plain.bin.c4gh

# A passphrase-protected secret key (scrypt + chacha20_poly1305).
C4GH_PASSPHRASE="s3cret words" "$WGSKIT" keygen -o dave 2>/dev/null
"$WGSKIT" encrypt -k dave.pub -o dave.c4gh plain.bin
C4GH_PASSPHRASE="s3cret words" "$WGSKIT" decrypt -k dave.sec -o dave.out dave.c4gh && cmp -s plain.bin dave.out &&
    pass "passphrase-protected key" || fail "passphrase-protected key"
expect_fail "protected key without its passphrase" "passphrase" env -u C4GH_PASSPHRASE "$WGSKIT" decrypt -k dave.sec -o d2.out dave.c4gh
expect_fail "protected key, wrong passphrase" "wrong passphrase" env C4GH_PASSPHRASE=wrong "$WGSKIT" decrypt -k dave.sec -o d3.out dave.c4gh

# Interoperability with the independent implementation of the specification.
if [ -x "$PY" ] && "$PY" -c "import nacl" 2>/dev/null; then
    "$PY" "$SPEC" decrypt alice.sec <plain.bin.c4gh >spec.out 2>err.txt && cmp -s plain.bin spec.out &&
        pass "wgskit's file and key read by the specification's reader" || fail "spec reader: $(cat err.txt)"
    "$PY" "$SPEC" decrypt bob.sec <two.c4gh >spec2.out 2>err.txt && cmp -s plain.bin spec2.out &&
        pass "second recipient via the specification's reader" || fail "spec reader, bob: $(cat err.txt)"
    "$PY" "$SPEC" keygen erin && "$PY" "$SPEC" encrypt erin.pub <plain.bin >spec.c4gh &&
        "$WGSKIT" decrypt -k erin.sec -o from_spec.out spec.c4gh && cmp -s plain.bin from_spec.out &&
        pass "a file and keys written by the specification's writer, read by wgskit" || fail "wgskit reading the spec writer's file"
    "$PY" "$SPEC" encrypt alice.pub <empty.bin >spec_empty.c4gh && "$WGSKIT" decrypt -k alice.sec -o spec_empty.out spec_empty.c4gh &&
        cmp -s empty.bin spec_empty.out && pass "empty file from the specification's writer" || fail "empty spec file"
else
    echo "note: python3-nacl absent, interoperability checks skipped"
fi

finish
