#!/bin/sh
# Checks --plot (make check-plot): the SVG is well-formed XML (xmllint),
# holds one point per batch and curve for a small input, marks each epoch
# boundary, leaves a gap where an RMSE is undefined, and stays small for a
# million batches.
# usage: sh tests/check-plot.sh PATH-TO-RMSETAB

. "$(dirname "$0")/lib/harness.sh"
harness_start "$@"

# points SVG: "ID POINTS" for each curve and "epoch-boundaries N", sorted
# by name: the points of a curve are those of its polylines plus its lone
# circles.
points() {
    python3 - "$1" <<'EOF'
import sys
import xml.etree.ElementTree as ET

svg = "{http://www.w3.org/2000/svg}"
root = ET.parse(sys.argv[1]).getroot()
out = []
for g in root.iter(svg + "g"):
    gid = g.get("id")
    if gid == "epoch-boundaries":
        out.append((gid, len(g.findall(svg + "line"))))
    elif gid:
        n = sum(len(p.get("points").split()) for p in g.findall(svg + "polyline"))
        out.append((gid, n + len(g.findall(svg + "circle"))))
for gid, n in sorted(out):
    print(gid, n)
EOF
}

# check_points NAME EXPECTED-POINTS ARGS...: runs rmsetab --plot with ARGS,
# checks the file with xmllint and compares points() with EXPECTED-POINTS.
check_points() {
    name=$1 want=$2
    shift 2
    rm -f "$tmp/p.svg"
    if ! "$bin" --plot "$tmp/p.svg" "$@" >/dev/null 2>"$tmp/stderr"; then
        fail "$name: rmsetab failed"
        sed 's/^/    /' "$tmp/stderr"
        return
    fi
    if [ -n "$xmllint" ] && ! xmllint --noout "$tmp/p.svg" 2>"$tmp/xml"; then
        fail "$name: not well-formed XML"
        sed -n '1,5s/^/    /p' "$tmp/xml"
        return
    fi
    got=$(points "$tmp/p.svg" | tr '\n' ' ')
    if [ "$got" = "$want " ]; then
        pass "$name"
    else
        fail "$name: expected '$want', got '$got'"
    fi
}

xmllint=$(command -v xmllint)
[ -n "$xmllint" ] ||
    skip "well-formedness checks (xmllint is not installed: apt-get install libxml2-utils)"

# data/preds.csv has 10 rows: 10 batches of 1, or 3 of 4 (4, 4, 2).
check_points one-point-a-batch \
    "batch-rmse 10 epoch-boundaries 0 mean-batch-rmse 10 running-rmse 10" \
    -b 1 data/preds.csv
# -s prints no batch line, but the chart still has every batch.
check_points summary-still-plots \
    "batch-rmse 3 epoch-boundaries 0 mean-batch-rmse 3 running-rmse 3" \
    -s -b 4 data/preds.csv
# Two files of 8 rows, -b 4: 2 + 2 batches, one boundary between them.
check_points two-epochs \
    "batch-rmse 4 epoch-boundaries 1 mean-batch-rmse 4 running-rmse 4" \
    -b 4 data/epoch1.csv data/epoch2.csv
# 3 epochs of 5 rows from the epoch column, -b 2: 3 + 3 + 3 batches.
check_points epoch-column \
    "batch-rmse 9 epoch-boundaries 2 mean-batch-rmse 9 running-rmse 9" \
    -b 2 -e epoch data/epochs.csv
# Batches of one row; batch 2's weight is 0: its RMSE is undefined, and so
# is the mean of batch RMSEs from there to the end of the epoch; the
# running RMSE is defined throughout.
printf 'y_true,y_pred,w\n0,1,1\n0,2,0\n0,3,1\n0,4,1\n' >"$tmp/zero.csv"
check_points undefined-values-leave-gaps \
    "batch-rmse 3 epoch-boundaries 0 mean-batch-rmse 1 running-rmse 4" \
    -b 1 -w w "$tmp/zero.csv"
# Labels that are not XML-safe text: markup, a quote, a control byte and
# a byte that is not UTF-8 must still give well-formed XML.
printf 'e,y_true,y_pred\n"<a&b>""",0,1\n"x\001\377y",0,2\n' >"$tmp/labels.csv"
check_points labels-escaped \
    "batch-rmse 2 epoch-boundaries 1 mean-batch-rmse 2 running-rmse 2" \
    -e e "$tmp/labels.csv"

# A million batches of one row, one spike: at most 2000 points a curve,
# the spike among them, and a file of well under 200 kB.
awk 'BEGIN { print "y_true,y_pred"; for (i = 0; i < 1000000; i++)
    print 0 "," (i == 654321 ? 1000 : i % 7) }' >"$tmp/big.csv"
rm -f "$tmp/p.svg"
if "$bin" -s -b 1 --plot "$tmp/p.svg" "$tmp/big.csv" >/dev/null &&
    { [ -z "$xmllint" ] || xmllint --noout "$tmp/p.svg"; }; then
    size=$(wc -c <"$tmp/p.svg")
    most=$(points "$tmp/p.svg" | awk '$1 != "epoch-boundaries" && $2 > m { m = $2 } END { print m + 0 }')
    spike=$(python3 - "$tmp/p.svg" <<'EOF'
import sys
import xml.etree.ElementTree as ET

svg = "{http://www.w3.org/2000/svg}"
root = ET.parse(sys.argv[1]).getroot()
g = [g for g in root.iter(svg + "g") if g.get("id") == "batch-rmse"][0]
ys = [float(p.split(",")[1]) for l in g.findall(svg + "polyline")
      for p in l.get("points").split()]
# The spike is 1000 among values up to 6: the top of the plot area (70).
print("yes" if min(ys) < 80 else "no")
EOF
)
    if [ "$size" -lt 200000 ] && [ "$most" -le 2000 ] && [ "$most" -ge 1000 ] &&
        [ "$spike" = yes ]; then
        pass "million-batches ($size bytes, $most points a curve)"
    else
        fail "million-batches: $size bytes, $most points a curve, spike shown: $spike"
    fi
else
    fail "million-batches: rmsetab or xmllint failed"
fi
harness_end
