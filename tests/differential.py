#!/usr/bin/env python3
"""Differential test: rmsetab against the exact reference on many small random inputs.

differential.py [--seed N] [--count M] PATH-TO-RMSETAB

Each case draws an input of a few files (shapes, delimiters, CR, LF or CRLF line ends, a
final line end or not, blank lines, a byte order mark, quoted fields, a header or -n, or a
first line of numbers with --header), and options (batch sizes 1 to n + 1, weights with
zeros, epochs by file and by -e, groups by -g of a column of keys in no order, several
pairs, -r, -s, --batches, -c).  rmsetab reads it three ways:
every file from disk; one file through a pipe written in small pieces; the same file through
a packet socket, which hands each piece to one read(2), so that read boundaries fall where
the pieces end, anywhere in a record.  Every printed line must be the reference's
(tests/reference.py, exact rational arithmetic; it shares no code with rmsetab): labels as
text, numbers as the same binary64 value.  Some cases are errors on purpose (a first line
that looks like data, a header with no rows, an empty file): rmsetab must exit 2 with a
message at the reference's FILE:LINE, having printed only lines the reference prints too.

Case K of seed N depends on N and K alone: `make check-differential SEED=N COUNT=M` replays
a run.  A failing case's files, commands and outputs are kept in build/differential/.
Names of the per-output columns come from the reference (per_output_names); the true
columns' names drawn here are distinct.  Exit status: 0 all agree, 1 a case failed, 2 usage.
"""
import argparse
import contextlib
import csv
import io
import math
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import reference  # noqa: E402  (tests/reference.py, imported to run in this process)

LABELS = 4  # kind, epoch, batch, rows: compared as text; the rest as numbers
MEASURES = reference.NAMES
DELIMS = [(",", ","), (",", ","), (";", ";"), ("\t", "tab"), ("|", "|")]
EOLS = ["\n", "\r\n", "\r"]
# Epoch labels that need quoting in CSV, beside plain ones: the delimiter, quotes and a line
# break inside a field.
ODD_LABELS = ["a,b", 'say "hi"', "two\nlines", "semi;colon", "tab\there", "pipe|d", "x y"]


# ----------------------------------------------------------------------------- generation

def number_text(rng):
    """The text of a decimal number, in one of the forms rmsetab reads."""
    form = rng.randrange(7)
    if form == 0:
        return str(rng.randint(-9, 9))
    if form == 1:
        return f"{rng.randint(-999, 999) / 100}"
    if form == 2:
        return repr(rng.gauss(0.0, 1.0) * 10.0 ** rng.randint(-3, 3))
    if form == 3:
        return f"{rng.randint(1, 9)}.{rng.randint(0, 99)}e{rng.randint(-5, 5)}"
    if form == 4:
        return rng.choice(["+", "-", ""]) + "." + str(rng.randint(0, 99))
    if form == 5:
        return str(rng.randint(-50, 50)) + "."
    return rng.choice(["0", "-0", "+0.0", "1E2", "2.5E-1"])


def weight_text(rng):
    return rng.choice(["0", "0", "0.0", "1", "0.5", "2.25", "3", "1e-3",
                       repr(rng.uniform(0.0, 10.0))])


class Case:
    """One input and one command line, drawn from RNG."""

    def __init__(self, rng, workdir):
        self.rng = rng
        self.dir = workdir
        self.error = None  # the kind of error drawn on purpose, if any
        d = self.pairs = rng.choice([1, 1, 2, 2, 3])
        self.delim, self.delim_arg = rng.choice(DELIMS)
        self.eol = rng.choice(EOLS)
        self.mixed_eols = rng.random() < 0.1
        self.quote_p = rng.choice([0.0, 0.0, 0.1, 0.5, 1.0])
        self.blank_p = rng.choice([0.0, 0.0, 0.1, 0.3])
        self.has_weight = rng.random() < 0.4
        self.has_epoch = rng.random() < 0.35
        self.has_id = rng.random() < 0.2
        # How the first line is read: names, -n, or numbers with --header.
        self.mode = rng.choices(["names", "n", "numbers"], [6, 3, 2])[0]

        roles = [("t", j) for j in range(d)] + [("p", j) for j in range(d)]
        roles += [("w", 0)] * self.has_weight + [("e", 0)] * self.has_epoch
        roles += [("id", 0)] * self.has_id
        rng.shuffle(roles)
        self.roles = roles
        self.col = {r: i for i, r in enumerate(roles)}  # role -> 0-based column
        self.names = self.draw_names()

        self.nfiles = rng.choice([1, 1, 1, 2, 2, 3])
        self.rows = [[] for _ in range(self.nfiles)]
        key = 0
        for f in range(self.nfiles):
            n = rng.choice([1, 1, 2, 3, 4, 5, 7, 9, 12])
            for _ in range(n):
                # Epoch keys never come back, in a file or across files: a key that
                # reappears is another matter (the reference would split it as rmsetab
                # does, but rmsetab may warn about it).
                if not self.rows[f] or rng.random() < 0.3:
                    key += 1
                    label = rng.choice(ODD_LABELS) + str(key) if key % 4 == 0 else f"e{key}"
                self.rows[f].append(self.draw_row(label))
        total = sum(len(r) for r in self.rows)
        self.batch = rng.randint(1, total + 1)
        self.reset = rng.choice(["epoch", "never"])
        self.summary = rng.random() < 0.3
        self.measures = None
        if rng.random() < 0.7:
            self.measures = rng.sample(MEASURES, rng.randint(1, 5))
        self.header_on = [True] * self.nfiles  # whether each file has its first line
        self.draw_error()
        self.bom = [rng.random() < 0.15 for _ in range(self.nfiles)]
        self.final_eol = [rng.random() < 0.5 for _ in range(self.nfiles)]
        self.files = [self.write(f) for f in range(self.nfiles)]
        # -g on the column of ids: keys in no order, an empty one among them.
        self.group = self.has_id and rng.random() < 0.6
        self.batches = self.group and not self.summary and rng.random() < 0.5

    def draw_names(self):
        rng = self.rng
        if self.mode == "numbers":
            if len(self.roles) == 2 and rng.random() < 0.5:
                # pandas's header for an unnamed frame; read with the default columns.
                return [str(i) for i in range(2)]
            start = rng.randint(0, 5)
            return [f"{start + i}.5" for i in range(len(self.roles))]
        if len(self.roles) == 2 and rng.random() < 0.3:
            return ["y_true", "y_pred"] if self.roles[0][0] == "t" else ["y_pred", "y_true"]
        base = {"t": "true_", "p": "pred_", "w": "weight", "e": "epoch", "id": "id"}
        out = []
        for kind, j in self.roles:
            name = base[kind] + (str(j) if kind in "tp" else "")
            if rng.random() < 0.15:
                name = rng.choice(["x ", "a,", 'q"', "é"]) + name
            out.append(name)
        return out

    def draw_row(self, label):
        fields = []
        for kind, _ in self.roles:
            if kind in "tp":
                fields.append(number_text(self.rng))
            elif kind == "w":
                fields.append(weight_text(self.rng))
            elif kind == "e":
                fields.append(label)
            else:
                fields.append(self.rng.choice(["a", "b7", "", "x y"]))
        return fields

    def draw_error(self):
        """Now and then, an input that must be refused."""
        rng = self.rng
        r = rng.random()
        f = rng.randrange(self.nfiles)
        if r < 0.1 and self.mode == "numbers":
            self.error = "looks like data"  # names that are numbers, without --header
        elif r < 0.1 and self.mode == "names" and not self.has_epoch and not self.has_id:
            self.error = "looks like data"  # a file without its header, read with one
            self.header_on[f] = False
        elif r < 0.14 and self.mode != "n":
            self.error = "no data rows"
            self.rows[f] = []
        elif r < 0.17:
            self.error = "empty input"
            self.rows[f] = []
            self.header_on[f] = False

    def field(self, text):
        """TEXT as a CSV field: quoted when it must be, and now and then when not."""
        must = any(c in text for c in (self.delim, '"', "\n", "\r"))
        if must or (text and self.rng.random() < self.quote_p):
            return '"' + text.replace('"', '""') + '"'
        return text

    def write(self, f):
        rng = self.rng
        lines = []
        if self.mode != "n" and self.header_on[f]:
            lines.append(self.names)
        lines += self.rows[f]
        out = ["\ufeff"] if self.bom[f] else []
        eol = self.eol
        for i, fields in enumerate(lines):
            while rng.random() < self.blank_p:
                out.append(eol)
            out.append(self.delim.join(self.field(x) for x in fields))
            if self.mixed_eols:
                eol = rng.choice(EOLS)
            if i < len(lines) - 1 or self.final_eol[f]:
                out.append(eol)
        # Blank lines at the end, after a line end or in place of the last one.
        while rng.random() < self.blank_p:
            out.append(eol)
        path = os.path.join(self.dir, f"in{f + 1}.csv")
        with open(path, "w", encoding="utf-8", newline="") as fh:
            fh.write("".join(out))
        return path

    def selection(self):
        """The column options, for rmsetab and for the reference (indices only)."""
        d, rng = self.pairs, self.rng
        t = [self.col[("t", j)] for j in range(d)]
        p = [self.col[("p", j)] for j in range(d)]
        ref = ["-t", ",".join(str(i + 1) for i in t), "-p", ",".join(str(i + 1) for i in p)]
        mine = []
        # Without -t and -p: y_true and y_pred by name, or else the only two columns, the
        # first true unless the names say otherwise (bias and r2 tell which is which).
        default = len(self.roles) == 2
        # Names with the list's and ranges' separators, or a quote, are selected by
        # index: they are the business of the selection's own tests.
        by_name = self.mode == "names" and rng.random() < 0.5 and \
            not any(c in n for n in self.names for c in ',-"')
        pandas = self.names == ["0", "1"]  # names that are positions too: no -t, -p
        if default and (pandas or rng.random() < 0.6):
            if self.mode == "n" or "y_true" not in self.names:
                # The only two columns: the first is true unless a name of the man page's
                # table says otherwise (true_0 or pred_0 here; "x true_0" is no such name);
                # with -n there are no names.  (Only bias and r2 tell true from pred.)
                def holds(name, word):
                    n = name.lower()
                    return n == word or any(n.startswith(word + c) and len(n) > len(word) + 1
                                            or n.endswith(c + word) and len(n) > len(word) + 1
                                            for c in "_.- ")
                second = self.mode != "n" and (holds(self.names[1], "true") or
                                               holds(self.names[0], "pred"))
                ref = ["-t", "2", "-p", "1"] if second else ["-t", "1", "-p", "2"]
        else:
            pick = (lambda i: self.names[i]) if by_name else (lambda i: str(i + 1))
            mine = ["-t", ",".join(pick(i) for i in t), "-p", ",".join(pick(i) for i in p)]
        for flag, role in (("-w", "w"), ("-e", "e"), ("-g", "id")):
            if role == "id" and not self.group:
                continue
            if (role, 0) in self.col:
                i = self.col[(role, 0)]
                ref += [flag, str(i + 1)]
                mine += [flag, self.names[i] if by_name else str(i + 1)]
        return mine, ref

    def commands(self):
        """rmsetab's options and the reference's, files aside."""
        mine, ref = self.selection()
        common = ["-b", str(self.batch), "-r", self.reset]
        if self.summary:
            common.append("-s")
        if self.batches:
            common.append("--batches")
        if self.measures:
            common += ["-c", ",".join(self.measures)]
        if self.mode == "n":
            common.append("-n")
        if self.mode == "numbers" and self.error != "looks like data":
            common.append("--header")
        return (["-f", "csv", "-d", self.delim_arg] + common + mine,
                ["-d", self.delim] + common + ref)


# ----------------------------------------------------------------------------- running

def expected(ref_args, files, shown):
    """The reference's lines (as CSV rows) and its error location, or None."""
    buf = io.StringIO()
    err = None
    with contextlib.redirect_stdout(buf):
        try:
            reference.main(ref_args + files, shown)
        except SystemExit as e:
            err = str(e.code)
    lines = list(csv.reader(io.StringIO(buf.getvalue())))
    if err is not None:
        prefix = "reference.py: "
        if not err.startswith(prefix):
            raise RuntimeError(f"the reference refused the case: {err}")
        err = err[len(prefix):].split(": ")[0]  # FILE:LINE
    return lines, err


def feeder(kind, data, rng):
    """A descriptor that reads DATA, written in pieces of 1 to a few bytes by a thread; and
    the thread.  KIND: 'pipe', or 'packets' (one piece a read)."""
    if kind == "pipe":
        r, w = os.pipe()
        wfile = w
    else:
        a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        r, wfile = a.detach(), b
    cuts, pos = [], 0
    top = rng.choice([1, 2, 3, 7, 16, 64])
    while pos < len(data):
        n = rng.randint(1, top)
        cuts.append(data[pos:pos + n])
        pos += n

    def run():
        try:
            for piece in cuts:
                if kind == "pipe":
                    os.write(wfile, piece)
                else:
                    wfile.sendall(piece)
        except OSError:
            pass  # rmsetab stopped reading (an error): nothing more to give it
        finally:
            if kind == "pipe":
                os.close(wfile)
            else:
                wfile.close()

    t = threading.Thread(target=run)
    t.start()
    return r, t


def run_rmsetab(binary, cwd, args, stdin_kind=None, stdin_data=b"", rng=None):
    fd, thread = None, None
    if stdin_kind is not None:
        fd, thread = feeder(stdin_kind, stdin_data, rng)
    p = subprocess.run([binary] + args, stdin=fd if fd is not None else subprocess.DEVNULL,
                       capture_output=True, timeout=60, cwd=cwd)
    if fd is not None:
        os.close(fd)
        thread.join()
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def same_value(e, a):
    if e == a == "":
        return True  # a total's running column, empty on both sides
    try:
        ev, av = float(e), float(a)
    except ValueError:
        return False
    return ev == av or (math.isnan(ev) and math.isnan(av))


def compare(exp_lines, exp_err, status, out, err):
    """What differs between the reference's result and rmsetab's, as lines of text."""
    got = list(csv.reader(io.StringIO(out)))
    diffs = []
    if exp_err is None:
        if status != 0 or err:
            diffs.append(f"status {status}, expected 0; stderr: {err.strip()!r}")
        if len(got) != len(exp_lines):
            diffs.append(f"{len(got)} lines printed, {len(exp_lines)} expected")
    else:
        want = f"rmsetab: {exp_err}: "
        if status != 2 or not err.startswith(want) or err.count("\n") != 1:
            diffs.append(f"status {status}, stderr {err.strip()!r}: expected status 2 and "
                         f"one message starting {want!r}")
        if len(got) > len(exp_lines):
            diffs.append(f"{len(got)} lines printed before the error, the reference "
                         f"prints {len(exp_lines)}")
    for n, (e, a) in enumerate(zip(exp_lines, got), start=1):
        if n == 1:
            same = e == a  # the names of the columns
        else:
            # With -g, the group after kind is a label too.
            k = LABELS + (exp_lines[0][1:2] == ["group"])
            same = len(e) == len(a) and e[:k] == a[:k] and \
                all(same_value(x, y) for x, y in zip(e[k:], a[k:]))
        if not same:
            diffs.append(f"line {n}: expected {e}\n{'':9}found    {a}")
    return diffs


def run_case(binary, seed, k, root):
    rng = random.Random(f"{seed}/{k}")
    work = os.path.join(root, str(k))
    os.mkdir(work)
    case = Case(rng, work)
    mine, ref = case.commands()
    files = case.files
    names = [os.path.basename(f) for f in files]
    problems = []
    runs = []
    # Every file from disk.
    runs.append(("from files", mine + names, None, None,
                 {f: os.path.basename(f) for f in files}))
    # One file from standard input, through a pipe, then a packet socket.
    i = rng.randrange(len(files))
    with open(files[i], "rb") as fh:
        data = fh.read()
    args = names[:]
    if len(files) == 1 and rng.random() < 0.5:
        args = []  # no file: standard input
    else:
        args[i] = "-"
    shown = {f: os.path.basename(f) for f in files}
    shown[files[i]] = "(stdin)"
    for kind, how in (("pipe", "a pipe"), ("packets", "a packet socket")):
        runs.append((f"{names[i]} through {how}", mine + args, kind, data, shown))
    results = {}
    for what, args, kind, data, shown in runs:
        key = tuple(sorted(shown.items()))
        if key not in results:
            results[key] = expected(ref, files, shown)
        exp_lines, exp_err = results[key]
        status, out, err = run_rmsetab(binary, work, args, kind, data, rng)
        diffs = compare(exp_lines, exp_err, status, out, err)
        if diffs:
            problems.append((what, args, diffs, out, err))
    if not problems:
        shutil.rmtree(work)
        return None
    return work, ref, problems


def main():
    ap = argparse.ArgumentParser(usage=__doc__.splitlines()[2])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=300)
    ap.add_argument("rmsetab")
    a = ap.parse_args()
    binary = os.path.abspath(a.rmsetab)
    if not os.access(binary, os.X_OK):
        ap.error(f"{a.rmsetab}: not an executable")
    keep = os.path.join(os.path.dirname(HERE), "build", "differential")
    print(f"check-differential: seed {a.seed}, {a.count} cases "
          f"(make check-differential SEED={a.seed} COUNT={a.count} replays them)")
    failed = 0
    with tempfile.TemporaryDirectory() as root:
        for k in range(a.count):
            try:
                result = run_case(binary, a.seed, k, root)
            except (RuntimeError, OSError, subprocess.SubprocessError, csv.Error) as e:
                failed += 1
                print(f"FAIL case {k}: {e}")
                continue
            if result is None:
                continue
            work, ref, problems = result
            failed += 1
            dest = os.path.join(keep, f"seed{a.seed}-case{k}")
            shutil.rmtree(dest, ignore_errors=True)
            shutil.copytree(work, dest)
            with open(os.path.join(dest, "README"), "w") as fh:
                fh.write(f"reference.py {' '.join(ref)} in*.csv\n")
                for what, args, diffs, out, err in problems:
                    fh.write(f"\n{what}: rmsetab {' '.join(args)}\n")
                    fh.write("\n".join(diffs) + "\n")
                    fh.write(f"stdout:\n{out}stderr:\n{err}")
            if failed <= 5:
                print(f"FAIL case {k} (kept in {dest})")
                for what, args, diffs, _, _ in problems:
                    shown = " ".join(x if x.isprintable() and " " not in x else repr(x)
                                     for x in args)
                    print(f"    {what}: rmsetab {shown}")
                    for line in diffs[:4]:
                        print("        " + line.replace("\n", "\n        "))
    print(f"check-differential: {a.count} cases, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
