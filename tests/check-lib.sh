# check-lib.sh: sourced by the test scripts that compare files: a check
# counts, says ok or FAIL, and shows the start of the difference.  The
# sourcing script sets checks=0 fails=0 first.

check() { # name expected actual
	checks=$((checks + 1))
	if cmp -s "$2" "$3"; then
		echo "ok $1"
	else
		fails=$((fails + 1))
		echo "FAIL $1"
		diff "$2" "$3" | head -n 6 | sed 's/^/    /'
	fi
}
