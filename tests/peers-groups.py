#!/usr/bin/python3
"""peers-groups.py RMSETAB NAME DATA.csv PAIRS [--weights] [--epoch-col]

rmsetab -g against pandas groupby (tests/check-peers.sh): DATA.csv as tests/gen.py
--groups writes it (true_0.., pred_0.., w, epoch, group: keys in no order), read by
rmsetab with -s -g group, and the same rows grouped by pandas (groupby(sort=False), which
keeps the groups in the order of first appearance, as rmsetab prints them): per group,
and per group and epoch with --epoch-col,

  rmse      sqrt(sum w * sum_j e^2 / (D * sum w))
  mse       sum w * sum_j e^2 / (D * sum w)
  mae       sum w * sum_j |e| / (D * sum w)
  bias      sum w * sum_j e / (D * sum w)
  max_error the largest |e| over the rows of weight > 0
  weight    sum w

with e = pred - true, each to a relative 1e-12 (bias: of mae), and the groups, their
order and their number of rows the same.  The data is read with Python's float(),
correctly rounded as rmsetab's parser is.  Needs pandas (Debian's python3-pandas); prints
"ok NAME COLUMN" or "FAIL NAME COLUMN" (details indented), and exits 1 if any failed.
"""
import csv
import io
import subprocess
import sys

import numpy as np
import pandas as pd

TOL = 1e-12
COLUMNS = ["rmse", "mse", "mae", "bias", "max_error", "weight"]


def per_group(df, keys, d):
    """The columns of each group of KEYS, in the order of first appearance."""
    e = np.stack([df[f"pred_{j}"] - df[f"true_{j}"] for j in range(d)], axis=1)
    x = pd.DataFrame({k: df[k] for k in keys})
    x["w"] = df["w"]
    x["sq"] = df["w"] * (e * e).sum(axis=1)
    x["ab"] = df["w"] * np.abs(e).sum(axis=1)
    x["er"] = df["w"] * e.sum(axis=1)
    x["mx"] = np.where(df["w"] > 0, np.abs(e).max(axis=1), -np.inf)
    g = x.groupby(keys, sort=False)
    s = g.agg(rows=("w", "size"), w=("w", "sum"), sq=("sq", "sum"), ab=("ab", "sum"),
              er=("er", "sum"), mx=("mx", "max"))
    out = pd.DataFrame({"rows": s["rows"], "weight": s["w"],
                        "mse": s["sq"] / (d * s["w"]), "mae": s["ab"] / (d * s["w"]),
                        "bias": s["er"] / (d * s["w"]), "max_error": s["mx"]})
    out["rmse"] = np.sqrt(out["mse"])
    return out


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
    df = pd.DataFrame({h: [r[i] for r in rows] for i, h in enumerate(head)})
    for h in head:
        if h.startswith(("true_", "pred_")) or h == "w":
            df[h] = [float(v) for v in df[h]]
    if not weights:
        df["w"] = 1.0
    cmd = [binary, "-s", "-f", "csv", "-b", "1000000", "-c", ",".join(COLUMNS), "-g", "group",
           "-t", f"true_0-true_{d - 1}", "-p", f"pred_0-pred_{d - 1}"]
    cmd += ["-w", "w"] if weights else []
    cmd += ["-e", "epoch"] if epochs else []
    out = subprocess.run(cmd + [data], capture_output=True, text=True)
    if out.returncode != 0:
        print(f"FAIL {name}: rmsetab exit {out.returncode}: {out.stderr.strip()}")
        sys.exit(1)
    lines = [r for r in csv.reader(io.StringIO(out.stdout))][1:]
    mine = [r for r in lines if r[1] != ""]
    # Each group's epoch lines, then its total; the lines of all the rows are not
    # pandas's to check.
    want = []
    totals = per_group(df, ["group"], d)
    epoch_lines = per_group(df, ["group", "epoch"], d) if epochs else None
    for key, total in totals.iterrows():
        if epochs:
            for (g, ep), v in epoch_lines.iterrows():
                if g == key:
                    want.append(("epoch", key, ep, v))
        else:
            want.append(("epoch", key, "1", total))
        want.append(("total", key, "", total))
    got = [(r[0], r[1], r[2]) for r in mine]
    if got != [w[:3] for w in want] or len(totals) < 2:
        print(f"FAIL {name}: lines {got[:6]}..., expected {[w[:3] for w in want][:6]}...")
        sys.exit(1)
    failed = 0
    problems = {c: [] for c in COLUMNS + ["rows"]}
    for r, (kind, key, ep, v) in zip(mine, want):
        if int(r[4]) != v["rows"]:
            problems["rows"].append(f"{kind} {key} {ep}: rmsetab {r[4]}, pandas {v['rows']}")
        for c, x in zip(COLUMNS, r[5:]):
            scale = v["mae"] if c == "bias" else abs(v[c])
            if abs(float(x) - v[c]) > TOL * scale:
                problems[c].append(f"{kind} {key} {ep}: rmsetab {x}, pandas {v[c]!r}")
    for c in problems:
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
