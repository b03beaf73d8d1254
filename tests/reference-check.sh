#!/bin/sh
# Compare rmsetab's numbers with the exact reference, bit for bit.
# Usage (from the repo root): sh tests/reference-check.sh ./rmsetab
# Prints "ok NAME" or "FAIL NAME" (followed by the differences) per case;
# exits 1 if any case failed, 2 on usage error.

if [ $# -ne 1 ] || [ ! -x "$1" ]; then
    echo "usage: sh tests/reference-check.sh PATH-TO-RMSETAB" >&2
    exit 2
fi
bin=$1
here=$(dirname "$0")
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 2' HUP INT TERM
failed=0

gen() { python3 "$here/gen.py" "$@"; }

# check NAME ARGS...: the reference and rmsetab get the very same options and files,
# so a failure can only come from how the numbers are computed or printed.
check() {
    name=$1
    shift
    if python3 "$here/reference.py" "$@" >"$tmp/expected" &&
        "$bin" -f csv "$@" >"$tmp/actual" 2>"$tmp/stderr" &&
        python3 "$here/compare.py" "$tmp/expected" "$tmp/actual" >"$tmp/diff" 2>&1; then
        echo "ok $name"
    else
        echo "FAIL $name"
        cat "$tmp/stderr" "$tmp/diff" 2>/dev/null | head -n 20 | sed 's/^/    /'
        failed=1
    fi
    rm -f "$tmp/expected" "$tmp/actual" "$tmp/stderr" "$tmp/diff"
}

# Generation failing would make every case below fail for the wrong reason: stop early.
if ! { gen --seed 1 --rows 1000 --pairs 1 >"$tmp/a.csv" &&
    gen --seed 2 --rows 500 --pairs 3 --weights --epoch-col --epochs 4 >"$tmp/b.csv" &&
    gen --seed 3 --rows 300 --pairs 10 >"$tmp/c1.csv" &&
    gen --seed 4 --rows 257 --pairs 10 >"$tmp/c2.csv" &&
    gen --seed 5 --rows 400 --pairs 2 --weights --extreme >"$tmp/x.csv" &&
    gen --seed 6 --rows 300 --pairs 1 --extreme >"$tmp/x1.csv"; }; then
    echo "reference-check: gen.py failed" >&2
    exit 2
fi
# Batch 2 (rows 3-4) has only zero weights: its rmse must be nan, and nan must then
# stick to mean_batch_rmse until the next reset, while running_rmse stays defined.
cat >"$tmp/zero.csv" <<'EOF'
epoch,t,p,w
a,0,1,1
a,0,7,1
a,2,5,0
a,-1,1,0
a,1e-3,-2.5e2,0.5
b,0,0,0
b,3,4,2
EOF

ten='1,2,3,4,5,6,7,8,9,10'
twenty='11,12,13,14,15,16,17,18,19,20'

# 1000 = 31*32 + 8: a short last batch.
check single-pair -b 32 -t 1 -p 2 "$tmp/a.csv"
# 500 rows in 4 epochs of 125 = 17*7 + 6; weights include exact zeros.
check epochs-reset -b 7 -r epoch -e 1 -t 2,3,4 -p 5,6,7 -w 8 "$tmp/b.csv"
check epochs-never -b 7 -r never -e 1 -t 2,3,4 -p 5,6,7 -w 8 "$tmp/b.csv"
check two-files -b 32 -r never -t "$ten" -p "$twenty" "$tmp/c1.csv" "$tmp/c2.csv"
check summary -s -b 7 -r never -e 1 -t 2,3,4 -p 5,6,7 -w 8 "$tmp/b.csv"
check seed-example -b 32 -r never -t "$ten" -p "$twenty" \
    data/keras-seed-example.csv data/keras-seed-example.csv
# Values and weights of every magnitude from 2^-1074 to 2^1023: squares and
# sums beyond binary64, subnormal RMSEs, and now and then an RMSE beyond the
# largest double (inf).
check extremes -b 3 -t 1,2 -p 3,4 -w 5 "$tmp/x.csv"
check extremes-never -b 5 -r never -t 1 -p 2 "$tmp/x1.csv" "$tmp/x1.csv"
check zero-weights -b 2 -e 1 -t 2 -p 3 -w 4 "$tmp/zero.csv"
check zero-weights-never -b 2 -r never -e 1 -t 2 -p 3 -w 4 "$tmp/zero.csv"

exit $failed
