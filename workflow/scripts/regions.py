#!/usr/bin/env python3
"""Calling chunks from a FASTA index: contigs longer than SIZE bp are cut into SIZE-bp regions; shorter contigs
are packed together (in reference order) until a chunk holds SIZE bp, so that thousands of small contigs (alts,
decoys) do not become thousands of jobs. Chunks keep reference order, so gathering them in chunk order gives a
sorted VCF.

usage: regions.py REF.fa.fai SIZE OUT.tsv
OUT.tsv: one line a chunk, "chunkNNNNN<TAB>region[ region...]" with samtools-style 1-based regions (ctg:beg-end;
a name holding ':' (GRCh38 HLA contigs) still parses, as samtools and wgskit split at the last ':').
"""
import os
import sys


def chunks(contigs, size):
    current, filled = [], 0
    for name, length in contigs:
        if length > size:
            if current:
                yield current
                current, filled = [], 0
            for beg in range(0, length, size):
                yield [f"{name}:{beg + 1}-{min(beg + size, length)}"]
            continue
        if current and filled + length > size:
            yield current
            current, filled = [], 0
        current.append(f"{name}:1-{length}")
        filled += length
    if current:
        yield current


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    fai, size, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    if size < 1:
        sys.exit(f"regions.py: region size must be positive, got {size}")
    contigs = []
    with open(fai) as f:
        for number, line in enumerate(f, 1):
            fields = line.rstrip("\n").split("\t")
            if len(fields) < 2 or not fields[1].isdigit():
                sys.exit(f"regions.py: {fai}: line {number}: not a FASTA index line")
            if int(fields[1]) > 0:
                contigs.append((fields[0], int(fields[1])))
    if not contigs:
        sys.exit(f"regions.py: {fai}: no contigs")
    tmp = out + ".tmp"
    with open(tmp, "w") as f:
        for i, regions in enumerate(chunks(contigs, size)):
            f.write(f"chunk{i:05d}\t{' '.join(regions)}\n")
    os.replace(tmp, out)


if __name__ == "__main__":
    main()
