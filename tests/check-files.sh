#!/bin/sh
# Checks the files rmsetab opens (make check-files): a signal in the middle
# of a run leaves --save-state's and --plot's old files as they were and
# no new file behind, and ends rmsetab by that signal; an ignored signal
# stays ignored; a new file gets the old file's mode or the umask's, and
# goes where a symbolic link leads; inputs are opened one at a time, so
# that a run may have more of them than it may have open files, and one
# removed while an earlier one is read is an error then.  The runs read
# FIFOs fed by a writer that acts only once rmsetab is known to be where it
# should be: nothing here waits for time to pass.
# usage: sh tests/check-files.sh PATH-TO-RMSETAB

. "$(dirname "$0")/lib/harness.sh"
harness_start "$@"

# The rows of the runs here: errors 1 and 3, an RMSE of sqrt((1+9)/2).
printf 'y_true,y_pred\n0,1\n0,3\n' >"$tmp/in.csv"
rmsetab -b 2 --save-state - "$tmp/in.csv" >"$tmp/in.state" || exit 2
python3 "$tests/lib/state-mask.py" <"$tmp/in.state" >"$tmp/in.masked" || exit 2

# same_state FILE: FILE is a state saved from in.csv as in.state is, but
# for its random id (and so its checksum, checked apart from rmsetab).
same_state() {
    python3 "$tests/lib/state-mask.py" <"$1" 2>/dev/null |
        cmp -s "$tmp/in.masked" -
}

# fresh NAME: a new folder $d holding the FIFO fifo and the old files
# s.state and p.svg, which rmsetab must leave as they are.
fresh() {
    d=$tmp/$1
    mkdir "$d" && mkfifo "$d/fifo" || exit 2
    echo 'old state' >"$d/s.state"
    echo 'old plot' >"$d/p.svg"
}

# untouched NAME: the old files are as they were, and the folder holds no
# new file (.rmsetab-XXXXXX).
untouched() {
    if [ "$(cat "$d/s.state")" != 'old state' ] ||
        [ "$(cat "$d/p.svg")" != 'old plot' ]; then
        fail "$1: an old file was changed"
        head -n 2 "$d/s.state" "$d/p.svg" | sed 's/^/    /'
        return 1
    fi
    left=$(ls -A "$d" | grep '^\.rmsetab-')
    if [ -n "$left" ]; then
        fail "$1: new files left behind: $left"
        return 1
    fi
    return 0
}

# were_there NAME N: the writer's listing ($d/during) showed N new files
# while rmsetab ran: there was something to remove.
were_there() {
    n=$(grep -c '^\.rmsetab-' "$d/during")
    if [ "$n" != "$2" ]; then
        fail "$1: $n new files while it ran, expected $2"
        return 1
    fi
    return 0
}

# signal_case NAME SIGNAL STATUS FEED NEW ARGS...: runs `rmsetab ARGS` in
# $d, in the foreground (a background job would have SIGINT ignored), where
# it reads the FIFO fifo, which a writer in the background feeds with the
# file FEED.  The writer's open waits until rmsetab opens the FIFO, which
# it does after creating its new files; the writer then writes FEED, lists
# $d, sends SIGNAL to rmsetab, and only then closes the FIFO, so that
# rmsetab is still reading when the signal comes.  The shell must see
# STATUS (128 + the signal's number); NEW new files must have been there,
# and the old files must be untouched.
signal_case() {
    name=$1 sig=$2 want=$3 feed=$4 new=$5
    shift 5
    fresh "$name"
    {
        cat "$feed"
        ls -A "$d" >"$d/during"
        kill -s "$sig" "$(cat "$d/pid")"
    } >"$d/fifo" &
    # The shell's own word on the signal ("Terminated") goes to null.
    exec 3>&2 2>/dev/null
    (cd "$d" && exec sh -c 'echo $$ >pid; exec rmsetab "$@"' sh "$@") \
        >/dev/null 2>"$d/err"
    got=$?
    exec 2>&3 3>&-
    wait
    if [ "$got" != "$want" ]; then
        fail "$name: status $got, expected $want"
        sed 's/^/    /' "$d/err"
    elif [ -s "$d/err" ]; then
        fail "$name: a message: $(cat "$d/err")"
    elif were_there "$name" "$new" && untouched "$name"; then
        pass "$name"
    fi
}

# 1. Ctrl-C, kill, a closed terminal: both outputs stay as they were, and
# the status shows the signal.
signal_case sigint INT 130 "$tmp/in.csv" 2 --save-state s.state --plot p.svg fifo
signal_case sigterm TERM 143 "$tmp/in.csv" 2 --save-state s.state --plot p.svg fifo
signal_case sighup HUP 129 "$tmp/in.csv" 2 --save-state s.state --plot p.svg fifo
signal_case sigquit QUIT 131 "$tmp/in.csv" 1 --save-state s.state fifo
# --merge saving the merged state, interrupted.
signal_case sigint-merge INT 130 "$tmp/in.state" 1 --merge --save-state s.state fifo

# 2. SIGINT ignored when rmsetab starts (nohup, a background job without
# job control) stays ignored: the run goes on to its end and replaces the
# state.
fresh sigint-ignored
{
    cat "$tmp/in.csv"
    kill -s INT "$(cat "$d/pid")"
} >"$d/fifo" &
(cd "$d" && trap '' INT && exec sh -c 'echo $$ >pid; exec rmsetab "$@"' sh \
    -b 2 --save-state s.state fifo) >/dev/null 2>"$d/err"
got=$?
wait
if [ "$got" = 0 ] && [ ! -s "$d/err" ] && same_state "$d/s.state"; then
    pass sigint-ignored
else
    fail "sigint-ignored: status $got, $(cat "$d/err"), state: $(head -n 1 "$d/s.state")"
fi

# 3. A broken pipe: head takes the first line and goes; the writer waits
# for it to be gone before it writes the rest, so that rmsetab's next
# write finds the pipe closed and SIGPIPE ends it (status 141); the state
# stays as it was.  (rmsetab writes what it has whenever its next read
# would wait, so head has a line before the writer goes on.)
fresh sigpipe
{
    cat "$tmp/in.csv"
    i=0
    while [ ! -e "$d/head-done" ] && [ $i -lt 600 ]; do
        sleep 0.1
        i=$((i + 1))
    done
    ls -A "$d" >"$d/during"
    echo 0,5
} >"$d/fifo" &
{
    (cd "$d" && exec rmsetab -b 1 --save-state s.state fifo) 2>"$d/err"
    echo $? >"$d/status"
} | {
    head -n 1 >/dev/null
    : >"$d/head-done"
}
wait
rm -f "$d/head-done"
if [ "$(cat "$d/status")" != 141 ]; then
    fail "sigpipe: status $(cat "$d/status"), expected 141"
    sed 's/^/    /' "$d/err"
elif were_there sigpipe 1 && untouched sigpipe; then
    pass sigpipe
fi

# 4. The new file's mode: a new state gets 0666 less the umask; one that
# replaces a file gets that file's mode; through a symbolic link, the file
# the link names is replaced and the link stays a link, also when it
# names a file that does not exist yet.
d=$tmp/modes
mkdir "$d" && cd "$d" || exit 2
(umask 027 && rmsetab -b 2 --save-state new.state "$tmp/in.csv" >/dev/null)
echo old >kept.state
chmod 604 kept.state
rmsetab -b 2 --save-state kept.state "$tmp/in.csv" >/dev/null
mkdir real
echo old >real/a.state
ln -s real/a.state link.state
ln -s real/b.state dangling.state
rmsetab -b 2 --save-state link.state "$tmp/in.csv" >/dev/null
rmsetab -b 2 --save-state dangling.state "$tmp/in.csv" >/dev/null
modes="$(ls -l new.state | cut -c 1-10) $(ls -l kept.state | cut -c 1-10)"
if [ "$modes" = "-rw-r----- -rw----r--" ] &&
    same_state new.state && same_state kept.state; then
    pass "new-file-modes"
else
    fail "new-file-modes: $modes (expected -rw-r----- -rw----r--)"
fi
if [ -L link.state ] && [ -L dangling.state ] &&
    same_state real/a.state && same_state real/b.state; then
    pass "symbolic-links-followed"
else
    fail "symbolic-links-followed: $(ls -l . real | tr '\n' ' ')"
fi
# A second name of the state (a hard link) keeps the old contents: the
# name given is a new file.
echo old >one.state
ln one.state two.state
rmsetab -b 2 --save-state one.state "$tmp/in.csv" >/dev/null
if same_state one.state && [ "$(cat two.state)" = old ]; then
    pass "hard-link-keeps-old"
else
    fail "hard-link-keeps-old"
fi
cd "$root" || exit 2

# 5. More inputs than open files: 1000 files of the 2 rows above, with at
# most 64 descriptors.  Each file is an epoch of one batch whose RMSE is
# sqrt(5); so is every mean of them and the RMSE of all 2000 rows:
# sqrt(5) = 2.2360679774997896964..., %.17g 2.2360679774997898.  Merged,
# the 1000 states' epoch 1 is one epoch of those 2000 rows (epochs join by
# number), and a run of one epoch has no total line.  The same state
# twice is refused (its rows would count twice), so each copy of in.state
# gets an id of its own, as 1000 runs would give it, and the checksum of
# its lines (FNV-1a, the man page's STATE FORMAT), made here apart from
# rmsetab.
d=$tmp/many
mkdir "$d" || exit 2
i=0
while [ $i -lt 1000 ]; do
    i=$((i + 1))
    cp "$tmp/in.csv" "$d/f$i.csv"
done
python3 - "$tmp/in.state" "$d" <<'EOF_PY' || exit 2
import sys
lines = open(sys.argv[1], "rb").read().split(b"\n")[:-1]
for i in range(1, 1001):
    h, out = 0xCBF29CE484222325, b""
    for line in lines:
        if line.startswith(b"source "):
            line = b"source %032x" % i
        if line.startswith(b"end "):
            line = b"end %016x" % h
        else:
            for c in line + b"\n":
                h = ((h ^ c) * 0x100000001B3) % 2**64
        out += line + b"\n"
    open("%s/f%d.state" % (sys.argv[2], i), "wb").write(out)
EOF_PY
v=2.2360679774997898
# The total's running columns are empty: each file is an epoch (-r epoch).
want="total,,,2000,$v,,"
got=$( (ulimit -n 64 && cd "$d" && rmsetab -s -f csv -b 2 f*.csv) 2>&1 | tail -n 1)
if [ "$got" = "$want" ]; then pass "1000-inputs-64-descriptors"; else
    fail "1000-inputs-64-descriptors: '$got'"; fi
want="epoch,1,,2000,$v,$v,$v"
got=$( (ulimit -n 64 && cd "$d" && rmsetab --merge -f csv f*.state) 2>&1 | grep -v '^total,' | tail -n 1)
if [ "$got" = "$want" ]; then pass "1000-states-64-descriptors"; else
    fail "1000-states-64-descriptors: '$got'"; fi

# 6. An input removed while an earlier one is read: checked at the start,
# it is opened only when its turn comes, and then it is an error; the
# first file's epoch is printed by then.
fresh removed-later
cp "$tmp/in.csv" "$d/later.csv"
{
    cat "$tmp/in.csv"
    rm "$d/later.csv"
} >"$d/fifo" &
(cd "$d" && rmsetab -f csv -b 2 fifo later.csv) >"$d/out" 2>"$d/err"
got=$?
wait
printf '%s\n' 'kind,epoch,batch,rows,rmse,mean_batch_rmse,running_rmse' \
    'batch,1,1,2,2.2360679774997898,2.2360679774997898,2.2360679774997898' \
    'epoch,1,,2,2.2360679774997898,2.2360679774997898,2.2360679774997898' \
    >"$d/want"
if [ "$got" = 2 ] && cmp -s "$d/want" "$d/out" &&
    [ "$(cat "$d/err")" = "rmsetab: later.csv: No such file or directory" ]; then
    pass removed-later
else
    fail "removed-later: status $got, $(cat "$d/err")"
    diff "$d/want" "$d/out" | sed 's/^/    /'
fi

harness_end
