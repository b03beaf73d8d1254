#!/usr/bin/env python3
"""Exact reference for rmsetab's CSV output (see shared/SPEC.md, "The quantities").

reference.py [-b N] [-r epoch|never] [-t COLS] [-p COLS] [-w COL] [-e COL] [-g COLS] [-d C] [-s | --batches] [-c LIST] [--dtype float32|float64] [-n | --header] [--exact] FILE...

COLS are 1-based column indices, comma separated (a-b ranges also accepted).  Default
columns: -t = first half, -p = second half of the non-epoch, non-weight columns.  LIST is a
comma list of the names below (default rmse,mean_batch_rmse,running_rmse); per_output stands
for one column per pair, named by per_output_names().

Files are read as RFC 4180 says (Python's csv module, strict), a UTF-8 byte order mark
skipped, blank lines ignored.  The first line of each file is its header, unless -n; a first
line that looks like data (every field a decimal number, inf or nan, or empty, and at
least one a number) is an error unless --header.  An error exits with
"reference.py: FILE:LINE: message" (rmsetab's FILE:LINE for the same error).

float64 (the default): everything is computed in rational arithmetic from the parsed
binary64 values, square roots to 200 bits, and each printed value is rounded once at the
end, so the output is the correctly rounded value rmsetab aims for.

float32: Keras's float32 arithmetic, step by step (see Float32 below): every operation is
rounded to float32 as it happens.  The means of batch values are Keras's float32 Mean of
the float32 batch values (see MeanFloat32); the weight, the per-output RMSEs,
uniform_rmse, r2, bias and max_error stay exact.

--exact prints each exact value unrounded, as a fraction NUMERATOR/DENOMINATOR (a square
root as its PREC-bit value with a sticky bit, far closer than any rounding margin), for
checking how far a printed double may be from it (tests/tie-check.py).

-g: each group (the rows whose group columns hold one key) is computed by running all of
the above on the input filtered to its rows; a file where the group has no rows gives it no
epoch (without -e, a group's epochs keep their files' numbers).  The lines get a group
column after kind: each group's lines, groups in the order of first appearance, then the
lines of all the rows, whose group is empty.  A key of several columns is printed as a CSV
record of them.  Batch lines only with --batches.

This is deliberately slow and simple: it is the yardstick, not a second implementation to
tune.  It shares no code with rmsetab.
"""
import argparse
import csv
import itertools
import math
import re
import struct
import sys
from fractions import Fraction

PREC = 200  # bits kept in square roots; far more than binary64 rounding ever needs

NAMES = ["rmse", "mean_batch_rmse", "running_rmse", "row_loss", "mean_row_loss", "mse",
         "running_mse", "mae", "running_mae", "per_output", "uniform_rmse", "r2", "bias",
         "max_error", "weight"]
DEFAULT = "rmse,mean_batch_rmse,running_rmse"


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


def show(x, exact=False):
    """One rounding to binary64, shortest round-trip text; None (or NaN) means undefined.

    A value that rounds beyond the largest double is infinite, as IEEE 754 rounds it.
    With exact, a fraction is printed as it is."""
    if x is None or isinstance(x, float) and math.isnan(x):
        return "nan"
    if exact and isinstance(x, Fraction):
        return f"{x.numerator}/{x.denominator}"
    try:
        return repr(float(x))
    except OverflowError:
        return "inf" if x > 0 else "-inf"


class Exact:
    """The sums of a set of rows, as exact fractions.

    Per row i with weight w_i and errors d_ij = p_ij - t_ij, j = 1..D:
    sse = sum w_i sum_j d_ij^2, abs = sum w_i sum_j |d_ij|, w = sum w_i,
    row_loss = sum w_i sqrt(sum_j d_ij^2 / D) (each root to PREC bits: the one inexact
    step), out[j] = sum w_i d_ij^2, bias = sum w_i sum_j d_ij, top = max |d_ij| over
    rows with w_i > 0, and for r2 the true values' sums t1[j] = sum w_i t_ij and
    t2[j] = sum w_i t_ij^2, from which SST_j = t2[j] - t1[j]^2 / w exactly.
    """

    def __init__(self, d):
        self.d = d
        self.sse = self.abs = self.w = self.row_loss = self.bias = Fraction(0)
        self.out = [Fraction(0)] * d
        self.t1 = [Fraction(0)] * d
        self.t2 = [Fraction(0)] * d
        self.top = Fraction(0)
        self.rows = 0

    def add_row(self, w, t, p):
        w = Fraction(w)  # exact: Fraction(float) is the binary64 value itself
        t = [Fraction(tj) for tj in t]
        diff = [Fraction(pj) - tj for tj, pj in zip(t, p)]
        sq = [x * x for x in diff]
        self.sse += w * sum(sq)
        self.abs += w * sum(abs(x) for x in diff)
        self.row_loss += w * sqrt_fraction(sum(sq) / self.d)
        self.out = [o + w * s for o, s in zip(self.out, sq)]
        self.bias += w * sum(diff)
        self.t1 = [a + w * tj for a, tj in zip(self.t1, t)]
        self.t2 = [a + w * tj * tj for a, tj in zip(self.t2, t)]
        if w > 0:
            self.top = max([self.top] + [abs(x) for x in diff])
        self.w += w
        self.rows += 1

    def merge(self, other):
        self.sse += other.sse
        self.abs += other.abs
        self.row_loss += other.row_loss
        self.out = [a + b for a, b in zip(self.out, other.out)]
        self.bias += other.bias
        self.t1 = [a + b for a, b in zip(self.t1, other.t1)]
        self.t2 = [a + b for a, b in zip(self.t2, other.t2)]
        self.top = max(self.top, other.top)
        self.w += other.w
        self.rows += other.rows

    def values(self):
        d, w = self.d, self.w
        v = {"weight": w, "rmse": None, "mse": None, "mae": None,
             "per_output": [None] * d, "uniform_rmse": None,
             "r2": None, "bias": None, "max_error": None,
             # Divided by rows, not weights, as Keras's sum_over_batch_size does: defined
             # (0) even when every weight is 0.
             "row_loss": self.row_loss / self.rows if self.rows else None}
        if w != 0:
            v["mse"] = self.sse / (d * w)
            v["rmse"] = sqrt_fraction(v["mse"])
            v["mae"] = self.abs / (d * w)
            v["per_output"] = [sqrt_fraction(o / w) for o in self.out]
            # scikit-learn's uniform_average: the plain mean of the D values, unrounded.
            v["uniform_rmse"] = sum(v["per_output"]) / d
            v["bias"] = self.bias / (d * w)
            v["max_error"] = self.top
            # scikit-learn's r2_score, uniform_average: 1 - the mean of SSE_j / SST_j,
            # undefined where an SST_j is 0.
            sst = [t2 - t1 * t1 / w for t1, t2 in zip(self.t1, self.t2)]
            if all(s != 0 for s in sst):
                v["r2"] = 1 - sum(o / s for o, s in zip(self.out, sst)) / d
        return v


def f32(x):
    """x rounded to the nearest float32 (ties to even), as a Python float.

    A float32 operation on float32 operands done in binary64 and then rounded to float32
    gives the float32 result exactly for + - * / and sqrt: 53 >= 2 * 24 + 2 bits, so the
    double rounding is innocuous.
    """
    try:
        return struct.unpack("f", struct.pack("f", x))[0]
    except OverflowError:  # rounds to infinity
        return math.copysign(math.inf, x)


def fdiv(a, b):
    """a / b in IEEE arithmetic (Python raises on a division by zero), then float32."""
    if b == 0:
        if a == 0 or math.isnan(a):
            return math.nan
        return math.copysign(math.inf, a) * math.copysign(1.0, b)
    return f32(a / b)


class Float32:
    """Keras's float32 arithmetic on a set of rows, in the order rmsetab documents.

    Per row, for j in pairs: d = f32(p_j) - f32(t_j); e = d * d; sq += e * w;
    abs += |d| * w; mean += e; then count = D * w, row_loss = sqrt(mean / D) * w, every
    operation rounded to float32.  A batch adds its rows' four values in row order; an
    epoch, the running state and the whole run add whole batches (one rounding an add,
    as assign_add does).  Weight, per-output values, r2, bias and max_error come from the
    exact sums.
    """

    def __init__(self, d):
        self.d = d
        self.sq = self.count = self.abs = self.row_loss = 0.0
        self.rows = 0
        self.exact = Exact(d)

    def add_row(self, w, t, p):
        self.exact.add_row(w, t, p)
        w32 = f32(w)
        sq = ab = mean = 0.0
        for tj, pj in zip(t, p):
            d = f32(f32(pj) - f32(tj))
            e = f32(d * d)
            sq = f32(sq + f32(e * w32))
            ab = f32(ab + f32(abs(d) * w32))
            mean = f32(mean + e)
        count = f32(f32(self.d) * w32)
        row_loss = f32(f32(math.sqrt(fdiv(mean, f32(self.d)))) * w32)
        self._add(sq, count, ab, row_loss, 1)

    def _add(self, sq, count, ab, row_loss, rows):
        self.sq = f32(self.sq + sq)
        self.count = f32(self.count + count)
        self.abs = f32(self.abs + ab)
        self.row_loss = f32(self.row_loss + row_loss)
        self.rows += rows

    def merge(self, other):
        self.exact.merge(other.exact)
        self._add(other.sq, other.count, other.abs, other.row_loss, other.rows)

    def values(self):
        v = self.exact.values()
        mse = fdiv(self.sq, self.count)
        v["mse"] = mse
        v["rmse"] = f32(math.sqrt(mse))  # sqrtf; NaN and infinity go through
        v["mae"] = fdiv(self.abs, self.count)
        v["row_loss"] = fdiv(self.row_loss, f32(self.rows)) if self.rows else None
        return v


class MeanOfBatches:
    """Row-weighted mean of batch values, kept exact until printed; a NaN one sticks."""

    def __init__(self):
        self.total = Fraction(0)
        self.rows = 0
        self.undefined = False
        self.infinite = None

    def add(self, value, n):
        if value is None or isinstance(value, float) and math.isnan(value):
            self.undefined = True
        elif isinstance(value, float) and math.isinf(value):
            self.infinite = value
        else:
            self.total += n * Fraction(value)
        self.rows += n

    def value(self):
        if self.undefined or self.rows == 0:
            return None
        if self.infinite is not None:
            return self.infinite
        return self.total / self.rows


class MeanFloat32:
    """Keras's float32 Mean as the progress bar's loss tracker uses it: update_state(loss,
    sample_weight=rows) on each batch.  tf.keras (Reduce.update_state) and Keras 3
    (reduction_metrics.Mean) both keep total and count as float32 variables: the value
    and the row count are cast to float32, total += value * rows and count += rows are
    each rounded to float32, and the result is total / count in float32.  A NaN value
    makes the total NaN; a count of 0 (no batch yet) is undefined here."""

    def __init__(self):
        self.total = self.count = 0.0

    def add(self, value, n):
        value = math.nan if value is None else f32(value)
        rows = f32(n)
        self.total = f32(self.total + f32(value * rows))
        self.count = f32(self.count + rows)

    def value(self):
        return fdiv(self.total, self.count) if self.count else None


def columns(text):
    out = []
    for part in text.split(","):
        lo, _, hi = part.partition("-")
        out += range(int(lo), int(hi or lo) + 1)
    if not out or min(out) < 1:
        raise ValueError(f"bad column list {text!r}")
    return [c - 1 for c in out]


def measures(text):
    out = text.split(",")
    for name in out:
        if name not in NAMES:
            raise argparse.ArgumentTypeError(f"unknown column {name!r}")
    if len(set(out)) != len(out):
        raise argparse.ArgumentTypeError("a column given twice")
    return out


def per_output_names(true_names, d):
    """The per_output columns of D pairs: rmse[NAME], NAME the header name of the pair's true
    column in the first file, or with -n (TRUE_NAMES None) the pair's number."""
    if true_names is None:
        return [f"rmse[{j + 1}]" for j in range(d)]
    return [f"rmse[{n}]" for n in true_names]


# The grammar of a value in rmsetab(1), Input, and infinities and NaNs as numpy, R and
# pandas write them.
DECIMAL = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")
NONFINITE = re.compile(r"[+-]?(inf|infinity|nan)", re.IGNORECASE)


def looks_like_data(fields):
    """Whether a first line is to be refused as a header: rmsetab(1), Input."""
    if not all(DECIMAL.fullmatch(x) or NONFINITE.fullmatch(x) or x == "" for x in fields):
        return False
    return any(DECIMAL.fullmatch(x) for x in fields)


def number(text, where):
    try:
        x = float(text)
    except ValueError:
        x = math.nan
    if not math.isfinite(x):
        sys.exit(f"reference.py: {where}: invalid number {text!r}")
    return x


def group_key(rec, gcols):
    """A row's group as printed: its one field, or a CSV record of several."""
    fields = [rec[i] for i in gcols]
    if len(fields) == 1:
        return fields[0]
    return ",".join('"' + f.replace('"', '""') + '"' if any(c in f for c in ',"\r\n')
                    else f for f in fields)


def read_epochs(files, delim, tcols, pcols, wcol, ecol, header=True, force_header=False,
                shown=None, gcols=(), only=None):
    """Yield (label, names, rows) per epoch: names = the first file's header names of the
    true columns (None without a header), rows = [(w, t_values, p_values)] as floats.
    SHOWN, if given, maps a file's name to the name messages give it.  With ONLY, the
    rows whose group (GCOLS) is ONLY, the others left out as if never there."""
    count = 0
    names = None
    for file_number, name in enumerate(files, 1):
        shown_name = shown.get(name, name) if shown else name
        with open(name, newline="", encoding="utf-8-sig") as f:
            reader = csv.reader(f, delimiter=delim, strict=True)
            # Blank lines hold no record; line_num is the line a record ends on.
            records = ((reader.line_num, rec) for rec in reader if rec)
            line, first = next(records, (1, None))
            if first is None:
                sys.exit(f"reference.py: {shown_name}:1: empty input")
            if header and not force_header and looks_like_data(first):
                sys.exit(f"reference.py: {shown_name}:{line}: the first line looks like data")
            if not header:
                records = itertools.chain([(line, first)], records)
            t_idx, p_idx = tcols, pcols
            if t_idx is None:
                # Default pairing: first half true, second half predicted.
                rest = [i for i in range(len(first)) if i not in (wcol, ecol, *gcols)]
                t_idx, p_idx = rest[: len(rest) // 2], rest[len(rest) // 2:]
            if not t_idx or len(t_idx) != len(p_idx):
                sys.exit(f"reference.py: {name}: need equally many (>0) true and pred columns")
            if names is None and header:
                names = [first[i] for i in t_idx]
            label, rows, seen = None, [], 0
            for line, rec in records:
                where = f"{shown_name}:{line}"
                if len(rec) != len(first):
                    sys.exit(f"reference.py: {where}: {len(rec)} fields, {len(first)} expected")
                seen += 1
                if only is not None and group_key(rec, gcols) != only:
                    continue
                if ecol is not None and rows and rec[ecol] != label:
                    yield label, names, rows
                    rows = []
                if not rows:
                    count += 1
                    label = rec[ecol] if ecol is not None else str(file_number)
                try:
                    w = 1.0 if wcol is None else number(rec[wcol], where)
                    t = [number(rec[i], where) for i in t_idx]
                    p = [number(rec[i], where) for i in p_idx]
                except IndexError:
                    sys.exit(f"reference.py: {where}: too few fields")
                if w < 0:
                    sys.exit(f"reference.py: {where}: negative weight")
                rows.append((w, t, p))
            if not seen:
                # rmsetab says line 2, whatever line the header is on.
                sys.exit(f"reference.py: {shown_name}:2: no data rows after the header")
            if rows:
                yield label, names, rows


def main(argv=None, shown=None):
    """The command line (ARGV, sys.argv's by default); SHOWN as read_epochs takes it."""
    ap = argparse.ArgumentParser(usage=__doc__.splitlines()[2].strip())
    ap.add_argument("-b", type=int, metavar="N", default=32)
    ap.add_argument("-r", choices=["epoch", "never"], default="epoch")
    ap.add_argument("-t", type=columns, metavar="COLS")
    ap.add_argument("-p", type=columns, metavar="COLS")
    ap.add_argument("-w", type=columns, metavar="COL")
    ap.add_argument("-e", type=columns, metavar="COL")
    ap.add_argument("-d", default=",", metavar="C")
    ap.add_argument("-g", type=columns, metavar="COLS")
    ap.add_argument("-s", action="store_true")
    ap.add_argument("--batches", action="store_true")
    ap.add_argument("-c", type=measures, metavar="LIST", default=DEFAULT.split(","))
    ap.add_argument("--dtype", choices=["float32", "float64"], default="float64")
    ap.add_argument("-n", action="store_true")
    ap.add_argument("--header", action="store_true")
    ap.add_argument("--exact", action="store_true")
    ap.add_argument("files", nargs="+", metavar="FILE")
    a = ap.parse_args(argv)
    if a.exact and hasattr(sys, "set_int_max_str_digits"):
        sys.set_int_max_str_digits(0)  # exact values of extreme inputs are that long
    if a.b < 1 or (a.t is None) != (a.p is None) or a.n and a.header:
        ap.error("-b must be >= 1; give -t and -p together; -n or --header, not both")
    wcol = a.w[0] if a.w else None
    ecol = a.e[0] if a.e else None
    gcols = a.g or []
    if a.g and not a.batches:
        a.s = True  # -g leaves the batch lines out unless --batches
    sums = Float32 if a.dtype == "float32" else Exact
    mean = MeanFloat32 if a.dtype == "float32" else MeanOfBatches

    out = csv.writer(sys.stdout, lineterminator="\n")
    header_done = False

    group = None  # the key of the lines being printed, with -g

    def line(kind, label, batch, rows, own, run, means):
        """own: the values of the line's own rows; run and means: as they stand, or
        None for none (empty: the total line's running columns with -r epoch)."""
        nonlocal header_done
        have = {"mean_batch_rmse": means and means["rmse"].value(),
                "mean_row_loss": means and means["row_loss"].value(),
                "running_rmse": run and run["rmse"], "running_mse": run and run["mse"],
                "running_mae": run and run["mae"]}
        head, fields = ["kind", "epoch", "batch", "rows"], [kind, label, batch, rows]
        if a.g:
            head.insert(1, "group")
            fields.insert(1, group if group is not None else "")
        for name in a.c:
            if name == "per_output":
                head += per_output_names(names, d)
                fields += [show(x, a.exact) for x in own["per_output"]]
            elif name in have and run is None:
                head.append(name)
                fields.append("")
            else:
                head.append(name)
                fields.append(show(have[name] if name in have else own[name], a.exact))
        if not header_done:
            out.writerow(head)
            header_done = True
        out.writerow(fields)

    def one_run(only):
        """Everything of the rows of group ONLY (None: all the rows), as a run alone."""
        nonlocal names, d
        d = None
        run = everything = means = None
        for label, names, rows in read_epochs(a.files, a.d, a.t, a.p, wcol, ecol, not a.n,
                                              a.header, shown, gcols, only):
            run, everything, means, last = one_epoch(label, rows, run, everything, means)
        # -f csv always ends with the total line.  Its running columns are their values
        # at the end of the run with -r never, the whole run's; with resets they would be
        # the last epoch's, and are left empty.
        if a.r == "never":
            line("total", "", "", everything.rows, everything.values(), last, means)
        else:
            line("total", "", "", everything.rows, everything.values(), None, None)

    def one_epoch(label, rows, run, everything, means):
        nonlocal d
        if d is None:
            d = len(rows[0][1])
            run, everything = sums(d), sums(d)
            means = {"rmse": mean(), "row_loss": mean()}
        if a.r == "epoch":
            run = sums(d)
            means = {"rmse": mean(), "row_loss": mean()}
        epoch = sums(d)
        for start in range(0, len(rows), a.b):
            batch = sums(d)
            for w, t, p in rows[start:start + a.b]:
                batch.add_row(w, t, p)
            for acc in (run, epoch, everything):
                acc.merge(batch)
            own = batch.values()
            means["rmse"].add(own["rmse"], batch.rows)
            means["row_loss"].add(own["row_loss"], batch.rows)
            if not a.s:
                line("batch", label, start // a.b + 1, batch.rows, own, run.values(), means)
        last = run.values()
        line("epoch", label, "", epoch.rows, epoch.values(), last, means)
        return run, everything, means, last

    names = d = None
    if a.g:
        for key in group_keys(a.files, a.d, gcols, not a.n):
            group = key
            one_run(key)
        group = None
    one_run(None)


def group_keys(files, delim, gcols, header):
    """The keys of the groups, in the order of first appearance."""
    keys = {}
    for name in files:
        with open(name, newline="", encoding="utf-8-sig") as f:
            records = [rec for rec in csv.reader(f, delimiter=delim, strict=True) if rec]
        for rec in records[1 if header else 0:]:
            keys.setdefault(group_key(rec, gcols), None)
    return list(keys)


if __name__ == "__main__":
    main()
