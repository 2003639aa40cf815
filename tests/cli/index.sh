#!/usr/bin/env bash
# wgskit index: builds REF.fa.wgsx (and PREFIX.wgsx with -p) from plain and gzip FASTA; rejects broken input.
# Usage: index.sh WGSKIT_BINARY SOURCE_DIR WORK_DIR
set -euo pipefail
wgskit=$1 src=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
cp "$src/examples/data/chr22_40k.fa" "$work/ref.fa"

"$wgskit" index "$work/ref.fa" 2> "$work/log"
grep -q 'wrote' "$work/log"
[ "$(head -c 7 "$work/ref.fa.wgsx")" = "WGSXFMD" ]
ls "$work"/*.tmp.* 2> /dev/null && { echo "temporary file left behind"; exit 1; }

gzip -c "$work/ref.fa" > "$work/ref.fa.gz"
"$wgskit" index -p "$work/prefix" -t 2 "$work/ref.fa.gz" 2> /dev/null
cmp "$work/ref.fa.wgsx" "$work/prefix.wgsx"   # same bytes from the gzip input

printf '>bad\nACGT!ACGT\n' > "$work/bad.fa"
if "$wgskit" index "$work/bad.fa" 2> "$work/err"; then echo "accepted a bad letter"; exit 1; fi
grep -q "bad.fa" "$work/err"
if "$wgskit" index "$work/missing.fa" 2> /dev/null; then echo "accepted a missing file"; exit 1; fi
printf 'ACGT\n' > "$work/noheader.fa"
if "$wgskit" index "$work/noheader.fa" 2> "$work/err"; then echo "accepted sequence without a header"; exit 1; fi
echo ok
