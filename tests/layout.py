#!/usr/bin/env python3
"""Lays out reference.py's CSV as rmsetab's table or Markdown output.

layout.py [--format table|markdown] [--precision N] < REFERENCE.csv

The numbers come from reference.py (exact, rounded once to binary64); this
script only writes them the way rmsetab(1) says the table and Markdown show
them: N significant digits (default 10), trailing zeros kept, no decimal point
without a digit after it (Python's '%#.*g', a trailing '.' dropped), 'nan'
when undefined; columns right-aligned in at least 5, 6 and 9 characters, and
the number columns (those of the CSV's header) in at least N + 5 and their
heading's width; a rule
above an epoch line that follows batch lines, a blank line before the line
that follows an epoch line and is not one.  An empty field is blank, and no line ends in
blanks; the table
leaves out the total line of a run of one epoch, Markdown keeps it.  With -g (a group column
after kind), the table starts with the group, left-aligned as wide as the longest key (at least
5), each group's lines apart from the next group's by a blank line and each group's total left
out when it has one epoch; Markdown has a group column after kind, left-aligned.  Widths are a
terminal's columns (width(), below), not characters.  It is the yardstick for the
golden cases and tests/check-reference.sh, written apart from src/report.c.
"""
import argparse
import csv
import sys
import unicodedata

# The table's heading of each -c name, as rmsetab(1) gives them; rmse[NAME]
# columns are headed by their name.
TABLE_HEADS = {
    "rmse": "batch rmse", "mean_batch_rmse": "mean batch rmse",
    "running_rmse": "running rmse", "row_loss": "row loss",
    "mean_row_loss": "mean row loss", "mse": "mse", "running_mse": "running mse",
    "mae": "mae", "running_mae": "running mae", "uniform_rmse": "uniform rmse",
    "max_error": "max error", "weight": "weight",
}


def heads(names, fmt):
    if fmt == "markdown":
        return [n if not n.startswith("rmse[") else markdown_escape(n)
                for n in names]
    return [TABLE_HEADS.get(n, n) for n in names]


def width(text):
    """The columns a terminal gives TEXT, as rmsetab(1) counts them: none for
    a combining mark or a format character (but the soft hyphen), two for an
    East Asian wide or fullwidth character, one for any other.  An unassigned
    code point is wide only in the blocks and planes of ideographs (UAX #11's
    default; unicodedata says F for every one)."""
    w = 0
    for c in text:
        cat = unicodedata.category(c)
        if cat in ("Mn", "Me") or (cat == "Cf" and c != "\u00ad"):
            continue
        if cat == "Cn":
            o = ord(c)
            w += 2 if (0x3400 <= o <= 0x4DBF or 0x4E00 <= o <= 0x9FFF
                       or 0xF900 <= o <= 0xFAFF or 0x20000 <= o <= 0x2FFFD
                       or 0x30000 <= o <= 0x3FFFD) else 1
            continue
        w += 2 if unicodedata.east_asian_width(c) in ("W", "F") else 1
    return w


def rjust(text, n):
    return " " * max(0, n - width(text)) + text


def ljust(text, n):
    return text + " " * max(0, n - width(text))


def number(text, prec):
    if text in ("nan", ""):
        return text  # "" is no value: blank
    s = "%#.*g" % (prec, float(text))
    return s.replace(".e", "e").rstrip(".")


def table(names, lines, prec, grouped):
    hs = heads(names, "table")
    widths = [max(prec + 5, width(h)) for h in hs]
    gw = max([5] + [width(line[1]) for line in lines]) if grouped else 0
    rule = "-" * ((gw + 2 if grouped else 0) + 5 + 2 + 6 + 2 + 9
                  + sum(2 + w for w in widths))
    out = [(ljust("group", gw) + "  " if grouped else "")
           + "%5s  %6s  %9s" % ("epoch", "batch", "rows")
           + "".join("  " + rjust(h, w) for w, h in zip(widths, hs))]
    last = group = None
    # The table leaves out the total of one epoch, which is that epoch: per group.
    key = (lambda line: line[1]) if grouped else (lambda line: None)
    epochs = {}
    for line in lines:
        epochs[key(line)] = epochs.get(key(line), 0) + (line[0] == "epoch")
    lines = [line for line in lines if line[0] != "total" or epochs[key(line)] >= 2]
    for line in lines:
        if grouped:
            kind, g, epoch, batch, rows, *nums = line
        else:
            kind, epoch, batch, rows, *nums = line
            g = None
        if last is not None and grouped and g != group:
            out.append("")
        elif kind == "epoch" and last == "batch":
            out.append(rule)
        elif kind != "epoch" and last == "epoch":
            out.append("")
        last, group = kind, g
        out.append((ljust(shown(g), gw) + "  " if grouped else "")
                   + rjust("total" if kind == "total" else shown(epoch), 5)
                   + "  %6s  %9s" % (batch if kind == "batch" else "all", rows)
                   + "".join("  %*s" % (w, number(v, prec))
                             for w, v in zip(widths, nums)).rstrip(" "))
    return out


def shown(text):
    """TEXT as the table shows it: a control character (C0, DEL, C1) a space."""
    return "".join(" " if ord(c) < 0x20 or 0x7f <= ord(c) <= 0x9f else c
                   for c in text)


def markdown_escape(text):
    out = ""
    for c in shown(text):
        out += "\\" + c if c in "\\|`*_[]<>~&" else c
    return out


def markdown(names, lines, prec, grouped):
    hs = heads(names, "markdown")
    widths = [max(prec + 5, width(n)) for n in names]
    out = ["| kind  | " + ("group | " if grouped else "") + "epoch |  batch |      rows |"
           + "".join(" %s |" % rjust(h, w) for w, h in zip(widths, hs)),
           "|-------|" + ("-------|" if grouped else "") + "------:|-------:|----------:|"
           + "".join("-" * (w + 1) + ":|" for w in widths)]
    for line in lines:
        kind, *labels, batch, rows = line[:len(line) - len(names)]
        nums = line[len(line) - len(names):]
        # The group left-aligned, as the text it is; the epoch right-aligned,
        # as its numbers are.
        cells = [markdown_escape(x) for x in labels]
        if grouped:
            cells[0] = ljust(cells[0], 5)
        out.append("| %-5s | " % kind
                   + "".join(rjust(x, 5) + " | " for x in cells)
                   + "%6s | %9s |" % (batch, rows)
                   + "".join(" %*s |" % (w, number(v, prec))
                             for w, v in zip(widths, nums)))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--format", choices=["table", "markdown"], default="table")
    ap.add_argument("--precision", type=int, default=10, choices=range(1, 18),
                    metavar="N")
    a = ap.parse_args()
    rows = list(csv.reader(sys.stdin))
    if len(rows) < 2:
        sys.exit("layout.py: no lines on standard input")
    lay = table if a.format == "table" else markdown
    grouped = rows[0][1:2] == ["group"]
    labels = 5 if grouped else 4
    out = lay(rows[0][labels:], rows[1:], a.precision, grouped)
    sys.stdout.write("".join(line + "\n" for line in out))


if __name__ == "__main__":
    main()
