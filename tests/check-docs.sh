#!/bin/sh
# Runs the examples of README.md, HACKING.md, doc/*.md and man/rmsetab.1 as
# tests (make check-docs), so that the documentation cannot drift from what
# rmsetab does.
#
# Markdown: every ```console block holds lines "$ COMMAND" each followed by
# the standard output it prints.  man/rmsetab.1: every .Bd -literal block of
# the EXAMPLES section does the same, written in roff (\- \e \& \(aq ... are
# undone).  A command whose line ends in "\", "|", "&&" or "||" goes on on
# the next line.  Each command is run with sh from the top of the source
# tree, with an `rmsetab` that is the binary under test first on PATH,
# LC_ALL=C and no standard input.  Its standard output must be the lines
# shown; with no lines shown it is only run.  Its exit status must be 0, or
# N when the command ends in the comment "# exit N".
# Also checks that every long option in --help appears in the man page, and,
# where mandoc is installed, that the SYNOPSIS says what the usage text says;
# that the README stays a front door of at most 200 lines; that the links
# of the Markdown files lead to files that are there; and that the chart
# the README shows is what rmsetab draws.
# usage: sh tests/check-docs.sh PATH-TO-RMSETAB

. "$(dirname "$0")/lib/harness.sh"
harness_start "$@"

mkdir "$tmp/ex" || exit 2

# extract KIND FILE COUNT: writes $tmp/ex/N.where, N.cmd, N.status and N.out
# (the expected output, when some is shown) for each example, N counting on
# from COUNT, the number of examples already there; prints the new count.
extract() {
    awk -v kind="$1" -v file="$2" -v dir="$tmp/ex" -v n="$3" '
    # Undoes the roff escapes a literal display may hold.
    function unroff(s,    out, c, name, i) {
        out = ""
        for (i = 1; i <= length(s); i++) {
            c = substr(s, i, 1)
            if (c != "\\") { out = out c; continue }
            c = substr(s, ++i, 1)
            if (c == "e") out = out "\\"
            else if (c == "-" || c == " " || c == ".") out = out c
            else if (c == "&" || c == "|" || c == "^") ;
            else if (c == "(") {
                name = substr(s, i + 1, 2); i += 2
                if (name == "aq") out = out "\047"
                else if (name == "dq") out = out "\""
                else if (name == "ga") out = out "`"
                else if (name == "ti") out = out "~"
                else if (name == "ha") out = out "^"
                else if (name == "rs") out = out "\\"
                else bad = bad " \\(" name
            } else bad = bad " \\" c
        }
        return out
    }
    # A command is complete when its last line does not end in "\", "|",
    # "&&" or "||", as sh would read it.
    function start(text, line) {
        n++
        printf "%s:%d\n", file, line > (dir "/" n ".where")
        close(dir "/" n ".where")
        cmd = ""
        more = 1
        addline(text)
    }
    function addline(text,    status) {
        cmd = cmd text "\n"
        if (text ~ /(\\|\||&&)$/) return
        more = 0
        status = 0
        if (match(text, /#[ \t]*exit[ \t]+[0-9]+[ \t]*$/)) {
            status = substr(text, RSTART)
            sub(/^#[ \t]*exit[ \t]+/, "", status)
            sub(/[ \t]*$/, "", status)
        }
        printf "%s", cmd > (dir "/" n ".cmd"); close(dir "/" n ".cmd")
        printf "%s\n", status > (dir "/" n ".status"); close(dir "/" n ".status")
    }
    function body(text) {
        if (more)
            addline(text)
        else if (incmd)
            printf "%s\n", text > (dir "/" n ".out")
        else {
            printf "%s:%d: output shown before any command\n", file, NR > "/dev/stderr"
            errors++
        }
    }
    function endblock() {
        if (more) {
            printf "%s:%d: command goes on past the end of its block\n", file, NR > "/dev/stderr"
            errors++
        }
        if (incmd) close(dir "/" n ".out")
        inblock = incmd = more = 0
    }
    kind == "md" && !inblock && /^```console[ \t]*$/ { inblock = 1; next }
    kind == "md" && inblock && /^```[ \t]*$/ { endblock(); next }
    kind == "md" && inblock {
        if (!more && substr($0, 1, 2) == "$ ") { start(substr($0, 3), NR); incmd = 1 }
        else body($0)
        next
    }
    kind == "man" && /^\.Sh[ \t]/ { insect = ($0 ~ /^\.Sh[ \t]+EXAMPLES[ \t]*$/); next }
    kind == "man" && insect && !inblock && /^\.Bd[ \t]+-literal/ { inblock = 1; next }
    kind == "man" && inblock && /^\.Ed([ \t]|$)/ { endblock(); next }
    kind == "man" && inblock {
        if (/^\.\\"/) next
        if (/^[.\047]/) {
            printf "%s:%d: a request or macro inside an example block\n", file, NR > "/dev/stderr"
            errors++
            next
        }
        bad = ""
        text = unroff($0)
        if (bad != "") {
            printf "%s:%d: unknown roff escape%s\n", file, NR, bad > "/dev/stderr"
            errors++
        }
        if (!more && substr(text, 1, 2) == "$ ") { start(substr(text, 3), NR); incmd = 1 }
        else body(text)
        next
    }
    END {
        if (inblock) {
            printf "%s: example block not closed\n", file > "/dev/stderr"
            errors++
        }
        print n
        exit (errors > 0)
    }' "$2"
}

# The Markdown files whose examples run.
markdown="README.md HACKING.md $(echo doc/*.md)"
total=0 broken=
for f in $markdown; do
    total=$(extract md "$f" "$total") || broken=1
done
total=$(extract man man/rmsetab.1 "$total") || broken=1
if [ -n "$broken" ]; then
    fail "extracting the examples (see above)"
    harness_end
fi
if [ "$total" -eq 0 ]; then
    fail "no examples found in $markdown or man/rmsetab.1"
    harness_end
fi

i=0
while [ "$i" -lt "$total" ]; do
    i=$((i + 1))
    ex=$tmp/ex/$i
    where=$(cat "$ex.where")
    want=$(cat "$ex.status")
    (cd "$root" && sh "$ex.cmd") \
        </dev/null >"$ex.actual" 2>"$ex.stderr"
    got=$?
    problem=
    if [ "$got" -ne "$want" ]; then
        problem="exit status $got, expected $want"
    fi
    if [ -f "$ex.out" ] && ! diff -u "$ex.out" "$ex.actual" >"$ex.diff"; then
        problem="${problem:+$problem; }standard output differs"
    fi
    if [ -z "$problem" ]; then
        pass "$where"
    else
        fail "$where: $problem"
        sed 's/^/    $ /' "$ex.cmd"
        [ -s "$ex.diff" ] && sed 's/^/    /' "$ex.diff"
        [ -s "$ex.stderr" ] && sed -n '1,10s/^/    stderr: /p' "$ex.stderr"
    fi
done

# Every long option of --help is described: "Fl \-name" in the mdoc source.
sed 's/\\-/-/g' man/rmsetab.1 >"$tmp/man"
missing=
for opt in $("$bin" --help | tr -c 'a-z-' '\n' | grep '^--[a-z]' | sort -u); do
    if ! grep -Eq "Fl -${opt#--}([^a-z-]|\$)" "$tmp/man"; then
        missing="$missing $opt"
    fi
done
if [ -z "$missing" ]; then
    pass "man/rmsetab.1: every long option of --help"
else
    fail "man/rmsetab.1: not described:$missing"
fi

# The list of each short option's long form: every "-x, --name" of --help
# stands there as "--name (-x)", and nothing else does.
"$bin" --help | sed -n 's/^ *\(-[a-zA-Z]\), \(--[a-z-]*\).*/\2 (\1)/p' |
    sort >"$tmp/pairs-help"
awk '/^stays unambiguous:$/ { on = 1; next } on && /^\.Pp/ { exit } on' \
    "$tmp/man" | tr '\n' ' ' |
    grep -o -- '--[a-z-]* (-[a-zA-Z])' | sort >"$tmp/pairs-man"
if [ -s "$tmp/pairs-help" ] && cmp -s "$tmp/pairs-help" "$tmp/pairs-man"; then
    pass "man/rmsetab.1: the long form of every short option"
else
    fail "man/rmsetab.1: the long forms of the short options differ from --help"
    diff "$tmp/pairs-help" "$tmp/pairs-man" | sed 's/^/    /'
fi

# The SYNOPSIS as mandoc renders it, against the usage text, blanks squeezed.
if command -v mandoc >/dev/null 2>&1; then
    mandoc -T ascii man/rmsetab.1 | awk '{ gsub(/.\010/, ""); print }' |
        awk '/^SYNOPSIS/ { on = 1; next } on && /^[A-Z]/ { exit } on' |
        tr -s ' \n' '  ' | sed 's/^ //; s/ $//' >"$tmp/synopsis"
    "$bin" --help | sed -n '1,/^$/p' | sed '1s/^usage: //' |
        tr -s ' \n' '  ' | sed 's/^ //; s/ $//' >"$tmp/usage"
    if cmp -s "$tmp/synopsis" "$tmp/usage"; then
        pass "man/rmsetab.1: SYNOPSIS matches the usage text"
    else
        fail "man/rmsetab.1: SYNOPSIS differs from the usage text"
        printf '    man:   %s\n    usage: %s\n' "$(cat "$tmp/synopsis")" \
            "$(cat "$tmp/usage")"
    fi
else
    skip "man/rmsetab.1: SYNOPSIS check (mandoc is not installed)"
fi

# The README is a front door; the rest of the documentation is in doc/ and
# the man page.
n=$(wc -l <README.md)
if [ "$n" -le 200 ]; then
    pass "README.md: $n lines, at most 200"
else
    fail "README.md: $n lines, more than 200: move the detail to doc/ or the man page"
fi

# Every relative link of a Markdown file, outside code blocks, names a file
# or folder that is there (from the linking file's folder; #anchors aside).
for f in $markdown; do
    dir=$(dirname "$f")
    bad=
    for target in $(awk '/^```/ { code = !code; next }
        !code { s = $0
            while (match(s, /\]\([^)]*\)/)) {
                print substr(s, RSTART + 2, RLENGTH - 3)
                s = substr(s, RSTART + RLENGTH)
            } }' "$f"); do
        case $target in
        http:* | https:* | mailto:* | "#"*) continue ;;
        esac
        [ -e "$dir/${target%%#*}" ] || bad="$bad $target"
    done
    if [ -z "$bad" ]; then
        pass "$f: every link leads to a file"
    else
        fail "$f: links to nothing:$bad"
    fi
done

# The chart the README shows, as `make seed-plot` draws it.
"$bin" --precision 17 -b 32 -r never -t 1-10 -p 11-20 \
    --plot "$tmp/seed-plot.svg" data/keras-seed-example.csv \
    data/keras-seed-example.csv >/dev/null
if cmp -s data/seed-plot.svg "$tmp/seed-plot.svg"; then
    pass "data/seed-plot.svg: what rmsetab draws"
else
    fail "data/seed-plot.svg: not what rmsetab draws now (make seed-plot draws it again)"
fi
harness_end
