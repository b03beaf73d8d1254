#!/bin/sh
# Small random inputs, read from files and through pipes, against the exact
# reference (tests/differential.py draws them; tests/reference.py computes
# what rmsetab must print).  A few seconds with the fixed seed in make check;
# `make check-differential SEED=N COUNT=M` replays a run or makes a longer
# one (CI runs one with a fresh seed, which it prints).
# usage: sh tests/check-differential.sh PATH-TO-RMSETAB

. "$(dirname "$0")/lib/harness.sh"
harness_start "$@"

python3 "$tests/differential.py" --seed "${SEED:-1}" --count "${COUNT:-150}" \
	"$bin" >"$tmp/out"
status=$?
sed '$d' "$tmp/out"
# Its last line: "check-differential: N cases, F failed".
set -- $(tail -n 1 "$tmp/out")
if [ "$status" -le 1 ] && [ "$#" = 5 ] && [ "$3" = cases, ] &&
	[ "$5" = failed ]; then
	counts $(($2 - $4)) "$4"
	[ "$4" = 0 ] || [ "$status" = 1 ] || fail "differential.py: $4 failed, yet it exited 0"
else
	fail "differential.py stopped (status $status): $(tail -n 1 "$tmp/out")"
fi
harness_end
