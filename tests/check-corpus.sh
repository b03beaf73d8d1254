#!/bin/sh
# The fuzzing harness without libFuzzer (make check-corpus): each file of
# tests/fuzz/corpus/ (the seeds) and tests/fuzz/regressions/ (every input
# that once made it fail) through tests/fuzz/replay, built by make beside
# the binary, one process a file; the harness aborts on any difference
# between its two runs of an input, and the sanitizers of make check-asan
# on any fault (tests/fuzz/README).
# usage: sh tests/check-corpus.sh PATH-TO-RMSETAB (make's build folder is
# the binary's)

. "$(dirname "$0")/lib/harness.sh"
harness_start "$@"

replay=$build/tests/fuzz/replay
if [ ! -x "$replay" ]; then
    fail "$replay is not built"
    harness_end
fi
for f in tests/fuzz/corpus/* tests/fuzz/regressions/*; do
    [ -f "$f" ] || continue
    name=${f#tests/fuzz/}
    if "$replay" "$f" >"$tmp/out" 2>&1; then
        pass "$name"
    else
        fail "$name: exit status $?"
        sed -n '1,20s/^/    /p' "$tmp/out"
    fi
done
harness_end
