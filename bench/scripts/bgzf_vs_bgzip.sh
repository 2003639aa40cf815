#!/usr/bin/env bash
# Whole-command timings: bgzip -@2 -l 6 beside wgskit's BGZF writer with 2 threads (and 1), same input, same level;
# then decompression. Input: the example reads, uncompressed (or the FASTQ/plain file given as $1), repeated
# REPEAT times (default 20) so that the run is long enough to time.
# Usage: bench/scripts/bgzf_vs_bgzip.sh [INPUT]   (from anywhere; needs g++, bgzip, /usr/bin/time)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
repeat="${REPEAT:-20}"

g++ -std=c++20 -O3 -DNDEBUG -I"$root/include" "$here/bgzf_tool.cpp" -o "$work/bgzf_tool" -ldeflate -lz -pthread

src="${1:-$root/examples/data/NA12878.chr22_R1.fastq.gz}"
if gzip -t "$src" 2>/dev/null; then gzip -dc "$src" > "$work/one"; else cp "$src" "$work/one"; fi
for _ in $(seq "$repeat"); do cat "$work/one"; done > "$work/input"
size=$(stat -c %s "$work/input")
echo "input: $size bytes ($repeat x $(basename "$src")); $(lscpu | grep 'Model name' | sed 's/  */ /g')"

timed() { # label, command...
    local label=$1; shift
    /usr/bin/time -f "%e %U %S %M" -o "$work/time" "$@"
    read -r real user sys rss < "$work/time"
    printf '%-34s real %6ss  user %6ss  sys %5ss  maxrss %6s KiB  MB/s %7.1f\n' "$label" "$real" "$user" "$sys" "$rss" \
        "$(awk -v s="$size" -v t="$real" 'BEGIN { print (t > 0 ? s / t / 1e6 : 0) }')"
}

timed "bgzip -@2 -l 6"          sh -c "bgzip -@2 -l 6 -c '$work/input' > '$work/bgzip.gz'"
timed "wgskit writer, 2 threads" "$work/bgzf_tool" -c 6 2 "$work/input" "$work/wgskit.gz"
timed "bgzip -@1 -l 6"          sh -c "bgzip -l 6 -c '$work/input' > '$work/bgzip1.gz'"
timed "wgskit writer, 0 threads" "$work/bgzf_tool" -c 6 0 "$work/input" "$work/wgskit1.gz"
echo "sizes: bgzip $(stat -c %s "$work/bgzip.gz")  wgskit $(stat -c %s "$work/wgskit.gz")"
cmp -s "$work/bgzip.gz" "$work/wgskit.gz" && echo "outputs byte-identical" || echo "outputs differ"
timed "bgzip -d -@2"             sh -c "bgzip -d -@2 -c '$work/bgzip.gz' > '$work/out1'"
timed "wgskit reader, 2 threads" "$work/bgzf_tool" -d 2 "$work/bgzip.gz" "$work/out2"
timed "bgzip -d"                 sh -c "bgzip -d -c '$work/bgzip.gz' > '$work/out3'"
timed "wgskit reader, 0 threads" "$work/bgzf_tool" -d 0 "$work/bgzip.gz" "$work/out4"
cmp "$work/out2" "$work/input" && cmp "$work/out4" "$work/input" && echo "decompressed outputs equal the input"
