# wgskit call on a BAM built here (samtools): a planted het SNP, hom SNP and a het deletion in a repeat that the
# reads place differently; output checked with bcftools view / norm -c e, tabix regions, thread-count
# independence, gVCF, and clear errors on bad input. Skipped (with a note) without samtools, bcftools, tabix, python3.
source "$(dirname "$0")/common.bash"

for tool in samtools bcftools tabix python3; do
    command -v $tool >/dev/null || { echo "skip: $tool absent"; exit 0; }
done

# Reference: chrT (3 kb, random, AC repeat at 1000..1011 (0-based)) and chrU (2 kb); reads every 4 bp from two
# haplotypes; hap 1: SNP A>G at 500 (het), both: C>T at 700 (hom), hap 1: deletion of one AC unit, placed at the
# left end of the repeat for half of the reads and at the right end for the others.
python3 - "$WORK" <<'EOF'
import random, sys
work = sys.argv[1]
rng = random.Random(5)
ref = [rng.choice("ACGT") for _ in range(3000)]
ref[999:1013] = list("GACACACACACACT")
ref[500] = "A"; ref[700] = "C"
ref = "".join(ref)
chru = "".join(rng.choice("ACGT") for _ in range(2000))
with open(work + "/ref.fa", "w") as f:
    f.write(">chrT\n")
    for i in range(0, len(ref), 60): f.write(ref[i:i+60] + "\n")
    f.write(">chrU\n")
    for i in range(0, len(chru), 60): f.write(chru[i:i+60] + "\n")
hap2 = ref[:700] + "T" + ref[701:]
hap1 = hap2[:500] + "G" + hap2[501:]
hap1 = hap1[:1000] + hap1[1002:]
out = open(work + "/reads.sam", "w")
out.write("@HD\tVN:1.6\tSO:unsorted\n@SQ\tSN:chrT\tLN:3000\n@SQ\tSN:chrU\tLN:2000\n@RG\tID:rg1\tSM:SAMPLE1\n")
n = 0
for start in range(0, 3000 - 150 - 4, 4):
    for h in (0, 1):
        n += 1
        hap = hap1 if h == 0 else hap2
        seq = hap[start:start + 150]
        if len(seq) < 150: continue
        pos, cigar = start, "150M"
        if h == 0 and start >= 1000: pos = start + 2
        elif h == 0 and start + 150 > 1000:
            gap = 1000 if n % 4 < 2 else 1010
            if start + 150 > gap: cigar = "%dM2D%dM" % (gap - start, 150 - (gap - start))
        flag = 16 if n % 3 == 0 else 0
        out.write("r%d\t%d\tchrT\t%d\t60\t%s\t*\t0\t0\t%s\t%s\tRG:Z:rg1\n" % (n, flag, pos + 1, cigar, seq, "?" * 150))
EOF
samtools sort -o "$WORK/in.bam" "$WORK/reads.sam" 2>/dev/null && samtools index "$WORK/in.bam"
REF=$WORK/ref.fa

"$WGSKIT" call -f "$REF" -o "$WORK/t1.vcf.gz" "$WORK/in.bam" 2>"$WORK/err.txt" && pass "call" || fail "call: $(cat "$WORK/err.txt")"
[ -f "$WORK/t1.vcf.gz.tbi" ] && pass ".tbi written" || fail "no .tbi"
bcftools view "$WORK/t1.vcf.gz" >"$WORK/t1.vcf" 2>"$WORK/bv.err" && [ ! -s "$WORK/bv.err" ] && pass "bcftools view: no warnings" || fail "bcftools view: $(cat "$WORK/bv.err")"
bcftools norm -c e -f "$REF" "$WORK/t1.vcf.gz" -o /dev/null 2>"$WORK/norm.err"; rc=$?
grep -v "^Lines " "$WORK/norm.err" >"$WORK/norm.err2" || true
[ $rc -eq 0 ] && [ ! -s "$WORK/norm.err2" ] && pass "bcftools norm -c e: REF matches, no warnings" || fail "bcftools norm: $(cat "$WORK/norm.err")"
calls=$(bcftools query -f '%CHROM:%POS:%REF:%ALT:%FILTER[:%GT]\n' "$WORK/t1.vcf.gz")
[ "$calls" = "chrT:501:A:G:PASS:0/1
chrT:701:C:T:PASS:1/1
chrT:1000:GAC:G:PASS:0/1" ] && pass "het SNP, hom SNP, het deletion (both placements) called" || fail "calls: $calls"
grep -q "^#CHROM.*FORMAT	SAMPLE1$" "$WORK/t1.vcf" && pass "sample from @RG SM" || fail "sample name"
for h in '##contig=<ID=chrT,length=3000>' '##contig=<ID=chrU,length=2000>' '##source=wgskit' '##reference=' '##commandline=' '##FILTER=<ID=LowQual' '##FORMAT=<ID=PL' '##INFO=<ID=MQ'; do
    grep -qF "$h" "$WORK/t1.vcf" && pass "header: $h" || fail "header lacks $h"
done
n=$(tabix "$WORK/t1.vcf.gz" chrT:400-800 | wc -l)
[ "$n" -eq 2 ] && pass "tabix region query" || fail "tabix chrT:400-800 gave $n records"

# Threads and chunking: identical bytes.
"$WGSKIT" call -t 2 --chunk 1000 -f "$REF" -o "$WORK/t2.vcf.gz" "$WORK/in.bam" 2>/dev/null
"$WGSKIT" call -t 1 --chunk 1000 -f "$REF" -o "$WORK/t1c.vcf.gz" "$WORK/in.bam" 2>/dev/null
# (##commandline records -t, so compare the rest)
cmp -s <(zcat "$WORK/t2.vcf.gz" | grep -v '^##commandline') <(zcat "$WORK/t1c.vcf.gz" | grep -v '^##commandline') && pass "-t 1 and -t 2 give identical output" || fail "-t 1 and -t 2 differ"
cmp -s <(zcat "$WORK/t1.vcf.gz" | grep -v '^##commandline') <(zcat "$WORK/t2.vcf.gz" | grep -v '^##commandline') && pass "1 kb chunks give the same records" || fail "chunking changes the records"

# Regions.
"$WGSKIT" call -r chrT:600-2000 -f "$REF" -o "$WORK/r.vcf.gz" "$WORK/in.bam" 2>/dev/null
[ "$(bcftools view -H "$WORK/r.vcf.gz" | wc -l)" -eq 2 ] && pass "-r restricts the calls" || fail "-r: $(bcftools view -H "$WORK/r.vcf.gz")"

# gVCF.
"$WGSKIT" call --gvcf -f "$REF" -o "$WORK/g.vcf.gz" "$WORK/in.bam" 2>"$WORK/err.txt" && pass "gvcf" || fail "gvcf: $(cat "$WORK/err.txt")"
bcftools view "$WORK/g.vcf.gz" >"$WORK/g.vcf" 2>"$WORK/bv.err" && [ ! -s "$WORK/bv.err" ] && pass "gVCF: bcftools view without warnings" || fail "gVCF view: $(cat "$WORK/bv.err")"
grep -q "<\*>.*END=" "$WORK/g.vcf" && grep -q "MIN_DP" "$WORK/g.vcf" && pass "gVCF blocks with END and MIN_DP" || fail "no gVCF blocks"
covered=$(bcftools query -f '%POS\t%END\n' "$WORK/g.vcf.gz" -r chrT | awk '{s += $2 - $1 + 1} END {print s}')
[ "$covered" -ge 3000 ] && pass "gVCF covers chrT ($covered bases incl. the deletion's REF)" || fail "gVCF covers $covered"

# Bad input.
expect_fail "missing BAM" "cannot open" "$WGSKIT" call -f "$REF" -o "$WORK/x.vcf.gz" "$WORK/none.bam"
cp "$WORK/in.bam" "$WORK/noidx.bam"
expect_fail "missing index" "samtools index" "$WGSKIT" call -f "$REF" -o "$WORK/x.vcf.gz" "$WORK/noidx.bam"
printf ">chrT\nACGT\n" >"$WORK/wrong.fa"
expect_fail "wrong reference" "is not the reference of" "$WGSKIT" call -f "$WORK/wrong.fa" -o "$WORK/x.vcf.gz" "$WORK/in.bam"
expect_fail "bad region" "chrZ" "$WGSKIT" call -r chrZ:1-10 -f "$REF" -o "$WORK/x.vcf.gz" "$WORK/in.bam"
[ ! -e "$WORK/x.vcf.gz" ] && pass "no output left after errors" || fail "partial output left behind"
finish
