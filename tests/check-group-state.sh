#!/bin/sh
# States saved with -g, merged, must print the bytes of one pass with -g
# over all the rows (make check-group-state), and the numbers of
# tests/reference.py, which shares no code with rmsetab.  A generated file
# with groups in no order, weights and four epochs, its keys made odd (a
# comma, a quote, a line break, a tab, the empty key, UTF-8, and in one
# copy bytes that are not UTF-8), is cut into parts at record boundaries
# (a key's line break stays inside its record) of uneven sizes; each
# part's state is saved, with --part, and the states merged in shuffled
# and reversed orders, through standard input, and as merged ranges of
# parts merged again; in every format, with several options; --value,
# --fail-above and -c at the merge as a one-pass -g run has them.
# usage: sh tests/check-group-state.sh PATH-TO-RMSETAB
set -u
. "$(dirname "$0")/lib/harness.sh"
harness_start "$@"
cd "$tmp" || exit 2
formats="table csv tsv jsonl markdown"
all=rmse,mean_batch_rmse,running_rmse,row_loss,mean_row_loss,mse
all=$all,running_mse,mae,running_mae,per_output,uniform_rmse,r2,bias,max_error,weight

# Columns: epoch, true_0, true_1, pred_0, pred_1, w, group (k0..k8, in no
# order), kind (x or "y,z"); the keys made odd.  odd.csv is UTF-8, for the reference, which
# reads UTF-8; raw.csv has one key of the bytes ff fe besides.
python3 "$tests/gen.py" --seed 41 --rows 1500 --pairs 2 --weights \
	--epoch-col --epochs 4 --groups 9 >gen.csv || exit 2
cat >odd.py <<'EOF'
import csv, sys
keys = {"k0": "a,b", "k1": 'q"t', "k2": "nl\nx", "k3": "t\tb", "k4": "",
        "k5": "\u00fcber", "k6": " sp ", "k7": '"', "k8": "k8"}
if sys.argv[1] == "raw":
    keys["k8"] = "\xff\xfe"  # as latin-1: the bytes ff fe
src = csv.reader(open("gen.csv", newline="", encoding="latin-1"))
out = csv.writer(sys.stdout, lineterminator="\n")
sys.stdout.reconfigure(encoding="latin-1" if sys.argv[1] == "raw" else "utf-8",
                       newline="")
for i, rec in enumerate(src):
    if i > 0:
        rec[6] = keys[rec[6]]
    # A second key column, for -g of two columns.
    rec.append("kind" if i == 0 else ["x", "y,z"][i % 3 == 0])
    out.writerow(rec)
EOF
python3 odd.py utf8 >odd.csv && python3 odd.py raw >raw.csv || exit 2
# Values of the epoch column that come back (runs of 1 to 4 records), so
# that a group's epoch is cut by parts and by other groups' rows.
python3 - <<'EOF' || exit 2
import csv
recs = list(csv.reader(open("odd.csv", newline="", encoding="utf-8")))
k, left = 0, 0
for n, rec in enumerate(recs[1:], start=2):
    if left <= 0:
        k, left = (k + 1 + n % 2) % 3, n % 4
    left -= 1
    rec[0] = "v%d" % k
with open("unsorted.csv", "w", newline="", encoding="utf-8") as f:
    csv.writer(f, lineterminator="\n").writerows(recs)
EOF

# cut_parts FILE SEED: parts/NN.csv, each with the header, of uneven sizes (1 to 300
# records), cut between records; prints how many.
cat >cut.py <<'EOF'
import csv, os, random, sys
recs = list(csv.reader(open(sys.argv[1], newline="", encoding="latin-1")))
head, rows = recs[0], recs[1:]
rng = random.Random(int(sys.argv[2]))
os.makedirs("parts")
i = n = 0
while i < len(rows):
    size = rng.choice([1, 2, 7, 40, 113, 300])
    n += 1
    with open("parts/%02d.csv" % n, "w", newline="", encoding="latin-1") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(head)
        w.writerows(rows[i:i + size])
    i += size
print(n)
EOF
cut_parts() {
	rm -rf parts && n=$(python3 cut.py "$1" "$2") && [ "$n" -gt 3 ]
}

# save ARGS...: each part's state, saved as part K of N, four at a time.
save() {
	printf 'exec rmsetab %s --part "$1/%s" --run-id g --save-state "$2.state" "$2" >/dev/null 2>&1\n' \
		"$*" "$n" >save1.sh
	ls parts/*.csv | awk '{ print NR, $0 }' | xargs -P 4 -n 2 sh save1.sh
}

# shuffled SEED: the lines of standard input in an order fixed by SEED.
shuffled() {
	awk -v seed="$1" 'BEGIN { srand(seed) } { print rand() "\t" $0 }' |
		sort | cut -f 2-
}

# compare NAME FILE SEED ARGS...: one pass over FILE with -s ARGS against
# its parts' states merged, in several orders and groupings, in every
# format.
compare() {
	name=$1 file=$2 seed=$3
	shift 3
	if ! cut_parts "$file" "$seed" || ! save "$@" ||
		[ "$(ls parts/*.state | wc -l)" -ne "$n" ]; then
		fail "$name: cutting or saving the parts"
		return
	fi
	# Ranges of parts (1-4, 5-8, ...), each merged from its parts in a
	# shuffled order and saved.
	rm -f range.*
	ls parts/*.state | awk '{ print int((NR - 1) / 4) }' >range
	ls parts/*.state | paste range - | while read -r g f; do
		echo "$f" >>"range.$g.list"
	done
	for l in range.*.list; do
		shuffled "$seed" <"$l" | xargs rmsetab --merge \
			--save-state "${l%.list}.mstate" >/dev/null
	done
	for fmt in $formats; do
		rmsetab -s -f "$fmt" "$@" "$file" >want 2>/dev/null
		ls parts/*.state | shuffled "$seed" |
			xargs rmsetab --merge -f "$fmt" >got
		check "$name ($n parts, -f $fmt): shuffled" want got
		ls parts/*.state | sort -r | xargs cat |
			rmsetab --merge -f "$fmt" >got
		check "$name (-f $fmt): reversed, through standard input" \
			want got
		ls range.*.mstate | shuffled "$seed" |
			xargs rmsetab --merge -f "$fmt" >got
		check "$name (-f $fmt): ranges of parts merged, then merged" \
			want got
	done
}

# ref NAME FILE ARGS...: the merge of FILE's parts (saved in the compare
# before) against tests/reference.py -g over FILE, every number the same
# double (tests/compare.py).
ref() {
	name=$1 file=$2
	shift 2
	python3 "$tests/reference.py" -s "$@" "$file" >want 2>/dev/null
	ls parts/*.state | shuffled 5 | xargs rmsetab --merge -f csv >got
	if python3 "$tests/compare.py" want got >diff 2>&1; then
		pass "$name: the merge against reference.py"
	else
		fail "$name: the merge against reference.py"
		head -n 6 diff | sed 's/^/    /'
	fi
}

cols='-t 2,3 -p 4,5 -w 6'
set -- -b 7 -e 1 $cols -g 7 -c "$all"
compare "-g, -e, every column, -b 7" odd.csv 1 "$@"
ref "-g, -e, every column, -b 7" odd.csv "$@"
set -- -b 5 -r never -e 1 $cols -g 7 -c "$all"
compare "-g, -r never, -b 5" odd.csv 2 "$@"
ref "-g, -r never, -b 5" odd.csv "$@"
set -- -b 3 $cols -g 7
compare "-g without -e: one file, one epoch, -b 3" odd.csv 3 "$@"
ref "-g without -e: one file, one epoch, -b 3" odd.csv "$@"
set -- -b 4 -e 1 $cols -g 7,8 -c rmse,mean_batch_rmse,mae,r2
compare "-g of two columns" odd.csv 4 "$@"
ref "-g of two columns" odd.csv "$@"
set -- -b 6 -e 1 $cols -g 7 -c "$all"
compare "-g, an epoch column whose values come back" unsorted.csv 5 "$@"
ref "-g, an epoch column whose values come back" unsorted.csv "$@"
set -- -b 9 -e 1 $cols -g 7 -c "$all"
compare "-g, keys of bytes that are not UTF-8" raw.csv 6 "$@"

# What a one-pass -g run does with --value, -c, and the thresholds, the
# merge does too (the parts of raw.csv, saved with -b 9 -e 1 and every
# column).
rmsetab --value -b 9 -e 1 $cols -g 7 -c r2 raw.csv >want
ls parts/*.state | xargs rmsetab --merge --value -c r2 >got
check "--value -c r2: a line for each group, then all the rows" want got
rmsetab -s -f csv -b 9 -e 1 $cols -g 7 -c mae,bias raw.csv >want
ls parts/*.state | xargs rmsetab --merge -f csv -c mae,bias >got
check "-c at the merge: some of the columns the states keep" want got
rmsetab -s -b 9 -e 1 $cols -g 7 -c "$all" --fail-above 700 \
	--fail-below r2=0.5 raw.csv >want 2>&1
echo "status $?" >>want
rmsetab --merge --fail-above 700 --fail-below r2=0.5 parts/*.state >got 2>&1
echo "status $?" >>got
check "--fail-above and --fail-below name the same lines, exit 1" want got
if grep -q "group" got && grep -q "status 1" got; then
	pass "the thresholds fail for some groups"
else
	fail "the thresholds fail for some groups (the check above is empty)"
fi

# Parts without --part merge in the order given.
rm -rf parts && n=$(python3 cut.py odd.csv 7) || exit 2
for f in parts/*.csv; do
	rmsetab -b 4 -e 1 $cols -g 7 -c "$all" --save-state "$f.state" "$f" \
		>/dev/null 2>&1
done
rmsetab -s -f csv -b 4 -e 1 $cols -g 7 -c "$all" odd.csv >want
ls parts/*.state | xargs rmsetab --merge -f csv >got
check "states without --part, in the order of their rows" want got

# A group that is in the first and the last part alone: its epochs join
# across the parts between, which do not have it.
printf 'e,t,p,g\n1,0,1,x\n1,0,2,y\n1,0,3,y\n1,0,4,x\n2,0,5,x\n' >gap.csv
printf 'e,t,p,g\n1,0,1,x\n' >gap1.csv
printf 'e,t,p,g\n1,0,2,y\n1,0,3,y\n' >gap2.csv
printf 'e,t,p,g\n1,0,4,x\n2,0,5,x\n' >gap3.csv
for i in 1 2 3; do
	rmsetab -b 2 -e e -t t -p p -g g --part "$i/3" --save-state \
		"gap$i.state" "gap$i.csv" >/dev/null
done
rmsetab -s -f csv -b 2 -e e -t t -p p -g g gap.csv >want
rmsetab --merge -f csv gap3.state gap1.state gap2.state >got
check "a group's epoch goes on across a part without it" want got
python3 "$tests/reference.py" -s -b 2 -e 1 -t 2 -p 3 -g 4 gap.csv >want
if python3 "$tests/compare.py" want got >diff 2>&1; then
	pass "a group's epoch across a part without it, against reference.py"
else
	fail "a group's epoch across a part without it, against reference.py"
	head -n 6 diff | sed 's/^/    /'
fi

# Memory grows with the groups, not the rows: 200000 rows of 3 groups
# merge within 100 MB of address space (not under a sanitizer, which
# reserves terabytes).
if [ -n "${ASAN_OPTIONS:-}" ]; then
	skip "memory limits (a sanitizer build)"
else
	awk 'BEGIN { print "t,p,g"; for (i = 0; i < 200000; i++)
		print i % 7 "," i % 5 "," "g" i % 3 }' >many.csv
	rmsetab -g g --save-state many.state many.csv >/dev/null
	rmsetab -s -f csv -g g many.csv >want
	if (ulimit -v 100000 && rmsetab --merge -f csv many.state >got); then
		check "200000 rows of 3 groups merged within 100 MB" want got
	else
		fail "200000 rows of 3 groups merged within 100 MB"
	fi
fi

# Saving grows with the rows of each group, not groups x batch size:
# 4000 groups of 3 rows at -b 4096 (the largest) save within 200 MB of
# address space, where room for a batch per group would be gigabytes; and
# the merge is still one pass's bytes.
if [ -n "${ASAN_OPTIONS:-}" ]; then
	skip "memory limits of saving (a sanitizer build)"
else
	awk 'BEGIN { print "t,p,g"; for (i = 0; i < 12000; i++)
		print i % 7 "," i % 5 "," "u" i % 4000 }' >small.csv
	rmsetab -s -f csv -b 4096 -g g small.csv >want
	if (ulimit -v 200000 && rmsetab -b 4096 -g g --save-state small.state \
		small.csv >/dev/null 2>err); then
		rmsetab --merge -s -f csv small.state >got
		check "4000 groups of 3 rows at -b 4096 saved within 200 MB" \
			want got
	else
		fail "4000 groups of 3 rows at -b 4096 saved within 200 MB"
		sed 's/^/    /' err
	fi
fi

harness_end
