# wgskit wgs on the bundled example data: outputs (BAM + BAI, metrics, MultiQC content, HTML report) checked with
# samtools, python3 and headless Chromium; reruns skip complete steps; SIGTERM leaves nothing partial; bad inputs.
source "$(dirname "$0")/common.bash"

R1=$DATA/NA12878.chr22_R1.fastq.gz
R2=$DATA/NA12878.chr22_R2.fastq.gz
REF=$DATA/chr22_40k.fa
OUT=$WORK/out

if "$WGSKIT" wgs -t 2 --sample NA12878 -o "$OUT" -r "$REF" -1 "$R1" -2 "$R2" >"$WORK/stdout.txt" 2>"$WORK/stderr.txt"; then
    pass "wgs on the example data"
else
    fail "wgs on the example data: $(cat "$WORK/stderr.txt")"
fi
M=$OUT/NA12878.metrics.json
BAM=$OUT/NA12878.bam
for f in "$BAM" "$BAM.bai" "$M" "$OUT/NA12878_mqc.json" "$OUT/NA12878.report.html"; do
    [ -s "$f" ] && pass "output $(basename "$f")" || fail "missing output $f"
    grep -qF "$f" "$WORK/stdout.txt" || [ "$f" = "$BAM.bai" ] || fail "stdout does not name $f"
done
grep -q 'summary: time per step' "$WORK/stderr.txt" && grep -q 'mapping rate' "$WORK/stderr.txt" \
    && pass "closing summary" || fail "no closing summary on stderr"
python3 -m json.tool "$M" >/dev/null && pass "metrics.json parses" || fail "metrics.json does not parse"
python3 - "$M" <<'PY' && pass "metrics.json holds reads, mapping, insert size, coverage, duplicates, k-mers" || fail "metrics.json content"
import json, sys
m = json.load(open(sys.argv[1]))
assert m["sample"] == "NA12878"
assert m["reference"]["contigs"] == 1 and m["reference"]["length"] == 40001, m["reference"]
assert m["reads"]["pairs"] == 4949, m["reads"]["pairs"]
assert m["reads"]["mate1"]["bases"] == 742350 and m["reads"]["mate2"]["bases"] == 742350
assert len(m["reads"]["mate1"]["per_cycle_mean_quality"]) == 150
a = m["alignment"]
assert a["primary_reads"] == 2 * 4949 and a["mapping_rate"] > 0.99 and a["proper_pair_rate"] > 0.9, a
assert 200 < a["insert_size"]["median"] < 700, a["insert_size"]
c = m["coverage"]
assert c["reference_bases"] == 40001 and 10 < c["mean"] < 60, c
assert sum(c["histogram"]) == 40001
assert 0 < m["duplicates"]["marked"] < m["duplicates"]["examined"]
assert len(m["kmers"]["spectrum"]) > 10
assert m["kmers"]["sample_one_in"] == 1 and m["kmers"]["sampled_fraction"] == 1, m["kmers"] # 40 kb: every k-mer
assert m["index"]["built"] is True
PY
[ -s "$OUT/chr22_40k.fa.wgsx" ] && pass "the FM index was built in the output folder" || fail "no index in $OUT"
[ ! -e "$DATA/chr22_40k.fa.wgsx" ] && [ ! -e "$DATA/chr22_40k.fa.fai" ] && pass "nothing written beside the bundled reference" \
    || fail "index written into examples/data"
ls -a "$OUT" | grep -qE 'tmp|\.sort\.' && fail "temporary files left behind: $(ls -a "$OUT")" || pass "no temporary files left"

python3 - "$OUT/NA12878_mqc.json" <<'PY' && pass "MultiQC custom content" || fail "MultiQC custom content"
import json, sys
sections = json.load(open(sys.argv[1]))
kinds = {s["id"]: s["plot_type"] for s in sections}
for s in sections:
    assert s["section_name"] and s["data"], s["id"]
assert kinds["wgskit_summary"] == "table"
for p in ("insert_size", "coverage", "kmer_spectrum", "quality_by_cycle"):
    assert kinds["wgskit_" + p] == "linegraph", p
assert sections[0]["data"]["NA12878"]["Mapping rate"] > 99
PY

if command -v samtools >/dev/null; then
    samtools quickcheck "$BAM" && pass "samtools quickcheck" || fail "samtools quickcheck"
    samtools view -H "$BAM" | grep -q $'^@HD\tVN:1.6\tSO:coordinate' && pass "header says coordinate-sorted" || fail "@HD SO"
    samtools view -H "$BAM" | grep -q $'^@RG\tID:NA12878\tSM:NA12878' && pass "@RG line" || fail "@RG line"
    mapped=$(samtools idxstats "$BAM" | awk '$1=="chr22"{print $3}')
    [ "$mapped" = "$(samtools view -c -F 4 "$BAM" chr22)" ] && [ "$mapped" -gt 9000 ] \
        && pass "samtools idxstats ($mapped mapped)" || fail "idxstats: $mapped"
    samtools flagstat "$BAM" > "$WORK/flagstat.txt"
    python3 - "$M" "$WORK/flagstat.txt" <<'PY' && pass "flagstat duplicates and mapped equal ours" || fail "flagstat disagrees"
import json, sys
m = json.load(open(sys.argv[1]))
fs = {}
for l in open(sys.argv[2]):
    fs.setdefault(l.split('+ 0 ')[1].split('(')[0].strip(), int(l.split()[0]))
assert fs["duplicates"] == m["duplicates"]["records_flagged"], (fs["duplicates"], m["duplicates"])
assert fs["properly paired"] == m["alignment"]["properly_paired"], fs
assert fs["in total"] == m["alignment"]["records"], fs
PY
    # Region queries through our .bai give what samtools' own index gives.
    cp "$BAM" "$WORK/copy.bam" && samtools index "$WORK/copy.bam"
    ok=1
    for region in chr22 chr22:1-5000 chr22:10000-20000 chr22:39000-40001; do
        a=$(samtools view -c "$BAM" "$region"); b=$(samtools view -c "$WORK/copy.bam" "$region")
        [ "$a" = "$b" ] && [ "$a" -gt 0 ] || { ok=0; echo "region $region: $a vs $b"; }
    done
    [ $ok = 1 ] && pass "samtools view -c region queries" || fail "region queries"
    # Our duplicates equal samtools markdup on the same records.
    samtools sort -n -o "$WORK/byname.bam" "$BAM" 2>/dev/null
    samtools fixmate -m "$WORK/byname.bam" - 2>/dev/null | samtools sort -o "$WORK/fixed.bam" - 2>/dev/null
    samtools markdup "$WORK/fixed.bam" "$WORK/md.bam" 2>/dev/null
    [ "$(samtools view -c -f 1024 "$WORK/md.bam")" = "$(samtools view -c -f 1024 "$BAM")" ] \
        && pass "duplicates equal samtools markdup's" || fail "duplicates differ from samtools markdup"
else
    echo "WARN: samtools not installed: BAM checks skipped"
fi

# Variant calls (when the call block is in the build): VCF.gz + .tbi, counts as in the metrics, region queries.
VCF=$OUT/NA12878.vcf.gz
if grep -qF "$VCF" "$WORK/stdout.txt"; then
    [ -s "$VCF" ] && [ -s "$VCF.tbi" ] && pass "VCF and its .tbi" || fail "VCF or .tbi missing"
    if command -v bcftools >/dev/null; then
        n=$(bcftools view -H "$VCF" | wc -l)
        python3 -c "import json,sys; m=json.load(open(sys.argv[1])); assert m['variants']['records'] == int(sys.argv[2]) > 0, m['variants']" "$M" "$n" \
            && pass "bcftools reads $n records, as the metrics say" || fail "VCF records ($n) vs metrics"
        [ "$(bcftools view -H -r chr22:1-40001 "$VCF" | wc -l)" = "$n" ] && pass "bcftools region query through the .tbi" || fail "VCF region query"
        truth=$DATA/NA12878_GIAB.chr22_40k.truth.vcf.gz
        shared=$(bcftools isec -n=2 -c none "$VCF" "$truth" 2>/dev/null | wc -l)
        echo "info: $shared of $(bcftools view -H "$truth" | wc -l) truth records called exactly; $n calls"
    fi
else
    echo "WARN: this build does not call variants: VCF checks skipped"
fi

# The report: self-contained, every plot an inline SVG, rendered by headless Chromium (not blank).
HTML=$OUT/NA12878.report.html
grep -qiE '<script|src=|href=|@import|url\(' "$HTML" && fail "report refers to external resources or scripts" || pass "report is self-contained"
for p in insert_size coverage kmer_spectrum quality_by_cycle; do
    grep -q "<svg id=\"$p\"" "$HTML" || fail "report lacks the $p plot"
done
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
if [ -n "$CHROMIUM" ]; then
    CH_ARGS=(--headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$WORK/chromium-profile")
    timeout 120 "$CHROMIUM" "${CH_ARGS[@]}" --dump-dom "file://$HTML" > "$WORK/dom.html" 2>/dev/null || true
    python3 - "$WORK/dom.html" <<'PY' && pass "Chromium DOM holds the summary and every plot's <svg>" || fail "Chromium DOM"
import sys, re
dom = open(sys.argv[1]).read()
for p in ("insert_size", "coverage", "kmer_spectrum", "quality_by_cycle"):
    m = re.search(r'<svg[^>]*id="%s"[^>]*>(.*?)</svg>' % p, dom, re.S)
    assert m and "<polyline" in m.group(1) and "<text" in m.group(1), p
assert 'id="summary"' in dom
PY
    timeout 120 "$CHROMIUM" "${CH_ARGS[@]}" --screenshot="$WORK/report.png" --window-size=1280,1600 "file://$HTML" >/dev/null 2>&1 || true
    python3 - "$WORK/report.png" <<'PY' && pass "Chromium screenshot is not blank" || fail "Chromium screenshot blank or missing"
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n"
pos, idat, w, h, ctype = 8, b"", 0, 0, 0
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8]); body = data[pos + 8:pos + 8 + n]; pos += 12 + n
    if kind == b"IHDR": w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
    elif kind == b"IDAT": idat += body
raw = zlib.decompress(idat)
bpp = {2: 3, 6: 4}[ctype]
stride = w * bpp
# Undo the PNG filters row by row, counting pixels that are not white.
prev = bytearray(stride); dark = 0; colours = set()
for y in range(h):
    f = raw[y * (stride + 1)]; row = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = row[i - bpp] if i >= bpp else 0; b = prev[i]; c = prev[i - bpp] if i >= bpp else 0
        if f == 1: row[i] = (row[i] + a) & 255
        elif f == 2: row[i] = (row[i] + b) & 255
        elif f == 3: row[i] = (row[i] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            row[i] = (row[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    if y % 4 == 0:
        for x in range(0, w, 4):
            px = tuple(row[x * bpp:x * bpp + 3])
            if px != (255, 255, 255): dark += 1; colours.add(px)
    prev = row
print(f"{w}x{h}, {dark} sampled non-white pixels, {len(colours)} colours")
assert dark > 2000 and len(colours) > 5
PY
else
    echo "WARN: chromium not installed: report rendering checks skipped"
fi

# Rerun: every heavy step skipped, outputs untouched, fast. Litter of a run killed with SIGKILL (temporaries
# named after a process that has ended) is removed by the rerun.
sh -c 'exit 0' & dead=$!
wait "$dead"
touch "$OUT/NA12878.bam.tmp.$dead.0" "$OUT/NA12878.bam.sort.$dead.2.zst" "$OUT/notes.txt"
mkdir "$OUT/wgskit-count.$dead.AbCdEf"
before=$(stat -c %Y.%s "$BAM")
start=$(date +%s.%N)
"$WGSKIT" wgs -t 2 --sample NA12878 -o "$OUT" -r "$REF" -1 "$R1" -2 "$R2" >"$WORK/stdout2.txt" 2>"$WORK/stderr2.txt" || fail "rerun failed"
elapsed=$(echo "$(date +%s.%N) - $start" | bc)
grep -q 'map: skipped' "$WORK/stderr2.txt" && grep -q 'kmers: skipped' "$WORK/stderr2.txt" \
    && { [ ! -e "$VCF" ] || grep -q 'call: skipped' "$WORK/stderr2.txt"; } \
    && pass "rerun says skipped (${elapsed}s)" || fail "rerun did not skip: $(cat "$WORK/stderr2.txt")"
[ "$before" = "$(stat -c %Y.%s "$BAM")" ] && pass "rerun left the BAM untouched" || fail "rerun rewrote the BAM"
if [ -z "$(find "$OUT" -name "*.$dead.*")" ] && [ -e "$OUT/notes.txt" ] \
    && [ "$(grep -c 'left by a run that was killed' "$WORK/stderr2.txt")" -eq 3 ]; then
    pass "rerun removed a killed run's temporaries, and nothing else"
else
    fail "stale temporaries: $(find "$OUT" -name "*.$dead.*") / $(grep cleanup "$WORK/stderr2.txt")"
fi
rm -f "$OUT/notes.txt"
python3 -c "
import json,sys; a=json.load(open(sys.argv[1])); 
assert a['index']['built'] is False and a['alignment']['records'] > 0 and a['coverage']['mean'] > 0" "$M" \
    && pass "rerun metrics carry the recorded figures" || fail "rerun metrics incomplete"
# A BAM without its EOF block (cut short) or an index older than the BAM is redone.
cp "$BAM" "$WORK/saved.bam"
head -c -28 "$WORK/saved.bam" > "$BAM"; touch -d '1 hour ago' "$BAM.bai"
"$WGSKIT" wgs -t 2 --sample NA12878 -o "$OUT" -r "$REF" -1 "$R1" -2 "$R2" >/dev/null 2>"$WORK/stderr3.txt"
grep -q 'map: skipped' "$WORK/stderr3.txt" && fail "a truncated BAM was taken as complete" || pass "a truncated BAM is redone"
samtools quickcheck "$BAM" 2>/dev/null && pass "redone BAM is complete" || fail "redone BAM incomplete"
# Changed input (a newer R1 copy) invalidates the mapping step.
cp "$R1" "$WORK/in_R1.fq.gz"; cp "$R2" "$WORK/in_R2.fq.gz"
"$WGSKIT" wgs -t 2 --sample S -o "$WORK/out2" -r "$REF" -1 "$WORK/in_R1.fq.gz" -2 "$WORK/in_R2.fq.gz" >/dev/null 2>&1
touch "$WORK/in_R1.fq.gz"
"$WGSKIT" wgs -t 1 --sample S -o "$WORK/out2" -r "$REF" -1 "$WORK/in_R1.fq.gz" -2 "$WORK/in_R2.fq.gz" >/dev/null 2>"$WORK/stderr4.txt"
grep -q 'map: skipped' "$WORK/stderr4.txt" && fail "a changed input did not invalidate the BAM" || pass "a changed input reruns the mapping"
# Another BAM level redoes the BAM: the same records (checked below), other compression.
size_default=$(stat -c %s "$WORK/out2/S.bam")
"$WGSKIT" wgs -t 1 -l 1 --sample S -o "$WORK/out2" -r "$REF" -1 "$WORK/in_R1.fq.gz" -2 "$WORK/in_R2.fq.gz" >/dev/null 2>"$WORK/stderr5.txt"
grep -q 'map: skipped' "$WORK/stderr5.txt" && fail "another --bam-level kept the BAM" || pass "another --bam-level redoes the BAM"
[ "$(stat -c %s "$WORK/out2/S.bam")" -gt "$size_default" ] && pass "--bam-level 1 writes a larger BAM" \
    || fail "--bam-level 1 did not change the BAM's size"
# 1 and 2 threads: the same records and figures.
if command -v samtools >/dev/null; then
    cmp -s <(samtools view "$WORK/out2/S.bam" | sed 's/RG:Z:S/RG:Z:x/') <(samtools view "$BAM" | sed 's/RG:Z:NA12878/RG:Z:x/') \
        && pass "identical records for 1 and 2 threads" || fail "records depend on the thread count"
fi
python3 - "$M" "$WORK/out2/S.metrics.json" <<'PY' && pass "identical figures for 1 and 2 threads" || fail "thread count changes figures"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
for k in ("reads", "alignment", "duplicates", "coverage", "kmers"):
    assert a[k] == b[k], k
PY

# SIGTERM in the middle: the run stops with an error and no output stands under a final name half-written.
zcat "$R1" > "$WORK/R1.fq"
zcat "$R2" > "$WORK/R2.fq"
for i in $(seq 1 12); do cat "$WORK/R1.fq"; done | gzip -1 > "$WORK/big_R1.fq.gz"
for i in $(seq 1 12); do cat "$WORK/R2.fq"; done | gzip -1 > "$WORK/big_R2.fq.gz"
"$WGSKIT" wgs -t 2 -K 500 --sample K -o "$WORK/killed" -r "$REF" -1 "$WORK/big_R1.fq.gz" -2 "$WORK/big_R2.fq.gz" \
    >/dev/null 2>"$WORK/killed.txt" &
pid=$!
for i in $(seq 1 100); do grep -q 'map: started' "$WORK/killed.txt" 2>/dev/null && break; sleep 0.1; done
sleep 1
kill -TERM $pid
rc=0; wait $pid || rc=$?
[ $rc -ne 0 ] && grep -q 'interrupted by SIGTERM' "$WORK/killed.txt" && pass "SIGTERM stops the run (exit $rc)" \
    || fail "SIGTERM: exit $rc, $(tail -2 "$WORK/killed.txt")"
left=$(ls -a "$WORK/killed" | grep -vE '^\.\.?$|\.wgsx$' || true)
[ -z "$left" ] && pass "nothing partial or temporary left after SIGTERM" || fail "left after SIGTERM: $left"
"$WGSKIT" wgs -t 2 --sample K -o "$WORK/killed" -r "$REF" -1 "$WORK/big_R1.fq.gz" -2 "$WORK/big_R2.fq.gz" >/dev/null 2>&1 \
    && samtools quickcheck "$WORK/killed/K.bam" && pass "the run completes after the interruption" || fail "rerun after SIGTERM"

# Broken inputs: a clear message naming the file, non-zero exit, no outputs under final names.
# --encrypt-to: every per-sample output only as crypt4gh, readable with the recipient's key.
"$WGSKIT" keygen -o "$WORK/recipient" >/dev/null 2>&1 || fail "keygen"
if "$WGSKIT" wgs -t 2 --sample E -o "$WORK/enc" -r "$REF" -1 "$R1" -2 "$R2" --encrypt-to "$WORK/recipient.pub" \
    >/dev/null 2>"$WORK/stderr_enc.txt"; then
    plain=$(ls "$WORK/enc" | grep '^E\.' | grep -v '\.c4gh$' || true)
    [ -z "$plain" ] && pass "--encrypt-to leaves no plaintext output" || fail "plaintext left: $plain"
    for f in E.bam E.bam.bai E.vcf.gz E.vcf.gz.tbi E.metrics.json E.report.html; do
        [ -s "$WORK/enc/$f.c4gh" ] || fail "--encrypt-to: $f.c4gh missing"
    done
    "$WGSKIT" decrypt -k "$WORK/recipient.sec" "$WORK/enc/E.bam.c4gh" -o "$WORK/enc_plain.bam" 2>/dev/null \
        || fail "decrypting the encrypted BAM"
    if command -v samtools >/dev/null; then
        cmp -s <(samtools view "$WORK/enc_plain.bam" | sed 's/RG:Z:E/RG:Z:x/') <(samtools view "$BAM" | sed 's/RG:Z:NA12878/RG:Z:x/') \
            && pass "decrypted BAM holds the same records" || fail "decrypted BAM differs"
    fi
else
    fail "wgs --encrypt-to: $(cat "$WORK/stderr_enc.txt")"
fi
expect_fail "--encrypt-to with a secret key" "recipient.sec" "$WGSKIT" wgs -o "$WORK/bad0" -r "$REF" -1 "$R1" -2 "$R2" \
    --encrypt-to "$WORK/recipient.sec"
[ -e "$WORK/bad0" ] && [ -n "$(ls "$WORK/bad0" 2>/dev/null)" ] && fail "a bad key still ran the workflow" || pass "a bad key fails before the run"
expect_fail "missing R2" "$WORK/nope_R2.fq.gz" "$WGSKIT" wgs -o "$WORK/bad1" -r "$REF" -1 "$R1" -2 "$WORK/nope_R2.fq.gz"
[ ! -e "$WORK/bad1/NA12878.chr22.metrics.json" ] && pass "no metrics after a failure" || fail "metrics written after a failure"
expect_fail "missing reference" "$WORK/none.fa" "$WGSKIT" wgs -o "$WORK/bad2" -r "$WORK/none.fa" -1 "$R1" -2 "$R2"

head -n 400 "$WORK/R2.fq" | gzip > "$WORK/short_R2.fq.gz"
expect_fail "R2 shorter than R1" "fewer records" "$WGSKIT" wgs -o "$WORK/bad3" -r "$REF" -1 "$R1" -2 "$WORK/short_R2.fq.gz"
# The index is a complete, reusable step output; a failed run leaves no BAM, metrics or temporary files.
ls -a "$WORK/bad3" 2>/dev/null | grep -vE '^\.\.?$|\.wgsx$' | grep -q . && fail "files left after a failed run: $(ls -a "$WORK/bad3")" \
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
