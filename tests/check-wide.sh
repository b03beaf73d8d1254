#!/bin/sh
# Rows as wide as people write them (make check-wide): 400,000 pairs in
# one row, with per-output RMSEs, in bounded memory.  The reader once made
# room for 4,096 rows of per-output sums a block, 39 GB for this file, and
# said "out of memory" under any limit.
# usage: sh tests/check-wide.sh PATH-TO-RMSETAB

. "$(dirname "$0")/lib/harness.sh"
harness_start "$@"

pairs=400000
# Output j (from 0): true value j % 7, predicted j % 7 + j % 3.
python3 - "$pairs" >"$tmp/wide.csv" <<'EOF' || exit 2
import sys
n = int(sys.argv[1])
print(",".join(["t%d" % j for j in range(n)] + ["p%d" % j for j in range(n)]))
print(",".join([str(j % 7) for j in range(n)] +
               [str(j % 7 + j % 3) for j in range(n)]))
EOF

# Virtual memory, not resident: 1.5 GB leaves room for up to 8 worker
# threads' stacks and malloc arenas, and is 1/26 of what the old room
# took.  A sanitized build reserves terabytes of shadow memory: no limit.
limit=
if grep -q __asan_init "$bin" 2>/dev/null; then
    skip "the memory limit of check-wide under AddressSanitizer"
else
    limit="ulimit -v 1500000;"
fi
sh -c "$limit"' exec "$0" -c rmse,per_output -f csv -s -t 1-$1 -p $(($1 + 1))-$(($1 * 2)) "$2"' \
    "$bin" "$pairs" "$tmp/wide.csv" >"$tmp/actual" 2>"$tmp/stderr"
status=$?

# What a hand derivation gives (one row: each output's RMSE is its
# absolute error, j % 3; the RMSE of all outputs is the square root of
# the mean of (j % 3)^2: 133,333 ones and 133,333 fours over 400,000
# outputs, 666,665 / 400,000), printed value within one ulp of the
# correctly rounded square root.
if [ "$status" = 0 ] && python3 - "$pairs" "$tmp/actual" >"$tmp/diff" 2>&1 <<'EOF'; then
import math, sys
from decimal import Decimal, getcontext
n = int(sys.argv[1])
lines = open(sys.argv[2]).read().split("\n")
assert lines[3:] == [""], "three lines expected, got %d" % (len(lines) - 1)
head, row = lines[0].split(","), lines[1].split(",")
# The total line, with which csv always ends: one epoch, so the epoch's
# own values (no running column is asked for).
assert lines[2].split(",") == ["total", "", ""] + row[3:], "total line"
assert head == ["kind", "epoch", "batch", "rows", "rmse"] + \
    ["rmse[t%d]" % j for j in range(n)], "header"
assert row[:4] == ["epoch", "1", "", "1"], "row starts %r" % row[:4]
for j in range(n):
    assert row[5 + j] == str(j % 3), "output %d: %r" % (j, row[5 + j])
ones = sum(1 for j in range(n) if j % 3 == 1)
twos = sum(1 for j in range(n) if j % 3 == 2)
assert ones + 4 * twos == 666665
getcontext().prec = 60
want = float((Decimal(666665) / Decimal(n)).sqrt())
got = float(row[4])
assert got in (want, math.nextafter(want, 0), math.nextafter(want, 2)), \
    "rmse %r, want %r" % (got, want)
EOF
    pass "400000 pairs, -c per_output, one row"
else
    fail "400000 pairs, -c per_output, one row (status $status)"
    cat "$tmp/stderr" "$tmp/diff" 2>/dev/null | head -n 10 | sed 's/^/    /'
fi

# Resident memory, where /usr/bin/time can say it: the row's text (7.8
# MB), its per-output values (9.6 MB), the batcher's four per-output sums
# (38 MB) and the output line; 256 MiB is far above them and far below
# what the old room asked for.
if [ -z "$limit" ]; then
    skip "resident memory of check-wide under AddressSanitizer"
elif [ -x /usr/bin/time ]; then
    /usr/bin/time -f %M -o "$tmp/rss" "$bin" -c per_output -f csv -s \
        -t 1-$pairs -p $((pairs + 1))-$((pairs * 2)) "$tmp/wide.csv" \
        >/dev/null 2>"$tmp/stderr"
    status=$?
    rss=$(tail -n 1 "$tmp/rss")
    if [ "$status" = 0 ] && [ "$rss" -le 262144 ] 2>/dev/null; then
        pass "400000 pairs: at most 256 MiB resident"
    else
        fail "400000 pairs: at most 256 MiB resident (status $status, $rss KiB)"
        head -n 5 "$tmp/stderr" | sed 's/^/    /'
    fi
else
    skip "resident memory of check-wide (no /usr/bin/time)"
fi
harness_end
