#!/usr/bin/env python3
"""Deterministic CSV test data for rmsetab.

gen.py --seed N --rows R --pairs D [--weights] [--epoch-col] [--epochs K] [--delim C]

Output depends only on the arguments (one random.Random(seed), no global state), so a
failing case can be regenerated exactly.  Values are printed with repr() so the file holds
exactly the binary64 numbers the reference saw.
"""
import argparse
import csv
import random
import sys


def value(rng):
    # Magnitudes from 1e-3 to 1e3 mixed in one column make naive float sums lose bits,
    # which is what the exact reference is meant to catch.
    return rng.gauss(0.0, 1.0) * 10.0 ** rng.randint(-3, 3)


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
    a = ap.parse_args()
    if a.rows < 0 or a.pairs < 1 or a.epochs < 1 or len(a.delim) != 1:
        ap.error("need --rows >= 0, --pairs >= 1, --epochs >= 1, one-character --delim")

    rng = random.Random(a.seed)
    out = csv.writer(sys.stdout, delimiter=a.delim, lineterminator="\n")
    out.writerow((["epoch"] if a.epoch_col else [])
                 + [f"true_{j}" for j in range(a.pairs)]
                 + [f"pred_{j}" for j in range(a.pairs)]
                 + (["w"] if a.weights else []))
    for i in range(a.rows):
        t = [value(rng) for _ in range(a.pairs)]
        # Predictions near the truth, with an error of independent magnitude: the
        # differences p - t then range from exact cancellation to dominated by one side.
        p = [x + value(rng) for x in t]
        row = [f"e{i * a.epochs // a.rows + 1}"] if a.epoch_col else []
        row += [repr(x) for x in t + p]
        if a.weights:
            row.append(repr(weight(rng)))
        out.writerow(row)


if __name__ == "__main__":
    main()
