#!/bin/sh
# Checks what rmsetab does on a terminal (make check-terminal): the progress
# line is drawn and erased, ends with the run's figures, leaves the screen
# as the results alone would, makes way for an error message, and is never
# drawn when standard error is not a terminal (unless --progress) or with
# --no-progress; the table is coloured only on a terminal and never with
# NO_COLOR.  Runs rmsetab under a pseudo-terminal with script(1), and
# replays what it wrote with a small terminal model (carriage return, line
# feed, erase to the end of the line, SGR).
# usage: sh tests/check-terminal.sh PATH-TO-RMSETAB

. "$(dirname "$0")/lib/harness.sh"
harness_start "$@"
if ! command -v script >/dev/null 2>&1; then
    fail "script(1) is not installed (util-linux / bsdutils)"
    harness_end
fi
unset NO_COLOR

# 20000 rows; the second half arrives a second after the first, so that
# the run lasts long enough for the progress line to be drawn.
awk 'BEGIN { print "y_true,y_pred"; for (i = 0; i < 20000; i++)
    print i % 10 "," (i % 10) + (i % 7) / 4 }' >"$tmp/in.csv"
cat >"$tmp/slow.sh" <<'EOF'
head -n 10001 "$1"
sleep 1
tail -n +10002 "$1"
EOF
slow="sh $tmp/slow.sh $tmp/in.csv"

# pty COMMAND: runs COMMAND (sh) with a pseudo-terminal as standard input,
# output and error; writes what it wrote to $tmp/raw.
pty() {
    script -qec "$1" /dev/null </dev/null >"$tmp/raw" 2>&1
}

# screen FILE: the lines FILE leaves on a screen, trailing blanks dropped.
screen() {
    python3 - "$1" <<'EOF'
import re
import sys

data = open(sys.argv[1], "rb").read().decode("utf-8", "replace")
rows, row, col = [], [], 0
i = 0
while i < len(data):
    c = data[i]
    m = re.match(r"\x1b\[([0-9;]*)([A-Za-z])", data[i:])
    if m:
        if m.group(2) == "K":
            del row[col:]
        i += m.end()
        continue
    if c == "\r":
        col = 0
    elif c == "\n":
        rows.append(row)
        row, col = [], 0
    else:
        row[len(row):] = [" "] * (col + 1 - len(row))
        row[col] = c
        col += 1
    i += 1
rows.append(row)
lines = ["".join(r).rstrip() for r in rows]
while lines and lines[-1] == "":
    lines.pop()
print("\n".join(lines))
EOF
}

# fail_screen NAME WHY: a failure, with the start of what was written.
fail_screen() {
    fail "$1: $2"
    if [ -s "$tmp/raw" ]; then
        echo "    what was written:"
        head -c 600 "$tmp/raw" | od -c | sed -n '1,12s/^/    /p'
    fi
}

# The results, as rmsetab prints them off a terminal.
"$bin" -s -b 64 "$tmp/in.csv" >"$tmp/table" 2>&1 || exit 2

# 1. Drawn on a terminal, then erased: nothing of it stays on the screen.
pty "$slow | $bin -s -b 64 >/dev/null"
if ! grep -q 'rows/s' "$tmp/raw"; then
    fail_screen progress-drawn "no progress line on the terminal"
elif [ -n "$(screen "$tmp/raw")" ]; then
    fail_screen progress-erased "the screen is not blank: $(screen "$tmp/raw")"
else
    pass progress-drawn-and-erased
fi

# 2. With the results on the same screen, the screen ends as the results
# alone would leave it (the colour escapes aside).
pty "$slow | $bin -s -b 64"
screen "$tmp/raw" >"$tmp/screen"
if ! grep -q 'rows/s' "$tmp/raw"; then
    fail_screen progress-with-results "no progress line on the terminal"
elif ! diff -u "$tmp/table" "$tmp/screen" >"$tmp/diff"; then
    fail_screen progress-with-results "the screen is not the results: $(cat "$tmp/diff")"
else
    pass progress-with-results
fi

# 3. An error after the line was drawn takes its place cleanly.
cat >"$tmp/bad.sh" <<'EOF'
head -n 10001 "$1"
sleep 1
echo 1,x
EOF
pty "sh $tmp/bad.sh $tmp/in.csv | $bin -s >/dev/null"
want="rmsetab: (stdin):10002: column y_pred: invalid number 'x'"
if ! grep -q 'rows/s' "$tmp/raw"; then
    fail_screen progress-then-error "no progress line on the terminal"
elif [ "$(screen "$tmp/raw")" != "$want" ]; then
    fail_screen progress-then-error "the screen is '$(screen "$tmp/raw")'"
else
    pass progress-then-error
fi

# 4. Standard error not a terminal: nothing, however long the run.
$slow | "$bin" -s -b 64 >/dev/null 2>"$tmp/raw"
if [ -s "$tmp/raw" ]; then
    fail_screen no-progress-off-terminal "standard error is not empty"
else
    pass no-progress-off-terminal
fi

# 5. --no-progress on a terminal: nothing.
pty "$slow | $bin -s -b 64 --no-progress >/dev/null"
if [ -s "$tmp/raw" ]; then
    fail_screen no-progress-option "something was drawn"
else
    pass no-progress-option
fi

# 6. --progress off a terminal: drawn from the start, with the share of a
# file whose size is known, and erased at the end with spaces.
"$bin" -s --progress "$tmp/in.csv" >/dev/null 2>"$tmp/raw"
if ! grep -q '^.rmsetab.*% .*/.* KiB, .* rows, .* rows/s, .* left' "$tmp/raw"; then
    fail_screen progress-option "no progress line with the file's share"
elif ! tail -c 2 "$tmp/raw" | od -c | grep -q ' \\r'; then
    fail_screen progress-option "not erased at the end"
elif [ -n "$(screen "$tmp/raw")" ]; then
    fail_screen progress-option "something stays: $(screen "$tmp/raw")"
else
    pass progress-option
fi

# 7. --progress on a file read in one go, the results elsewhere: the line
# drawn after the read says 0 rows (rows are counted once converted), so
# it is drawn once more with the run's figures before it is erased: every
# row, a rate that is not 0, nothing left; then the screen is blank.
printf 'y_true,y_pred\n0,1\n0,3\n0,5\n' >"$tmp/small.csv"
pty "$bin -s --progress $tmp/small.csv >/dev/null"
last=$(tr '\r' '\n' <"$tmp/raw" | grep 'rows/s' | tail -n 1)
case $last in
*'] 100% 26/26 B, 3 rows, '*' rows/s, 0:00 left')
    if echo "$last" | grep -q ' 0 rows/s'; then
        fail_screen progress-small-file "a rate of 0: $last"
    elif [ -n "$(screen "$tmp/raw")" ]; then
        fail_screen progress-small-file "something stays: $(screen "$tmp/raw")"
    else
        pass progress-small-file
    fi ;;
*) fail_screen progress-small-file "the last line drawn is '$last'" ;;
esac

# 8. Ctrl-C while the line is drawn: rmsetab erases it before the signal
# ends it, and the shell sees 130.  rmsetab reads a FIFO in the foreground
# (a background job would ignore SIGINT); the writer's cat of 1 MB ends
# only once rmsetab has read most of it, in reads of at most a pipe's
# 64 KiB, and --progress draws the line after the first: only then does
# the writer send SIGINT, and it closes the FIFO after.
mkdir "$tmp/int" && mkfifo "$tmp/int/fifo" || exit 2
awk 'BEGIN { print "y_true,y_pred"; for (i = 0; i < 150000; i++)
    print i % 10 "," (i % 10) + (i % 7) / 4 }' >"$tmp/int/big.csv"
cat >"$tmp/int.sh" <<EOF
cd "$tmp/int" || exit 2
{ cat big.csv; kill -s INT "\$(cat pid)"; } >fifo &
sh -c 'echo \$\$ >pid; exec "$bin" -s --progress fifo' >/dev/null
echo "status \$?"
wait
EOF
pty "sh $tmp/int.sh"
if ! grep -q 'rows/s' "$tmp/raw"; then
    fail_screen progress-erased-on-sigint "no progress line on the terminal"
elif [ "$(screen "$tmp/raw")" != "status 130" ]; then
    fail_screen progress-erased-on-sigint "the screen is '$(screen "$tmp/raw")'"
else
    pass progress-erased-on-sigint
fi

# 9. Colour: on a terminal, not through a pipe, not with NO_COLOR set; an
# empty NO_COLOR counts as unset (no-color.org).
esc=$(printf '\033')
pty "$bin -s -b 64 $tmp/in.csv"
if grep -q "$esc\\[1m" "$tmp/raw"; then pass colour-on-terminal; else
    fail_screen colour-on-terminal "no bold header"; fi
pty "$bin -s -b 64 $tmp/in.csv | cat"
if grep -q "$esc" "$tmp/raw"; then fail_screen no-colour-in-pipe "escapes in a pipe"; else
    pass no-colour-in-pipe; fi
pty "NO_COLOR=1 $bin -s -b 64 $tmp/in.csv"
if grep -q "$esc" "$tmp/raw"; then fail_screen no-colour-with-NO_COLOR "escapes"; else
    pass no-colour-with-NO_COLOR; fi
pty "NO_COLOR= $bin -s -b 64 $tmp/in.csv"
if grep -q "$esc\\[1m" "$tmp/raw"; then pass colour-with-empty-NO_COLOR; else
    fail_screen colour-with-empty-NO_COLOR "no bold header"; fi
pty "$bin -s -b 64 -f csv $tmp/in.csv"
if grep -q "$esc" "$tmp/raw"; then fail_screen no-colour-in-csv "escapes"; else
    pass no-colour-in-csv; fi

harness_end
