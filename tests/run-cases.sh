#!/bin/sh
# Run the golden cases in tests/cases/.  Each case is a directory holding
# cmd (one shell command line, run in that directory with rmsetab first on
# PATH and standard input empty), its input files, and the expected stdout,
# stderr (a missing file means empty) and status (missing means 0).
# Usage (from the repo root): sh tests/run-cases.sh ./rmsetab
# Prints "ok NAME" or "FAIL NAME" with the differences, then a count;
# exits 1 if any case failed, 2 on usage error.

if [ $# -ne 1 ] || [ -d "$1" ] || [ ! -x "$1" ]; then
    echo "usage: sh tests/run-cases.sh PATH-TO-RMSETAB" >&2
    exit 2
fi
cases=$(cd "$(dirname "$0")/cases" && pwd) || exit 2
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 2' HUP INT TERM
# The cases call it as rmsetab, whatever the binary given is called.
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1") &&
    mkdir "$tmp/bin" && ln -s "$bin" "$tmp/bin/rmsetab" || exit 2
PATH=$tmp/bin:$PATH
LC_ALL=C
export PATH LC_ALL

n=0
failed=0
for dir in "$cases"/*/; do
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
    n=$((n + 1))
    if [ -z "$report" ]; then
        echo "ok $name"
    else
        echo "FAIL $name"
        printf '%s' "$report"
        failed=$((failed + 1))
    fi
done
echo "$n cases, $failed failed"
[ $failed -eq 0 ]
