"""Whether a peer's answer agrees with rmsetab's, to 1e-9 relative.
The per-batch job compares every batch line (batch number, rows, batch RMSE,
running RMSE), so that a tool that cut the batches from rows in another
order, or lost a batch, is caught, not only a wrong total; the global job
compares the one RMSE.  Prints the peer's final RMSE; on a disagreement
says where on stderr and exits 1.
A peer prints batch,rows,rmse,running_rmse per batch, or the RMSE alone;
rmsetab -f csv prints kind,epoch,batch,rows,rmse,mean_batch_rmse,
running_rmse, and is read as a peer too (to print its own answer); with
-g, kind,group,epoch,..., of which the lines of all the rows (the group
empty: the bench's keys are never empty) are read, as without -g.
usage: agree.py batch|global RMSETAB-OUTPUT PEER-OUTPUT"""
import sys

TOLERANCE = 1e-9


def close(got, want):
    return got == want or abs(got - want) <= TOLERANCE * abs(want)


def answers(path, job):
    """The lines of a job's answer, as lists of numbers."""
    with open(path) as f:
        rows = [line.strip().split(",") for line in f if line.strip()]
    if rows and rows[0][:2] == ["kind", "group"]:
        rows = [r[:1] + r[2:] for r in rows if r[1] in ("group", "")]
    if rows and rows[0][0] == "kind":
        if job == "batch":
            rows = [r[2:5] + r[6:7] for r in rows if r[0] == "batch"]
        else:
            rows = [r[4:5] for r in rows if r[0] == "epoch"]
    width = 4 if job == "batch" else 1
    for n, r in enumerate(rows, 1):
        try:
            if len(r) != width:
                raise ValueError
            r[:] = [float(x) for x in r]
        except ValueError:
            sys.exit("%s: line %d: %s: %d numbers wanted"
                     % (path, n, ",".join(r), width))
    return rows


def main():
    job, mine, theirs = sys.argv[1:4]
    want, got = answers(mine, job), answers(theirs, job)
    if not got:
        sys.exit("printed nothing")
    if len(got) != len(want):
        sys.exit("%d lines, rmsetab %d" % (len(got), len(want)))
    for n, (g, w) in enumerate(zip(got, want), 1):
        # Batch numbers and rows exactly, RMSEs to the tolerance.
        if g[:-2] != w[:-2] or not all(close(a, b)
                                       for a, b in zip(g[-2:], w[-2:])):
            sys.exit("line %d: %s, rmsetab %s" % (
                n, ",".join(map(repr, g)), ",".join(map(repr, w))))
    print(repr(got[-1][-1]))


main()
