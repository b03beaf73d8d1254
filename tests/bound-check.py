#!/usr/bin/env python3
"""bound-check.py PAIRS EXACT.csv ACTUAL.csv

r2, bias and max_error as rmsetab printed them (ACTUAL, its -f csv) against their exact
values (EXACT, tests/reference.py --exact with the same options and -c holding mae, r2,
bias and max_error), where the sums cannot always be exact: values of every magnitude,
weights from 1e-300 to 1e300.  The man page (Accuracy) states the bounds, with
eps = (p^2 + 2048 n) * 2^-104 for p PAIRS and the n rows of the line:

  max_error  the double nearest its exact value, always;
  bias       the double nearest a value within eps * mae of its exact value;
  r2         the double nearest a value within 4 * (1 - r2) * eps of its exact value.

A printed value passes when it lies between the roundings of the two ends of that range
(rounding keeps the order).  Prints how many values were the nearest double and how many
only within the bound; exits 1 on any failure, 2 on a usage error.
"""
import csv
import math
import sys
from fractions import Fraction

LABELS = 4  # kind, epoch, batch, rows


def rounded(x):
    """X rounded to the nearest double, infinite beyond the largest."""
    try:
        return float(x)
    except OverflowError:
        return math.inf if x > 0 else -math.inf


def exact(text):
    return None if text == "nan" else Fraction(text)


def check(col, got, x, mae, eps):
    """None if GOT is right for the exact X, else why not; and whether it is the nearest."""
    if x is None or math.isnan(got):
        return (None if x is None and math.isnan(got) else "nan on one side only"), True
    if got == rounded(x):
        return None, True
    if col == "bias" and mae is not None:
        slack = eps * mae
    elif col == "r2":
        slack = 4 * (1 - x) * eps
    else:
        return f"{got!r}, not the nearest double {rounded(x)!r}", False
    lo, hi = rounded(x - slack), rounded(x + slack)
    if lo <= got <= hi:
        return None, False
    return f"{got!r}, outside [{lo!r}, {hi!r}] around {float(x)!r}", False


def main():
    # Exact values of extreme inputs have thousands of digits.
    if hasattr(sys, "set_int_max_str_digits"):
        sys.set_int_max_str_digits(0)
    if len(sys.argv) != 4 or not sys.argv[1].isdigit():
        print(__doc__.splitlines()[0], file=sys.stderr)
        sys.exit(2)
    pairs = int(sys.argv[1])
    with open(sys.argv[2], newline="") as f:
        exp = list(csv.reader(f))
    with open(sys.argv[3], newline="") as f:
        act = list(csv.reader(f))
    head = exp[0] if exp else []
    if len(exp) < 2 or exp[0] != (act[0] if act else None) or len(exp) != len(act) or \
            not {"mae", "r2", "bias", "max_error"} <= set(head):
        print("bound-check.py: not the same lines, or not the columns mae, r2, bias and "
              "max_error", file=sys.stderr)
        sys.exit(2)
    failed, nearest, within = [], 0, 0
    # With -g, a group column after kind is a label too.
    labels = LABELS + (head[1:2] == ["group"])
    for e, a in zip(exp[1:], act[1:]):
        if e[:labels] != a[:labels]:
            failed.append(f"line {','.join(e[:labels])}: found {','.join(a[:labels])}")
            continue
        eps = Fraction(pairs * pairs + 2048 * int(e[head.index("rows")]), 2 ** 104)
        mae = exact(e[head.index("mae")])
        for col in ("r2", "bias", "max_error"):
            i = head.index(col)
            why, best = check(col, float(a[i]), exact(e[i]), mae, eps)
            if why:
                failed.append(f"line {','.join(e[:labels])} {col}: {why}")
            elif best:
                nearest += 1
            else:
                within += 1
    for line in failed:
        print(line)
    print(f"bound-check: {nearest} values the nearest double, {within} within the bound, "
          f"{len(failed)} wrong")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
