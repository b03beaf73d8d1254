#!/bin/sh
# The files that work (make check-layouts): true and predicted values laid
# out as pandas, numpy, R and spreadsheets write them, each read without -t
# or -p, or refused with a message that says what to type (rmsetab(1),
# FILES THAT WORK).  tests/layouts.py writes the corpus, one golden case
# per layout, with its expected numbers worked out in exact arithmetic; its
# writers must write what the real tools wrote into tests/layouts/.
# usage: sh tests/check-layouts.sh PATH-TO-RMSETAB

. "$(dirname "$0")/lib/harness.sh"
harness_start "$@"

mkdir "$tmp/fixtures" || exit 2
python3 "$tests/layouts.py" --fixtures "$tmp/fixtures" || exit 2
for f in "$tmp"/fixtures/*; do
    check "layouts.py writes $(basename "$f") as the tool did" \
        "$tests/layouts/$(basename "$f")" "$f"
done

python3 "$tests/layouts.py" "$tmp/cases" || exit 2
for dir in "$tmp"/cases/*/; do
    golden_case "${dir%/}"
done
harness_end
