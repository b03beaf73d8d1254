#!/usr/bin/env python3
"""Lays out reference.py's CSV as rmsetab's table or Markdown output.

layout.py [--format table|markdown] [--precision N] < REFERENCE.csv

The numbers come from reference.py (exact, rounded once to binary64); this
script only writes them the way rmsetab(1) says the table and Markdown show
them: N significant digits (default 10), trailing zeros kept, no decimal point
without a digit after it (Python's '%#.*g', a trailing '.' dropped), 'nan'
when undefined; columns right-aligned in at least 5, 6 and 9 characters, and
the three number columns in at least N + 5 and their header's width; a rule
above an epoch line that follows batch lines, a blank line before the line
that follows an epoch line and is not one.  It is the yardstick for the
golden cases and tests/reference-check.sh, written apart from src/report.c.
"""
import argparse
import csv
import sys

HEADS = {
    "table": ["batch rmse", "mean batch rmse", "running rmse"],
    "markdown": ["rmse", "mean_batch_rmse", "running_rmse"],
}


def number(text, prec):
    if text == "nan":
        return "nan"
    s = "%#.*g" % (prec, float(text))
    return s.replace(".e", "e").rstrip(".")


def table(lines, prec):
    widths = [max(prec + 5, len(h)) for h in HEADS["table"]]
    rule = "-" * (5 + 2 + 6 + 2 + 9 + sum(2 + w for w in widths))
    out = ["%5s  %6s  %9s" % ("epoch", "batch", "rows")
           + "".join("  %*s" % (w, h) for w, h in zip(widths, HEADS["table"]))]
    last = None
    for kind, epoch, batch, rows, *nums in lines:
        if kind == "epoch" and last == "batch":
            out.append(rule)
        elif kind != "epoch" and last == "epoch":
            out.append("")
        last = kind
        out.append("%5s  %6s  %9s" % ("total" if kind == "total" else epoch,
                                      batch if kind == "batch" else "all", rows)
                   + "".join("  %*s" % (w, number(v, prec))
                             for w, v in zip(widths, nums)))
    return out


def markdown_escape(text):
    out = ""
    for c in text:
        if c in "\\|`*_[]<>~&":
            out += "\\" + c
        elif ord(c) < 0x20 or c == "\x7f":
            out += " "
        else:
            out += c
    return out


def markdown(lines, prec):
    widths = [max(prec + 5, len(h)) for h in HEADS["markdown"]]
    out = ["| kind  | epoch |  batch |      rows |"
           + "".join(" %*s |" % (w, h) for w, h in zip(widths, HEADS["markdown"])),
           "|-------|------:|-------:|----------:|"
           + "".join("-" * (w + 1) + ":|" for w in widths)]
    for kind, epoch, batch, rows, *nums in lines:
        out.append("| %-5s | %5s | %6s | %9s |" % (kind, markdown_escape(epoch), batch, rows)
                   + "".join(" %*s |" % (w, number(v, prec))
                             for w, v in zip(widths, nums)))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--format", choices=["table", "markdown"], default="table")
    ap.add_argument("--precision", type=int, default=10, choices=range(1, 18),
                    metavar="N")
    a = ap.parse_args()
    lines = list(csv.reader(sys.stdin))[1:]
    if not lines:
        sys.exit("layout.py: no lines on standard input")
    lay = table if a.format == "table" else markdown
    sys.stdout.write("".join(line + "\n" for line in lay(lines, a.precision)))


if __name__ == "__main__":
    main()
