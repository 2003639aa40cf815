#!/usr/bin/env bash
# Lossless FASTQ compression side by side, one run, same input: wgskit compress/decompress beside gzip -6,
# bgzip -l 6 (libdeflate), zstd -3, zstd -19, xz -9 and CRAM 3.1 of the unaligned pairs (samtools import straight
# to CRAM; "normal" and "archive" profiles), each with 1 and 2 threads where the tool has threads.
# MB/s = uncompressed FASTQ bytes (both mates) / wall seconds; cpu = user + sys seconds.
# Usage: bench/scripts/fastq_codec.sh [R1.fq[.gz] R2.fq[.gz]]   (default: the example NA12878 pairs)
#        WGSKIT=path/to/wgskit (default build/bin/wgskit)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
wgskit="${WGSKIT:-$root/build/bin/wgskit}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

r1="${1:-$root/examples/data/NA12878.chr22_R1.fastq.gz}"
r2="${2:-$root/examples/data/NA12878.chr22_R2.fastq.gz}"
for m in 1 2; do
    src=$([ "$m" = 1 ] && echo "$r1" || echo "$r2")
    if gzip -t "$src" 2>/dev/null; then gzip -dc "$src" > "$work/r$m.fq"; else cp "$src" "$work/r$m.fq"; fi
done
size=$(( $(stat -c %s "$work/r1.fq") + $(stat -c %s "$work/r2.fq") ))
echo "input: $size bytes ($(basename "$r1") + $(basename "$r2"), uncompressed); $(lscpu | grep 'Model name' | sed 's/  */ /g')"
echo "wgskit: $("$wgskit" --version | head -1); $(samtools --version | head -1); $(xz --version | head -1); $(zstd --version)"

secs() { /usr/bin/time -f "%e %U %S" -o "$work/t" "$@" >/dev/null; awk '{ printf "%s %.2f", $1, $2 + $3 }' "$work/t"; }
row() { # name, size, compress "wall cpu", decompress "wall cpu"
    read -r cw cc <<< "$3"
    read -r dw dc <<< "$4"
    awk -v n="$1" -v s="$2" -v total="$size" -v cw="$cw" -v cc="$cc" -v dw="$dw" -v dc="$dc" 'BEGIN {
        printf "| %-22s | %10d | %6.3f | %8.1f | %6.1f | %8.1f | %6.1f |\n", n, s, s / total,
            total / (cw > 0 ? cw : 0.001) / 1e6, cc, total / (dw > 0 ? dw : 0.001) / 1e6, dc }'
}
both() { # command template with {} for the mate number; runs mates one after the other, sums wall and cpu
    local a b
    a=$(secs sh -c "${1//\{\}/1}")
    b=$(secs sh -c "${1//\{\}/2}")
    awk -v a="$a" -v b="$b" 'BEGIN { split(a, x, " "); split(b, y, " "); printf "%.2f %.2f", x[1] + y[1], x[2] + y[2] }'
}
check() { cmp -s "$work/r1.fq" "$1" && cmp -s "$work/r2.fq" "$2" || { echo "ROUND TRIP FAILED: $3" >&2; exit 1; }; }

echo
echo "| tool                   |      bytes |  ratio | comp MB/s | comp cpu s | dec MB/s | dec cpu s |"
echo "|------------------------|-----------:|-------:|---------:|-------:|---------:|-------:|"
for t in 1 2; do
    c=$(secs "$wgskit" compress -t "$t" "$work/r1.fq" "$work/r2.fq" -o "$work/x.wfq")
    d=$(secs "$wgskit" decompress -t "$t" "$work/x.wfq" -o "$work/o1.fq" -o "$work/o2.fq")
    check "$work/o1.fq" "$work/o2.fq" "wgskit -t $t"
    row "wgskit -t $t" "$(stat -c %s "$work/x.wfq")" "$c" "$d"
done
peer() { # name, extension, compress template, decompress template (templates use {} for the mate)
    local c d
    c=$(both "$3")
    d=$(both "$4")
    check "$work/o1.fq" "$work/o2.fq" "$1"
    row "$1" "$(( $(stat -c %s "$work/r1.$2") + $(stat -c %s "$work/r2.$2") ))" "$c" "$d"
}
peer "gzip -6" gz "gzip -6 -c $work/r{}.fq > $work/r{}.gz" "gzip -dc $work/r{}.gz > $work/o{}.fq"
for t in 1 2; do
    peer "bgzip -l 6 -@$t" bgz "bgzip -l 6 -@$t -c $work/r{}.fq > $work/r{}.bgz" "bgzip -d -@$t -c $work/r{}.bgz > $work/o{}.fq"
done
for level in 3 19; do
    for t in 1 2; do
        peer "zstd -$level -T$t" zst "zstd -q -$level -T$t -c $work/r{}.fq > $work/r{}.zst" "zstd -q -d -c $work/r{}.zst > $work/o{}.fq"
    done
done
for t in 1 2; do
    peer "xz -9 -T$t" xz "xz -9 -T$t -c $work/r{}.fq > $work/r{}.xz" "xz -d -c $work/r{}.xz > $work/o{}.fq"
done
# CRAM 3.1 of the unaligned pairs, straight from FASTQ (import is part of the timing). Not byte-lossless for FASTQ
# ('+' lines, mate suffixes...), so only its size and speed are compared; samtools fastq gives the reads back.
for profile in normal archive; do
    for t in 1 2; do
        opt="cram,version=3.1"
        [ "$profile" = archive ] && opt="$opt,archive"
        c=$(secs sh -c "samtools import -@$((t - 1)) -1 $work/r1.fq -2 $work/r2.fq -O $opt -o $work/x.cram 2>/dev/null")
        d=$(secs sh -c "samtools fastq -@$((t - 1)) -1 $work/c1.fq -2 $work/c2.fq $work/x.cram 2>/dev/null")
        row "CRAM 3.1 $profile -@$((t - 1))" "$(stat -c %s "$work/x.cram")" "$c" "$d"
    done
done
