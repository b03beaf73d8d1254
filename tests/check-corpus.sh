#!/bin/sh
# The fuzzing harnesses without libFuzzer (make check-corpus): each file
# of tests/fuzz/corpus/ (the seeds) and tests/fuzz/regressions/ (every
# input that once made it fail) through tests/fuzz/replay, and those of
# tests/fuzz/state-corpus/ and state-regressions/ through
# tests/fuzz/replay_state, both built by make beside the binary, one
# process a file; a harness aborts on any difference between its runs of
# an input, and the sanitizers of make check-asan on any fault
# (tests/fuzz/README).
# usage: sh tests/check-corpus.sh PATH-TO-RMSETAB (make's build folder is
# the binary's)

. "$(dirname "$0")/lib/harness.sh"
harness_start "$@"

# replay DIRS...: each file of DIRS through $replay, one process a file.
replay() {
    if [ ! -x "$replay" ]; then
        fail "$replay is not built"
        return
    fi
    for f in "$@"; do
        [ -f "$f" ] || continue
        name=${f#tests/fuzz/}
        if "$replay" "$f" >"$tmp/out" 2>&1; then
            pass "$name"
        else
            fail "$name: exit status $?"
            sed -n '1,20s/^/    /p' "$tmp/out"
        fi
    done
}
replay=$build/tests/fuzz/replay
replay tests/fuzz/corpus/* tests/fuzz/regressions/*
replay=$build/tests/fuzz/replay_state
replay tests/fuzz/state-corpus/* tests/fuzz/state-regressions/*
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
