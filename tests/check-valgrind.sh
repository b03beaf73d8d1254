#!/bin/sh
# The golden cases (tests/check-cases.sh) with rmsetab under valgrind's
# memcheck (make check-valgrind; slow, so not part of make check).
# valgrind says nothing unless it finds something (-q), so an invalid read
# or write, a use of an uninitialized value or a leak is text on standard
# error that the case does not expect, and fails it; its exit status 99
# fails it too.  Its one check: every case passes so.
# usage: sh tests/check-valgrind.sh PATH-TO-RMSETAB

. "$(dirname "$0")/lib/harness.sh"
harness_start "$@"

if ! command -v valgrind >/dev/null; then
    fail "valgrind is not installed (apt-get install valgrind)"
    harness_end
fi
# Reachable blocks are not leaks, nor are the "possibly lost" blocks of the
# threads of a program that SIGPIPE kills (io-closed-pipe): it dies holding
# what it had, and says nothing wrong by that.  Definite leaks fail.
cat >"$tmp/rmsetab-memcheck" <<WRAP
#!/bin/sh
exec valgrind -q --tool=memcheck --error-exitcode=99 --leak-check=full \\
    --show-leak-kinds=definite,indirect \\
    --errors-for-leak-kinds=definite,indirect \\
    "$bin" "\$@"
WRAP
chmod +x "$tmp/rmsetab-memcheck" || exit 2
# The cases' own counts are theirs: they do not go into a make check tally.
if CHECK_TALLY= sh "$tests/check-cases.sh" "$tmp/rmsetab-memcheck"; then
    pass "every golden case under memcheck"
else
    fail "golden cases under memcheck (see above)"
fi
harness_end
