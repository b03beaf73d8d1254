#!/bin/sh
# Runs the golden cases (tests/run-cases.sh) with rmsetab under valgrind's
# memcheck.  valgrind says nothing unless it finds something (-q), so an
# invalid read or write, a use of an uninitialized value or a leak is text on
# standard error that the case does not expect, and fails it; its exit
# status 99 fails it too.
# Usage (from the repo root): sh tests/valgrind-cases.sh ./rmsetab

if [ $# -ne 1 ] || [ ! -x "$1" ]; then
    echo "usage: sh tests/valgrind-cases.sh PATH-TO-RMSETAB" >&2
    exit 2
fi
if ! command -v valgrind >/dev/null; then
    echo "valgrind-cases: valgrind is not installed (apt-get install valgrind)" >&2
    exit 2
fi
case $1 in
/*) bin=$1 ;;
*) bin=$(pwd)/$1 ;;
esac
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 2' HUP INT TERM
# Reachable blocks are not leaks, nor are the "possibly lost" blocks of the
# threads of a program that SIGPIPE kills (io-closed-pipe): it dies holding
# what it had, and says nothing wrong by that.  Definite leaks fail.
cat >"$tmp/rmsetab" <<WRAP
#!/bin/sh
exec valgrind -q --tool=memcheck --error-exitcode=99 --leak-check=full \\
    --show-leak-kinds=definite,indirect \\
    --errors-for-leak-kinds=definite,indirect \\
    "$bin" "\$@"
WRAP
chmod +x "$tmp/rmsetab" || exit 2
sh "$(dirname "$0")/run-cases.sh" "$tmp/rmsetab"
