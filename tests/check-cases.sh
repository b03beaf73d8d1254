#!/bin/sh
# The golden cases in tests/cases/ (make check-cases).  Each case is a
# folder holding cmd (one shell command line, run in that folder with
# rmsetab first on PATH and standard input empty), its input files, and the
# expected stdout, stderr (a missing file means empty) and status (missing
# means 0); tests/README says how to add one.
# usage (from anywhere): sh tests/check-cases.sh PATH-TO-RMSETAB

. "$(dirname "$0")/lib/harness.sh"
harness_start "$@"

for dir in "$tests"/cases/*/; do
    name=$(basename "$dir")
    (cd "$dir" && exec sh -c "$(cat cmd)") \
        </dev/null >"$tmp/stdout" 2>"$tmp/stderr"
    got=$?
    report=
    for f in stdout stderr; do
        want=$dir/$f
        [ -f "$want" ] || want=/dev/null
        cmp -s "$want" "$tmp/$f" || report="$report    $f (- expected, + actual):
$(diff -u "$want" "$tmp/$f" | sed '1,2d; s/^/    /')
"
    done
    want=0
    [ -f "$dir/status" ] && want=$(cat "$dir/status")
    [ "$got" = "$want" ] ||
        report="$report    status: expected $want, actual $got
"
    if [ -z "$report" ]; then
        pass "$name"
    else
        fail "$name"
        printf '%s' "$report"
    fi
done
harness_end
