#!/usr/bin/env python3
"""The cohort summary table: one row a sample, from each sample's metrics files.

usage: cohort_summary.py OUT.tsv SAMPLE READS_JSON FLAGSTAT_JSON BCFTOOLS_STATS [SAMPLE ... (four per sample)]

READS_JSON     `wgskit stats --json` of the sample's FASTQ pair (records per input file)
FLAGSTAT_JSON  `samtools flagstat -O json` of the duplicate-marked BAM
BCFTOOLS_STATS `bcftools stats` of the gathered VCF

Columns: sample, reads (FASTQ records, both mates), mapping_rate (primary mapped / primary alignments),
duplicate_rate (primary duplicates / primary mapped), variants (VCF records), snps, indels, ts_tv.
"""
import json
import os
import sys

COLUMNS = ("sample", "reads", "mapping_rate", "duplicate_rate", "variants", "snps", "indels", "ts_tv")


def read_count(path):
    with open(path) as f:
        data = json.load(f)
    inputs = data.get("inputs")
    if not isinstance(inputs, list) or not inputs:
        raise ValueError(f"{path}: no 'inputs' list (not `wgskit stats --json` output)")
    return sum(int(i["records"]) for i in inputs)


def flagstat(path):
    with open(path) as f:
        data = json.load(f)
    passed = data.get("QC-passed reads")
    if passed is None:
        raise ValueError(f"{path}: no 'QC-passed reads' (not `samtools flagstat -O json` output)")
    primary = passed.get("primary", passed["total"])
    mapped = passed.get("primary mapped", passed["mapped"])
    dups = passed.get("primary duplicates", passed["duplicates"])
    return (mapped / primary if primary else 0.0), (dups / mapped if mapped else 0.0)


def vcf_stats(path):
    counts = {}
    ts_tv = None
    with open(path) as f:
        for line in f:
            fields = line.rstrip("\n").split("\t")
            if fields[0] == "SN" and len(fields) >= 4:
                counts[fields[2].rstrip(":")] = int(fields[3])
            elif fields[0] == "TSTV" and len(fields) >= 5 and ts_tv is None:
                ts, tv = int(fields[2]), int(fields[3])
                ts_tv = ts / tv if tv else None
    if "number of records" not in counts:
        raise ValueError(f"{path}: no 'SN number of records' line (not `bcftools stats` output)")
    return counts["number of records"], counts.get("number of SNPs", 0), counts.get("number of indels", 0), ts_tv


def main():
    args = sys.argv[2:]
    if len(sys.argv) < 3 or len(args) % 4:
        sys.exit(__doc__)
    out = sys.argv[1]
    rows = []
    for k in range(0, len(args), 4):
        sample, reads_json, flagstat_json, stats_txt = args[k:k + 4]
        try:
            reads = read_count(reads_json)
            mapping_rate, duplicate_rate = flagstat(flagstat_json)
            variants, snps, indels, ts_tv = vcf_stats(stats_txt)
        except (OSError, ValueError, KeyError) as e:
            sys.exit(f"cohort_summary.py: sample {sample}: {e}")
        rows.append((sample, str(reads), f"{mapping_rate:.4f}", f"{duplicate_rate:.4f}", str(variants), str(snps),
                     str(indels), "NA" if ts_tv is None else f"{ts_tv:.3f}"))
    tmp = out + ".tmp"
    with open(tmp, "w") as f:
        f.write("\t".join(COLUMNS) + "\n")
        for row in rows:
            f.write("\t".join(row) + "\n")
    os.replace(tmp, out)


if __name__ == "__main__":
    main()
