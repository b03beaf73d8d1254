#!/bin/sh
# rmsetab's numbers against scikit-learn's (make check-peers): rmse, mse, mae,
# the per-output RMSEs, uniform_rmse, r2, bias and max_error of every epoch,
# with and without sample weights, one output and several, to a relative
# 1e-12 (tests/peers.py says how each is compared).  scikit-learn is not
# exact, so this checks that rmsetab computes the quantities scikit-learn
# names, not its last digits: tests/reference.py does that.  Skipped where
# /usr/bin/python3 has no scikit-learn (Debian's python3-sklearn).  -g against
# pandas groupby (tests/peers-groups.py), on keys in no order, with weights.
# usage: sh tests/check-peers.sh PATH-TO-RMSETAB

. "$(dirname "$0")/lib/harness.sh"
harness_start "$@"

py=/usr/bin/python3
if ! "$py" -c 'import numpy, sklearn' 2>/dev/null; then
    skip "scikit-learn: $py cannot import sklearn (apt-get install python3-sklearn)"
    harness_end
fi

gen() { python3 "$tests/gen.py" "$@"; }

if ! { gen --seed 31 --rows 2000 --pairs 1 >"$tmp/one.csv" &&
    gen --seed 32 --rows 2000 --pairs 1 --weights >"$tmp/one-w.csv" &&
    gen --seed 33 --rows 3000 --pairs 3 --weights --epoch-col --epochs 4 \
        >"$tmp/three-w.csv" &&
    gen --seed 34 --rows 1000 --pairs 10 --epoch-col --epochs 2 >"$tmp/ten.csv" &&
    gen --seed 35 --rows 2000 --pairs 2 --offset 1e4 >"$tmp/offset.csv" &&
    gen --seed 36 --rows 3000 --pairs 2 --weights --epoch-col --epochs 3 --groups 25 \
        >"$tmp/groups-e.csv" &&
    gen --seed 37 --rows 2000 --pairs 1 --weights --groups 40 >"$tmp/groups.csv"; }; then
    echo "check-peers: gen.py failed" >&2
    exit 2
fi

# peers NAME FILE PAIRS [--weights] [--epoch-col]: one ok or FAIL line for each
# column, counted here; PEERS, the script (peers.py by default).
peers() {
    "$py" "$tests/${PEERS:-peers.py}" "$bin" "$@" >"$tmp/out" 2>&1
    status=$?
    cat "$tmp/out"
    counts "$(grep -c '^ok ' "$tmp/out")" "$(grep -c '^FAIL ' "$tmp/out")"
    if [ "$status" -ne 0 ] && ! grep -q '^FAIL ' "$tmp/out"; then
        fail "$1: peers.py exit status $status"
        sed 's/^/    /' "$tmp/out" | head -n 10
    fi
}

peers "one output" "$tmp/one.csv" 1
peers "one output, weights" "$tmp/one-w.csv" 1 --weights
peers "three outputs, weights, epochs" "$tmp/three-w.csv" 3 --weights --epoch-col
peers "ten outputs, epochs" "$tmp/ten.csv" 10 --epoch-col
peers "two outputs near 1e4 and -1e4" "$tmp/offset.csv" 2
if "$py" -c 'import pandas' 2>/dev/null; then
    PEERS=peers-groups.py peers "groups, weights" "$tmp/groups.csv" 1 --weights
    PEERS=peers-groups.py peers "groups, weights, epochs" "$tmp/groups-e.csv" 2 \
        --weights --epoch-col
else
    skip "pandas: $py cannot import pandas (apt-get install python3-pandas)"
fi
harness_end
