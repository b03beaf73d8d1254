#!/usr/bin/env python3
"""The files that work: true and predicted values laid out as pandas, numpy, R
and spreadsheets write them, each a case with the output or message expected.

layouts.py DIR              writes one case per layout into DIR/NAME/, as
                            tests/cases/ holds them: the input files, cmd,
                            and the expected stdout, stderr and status
layouts.py --fixtures DIR   writes, with the writers below, the files that
                            tests/layouts/ holds as pandas and numpy wrote
                            them (tests/layouts/make-fixtures.py), for
                            check-layouts to compare byte for byte

(Not to be confused with layout.py, which lays out rmsetab's own output.)

Each writer below writes a file the way its tool does, with the standard
library only; those of pandas and numpy are checked against the real tools'
files.  R's write.csv (quoted names and row names, numbers to 15 significant
digits, NA) and the spreadsheets' CSV exports (Excel's "CSV UTF-8" starts with
a byte order mark and ends lines in CRLF; German settings separate with ';'
and write decimal commas) are written as those tools document them.

The expected numbers are worked out here, in exact rational arithmetic on the
binary64 values of the fields (tests/reference.py's square root), never from
what rmsetab printed: every case reads 5 rows or fewer, one batch, so rmse,
mean_batch_rmse and running_rmse are the same number.  The messages are
written out by hand, as rmsetab(1), DIAGNOSTICS, gives them; several cases
then run the command that a message suggests, to show that it works.
"""
import os
import shutil
import sys
import zipfile
from fractions import Fraction

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from reference import sqrt_fraction  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "layouts")

Y = [1.5, 3.0, -0.5, 2.25, 0.1]
YHAT = [2.25, 2.0, 0.5, 2.5, 0.3]
Z = [2.5, 4.0, 0.5, 3.25, 1.1]
NAN = float("nan")

HEAD = "kind,epoch,batch,rows,rmse,mean_batch_rmse,running_rmse\n"


# The writers.

def quote_minimal(text, sep):
    """A field as Python's csv module (and pandas) quotes it: only when needed."""
    if any(c in text for c in (sep, '"', "\n", "\r")):
        return '"' + text.replace('"', '""') + '"'
    return text


def pandas_value(v, na_rep=""):
    """A value as DataFrame.to_csv writes it: an int64 as it is, a float64 by
    repr, NaN as na_rep."""
    if isinstance(v, int):
        return str(v)
    return na_rep if v != v else repr(float(v))


def pandas_csv(columns, index=True, sep=",", index_name=""):
    """DataFrame(dict(columns)).to_csv(sep=sep, index=index): COLUMNS is a list
    of (name, values); the index is 0, 1, 2, ... under INDEX_NAME."""
    names = [n for n, _ in columns]
    rows = zip(*[v for _, v in columns])
    head = ([index_name] if index else []) + names
    out = [sep.join(quote_minimal(h, sep) for h in head)]
    for i, row in enumerate(rows):
        fields = [pandas_value(v) for v in row]
        out.append(sep.join(([str(i)] if index else []) + fields))
    return "\n".join(out) + "\n"


def pandas_unnamed(columns):
    """A pandas file with its index, read back with read_csv and written again
    with index=False: the index is now a column named 'Unnamed: 0'."""
    n = len(columns[0][1])
    return pandas_csv([("Unnamed: 0", list(range(n)))] + columns, index=False)


def r_value(v):
    """A double as R's write.csv writes it: up to 15 significant digits, no
    trailing zeros, NA for a missing value."""
    if v != v:
        return "NA"
    s = "%.15g" % v
    return s


def r_write_csv(columns):
    """write.csv(data.frame(...)): names and row names quoted, row names 1, 2,
    ... under the empty name."""
    names = [n for n, _ in columns]
    out = [",".join('"%s"' % h for h in [""] + names)]
    for i, row in enumerate(zip(*[v for _, v in columns])):
        out.append(",".join(['"%d"' % (i + 1)] + [r_value(v) for v in row]))
    return "\n".join(out) + "\n"


def numpy_savetxt(rows, delimiter=",", header=None, fmt="%.18e"):
    """np.savetxt(f, rows, delimiter=..., header=...): the header after numpy's
    comments, '# '; each value as fmt formats it ('nan' too)."""
    out = [] if header is None else ["# " + header]
    for row in rows:
        out.append(delimiter.join(fmt % v for v in row))
    return "\n".join(out) + "\n"


def spreadsheet_csv(columns, sep=",", decimal_comma=False, bom=True):
    """A sheet saved as CSV: Excel's 'CSV UTF-8' starts with a byte order mark
    and ends its lines in CRLF; with German settings it separates the fields
    with ';' and writes numbers with a decimal comma."""
    def value(v):
        s = repr(float(v))
        if s.endswith(".0"):
            s = s[:-2]
        return s.replace(".", ",") if decimal_comma else s
    names = [n for n, _ in columns]
    out = [sep.join(names)]
    for row in zip(*[v for _, v in columns]):
        out.append(sep.join(value(v) for v in row))
    return ("\ufeff" if bom else "") + "\r\n".join(out) + "\r\n"


def joined(columns, sep):
    """Plain delimited text, floats as repr: what most scripts write."""
    out = [sep.join(n for n, _ in columns)]
    for row in zip(*[v for _, v in columns]):
        out.append(sep.join(repr(float(v)) for v in row))
    return "\n".join(out) + "\n"


# The expected numbers.

def show(x):
    """A value as rmsetab's CSV output prints it: %.17g of the double nearest
    the exact value."""
    return "%.17g" % float(x)


def rmse(pairs):
    """The exact RMSE of the rows of PAIRS, a list of (truth, prediction)
    columns; rows with a NaN left out (as --skip-invalid does)."""
    rows = list(zip(*[list(zip(t, p)) for t, p in pairs]))
    rows = [r for r in rows if all(t == t and p == p for t, p in r)]
    sse = sum((Fraction(p) - Fraction(t)) ** 2 for r in rows for t, p in r)
    return sqrt_fraction(sse / (len(pairs) * len(rows))), len(rows)


def summary(pairs):
    """What `rmsetab -s -f csv` prints for one file of these pairs: its one
    epoch, then the total of the same rows, whose running columns are empty
    (-r epoch)."""
    value, n = rmse(pairs)
    return HEAD + "epoch,1,,%d,%s,%s,%s\n" % (n, show(value), show(value),
                                             show(value)) + \
        "total,,,%d,%s,,\n" % (n, show(value))


def summary_outputs(pairs, names):
    """What `rmsetab -s -f csv -c rmse,per_output` prints for one file of these
    pairs, named in the output by NAMES."""
    value, n = rmse(pairs)
    head = "kind,epoch,batch,rows,rmse," + ",".join(
        "rmse[%s]" % name for name in names) + "\n"
    each = [show(rmse([pr])[0]) for pr in pairs]
    return head + "".join("%s,%d,%s,%s\n" % (kind, n, show(value), ",".join(each))
                          for kind in ("epoch,1,", "total,,"))


# The cases.

CASES = []


def case(name, files, cmd, stdout="", stderr="", status=0, why=""):
    CASES.append((name, files, cmd, stdout, stderr, status, why))


def works(name, text, pairs, why, fname="f.csv", opts=""):
    """A file read without -t or -p: its numbers."""
    case(name, {fname: text}, "rmsetab -s -f csv %s%s" % (opts, fname),
         stdout=summary(pairs), why=why)


def refused(name, files, cmd, fix, pairs, stderr, why):
    """CMD refused (status 2, STDERR), then FIX reads the file: PAIRS'
    numbers."""
    case(name, files, "%s; echo \"status $?\"; %s" % (cmd, fix),
         stdout="status 2\n" + summary(pairs), stderr=stderr, why=why)


def refused_told(name, files, cmd, sed, pairs, stderr, why):
    """CMD refused with a message that names the command that works: that
    command, which the sed(1) script SED cuts out of the message, run."""
    refused(name, files, cmd + " 2>err",
            "cat err >&2; eval \"$(sed '%s' err)\"" % sed, pairs, stderr, why)


def cases():
    one = [(Y, YHAT)]
    cols = [("y_true", Y), ("y_pred", YHAT)]

    works("pandas-index", pandas_csv(cols), one,
          "df.to_csv('f.csv'): the index first, under an empty name, is "
          "not data")
    works("pandas-unnamed", pandas_unnamed(cols), one,
          "read back and written with index=False: the index is the column "
          "'Unnamed: 0'")
    works("pandas-index-two-columns",
          pandas_csv([("observation", Y), ("model", YHAT)]), one,
          "an index and two columns of other names: the only two columns "
          "there are, the first the true values")
    works("pandas-tab", pandas_csv(cols, index=False, sep="\t"), one,
          "to_csv(sep='\\t'): the header has no comma but tabs", "f.tsv")
    works("r-write-csv", r_write_csv([("obs", Y), ("pred", YHAT)]), one,
          "R's write.csv: quoted names, quoted row names under \"\"")

    # Every pair of the table of synonyms, in some case, some backwards.
    synonyms = [("y_true", "y_pred"), ("TRUE", "PRED"),
                ("Actual", "Predicted"), ("y", "yhat"), ("Y", "Y_HAT"),
                ("target", "prediction"), ("Label", "pred"),
                ("truth", "pred"), ("y_test", "y_pred"),
                ("OBSERVED", "predicted"), ("obs", "pred")]
    for i, (t, p) in enumerate(synonyms):
        c = [(t, Y), (p, YHAT)]
        if i % 2:
            c = [("x", Z)] + c[::-1]
        works("synonym-%s-%s" % (t.lower(), p.lower()),
              pandas_csv(c, index=False), one,
              "%s and %s, names of the table of synonyms%s" %
              (t, p, " in another order, beside an x that is neither"
               if i % 2 else ""))

    # Several outputs, paired by the rest of their names.
    two = [(Y, YHAT), (YHAT, Z)]
    for name, t, p in [("after", ["true_a", "true_b"], ["pred_a", "pred_b"]),
                       ("before", ["a_true", "b_true"], ["a_pred", "b_pred"]),
                       ("y", ["y_true_a", "y_true_b"], ["y_pred_a",
                                                        "y_pred_b"]),
                       ("dots", ["a.obs", "b.obs"], ["a.pred", "b.pred"])]:
        c = [(t[0], Y), (p[1], Z), (p[0], YHAT), (t[1], YHAT)]
        case("outputs-" + name, {"f.csv": pandas_csv(c, index=False)},
             "rmsetab -s -f csv -c rmse,per_output f.csv",
             stdout=summary_outputs(two, t),
             why="two outputs, %s/%s and %s/%s, their columns in no "
                 "order: paired by the rest of their names" %
                 (t[0], p[0], t[1], p[1]))
    seed = [("true_%d" % j, [v + j for v in Y]) for j in range(3)] + \
           [("pred_%d" % j, [v - j for v in YHAT]) for j in range(3)]
    case("outputs-seed", {"f.csv": joined(seed, ",")},
         "rmsetab -s -f csv -c rmse,per_output f.csv",
         stdout=summary_outputs([(seed[j][1], seed[3 + j][1])
                                 for j in range(3)],
                                ["true_0", "true_1", "true_2"]),
         why="the layout of the seed example, true_0..true_2 then "
             "pred_0..pred_2")

    rows = list(zip(Y, YHAT))
    works("numpy-header", numpy_savetxt(rows, header="y_true,y_pred"), one,
          "np.savetxt(header='y_true,y_pred') writes '# ' before the names")
    refused(
        "numpy-no-header", {"f.csv": numpy_savetxt(rows)},
        "rmsetab -s -f csv f.csv", "rmsetab -n -s -f csv f.csv", one,
        stderr="rmsetab: f.csv:1: the first line looks like data, not a "
               "header: '1.500000000000000000e+00,2.250000000000000000e+00'"
               "; type -n if it is data, or --header if it is the header\n",
        why="np.savetxt without a header: the first line is data, refused "
            "as a header; with -n, the only two columns")
    refused(
        "numpy-space", {"f.csv": numpy_savetxt(rows, delimiter=", ",
                                               header="y_true, y_pred")},
        "rmsetab -s -f csv f.csv",
        "sed 's/, /,/g' f.csv | rmsetab -s -f csv", one,
        stderr="rmsetab: f.csv:2: column  y_pred: invalid number ' "
               "2.250000000000000000e+00' (a space after the comma, as "
               "numpy's savetxt(delimiter=', ') writes); remove such spaces "
               "first: sed 's/, /,/g'\n",
        why="delimiter=', ': a space starts each field but the first; "
            "refused, and the sed that the message names fixes it")

    works("semicolon", joined(cols, ";"), one,
          "a header with no comma but semicolons: ';'")
    works("pipe", joined(cols, "|"), one,
          "a header with no comma but pipes: '|'")
    works("excel-utf8", spreadsheet_csv(cols), one,
          "Excel's CSV UTF-8: a byte order mark, CRLF")
    de = spreadsheet_csv(cols, sep=";", decimal_comma=True)
    refused(
        "excel-german", {"f.csv": de}, "rmsetab -s -f csv f.csv",
        "rmsetab -s -f csv --decimal-comma f.csv", one,
        stderr="rmsetab: f.csv:2: column y_true: invalid number '1,5' (a "
               "decimal comma); type --decimal-comma\n",
        why="Excel with German settings: ';' and decimal commas; refused "
            "with the hint, then read with --decimal-comma")
    works("decimal-comma-tab",
          joined(cols, "\t").replace(".", ","), one,
          "tabs and decimal commas: the tab of the first line, "
          "with --decimal-comma", opts="--decimal-comma ")

    # Two pairs of names: nothing picked; the first command given works.
    both = [("true", Z), ("pred", Y), ("y_true", Y), ("y_pred", YHAT)]
    refused_told(
        "two-pairs", {"f.csv": pandas_csv(both)},
        "rmsetab -s -f csv f.csv", "s/.*: type //; s/, or .*//", one,
        stderr="rmsetab: f.csv:1: cannot tell which columns hold true and "
               "predicted values, 2 choices fit: type rmsetab -t y_true -p "
               "y_pred -s -f csv f.csv, or rmsetab -t true -p pred -s -f "
               "csv f.csv\n",
        why="true/pred and y_true/y_pred: both listed, the first command "
            "then run")
    refused_told(
        "outputs-unpaired",
        {"f.csv": pandas_csv([("true_a", Y), ("true_b", Z),
                              ("pred_a", YHAT)], index=False)},
        "rmsetab -s -f csv f.csv", "s/.*, type //", one,
        stderr="rmsetab: f.csv:1: cannot tell which columns hold true and "
               "predicted values: 'true_b' has no column to pair with; for "
               "the pairs that have one, type rmsetab -t true_a -p pred_a "
               "-s -f csv f.csv\n",
        why="true_b has no pred_b: refused, with the command for the pair "
            "there is")
    refused_told(
        "halves", {"t.csv": pandas_csv([("y_true", Y)]),
                   "p.csv": pandas_csv([("y_pred", YHAT)])},
        "rmsetab -s -f csv t.csv p.csv", "s/.*, type //", one,
        stderr="rmsetab: t.csv:1: cannot tell which columns hold true and "
               "predicted values: the header has true values only "
               "('y_true'); if the next file holds the predictions, type "
               "paste -d, t.csv p.csv | rmsetab -s -f csv\n",
        why="the truth in one file, the predictions in the next: the "
            "paste(1) that joins them, run; the pasted header has two "
            "empty names, the first pandas's index")

    # Missing values as pandas, numpy and R write them.
    gap = list(YHAT)
    gap[2] = NAN
    for name, text, shown, line in [
            ("pandas", pandas_csv([("y_true", Y), ("y_pred", gap)]), "", 4),
            ("numpy", numpy_savetxt(list(zip(Y, gap)),
                                    header="y_true,y_pred"), "nan", 4),
            ("r", r_write_csv([("y_true", Y), ("y_pred", gap)]), "NA", 4)]:
        refused(
            "missing-" + name, {"f.csv": text},
            "rmsetab -s -f csv f.csv",
            "rmsetab -s -f csv --skip-invalid f.csv", [(Y, gap)],
            stderr="rmsetab: f.csv:%d: column y_pred: invalid number '%s' "
                   "(a missing value); type --skip-invalid to skip such "
                   "rows\nrmsetab: skipped 1 of 5 rows with invalid numbers "
                   "(--skip-invalid), at f.csv:%d\n" % (line, shown, line),
            why="%s's missing value: refused, with the hint; then skipped, "
                "the RMSE of the 4 other rows" % name)

    refused_told(
        "utf16",
        {"f.csv": ("\ufeff" + joined(cols, ",")).encode("utf-16-le")},
        "rmsetab -s -f csv f.csv", "s/.*first: //", one,
        stderr="rmsetab: f.csv:1: the text is UTF-16 (it starts with the "
               "bytes ff fe); convert it to UTF-8 first: iconv -f UTF-16 "
               "-t UTF-8 f.csv | rmsetab -s -f csv\n",
        why="a UTF-16 file (Windows 'Unicode text'): refused, the iconv "
            "that the message names then run")
    case("xlsx", {"f.xlsx": open(os.path.join(FIXTURES, "openpyxl.xlsx"),
                                 "rb").read()},
         "rmsetab f.xlsx", status=2,
         stderr="rmsetab: f.xlsx:1: a zip archive, not CSV: if it is a "
                "spreadsheet (.xlsx, .ods), save the sheet as CSV and read "
                "that\n",
         why="a workbook as openpyxl saves it (tests/layouts/openpyxl.xlsx)")
    case("tsv-read-with-comma", {"f.tsv": pandas_csv(cols, index=False,
                                                     sep="\t")},
         "rmsetab -d , f.tsv", status=2,
         stderr="rmsetab: f.tsv:1: cannot tell which columns hold true and "
                "predicted values; give them with -t and -p; the header is "
                "one column, 'y_true\\ty_pred': type -d tab\n",
         why="-d overrides the guess; a TSV split at commas is one column")
    case("did-you-mean", {"f.csv": pandas_csv(cols)},
         "rmsetab -t Y_True -p y_pred f.csv", status=2,
         stderr="rmsetab: f.csv:1: -t: no column 'Y_True' (did you mean "
                "'y_true'?); the header has: , y_true, y_pred\n",
         why="-t and -p match names exactly; the name that differs only "
             "in case is suggested")


def write_cases(root):
    cases()
    for name, files, cmd, stdout, stderr, status, why in CASES:
        d = os.path.join(root, name)
        os.makedirs(d)
        for fname, text in files.items():
            data = text if isinstance(text, bytes) else text.encode()
            with open(os.path.join(d, fname), "wb") as f:
                f.write(data)
        for fname, text in [("cmd", cmd + "\n"), ("stdout", stdout),
                            ("stderr", stderr), ("why", why + "\n"),
                            ("status", "%d\n" % status if status else "")]:
            if text:
                with open(os.path.join(d, fname), "w") as f:
                    f.write(text)


def write_fixtures(root):
    """What make-fixtures.py made with the real tools, by the writers above."""
    cols = [("y_true", Y), ("y_pred", YHAT)]
    gap = list(YHAT)
    gap[2] = NAN
    rows = list(zip(Y, YHAT))
    files = {
        "pandas-index.csv": pandas_csv(cols),
        "pandas-unnamed.csv": pandas_unnamed(cols),
        "pandas-tab.tsv": pandas_csv(cols, index=False, sep="\t"),
        "pandas-nan.csv": pandas_csv([("y_true", Y), ("y_pred", gap)]),
        "pandas-outputs.csv": pandas_csv([("true_a", Y), ("pred_b", Z),
                                          ("pred_a", YHAT),
                                          ("true_b", YHAT)], index=False),
        "numpy-noheader.csv": numpy_savetxt(rows),
        "numpy-header.csv": numpy_savetxt(rows, header="y_true,y_pred"),
        "numpy-space.csv": numpy_savetxt(rows, delimiter=", ",
                                         header="y_true, y_pred"),
        "numpy-nan.csv": numpy_savetxt(list(zip(Y, gap)),
                                       header="y_true,y_pred"),
    }
    for fname, text in files.items():
        with open(os.path.join(root, fname), "w", newline="") as f:
            f.write(text)


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--fixtures":
        write_fixtures(sys.argv[2])
    elif len(sys.argv) == 2 and not sys.argv[1].startswith("-"):
        write_cases(sys.argv[1])
    else:
        sys.exit(__doc__.split("\n\n")[1])


main()
