#!/bin/sh
# The benchmark's files: DIR/NAME.csv, ROWS rows of PAIRS true and
# predicted values from gen.c, the same bytes on every machine, and with
# GROUPS a group column of that many keys.  Made once, and again when
# ROWS, PAIRS or GROUPS change.
# usage: sh tests/bench/data.sh DIR NAME ROWS PAIRS [GROUPS]
set -u
here=$(cd "$(dirname "$0")" && pwd)
dir=$1 name=$2 rows=$3 pairs=$4 groups=${5-}
mkdir -p "$dir" || exit 2
cc -O2 -o "$dir/gen" "$here/gen.c" -lm || exit 2
[ -s "$dir/$name.csv" ] &&
	[ "$(cat "$dir/$name.spec" 2>/dev/null)" = "$rows $pairs${groups:+ $groups}" ] &&
	exit 0
# No spec while the file is being made: one cut short is made again.
rm -f "$dir/$name.spec"
"$dir/gen" "$rows" "$pairs" $groups >"$dir/$name.csv" &&
	echo "$rows $pairs${groups:+ $groups}" >"$dir/$name.spec"
