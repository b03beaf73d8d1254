#!/usr/bin/python3
"""peers.py RMSETAB NAME DATA.csv PAIRS [--weights] [--epoch-col]

rmsetab's numbers against scikit-learn's (tests/check-peers.sh): DATA.csv as tests/gen.py
writes it (true_0.., pred_0.., w, epoch), read by rmsetab with -s, and each epoch's rows
given to sklearn.metrics with sample_weight:

  rmse          sqrt(mean_squared_error)       (the uniform average of per-output MSEs,
  mse           mean_squared_error              which is the pooled MSE: same weights)
  mae           mean_absolute_error
  per_output    mean_squared_error(multioutput='raw_values', squared=False)
  uniform_rmse  mean_squared_error(squared=False)
  r2            r2_score
  max_error     max_error of each output (it takes one, and no weights: over the rows of
                weight > 0), the largest of them
  bias          numpy.average of the mean error of each row, weighted (scikit-learn has
                no bias)

each to a relative 1e-12: of the value; of mae for bias, a mean of errors of both signs;
of the larger of |r2| and 1 - r2 for r2, which scikit-learn computes as 1 - SSE/SST.
The data is read with Python's float(), correctly rounded as rmsetab's parser is
(pandas' default parser is not).  Needs numpy and scikit-learn (Debian's python3-sklearn);
prints "ok NAME COLUMN" or "FAIL NAME COLUMN" (details indented) for each column, and
exits 1 if any failed.
"""
import csv
import io
import math
import subprocess
import sys

import numpy as np
from sklearn import metrics

TOL = 1e-12
COLUMNS = ["rmse", "mse", "mae", "per_output", "uniform_rmse", "r2", "bias", "max_error"]


def rmse_per_output(t, p, w):
    # scikit-learn 1.4 has root_mean_squared_error; 1.2 (Debian 12) squared=False.
    if hasattr(metrics, "root_mean_squared_error"):
        return metrics.root_mean_squared_error(t, p, sample_weight=w,
                                               multioutput="raw_values")
    return metrics.mean_squared_error(t, p, sample_weight=w, multioutput="raw_values",
                                      squared=False)


def peers(t, p, w):
    """The columns for one epoch's rows, as scikit-learn and numpy give them."""
    per = rmse_per_output(t, p, w)
    mse = metrics.mean_squared_error(t, p, sample_weight=w)
    keep = w > 0
    return {
        "rmse": [math.sqrt(mse)],
        "mse": [mse],
        "mae": [metrics.mean_absolute_error(t, p, sample_weight=w)],
        "per_output": list(per),
        "uniform_rmse": [float(np.mean(per))],
        "r2": [metrics.r2_score(t, p, sample_weight=w)],
        "bias": [float(np.average(np.mean(p - t, axis=1), weights=w))],
        "max_error": [max(metrics.max_error(t[keep, j], p[keep, j])
                          for j in range(t.shape[1]))],
    }


def close(col, got, want, mae):
    if col == "bias":
        scale = mae
    elif col == "r2":
        scale = max(abs(want), 1 - want)
    else:
        scale = abs(want)
    return abs(got - want) <= TOL * scale


def main():
    args = sys.argv[1:]
    if len(args) < 4 or not args[3].isdigit():
        print(__doc__.splitlines()[0], file=sys.stderr)
        sys.exit(2)
    binary, name, data, d = args[0], args[1], args[2], int(args[3])
    weights, epochs = "--weights" in args[4:], "--epoch-col" in args[4:]
    with open(data, newline="") as f:
        records = list(csv.reader(f))
    head, rows = records[0], records[1:]
    col = {n: i for i, n in enumerate(head)}
    cmd = [binary, "-s", "-f", "csv", "-b", "1000000", "-c", ",".join(COLUMNS),
           "-t", f"true_0-true_{d - 1}", "-p", f"pred_0-pred_{d - 1}"]
    cmd += ["-w", "w"] if weights else []
    cmd += ["-e", "epoch"] if epochs else []
    out = subprocess.run(cmd + [data], capture_output=True, text=True)
    if out.returncode != 0:
        print(f"FAIL {name}: rmsetab exit {out.returncode}: {out.stderr.strip()}")
        sys.exit(1)
    lines = [r for r in csv.reader(io.StringIO(out.stdout)) if r and r[0] == "epoch"]
    labels = list(dict.fromkeys(r[col["epoch"]] for r in rows)) if epochs else ["1"]
    if [r[1] for r in lines] != labels:
        print(f"FAIL {name}: epochs {[r[1] for r in lines]}, expected {labels}")
        sys.exit(1)
    failed = 0
    problems = {c: [] for c in COLUMNS}
    for line, label in zip(lines, labels):
        mine = [r for r in rows if not epochs or r[col["epoch"]] == label]
        t = np.array([[float(r[col[f"true_{j}"]]) for j in range(d)] for r in mine])
        p = np.array([[float(r[col[f"pred_{j}"]]) for j in range(d)] for r in mine])
        w = np.array([float(r[col["w"]]) if weights else 1.0 for r in mine])
        want = peers(t, p, w)
        got = [float(x) for x in line[4:]]
        i = 0
        for c in COLUMNS:
            for x in want[c]:
                if not close(c, got[i], x, want["mae"][0]):
                    problems[c].append(f"epoch {label}: rmsetab {got[i]!r}, peer {x!r}")
                i += 1
    for c in COLUMNS:
        if problems[c]:
            failed = 1
            print(f"FAIL {name} {c}")
            for p in problems[c][:5]:
                print(f"    {p}")
        else:
            print(f"ok {name} {c}")
    sys.exit(failed)


if __name__ == "__main__":
    main()
