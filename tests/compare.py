#!/usr/bin/env python3
"""compare.py EXPECTED.csv ACTUAL.csv

Checks rmsetab's `-f csv` output (ACTUAL) against reference.py's (EXPECTED): same header,
same lines, identical kind/(group/)epoch/batch/rows fields, and every number the same binary64 value
(both nan counts as equal, both empty too).  Numbers are compared as floats, not text, because rmsetab
prints 17 significant digits and the reference prints the shortest round-trip form.
Exit 0 if identical, 1 on any difference, 2 on usage error or an empty/unreadable file.
"""
import csv
import math
import sys

LABELS = 4  # kind, epoch, batch, rows: must match as text


def load(name):
    try:
        with open(name, newline="") as f:
            lines = list(csv.reader(f))
    except OSError as e:
        print(f"compare.py: {e}", file=sys.stderr)
        sys.exit(2)
    # A file with a header and nothing else would make every check below pass vacuously.
    if len(lines) < 2:
        print(f"compare.py: {name}: no data lines", file=sys.stderr)
        sys.exit(2)
    return lines


def parse(text):
    try:
        return float(text)
    except ValueError:
        return None


def ulps(a, b):
    """Distance in units in the last place of the expected value b."""
    return abs(a - b) / math.ulp(b)


def main():
    if len(sys.argv) != 3:
        print(__doc__.splitlines()[0], file=sys.stderr)
        sys.exit(2)
    exp, act = load(sys.argv[1]), load(sys.argv[2])
    diffs = []
    if len(exp) != len(act):
        diffs.append(f"{len(exp)} lines expected, {len(act)} found")
    if exp[0] != act[0]:
        diffs.append(f"header: expected {exp[0]}, found {act[0]}")
    header = exp[0]
    # With -g, the group column after kind is a label too.
    labels = LABELS + (header[1:2] == ["group"])
    values = 0
    for n, (e, a) in enumerate(zip(exp[1:], act[1:]), start=2):
        if len(e) != len(a) or e[:labels] != a[:labels]:
            diffs.append(f"line {n}: expected {','.join(e)}\n{'':>{len(str(n)) + 7}}found    {','.join(a)}")
            continue
        for col, es, as_ in zip(header[labels:], e[labels:], a[labels:]):
            ev, av = parse(es), parse(as_)
            values += 1
            if es == as_ == "":
                continue  # no value on both sides: a total's running column
            if ev is not None and av is not None and (ev == av or math.isnan(ev) and math.isnan(av)):
                continue
            if None in (ev, av) or math.isnan(ev) or math.isnan(av) or math.isinf(ev):
                how = "not comparable"
            else:
                how = f"{ulps(av, ev):.3g} ulp"
            diffs.append(f"line {n} ({','.join(e[:labels])}) {col}: expected {es}, found {as_} ({how})")
    if diffs:
        print("\n".join(diffs))
        print(f"compare.py: {len(diffs)} difference(s)", file=sys.stderr)
        sys.exit(1)
    print(f"{len(exp) - 1} lines, {values} values identical")


if __name__ == "__main__":
    main()
