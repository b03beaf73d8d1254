#!/usr/bin/env python3
"""Exact reference for rmsetab's CSV output (see shared/SPEC.md, "The quantities").

reference.py [-b N] [-r epoch|never] [-t COLS] [-p COLS] [-w COL] [-e COL] [-d C] [-s] FILE...

COLS are 1-based column indices, comma separated (a-b ranges also accepted).  Every file has
a header line.  Default columns: -t = first half, -p = second half of the non-epoch,
non-weight columns.

Everything is computed in rational arithmetic from the parsed binary64 values and rounded
once at the end, so the output is the correctly rounded value rmsetab aims for.  This is
deliberately slow and simple: it is the yardstick, not a second implementation to tune.
"""
import argparse
import csv
import math
import sys
from fractions import Fraction

PREC = 200  # bits kept in square roots; far more than binary64 rounding ever needs


def sqrt_fraction(q):
    """sqrt(q) to PREC bits, with a sticky bit so float() of it is correctly rounded.

    r = isqrt(floor(q * 4^k)) gives r <= sqrt(q) * 2^k < r + 1.  If the root is not exact,
    r + 1/2 lies in the same open interval as the true root, and no binary64 rounding
    boundary can fall inside an interval that narrow, so both round to the same float.
    """
    a, b = q.numerator, q.denominator
    if a == 0:
        return Fraction(0)
    k = max(0, (2 * PREC - a.bit_length() + b.bit_length()) // 2 + 1)
    scaled, rem = divmod(a << (2 * k), b)
    r = math.isqrt(scaled)
    if rem == 0 and r * r == scaled:
        return Fraction(r, 1 << k)
    return Fraction(2 * r + 1, 1 << (k + 1))


def show(x):
    """One rounding to binary64, shortest round-trip text; None means undefined.

    A value that rounds beyond the largest double is infinite, as IEEE 754 rounds it."""
    if x is None:
        return "nan"
    try:
        return repr(float(x))
    except OverflowError:
        return "inf"


class Sums:
    """Weighted sum of squared errors and sum of weights over a set of rows."""

    def __init__(self):
        self.sse = Fraction(0)
        self.w = Fraction(0)
        self.rows = 0

    def add(self, sse, w, rows=1):
        self.sse += sse
        self.w += w
        self.rows += rows

    def rmse(self, d):
        return None if self.w == 0 else sqrt_fraction(self.sse / (d * self.w))


class MeanOfBatches:
    """Row-weighted mean of batch RMSEs, kept exact until printed."""

    def __init__(self):
        self.total = Fraction(0)
        self.rows = 0
        self.undefined = False

    def add(self, rmse, n):
        self.undefined |= rmse is None
        if rmse is not None:
            self.total += n * rmse
        self.rows += n

    def value(self):
        return None if self.undefined or self.rows == 0 else self.total / self.rows


def columns(text):
    out = []
    for part in text.split(","):
        lo, _, hi = part.partition("-")
        out += range(int(lo), int(hi or lo) + 1)
    if not out or min(out) < 1:
        raise ValueError(f"bad column list {text!r}")
    return [c - 1 for c in out]


def number(text, where):
    try:
        x = float(text)
    except ValueError:
        x = math.nan
    if not math.isfinite(x):
        sys.exit(f"reference.py: {where}: invalid number {text!r}")
    return x


def read_epochs(files, delim, tcols, pcols, wcol, ecol):
    """Yield (label, D, rows) per epoch, rows = [(w * sum_j e_j, w)] as exact Fractions."""
    count = 0
    for name in files:
        with open(name, newline="", encoding="utf-8-sig") as f:
            reader = csv.reader(f, delimiter=delim)
            header = next(reader, None)
            t_idx, p_idx = tcols, pcols
            if header is not None and t_idx is None:
                # Default pairing: first half true, second half predicted.
                rest = [i for i in range(len(header)) if i not in (wcol, ecol)]
                t_idx, p_idx = rest[: len(rest) // 2], rest[len(rest) // 2:]
            if not t_idx or len(t_idx) != len(p_idx):
                sys.exit(f"reference.py: {name}: need equally many (>0) true and pred columns")
            label, rows = None, []
            for rec in reader:
                where = f"{name}:{reader.line_num}"
                if ecol is not None and rows and rec[ecol] != label:
                    yield label, len(t_idx), rows
                    rows = []
                if not rows:
                    count += 1
                    label = rec[ecol] if ecol is not None else str(count)
                try:
                    w = 1.0 if wcol is None else number(rec[wcol], where)
                    # Exact: Fraction(float) is the binary64 value itself.
                    sse = sum((Fraction(number(rec[p], where))
                               - Fraction(number(rec[t], where))) ** 2
                              for t, p in zip(t_idx, p_idx))
                except IndexError:
                    sys.exit(f"reference.py: {where}: too few fields")
                if w < 0:
                    sys.exit(f"reference.py: {where}: negative weight")
                rows.append((Fraction(w) * sse, Fraction(w)))
            if not rows:
                sys.exit(f"reference.py: {name}: no data rows")
            yield label, len(t_idx), rows


def main():
    ap = argparse.ArgumentParser(usage=__doc__.splitlines()[2].strip())
    ap.add_argument("-b", type=int, metavar="N", default=32)
    ap.add_argument("-r", choices=["epoch", "never"], default="epoch")
    ap.add_argument("-t", type=columns, metavar="COLS")
    ap.add_argument("-p", type=columns, metavar="COLS")
    ap.add_argument("-w", type=columns, metavar="COL")
    ap.add_argument("-e", type=columns, metavar="COL")
    ap.add_argument("-d", default=",", metavar="C")
    ap.add_argument("-s", action="store_true")
    ap.add_argument("files", nargs="+", metavar="FILE")
    a = ap.parse_args()
    if a.b < 1 or (a.t is None) != (a.p is None):
        ap.error("-b must be >= 1; give -t and -p together")
    wcol = a.w[0] if a.w else None
    ecol = a.e[0] if a.e else None

    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["kind", "epoch", "batch", "rows", "rmse", "mean_batch_rmse", "running_rmse"])
    run, everything, means = Sums(), Sums(), MeanOfBatches()
    epochs = 0
    for label, d, rows in read_epochs(a.files, a.d, a.t, a.p, wcol, ecol):
        epochs += 1
        if a.r == "epoch":
            run, means = Sums(), MeanOfBatches()
        epoch = Sums()
        for start in range(0, len(rows), a.b):
            batch = Sums()
            for sse, w in rows[start:start + a.b]:
                batch.add(sse, w)
            for acc in (run, epoch, everything):
                acc.add(batch.sse, batch.w, batch.rows)
            rmse = batch.rmse(d)
            means.add(rmse, batch.rows)
            if not a.s:
                out.writerow(["batch", label, start // a.b + 1, batch.rows,
                              show(rmse), show(means.value()), show(run.rmse(d))])
        out.writerow(["epoch", label, "", epoch.rows,
                      show(epoch.rmse(d)), show(means.value()), show(run.rmse(d))])
    if epochs > 1:
        out.writerow(["total", "", "", everything.rows,
                      show(everything.rmse(d)), show(means.value()), show(run.rmse(d))])


if __name__ == "__main__":
    main()
