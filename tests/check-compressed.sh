#!/bin/sh
# Compressed input (make check-compressed): a file made by each compressor
# installed (gzip, zstd, xz, bzip2), read by its name, whatever that is, and
# from standard input, in one piece and as members or frames one after
# another, must give the numbers tests/reference.py works out from the
# plain text, bit for bit; cut short, it must fail with the exact message;
# --progress counts its compressed bytes.
# The golden cases err-compressed-* and compressed-* hold the other
# messages.
# usage: sh tests/check-compressed.sh PATH-TO-RMSETAB

. "$(dirname "$0")/lib/harness.sh"
harness_start "$@"

# 12000 rows, about 1.3 MB: many of the decompressor's slots and of the
# reader's blocks, epochs that go on across them.
args="-b 100 -r never -e 1 -t 2-4 -p 5-7 -w 8"
python3 "$tests/gen.py" --seed 6 --rows 12000 --pairs 3 --weights \
    --epoch-col --epochs 3 >"$tmp/plain.csv" || exit 2
# shellcheck disable=SC2086
python3 "$tests/reference.py" $args "$tmp/plain.csv" >"$tmp/expected" || exit 2
size=$(wc -c <"$tmp/plain.csv")
# Cut in the middle of a line: one member ends and the next goes on with
# the same record.
half=$((size / 2 + 7))
head -c "$half" "$tmp/plain.csv" >"$tmp/first"
tail -c +"$((half + 1))" "$tmp/plain.csv" >"$tmp/second"

# judge NAME STATUS: rmsetab's status and its CSV output in $tmp/actual,
# against the reference's numbers.
judge() {
    if [ "$2" = 0 ] && python3 "$tests/compare.py" "$tmp/expected" \
        "$tmp/actual" >"$tmp/diff" 2>&1; then
        pass "$1"
    else
        fail "$1"
        cat "$tmp/stderr" "$tmp/diff" | head -n 10 | sed 's/^/    /'
    fi
}

# same NAME [rmsetab's arguments...]
same() {
    name=$1
    shift
    # shellcheck disable=SC2086
    "$bin" -f csv $args "$@" >"$tmp/actual" 2>"$tmp/stderr"
    judge "$name" $?
}

for tool in gzip zstd xz bzip2; do
    if ! command -v $tool >/dev/null; then
        skip "$tool is not installed"
        continue
    fi
    z="$tool -c"
    [ $tool = gzip ] && z="gzip -n -c"
    [ $tool = zstd ] && z="zstd -q -c"
    $z "$tmp/plain.csv" >"$tmp/data.csv" &&
        { $z "$tmp/first" && $z "$tmp/second"; } >"$tmp/two" || exit 2
    same "$tool: a file called data.csv" "$tmp/data.csv"
    same "$tool: standard input" - <"$tmp/data.csv"
    same "$tool: two members, cut inside a line" "$tmp/two"
    same "$tool: two members on standard input" <"$tmp/two"
    # shellcheck disable=SC2086
    {
        head -c 1 "$tmp/data.csv"
        sleep 1
        tail -c +2 "$tmp/data.csv"
    } | "$bin" -f csv $args >"$tmp/actual" 2>"$tmp/stderr"
    judge "$tool: a pipe that gives 1 byte, then the rest" $?

    # Half the file: the text it holds is read, then its end is missing.
    head -c "$(($(wc -c <"$tmp/data.csv") / 2))" "$tmp/data.csv" >"$tmp/cut"
    echo "rmsetab: $tmp/cut: $tool data ends early (truncated file?)" \
        >"$tmp/want"
    # shellcheck disable=SC2086
    "$bin" -f csv $args "$tmp/cut" >/dev/null 2>"$tmp/got"
    echo "status $?" >>"$tmp/got"
    echo "status 2" >>"$tmp/want"
    check "$tool: cut in half" "$tmp/want" "$tmp/got"
done
# --progress: compressed bytes read of the file's size, not the text's.
printf 'y_true,y_pred\n0,1\n0,3\n0,5\n' | gzip -n -c >"$tmp/small" || exit 2
packed=$(wc -c <"$tmp/small")
"$bin" -s --progress "$tmp/small" >/dev/null 2>"$tmp/raw"
last=$(tr '\r' '\n' <"$tmp/raw" | grep 'rows/s' | tail -n 1)
case $last in
*"] 100% $packed/$packed B, 3 rows, "*) pass "progress: compressed bytes" ;;
*)
    fail "progress: compressed bytes"
    echo "    the last line drawn is '$last', the file has $packed bytes"
    ;;
esac
harness_end
