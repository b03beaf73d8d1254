# Nothing lost: 300,000 rows in 3 epochs, every tenth row with an invalid
# value and every tenth with an invalid weight, a quoted value half-way (so
# that libcsv reads the second half, after the blocks of the first), read
# with --skip-invalid.  The rows the epoch lines count plus the rows skipped
# must be the rows read, and those the rows in the file.
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 2' HUP INT TERM
cd "$tmp" || exit 2
awk 'BEGIN {
    print "e,t,p,w"
    for (i = 0; i < 300000; i++) {
        t = i % 5
        p = i % 10 == 3 ? "x" : i == 150000 ? "\"" t + 3 "\"" : t + 3
        w = i % 10 == 7 ? -1 : 1 + i % 2
        print 1 + int(i / 100000) "," t "," p "," w
    }
}' >in.csv
rmsetab -s -f csv --skip-invalid -e e -t t -p p -w w in.csv >out.csv 2>err.txt
echo "status $?"
cat out.csv err.txt
used=$(awk -F, '$1 == "epoch" { n += $4 } END { print n }' out.csv)
total=$(awk -F, '$1 == "total" { print $4 }' out.csv)
skipped=$(sed -n 's/.*skipped \([0-9]*\) of \([0-9]*\) rows.*/\1/p' err.txt)
read=$(sed -n 's/.*skipped \([0-9]*\) of \([0-9]*\) rows.*/\2/p' err.txt)
rows=$(($(wc -l <in.csv) - 1))
echo "rows in the file $rows, read $read = used $used + skipped $skipped," \
    "total line $total"
[ "$read" -eq "$rows" ] && [ $((used + skipped)) -eq "$read" ] &&
    [ "$total" -eq "$used" ] && echo "every row accounted for"
