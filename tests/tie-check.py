#!/usr/bin/env python3
"""tie-check.py RMSETAB: rmsetab's last rounding, on inputs built to be on ties or near.

Each value rmsetab prints is a double; the exact value X comes from tests/reference.py
--exact.  Inputs are made (deterministically) so that X is a point halfway between two
doubles, a tie, or lies within about 2^-100 of one, where double-double sums cannot tell
which way X rounds:

  row-ties   rows whose error p - t is a tie (about one in thirty of random decimals is),
             each row its own epoch, weights 1, 0.1, 2.25, 3 or 7, -b 1: a row's rmse is
             |p - t|, but its square has more bits than a double-double holds.
  mse-tie    weights S on an error of 1 and W - S on 0, S / W = A / 2^54 exactly (A odd,
             54 bits), over three rows: mse and mae are a tie.
  rmse-tie   rows (x, weight 1) and (y, weight 3) with x^2 + 3 y^2 = K^2, K odd:
             rmse = K / 2 exactly, a tie.
  mse-near   S / W = A / 2^63 + 1 / (W 2^63): mse just above or below a halfway point;
             S and W integers below 2^63, each split over two rows.
  rmse-near  S / W a convergent of (A / 2^54)^2 with W < 2^53: rmse within 2^-106.
  sticky     a row whose squared error is a halfway point and one of error 1e-150:
             the exact sum needs more bits than double-double has.
  extreme    weights 1e300 and 1e-300 together, -b 3: sums that drop bits too.

The man page (Accuracy) states the bound: every value, in every kind, is the double
nearest X or its neighbour across a halfway point H with |X - H| <= eps * X,
eps = (p^2 + 2048 n) * 2^-104 for p pairs and n rows ("bound" below).  Within it, a value
within 2^-105 of a halfway point is taken as a tie and rounds to even: the columns that
are exact ties in the first three kinds must come out so ("strict").  Prints one line
per input and exits 1 on any failure, 2 on a usage error.
"""
import math
import os
import random
import subprocess
import sys
import tempfile
from fractions import Fraction

HERE = os.path.dirname(os.path.abspath(__file__))
ALL = ("rmse,mean_batch_rmse,running_rmse,row_loss,mean_row_loss,mse,running_mse,mae,"
       "running_mae,per_output,uniform_rmse,weight")
# The columns that are exact ties in each kind that has them (and the weight, a sum of
# a few doubles that a double-double holds).
STRICT = {
    "row-ties": {"rmse", "running_rmse", "mean_batch_rmse", "mae", "running_mae",
                 "rmse[t]", "uniform_rmse", "weight"},
    "mse-tie": {"mse", "running_mse", "mae", "running_mae", "weight"},
    "rmse-tie": {"rmse", "running_rmse", "rmse[t]", "weight"},
}
WEIGHTS = [1.0, 0.1, 2.25, 3.0, 7.0]
BIG = Fraction(2) ** 1024  # the "double" above the largest: halfway to it rounds to inf


def split(n, bits=20):
    """n >= 0 as two non-negative integers that are each a double."""
    hi = n >> bits << bits
    return [hi, n - hi]


def convergent(x, qmax):
    """The last continued-fraction convergent p/q of x with q <= qmax."""
    a, b = x.numerator, x.denominator
    p0, q0, p1, q1 = 0, 1, 1, 0
    best = None
    while b:
        t = a // b
        p2, q2 = t * p1 + p0, t * q1 + q0
        if q2 > qmax:
            break
        best = (p2, q2)
        p0, q0, p1, q1 = p1, q1, p2, q2
        a, b = b, a - t * b
    return best


def is_tie(x):
    """Whether the Fraction x > 0 is halfway between two doubles."""
    c = float(x)
    return any(x == (Fraction(c) + Fraction(n)) / 2
               for n in (math.nextafter(c, 0.0), math.nextafter(c, math.inf)))


def make(kind, rng):
    """(rows, batch size, the column that must be on or near a tie or None); rows are
    (t, p, w) with p - t the error."""
    a = rng.randrange(2 ** 53, 2 ** 54) | 1  # odd, 54 bits: A / 2^k is a halfway point
    if kind == "row-ties":
        rows = []
        while len(rows) < 60:
            t = round(rng.uniform(-10, 10), rng.randint(1, 4)) * 10 ** rng.randint(-3, 2)
            p = round(rng.uniform(-10, 10), rng.randint(1, 4)) * 10 ** rng.randint(-3, 2)
            if p != t and is_tie(abs(Fraction(p) - Fraction(t))):
                rows.append((t, p, rng.choice(WEIGHTS)))
        return rows, 1, "rmse"
    if kind == "mse-near":
        k, sign = 63, rng.choice([1, -1])
        w = (-sign * pow(a, -1, 2 ** k)) % 2 ** k
        s = (a * w + sign) // 2 ** k
        assert s * 2 ** k == a * w + sign
        return [(0, 1, x) for x in split(s)] + [(0, 0, x) for x in split(w - s)], 4, "mse"
    if kind == "mse-tie":
        # S = A * 2^(j-54) over two rows, W = 2^j: S / W = A / 2^54.
        unit = Fraction(2) ** (rng.randrange(40, 60) - 54)
        rows = [(0, 1, (a - 1) * unit), (0, 1, unit), (0, 0, (2 ** 54 - a) * unit)]
        return rows, 3, "mse"
    if kind == "rmse-near":
        # Some A have no convergent that close below 2^53: another A then.
        while True:
            square = Fraction(a * a, 2 ** 108)
            s, w = convergent(square, 2 ** 53 - 1)
            if abs(Fraction(s, w) - square) < square / 2 ** 104:
                return [(0, 1, s), (0, 0, w - s)], 2, "rmse"
            a = rng.randrange(2 ** 53, 2 ** 54) | 1
    if kind == "rmse-tie":
        while True:
            b = rng.randrange(2 ** 23, 2 ** 24) * 2
            lo = math.isqrt(2 ** 53 - 3 * b * b)
            x = rng.randrange(lo, math.isqrt(int(2 ** 53.5) - 3 * b * b)) | 1
            big = x * x + 3 * b * b
            if 2 ** 53 <= big < int(2 ** 53.5) and abs(x * x - 3 * b * b) < 2 ** 53:
                return [(0, x * x - 3 * b * b, 1), (0, 2 * x * b, 3)], 2, "rmse"
    if kind == "sticky":
        d = rng.randrange(94906267, 134217727) | 1  # d^2 odd, 54 bits: a halfway point
        return [(0, d, 1), (0, rng.choice([1e-150, -3e-151]), rng.choice([1, 2]))], 2, None
    if kind == "extreme":
        rows = []
        for _ in range(rng.randrange(3, 7)):
            rows.append((rng.choice([0.0, 1.0, -2.5, 1e-150, 0.1]),
                         rng.choice([3.0, 1e-150, 7e149, 0.3, 100000001.0]),
                         rng.choice([1e300, 1e-300, 1.0, 3.0])))
        return rows, 3, None
    raise ValueError(kind)


def rounded(x):
    try:
        return float(x)
    except OverflowError:
        return math.inf


def as_fraction(x):
    return BIG if math.isinf(x) else Fraction(x)


def near_half(x, c):
    """The relative distance from X to the nearer halfway point beside c = rounded(X)."""
    below = math.nextafter(c, 0.0) if c > 0 else None
    above = math.nextafter(c, math.inf) if c < math.inf else None
    dist = []
    for n in (below, above):
        if n is not None:
            dist.append(abs(x - (as_fraction(n) + as_fraction(c)) / 2))
    return min(dist) / x


OFF_BY_ONE = [0]  # values within the bound but not the nearest double


def check_value(text, exact_text, strict, eps):
    """None if the printed TEXT is right for EXACT_TEXT, else why not."""
    if text == "" or exact_text == "":
        return None if text == exact_text else "empty on one side only"
    got = float(text)
    if exact_text == "nan" or math.isnan(got):
        return None if exact_text == "nan" and math.isnan(got) else "nan on one side only"
    x = Fraction(exact_text) if "/" in exact_text else Fraction(float(exact_text))
    want = rounded(x)
    if got == want:
        return None
    if strict:
        return f"{text}, but the nearest double is {want!r}"
    if got not in (math.nextafter(want, 0.0), math.nextafter(want, math.inf)):
        return f"{text}, more than one unit from {want!r}"
    half = (as_fraction(got) + as_fraction(want)) / 2
    if abs(x - half) > eps * x:
        return f"{text}, not {want!r}, though X is {float(abs(x - half) / x):.3g} from halfway"
    OFF_BY_ONE[0] += 1
    return None


def run_case(bin_, path, rows, batch, tie_col, strict, own_epochs):
    """Checks one input; with own_epochs, each row is an epoch of its own."""
    with open(path, "w") as f:
        f.write("e,t,p,w\n")
        for i, (t, p, w) in enumerate(rows):
            f.write(f"{i if own_epochs else 0},{float(t)!r},{float(p)!r},{float(w)!r}\n")
    args = ["-b", str(batch), "-e", "1", "-t", "2", "-p", "3", "-w", "4", "-c", ALL, path]
    ref = subprocess.run([sys.executable, os.path.join(HERE, "reference.py"), "--exact"] + args,
                         capture_output=True, text=True)
    got = subprocess.run([bin_, "-f", "csv"] + args, capture_output=True, text=True)
    if ref.returncode != 0 or got.returncode != 0:
        return [f"exit {ref.returncode} (reference), {got.returncode} (rmsetab): "
                f"{ref.stderr.strip()} {got.stderr.strip()}"], False
    exp_lines = [line.split(",") for line in ref.stdout.splitlines()]
    got_lines = [line.split(",") for line in got.stdout.splitlines()]
    if len(exp_lines) != len(got_lines) or exp_lines[0] != got_lines[0]:
        return ["not the same lines or header"], False
    eps = Fraction(1 + 2048 * len(rows), 2 ** 104)
    errors, tie_seen = [], False
    head = exp_lines[0]
    for e, g in zip(exp_lines[1:], got_lines[1:]):
        # The total line mixes the rows of every epoch: no tie there.
        line_strict = strict if e[0] != "total" else set()
        for col, et, gt in zip(head[4:], e[4:], g[4:]):
            why = check_value(gt, et, col in line_strict, eps)
            if why:
                errors.append(f"line {','.join(e[:3])} {col}: {why}")
            if col == tie_col and "/" in et and e[0] != "total":
                x = Fraction(et)
                near = near_half(x, rounded(x))
                tie_seen = tie_seen or (near == 0 if strict else near < Fraction(1, 2 ** 100))
    return errors, tie_col is None or tie_seen


def main():
    if len(sys.argv) != 2 or not os.access(sys.argv[1], os.X_OK):
        print("usage: tie-check.py PATH-TO-RMSETAB", file=sys.stderr)
        sys.exit(2)
    rng = random.Random(20261202)
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for kind, count in [("row-ties", 3), ("mse-tie", 5), ("rmse-tie", 5), ("mse-near", 5),
                            ("rmse-near", 5), ("sticky", 5), ("extreme", 5)]:
            for i in range(count):
                rows, batch, tie_col = make(kind, rng)
                path = os.path.join(tmp, f"{kind}-{i}.csv")
                errors, built = run_case(sys.argv[1], path, rows, batch, tie_col,
                                         STRICT.get(kind, set()), kind == "row-ties")
                if not built:
                    errors.append(f"the input is not the near tie it was built to be ({tie_col})")
                name = f"ties {kind} {i}"
                if errors:
                    failed = 1
                    print(f"FAIL {name}")
                    for line in [f"rows {rows}"] + errors[:10]:
                        print(f"    {line}")
                else:
                    print(f"ok {name}")
    print(f"tie-check: {OFF_BY_ONE[0]} values one unit off the nearest double, "
          "within the bound")
    sys.exit(failed)


if __name__ == "__main__":
    main()
