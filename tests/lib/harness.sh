# harness.sh: what every test suite (tests/check-NAME.sh) shares; sourced,
# never run.  A suite is run as `sh tests/check-NAME.sh PATH-TO-RMSETAB`
# (`make check-NAME` does that) and starts with
#
#     . "$(dirname "$0")/lib/harness.sh"
#     harness_start "$@"
#
# harness_start checks the argument and sets
#     bin    the binary's absolute path
#     build  the folder that holds it: make's build folder, where the unit
#            tests and the fuzzing replay are built too
#     tests  this tests/ folder; root, the top of the source tree, where the
#            suite then runs
#     tmp    a new folder, removed on exit, whose bin/rmsetab links to the
#            binary and comes first on PATH: commands call it as rmsetab
#            whatever its file is called
# and exports LC_ALL=C.
#
# Each check ends in `pass NAME` (prints "ok NAME") or `fail NAME` (prints
# "FAIL NAME"; its details follow, indented), or in `check NAME EXPECTED
# ACTUAL`, which compares two files and shows the start of the difference.
# `skip WHAT` says what cannot be checked on this machine; it is not
# counted.  `golden_case DIR` runs the golden case in DIR (tests/README)
# and ends in pass or fail.  `harness_end` prints "check-NAME: N passed, N
# failed", adds the counts to the file $CHECK_TALLY when `make check` set
# it, and exits 1 if any check failed.  A suite that stops before harness_end (exit 2 when its
# test data cannot be made) counts one failure more, so that a suite cannot
# pass by stopping.

harness_start() {
	harness_suite=$(basename "$0" .sh)
	if [ $# -ne 1 ] || [ -d "$1" ] || [ ! -x "$1" ]; then
		echo "usage: sh tests/$harness_suite.sh PATH-TO-RMSETAB" >&2
		exit 2
	fi
	build=$(cd "$(dirname "$1")" && pwd) || exit 2
	bin=$build/$(basename "$1")
	tests=$(cd "$(dirname "$0")" && pwd) || exit 2
	root=$(cd "$tests/.." && pwd) || exit 2
	harness_passed=0 harness_failed=0 harness_ended=
	tmp=$(mktemp -d) || exit 2
	trap harness_exit EXIT
	trap 'exit 2' HUP INT TERM
	mkdir "$tmp/bin" && ln -s "$bin" "$tmp/bin/rmsetab" || exit 2
	PATH=$tmp/bin:$PATH
	LC_ALL=C
	export PATH LC_ALL
	cd "$root" || exit 2
}

pass() { # name
	harness_passed=$((harness_passed + 1))
	echo "ok $1"
}

fail() { # name
	harness_failed=$((harness_failed + 1))
	echo "FAIL $1"
}

skip() { # what
	echo "skip $1"
}

# counts PASSED FAILED: checks counted by a program that runs many (the
# unit tests), added at once.
counts() {
	harness_passed=$((harness_passed + $1))
	harness_failed=$((harness_failed + $2))
}

check() { # name expected actual
	if cmp -s "$2" "$3"; then
		pass "$1"
	else
		fail "$1"
		diff "$2" "$3" | head -n 6 | sed 's/^/    /'
	fi
}

# golden_case DIR: runs the case in DIR (tests/README, "Adding a golden
# case") and checks its stdout, stderr and status: its cmd run in DIR with
# standard input empty.
golden_case() {
	harness_name=$(basename "$1")
	(cd "$1" && exec sh -c "$(cat cmd)") \
		</dev/null >"$tmp/stdout" 2>"$tmp/stderr"
	harness_got=$?
	harness_report=
	for harness_f in stdout stderr; do
		harness_want=$1/$harness_f
		[ -f "$harness_want" ] || harness_want=/dev/null
		cmp -s "$harness_want" "$tmp/$harness_f" ||
			harness_report="$harness_report    $harness_f (- expected, + actual):
$(diff -u "$harness_want" "$tmp/$harness_f" | sed '1,2d; s/^/    /')
"
	done
	harness_want=0
	[ -f "$1/status" ] && harness_want=$(cat "$1/status")
	[ "$harness_got" = "$harness_want" ] ||
		harness_report="$harness_report    status: expected $harness_want, actual $harness_got
"
	if [ -z "$harness_report" ]; then
		pass "$harness_name"
	else
		fail "$harness_name"
		printf '%s' "$harness_report"
	fi
}

harness_tally() {
	if [ -n "${CHECK_TALLY:-}" ]; then
		echo "$harness_suite $harness_passed $harness_failed" \
			>>"$CHECK_TALLY"
	fi
}

harness_end() {
	harness_ended=1
	echo "$harness_suite: $harness_passed passed, $harness_failed failed"
	harness_tally
	[ "$harness_failed" -eq 0 ] || exit 1
	exit 0
}

harness_exit() {
	harness_status=$?
	if [ -z "$harness_ended" ]; then
		fail "$harness_suite: stopped before its end (status $harness_status)"
		harness_tally
	fi
	rm -rf "$tmp"
}
