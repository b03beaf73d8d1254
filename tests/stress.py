#!/usr/bin/env python3
"""Stress test: millions of generated rows through rmsetab, compared bit for bit with an
exact reference computed here.

stress.py PATH-TO-RMSETAB [--scale F]

tests/reference.py is exact but takes a Fraction per value, too slow for millions of rows.
This reference is exact too, and independent of the C code: every binary64 value is a whole
multiple of 2^-1074, so each is turned into an integer at a fixed binary scale (from
float.as_integer_ratio(), no parsing involved), errors are differences of integers and
squares and sums are Python integers, with no rounding anywhere; a rational number is made
only once per printed value, for the square root, which reference.py rounds once
(sqrt_fraction, show).  The printed lines must then match rmsetab's -f csv output, compared
as binary64 values by compare.py.

Scenarios (rows in millions at --scale 1):
  ordinary  1.6 M rows, 1 pair, magnitudes 2^-21..2^20, batches of 32, through a pipe
  weighted  0.4 M rows, 3 pairs, weights, two files (two epochs), -r never, batches of 1000
  extreme   0.15 M rows, 2 pairs, weights, magnitudes 2^-1074..2^1023, batches of 7
Exit 0 if every scenario matches, 1 otherwise, 2 on a usage error.
"""
import math
import os
import random
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from reference import MeanOfBatches, show, sqrt_fraction  # noqa: E402
from fractions import Fraction  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


MASK52, TOP = (1 << 52) - 1, 1 << 52


def ordinary(rng):
    """Magnitudes 2^-21..2^20, some zeros: every value a multiple of 2^-73."""
    b = rng.getrandbits(64)
    if b >> 59 == 0:  # 1 in 32
        return 0.0
    x = math.ldexp((b & MASK52) | TOP, -73 + (b >> 52 & 63) % 41)
    return -x if b >> 58 & 1 else x


def extreme(rng):
    """Any magnitude a double can have, subnormals included, and zeros of either sign."""
    b = rng.getrandbits(64)
    if b >> 59 == 0:
        return -0.0 if b & 1 else 0.0
    x = math.ldexp((b & MASK52) | TOP, -1075 + rng.randrange(2046))
    return -x if b >> 58 & 1 else x


# Exact zeros count as rows but weigh nothing; None: a value of the scenario's own range.
WEIGHTS = (0.0, 0.5, 1.0, 1.0, 3.0, 0.1, None, None)


class Scenario:
    def __init__(self, name, rows, pairs, weights, files, batch, reset, value, shift, pipe):
        self.name, self.rows, self.pairs, self.weights = name, rows, pairs, weights
        self.files, self.batch, self.reset, self.value = files, batch, reset, value
        self.shift, self.pipe = shift, pipe


def scaled(x, shift):
    """x * 2^shift, exactly, as an integer (x must be a multiple of 2^-shift)."""
    n, d = x.as_integer_ratio()  # d is a power of 2
    return n << (shift - d.bit_length() + 1)


def generate(sc, seed, path, part):
    """Writes one file; returns its rows as (weighted sum of squares, weight) integers."""
    rng = random.Random(seed * 1000 + part)
    d = sc.pairs
    rows = []
    with open(path, "w") as f:
        names = [f"t{j}" for j in range(d)] + [f"p{j}" for j in range(d)]
        f.write(",".join(names + (["w"] if sc.weights else [])) + "\n")
        out = []
        for i in range(sc.rows // sc.files):
            t = [sc.value(rng) for _ in range(d)]
            if sc.value is ordinary:
                # Near the truth, with an error of its own magnitude: from exact
                # cancellation to an error that swamps the value.
                p = [x + ordinary(rng) for x in t]
            else:
                p = [sc.value(rng) for _ in range(d)]
            sse = 0
            for a, b in zip(t, p):
                e = scaled(b, sc.shift) - scaled(a, sc.shift)
                sse += e * e
            fields = [repr(x) for x in t + p]
            if sc.weights:
                w = WEIGHTS[rng.getrandbits(3)]
                if w is None:
                    w = abs(sc.value(rng))
                fields.append(repr(w))
                wi = scaled(w, sc.shift)
            else:
                wi = 1
            rows.append((wi * sse, wi))
            out.append(",".join(fields))
            if len(out) == 10000:
                f.write("\n".join(out) + "\n")
                out = []
        if out:
            f.write("\n".join(out) + "\n")
    return rows


def reference(sc, epochs, out):
    """rmsetab's -f csv output for these epochs, from the exact integer sums."""
    d = sc.pairs
    # sse is at scale 2^-(2 shift + wshift), weights at 2^-wshift.
    two_s = 2 * sc.shift

    def rmse(sse, w):
        return None if w == 0 else sqrt_fraction(Fraction(sse, (d * w) << two_s))

    lines = ["kind,epoch,batch,rows,rmse,mean_batch_rmse,running_rmse"]
    run_sse = run_w = 0
    all_sse = all_w = all_rows = 0
    means = MeanOfBatches()
    for k, rows in enumerate(epochs, start=1):
        if sc.reset == "epoch":
            run_sse = run_w = 0
            means = MeanOfBatches()
        ep_sse = ep_w = 0
        for b, start in enumerate(range(0, len(rows), sc.batch), start=1):
            chunk = rows[start:start + sc.batch]
            sse = sum(r[0] for r in chunk)
            w = sum(r[1] for r in chunk)
            run_sse += sse
            run_w += w
            ep_sse += sse
            ep_w += w
            r = rmse(sse, w)
            means.add(r, len(chunk))
            lines.append(f"batch,{k},{b},{len(chunk)},{show(r)},{show(means.value())},"
                         f"{show(rmse(run_sse, run_w))}")
        all_sse += ep_sse
        all_w += ep_w
        all_rows += len(rows)
        lines.append(f"epoch,{k},,{len(rows)},{show(rmse(ep_sse, ep_w))},{show(means.value())},"
                     f"{show(rmse(run_sse, run_w))}")
    # -f csv always ends with the total; its running columns are the whole run's with
    # -r never, and empty with resets.
    running = f"{show(means.value())},{show(rmse(run_sse, run_w))}" \
        if sc.reset == "never" else ","
    lines.append(f"total,,,{all_rows},{show(rmse(all_sse, all_w))},{running}")
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")


def run(sc, binary, tmp, seed):
    t0 = time.time()
    paths = [os.path.join(tmp, f"{sc.name}-{i}.csv") for i in range(sc.files)]
    epochs = [generate(sc, seed, p, i) for i, p in enumerate(paths)]
    t1 = time.time()
    expected = os.path.join(tmp, f"{sc.name}.expected")
    actual = os.path.join(tmp, f"{sc.name}.actual")
    reference(sc, epochs, expected)
    t2 = time.time()
    d = sc.pairs
    args = [binary, "-f", "csv", "-b", str(sc.batch), "-r", sc.reset,
            "-t", f"1-{d}", "-p", f"{d + 1}-{2 * d}"]
    if sc.weights:
        args += ["-w", str(2 * d + 1)]
    with open(actual, "w") as out:
        if sc.pipe:
            # Through a pipe, as `cat file | rmsetab` reads it.
            with open(paths[0], "rb") as src:
                p = subprocess.run(args, stdin=src, stdout=out, stderr=subprocess.PIPE)
        else:
            p = subprocess.run(args + paths, stdout=out, stderr=subprocess.PIPE)
    t3 = time.time()
    if p.returncode != 0:
        print(f"FAIL {sc.name}: rmsetab exited {p.returncode}: {p.stderr.decode()[:500]}")
        return False
    c = subprocess.run([sys.executable, os.path.join(HERE, "compare.py"), expected, actual],
                       capture_output=True, text=True)
    if c.returncode != 0:
        print(f"FAIL {sc.name}")
        print("\n".join("    " + l for l in (c.stdout + c.stderr).splitlines()[:20]))
        return False
    print(f"ok {sc.name}: {sc.rows} rows, {c.stdout.strip()} "
          f"(generate {t1 - t0:.1f} s, reference {t2 - t1:.1f} s, rmsetab {t3 - t2:.2f} s)")
    return True


def main():
    args = sys.argv[1:]
    scale = 1.0
    if len(args) == 3 and args[1] == "--scale":
        scale = float(args[2])
        args = args[:1]
    if len(args) != 1 or not os.access(args[0], os.X_OK):
        print("usage: stress.py PATH-TO-RMSETAB [--scale F]", file=sys.stderr)
        sys.exit(2)
    binary = os.path.abspath(args[0])
    n = lambda m: max(1, int(m * scale))  # noqa: E731
    scenarios = [
        Scenario("ordinary", n(1_600_000), 1, False, 1, 32, "epoch", ordinary, 73, True),
        Scenario("weighted", 2 * n(200_000), 3, True, 2, 1000, "never", ordinary, 73, False),
        Scenario("extreme", n(150_000), 2, True, 1, 7, "epoch", extreme, 1074, False),
    ]
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        for sc in scenarios:
            ok &= run(sc, binary, tmp, seed=7)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
