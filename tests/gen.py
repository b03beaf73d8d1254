#!/usr/bin/env python3
"""Deterministic CSV test data for rmsetab.

gen.py --seed N --rows R --pairs D [--weights] [--epoch-col] [--epochs K] [--delim C] [--extreme]
       [--offset X] [--groups G]

Output depends only on the arguments (one random.Random(seed), no global state), so a
failing case can be regenerated exactly.  Values are printed with repr() so the file holds
exactly the binary64 numbers the reference saw.
"""
import argparse
import csv
import math
import random
import sys


def value(rng):
    # Magnitudes from 1e-3 to 1e3 mixed in one column make naive float sums lose bits,
    # which is what the exact reference is meant to catch.
    return rng.gauss(0.0, 1.0) * 10.0 ** rng.randint(-3, 3)


# Binary exponent ranges: subnormals, tiny, ordinary, huge, and near the largest double.
REGIMES = [(-1075, -1040), (-700, -600), (-20, 20), (600, 700), (1021, 1023)]


def extreme(rng, regime):
    # Either sign, and some zeros of either sign: squares and sums that binary64
    # cannot hold unscaled, and errors p - t beyond the largest double.
    if rng.random() < 0.05:
        return rng.choice([0.0, -0.0])
    lo, hi = REGIMES[regime]
    # (uniform may round up to 2.0, which at 2^1023 would not be a double.)
    m = min(rng.uniform(1.0, 2.0), 2.0 - 2.0 ** -52)
    return math.ldexp(m, rng.randint(lo, hi)) * rng.choice([1, -1])


def weight(rng):
    # Exact zeros matter: they take part in row counts but not in weight sums.
    return rng.choice([0.0, 0.0, 0.5, 1.0, 1.25, 3.0, rng.uniform(0.0, 10.0)])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--rows", type=int, required=True)
    ap.add_argument("--pairs", type=int, required=True)
    ap.add_argument("--weights", action="store_true")
    ap.add_argument("--epoch-col", action="store_true")
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--delim", default=",")
    ap.add_argument("--extreme", action="store_true",
                    help="values and weights of any magnitude, independent of each other")
    ap.add_argument("--offset", type=float, metavar="X",
                    help="true values near X (the pairs alternate X and -X), spread about 1")
    ap.add_argument("--groups", type=int, metavar="G",
                    help="a last column, group, of G keys in no order (for -g)")
    a = ap.parse_args()
    if a.rows < 0 or a.pairs < 1 or a.epochs < 1 or len(a.delim) != 1:
        ap.error("need --rows >= 0, --pairs >= 1, --epochs >= 1, one-character --delim")

    rng = random.Random(a.seed)
    # Its own generator: the other columns are the same with or without --groups.
    grng = random.Random(-a.seed)
    out = csv.writer(sys.stdout, delimiter=a.delim, lineterminator="\n")
    out.writerow((["epoch"] if a.epoch_col else [])
                 + [f"true_{j}" for j in range(a.pairs)]
                 + [f"pred_{j}" for j in range(a.pairs)]
                 + (["w"] if a.weights else [])
                 + (["group"] if a.groups else []))
    for i in range(a.rows):
        # Runs of 7 rows share a range, so that some batches hold only subnormals
        # and some only values near the largest double.
        regime = i // 7 % len(REGIMES)
        if a.extreme:
            t = [extreme(rng, regime) for _ in range(a.pairs)]
            p = [extreme(rng, regime) for _ in range(a.pairs)]
        elif a.offset is not None:
            # Sums of t and t^2 cancel to nothing there: r2 needs the spread around
            # the mean.  Predictions a little high, so that the bias is not near 0.
            t = [(a.offset if j % 2 == 0 else -a.offset) + rng.gauss(0.0, 1.0)
                 for j in range(a.pairs)]
            p = [x + rng.gauss(0.1, 0.5) for x in t]
        else:
            t = [value(rng) for _ in range(a.pairs)]
            # Predictions near the truth, with an error of independent magnitude: the
            # differences p - t then range from exact cancellation to dominated by one side.
            p = [x + value(rng) for x in t]
        row = [f"e{i * a.epochs // a.rows + 1}"] if a.epoch_col else []
        w = None
        if a.weights and a.offset is not None and i % 50 == 0:
            # A row far off with a weight next to nothing: a mean taken around its value
            # would be far from the others'.
            t = [x + 1e6 for x in t]
            w = 1e-300
        row += [repr(x) for x in t + p]
        if a.weights:
            row.append(repr(w if w is not None else abs(extreme(rng, rng.randrange(len(REGIMES))))
                            if a.extreme else weight(rng)))
        if a.groups:
            row.append(f"k{grng.randrange(a.groups)}")
        out.writerow(row)


if __name__ == "__main__":
    main()
