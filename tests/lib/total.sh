#!/bin/sh
# total.sh: the last line of `make check`, "N passed, N failed": the checks
# of every suite added up from TALLY, where each suite's harness_end wrote
# "SUITE PASSED FAILED".  A suite named but missing from TALLY (it could not
# start, or was not run) counts as one failure.  Exits 1 if any check failed.
# usage: sh tests/lib/total.sh TALLY SUITE...

if [ $# -lt 1 ] || [ ! -f "$1" ]; then
	echo "usage: sh tests/lib/total.sh TALLY SUITE..." >&2
	exit 2
fi
tally=$1
shift
awk -v suites="$*" '
	{ passed[$1] += $2; failed[$1] += $3; seen[$1] = 1 }
	END {
		n = split(suites, s, " ")
		for (i = 1; i <= n; i++) {
			if (!(s[i] in seen)) {
				print "FAIL " s[i] ": it left no count"
				failed[s[i]] = 1
			}
			p += passed[s[i]]
			f += failed[s[i]]
		}
		printf "%.0f passed, %.0f failed\n", p, f
		exit f > 0
	}' "$tally"
