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
    golden_case "${dir%/}"
done
harness_end
