#!/usr/bin/env python3
"""Agreement of a mapper's primary placements with a reference mapper's (e.g. wgskit map against bwa mem).

    scripts/sam-concordance.py OURS.sam THEIRS.sam [--names wgskit,bwa] [--tol 10] [--mapq 0,20,60]
                               [--min-mapped F] [--min-agree F]

Per mapper: mapped and properly paired fractions of the primary records. Then for each MAPQ threshold: the
reads the reference mapper places with at least that MAPQ, and the fraction ours places on the same contig
within --tol bp of its position. --min-mapped / --min-agree make it a check (exit 1 when ours maps less than
that fraction of its reads, or agrees on less than that fraction at the first MAPQ threshold above 0, or at 0
when it is the only one). Reads are keyed by name and mate (flags 0x40/0x80); secondary and supplementary
records are ignored.
"""
import argparse
import sys


def load(path):
    recs = {}
    with open(path) as f:
        for line in f:
            if line.startswith('@'):
                continue
            f_ = line.split('\t', 5)
            flag = int(f_[1])
            if flag & 0x900:
                continue
            recs[(f_[0], flag & 0xC0)] = (flag, f_[2], int(f_[3]), int(f_[4]))
    return recs


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('ours')
    ap.add_argument('theirs')
    ap.add_argument('--names', default='wgskit,bwa mem')
    ap.add_argument('--tol', type=int, default=10)
    ap.add_argument('--mapq', default='0,20,60')
    ap.add_argument('--min-mapped', type=float)
    ap.add_argument('--min-agree', type=float)
    a = ap.parse_args()
    names = a.names.split(',')
    ours, theirs = load(a.ours), load(a.theirs)
    if not ours or not theirs:
        sys.exit('sam-concordance: no primary records in ' + (a.ours if not ours else a.theirs))
    for name, d in ((names[0], ours), (names[1], theirs)):
        mapped = sum(1 for v in d.values() if not v[0] & 4)
        proper = sum(1 for v in d.values() if v[0] & 2)
        print(f"{name:10s} reads {len(d)}  mapped {mapped / len(d):.4f}  properly paired {proper / len(d):.4f}")
    thresholds = [int(x) for x in a.mapq.split(',')]
    agreement = {}
    for lo in thresholds:
        n = agree = 0
        for k, (fl, contig, pos, q) in theirs.items():
            if fl & 4 or q < lo:
                continue
            n += 1
            o = ours.get(k)
            agree += bool(o and not o[0] & 4 and o[1] == contig and abs(o[2] - pos) <= a.tol)
        agreement[lo] = agree / n if n else 1.0
        print(f"{names[1]} MAPQ >= {lo:2d}: {n} reads, {names[0]} within {a.tol} bp: {agree} ({agreement[lo]:.4f})")
    ok = True
    mapped_frac = sum(1 for v in ours.values() if not v[0] & 4) / len(ours)
    if a.min_mapped is not None and mapped_frac < a.min_mapped:
        print(f"check failed: {names[0]} maps {mapped_frac:.4f} < {a.min_mapped}")
        ok = False
    if a.min_agree is not None:
        lo = next((t for t in thresholds if t > 0), thresholds[0])
        if agreement[lo] < a.min_agree:
            print(f"check failed: agreement at MAPQ >= {lo} is {agreement[lo]:.4f} < {a.min_agree}")
            ok = False
    sys.exit(0 if ok else 1)


if __name__ == '__main__':
    main()
