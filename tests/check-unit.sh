#!/bin/sh
# The unit tests (make check-unit): each tests/unit/test_NAME.c, built by
# make as test_NAME beside the binary's tests/unit/, counts its own checks
# and ends with "test_NAME: N checks, M failed"; every one of them counts
# here.  A program that is not built, crashes or does not end so counts as
# one failure.  Also: src/pow5.h is what src/pow5-table.py writes.
# usage: sh tests/check-unit.sh PATH-TO-RMSETAB (make's build folder is the
# binary's)

. "$(dirname "$0")/lib/harness.sh"
harness_start "$@"

for src in "$tests"/unit/test_*.c; do
    name=$(basename "$src" .c)
    prog=$build/tests/unit/$name
    if [ ! -x "$prog" ]; then
        fail "$name: $prog is not built (is it in the Makefile's UNIT_TESTS?)"
        continue
    fi
    "$prog" >"$tmp/out" 2>&1
    status=$?
    # The last line, "test_NAME: N checks, M failed", as two numbers.
    n=$(tail -n 1 "$tmp/out" |
        sed -n "s/^$name: \([0-9]*\) checks, \([0-9]*\) failed\$/\1 \2/p")
    if [ -z "$n" ]; then
        fail "$name: exit status $status, and no count at its end"
        sed -n '1,20s/^/    /p' "$tmp/out"
        continue
    fi
    set -- $n
    if [ "$2" -eq 0 ] && [ "$status" -eq 0 ]; then
        counts "$1" 0
        echo "ok $name: $1 checks"
    else
        echo "FAIL $name: $2 of $1 checks failed, exit status $status"
        sed -n '1,40s/^/    /p' "$tmp/out"
        counts "$(($1 - $2))" "$2"
        # A failed exit with every check passed is a failure more.
        [ "$2" -gt 0 ] || counts 0 1
    fi
done

if python3 src/pow5-table.py | cmp -s - src/pow5.h; then
    pass "src/pow5.h: as src/pow5-table.py writes it"
else
    fail "src/pow5.h: not what src/pow5-table.py writes (run it: python3 src/pow5-table.py >src/pow5.h)"
fi
# src/width.h comes from the Unicode of the Python that wrote it: another
# Python's may differ, and then there is nothing to compare.
if python3 src/width-table.py >"$tmp/width.h" &&
    [ "$(sed -n 1p "$tmp/width.h")" != "$(sed -n 1p src/width.h)" ]; then
    skip "src/width.h: not compared, this Python's Unicode is not $(sed -n '1s/.*Unicode \([0-9.]*\).*/\1/p' src/width.h)"
elif cmp -s "$tmp/width.h" src/width.h; then
    pass "src/width.h: as src/width-table.py writes it"
else
    fail "src/width.h: not what src/width-table.py writes (run it: python3 src/width-table.py >src/width.h)"
fi
harness_end
