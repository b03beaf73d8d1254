#!/bin/sh
# Saved states merged must print the bytes of one pass over all the rows
# (make check-state).  A generated file is cut into parts with split (each
# part given the header), each part's state saved (several at a time, with
# xargs -P), and the states merged in order, in several groupings (all at
# once, through standard input, merges of merges), in every output format
# (table, csv, tsv, jsonl, markdown), with weights, several pairs and an
# epoch column; states saved with --part merged in shuffled and reversed
# orders and as merged ranges of parts; the reader's memory under a limit
# on a state of 100000 pairs and on input without line ends; then the same
# through GNU parallel --pipepart, in order and (with --part) in the order
# the jobs end, and the recipes of doc/scaling.md as written.
# usage: sh tests/check-state.sh PATH-TO-RMSETAB
set -u
. "$(dirname "$0")/lib/harness.sh"
harness_start "$@"
cd "$tmp" || exit 2
formats="table csv tsv jsonl markdown"
all=rmse,mean_batch_rmse,running_rmse,row_loss,mean_row_loss,mse
all=$all,running_mse,mae,running_mae,per_output,uniform_rmse,r2,bias,max_error,weight

gen() { python3 "$tests/gen.py" "$@"; }

# Columns: epoch, true_0-2, pred_0-2, w; four epochs.
gen --seed 21 --rows 2400 --pairs 3 --weights --epoch-col --epochs 4 \
	>ew.csv || exit 2
# Columns: true_0, pred_0; one epoch.
gen --seed 22 --rows 3000 --pairs 1 >one.csv || exit 2
cols3='-t true_0-true_2 -p pred_0-pred_2'
cols1='-t true_0 -p pred_0'

# parts FILE LINES: parts/NNNN.csv, LINES rows each, in order, each with
# the header.
parts() {
	rm -rf parts && mkdir parts &&
		tail -n +2 "$1" | (cd parts && split -a 4 -d -l "$2" - p) &&
		for f in parts/p????; do
			{ head -n 1 "$1" && cat "$f"; } >"$f.csv" && rm "$f" ||
				return 1
		done
}

# save ARGS...: each part's state, four processes at a time.
save() {
	ls parts/*.csv | xargs -P 4 -I{} rmsetab "$@" --save-state {}.state {} \
		>/dev/null
}

# compare NAME FILE LINES ARGS...: one pass over FILE with ARGS against
# its parts of LINES rows merged in several groupings, in every format.
compare() {
	name=$1 file=$2 lines=$3
	shift 3
	if ! parts "$file" "$lines" || ! save "$@"; then
		fail "$name: cutting or saving the parts"
		return
	fi
	n=$(ls parts/*.state | wc -l)
	third=$(((n + 2) / 3))
	ls parts/*.state | head -n "$third" |
		xargs rmsetab --merge --save-state g1.mstate >/dev/null
	ls parts/*.state | sed -n "$((third + 1)),$((2 * third))p" |
		xargs -r rmsetab --merge --save-state g2.mstate >/dev/null
	ls parts/*.state | tail -n +"$((2 * third + 1))" |
		xargs -r rmsetab --merge --save-state g3.mstate >/dev/null
	first=$(ls parts/*.state | head -n 1)
	rmsetab --merge --save-state first.mstate "$first" >/dev/null
	for fmt in $formats; do
		rmsetab -s -f "$fmt" "$@" "$file" >want
		ls parts/*.state | xargs rmsetab --merge -f "$fmt" >got
		check "$name ($n parts, -f $fmt): in order" want got
		cat parts/*.state | rmsetab --merge -f "$fmt" >got
		check "$name (-f $fmt): concatenated, from standard input" \
			want got
		cat g1.mstate g2.mstate g3.mstate 2>/dev/null |
			rmsetab --merge -f "$fmt" >got
		check "$name (-f $fmt): thirds merged, then merged" want got
		ls parts/*.state | tail -n +2 |
			xargs rmsetab --merge -f "$fmt" first.mstate >got
		check "$name (-f $fmt): a merged state, then states" want got
	done
}

compare 'epochs, weights, 3 pairs, every column, -b 32' ew.csv 50 \
	-b 32 -e epoch -w w $cols3 -c "$all"
compare 'epochs, -r never, -b 7, parts of 333 rows' ew.csv 333 \
	-b 7 -r never -e epoch -w w $cols3 -c "$all"
compare 'batches across many parts: -b 100, parts of 9 rows' ew.csv 9 \
	-b 100 -e epoch -w w $cols3
compare 'files as epochs: one epoch, -b 1' one.csv 1000 -b 1 $cols1
compare 'one pair, every column, -b 64, parts of 17 rows' one.csv 17 \
	-b 64 $cols1 -c "$all"

# An epoch column that is not sorted: runs of 1 to 4 rows of values that
# come back, so that the cuts fall inside runs and between them, and a
# value comes back in one part, across parts, and after a cut.  (One pass
# and each part warn that values come back; that is not what is checked.)
awk -F, -v OFS=, 'NR == 1 { print; next }
	left-- <= 0 { k = (k + 1 + NR % 2) % 3; left = NR % 4 }
	{ $1 = "k" k; print }' ew.csv >unsorted.csv || exit 2
compare 'an unsorted epoch column, -b 3, parts of 5 rows' unsorted.csv 5 \
	-b 3 -e epoch -w w $cols3 -c "$all" 2>/dev/null
compare 'an unsorted epoch column, -r never, parts of 41 rows' unsorted.csv 41 \
	-b 4 -r never -e epoch -w w $cols3 2>/dev/null

# Batches of 4096 rows, the most a state keeps batch values for, with
# parts smaller and larger than two batches.
gen --seed 24 --rows 20000 --pairs 2 --weights >b4.csv || exit 2
compare '-b 4096, parts of 1500 rows' b4.csv 1500 -b 4096 -w w \
	-t true_0-true_1 -p pred_0-pred_1 -c rmse,mean_batch_rmse,mean_row_loss
compare '-b 4096, parts of 9000 rows' b4.csv 9000 -b 4096 -w w \
	-t true_0-true_1 -p pred_0-pred_1 -c rmse,mean_batch_rmse,mean_row_loss

# -c at the merge: some of the columns the states keep; saved so, the
# merged state keeps only those, and merges again.
parts ew.csv 111 && save -b 9 -e epoch -w w $cols3 -c "$all"
sub=mean_row_loss,uniform_rmse,running_mae
rmsetab -s -f csv -b 9 -e epoch -w w $cols3 -c "$sub" ew.csv >want
ls parts/*.state | xargs rmsetab --merge -f csv -c "$sub" >got
check "-c $sub at the merge, from states saved with every column" want got
ls parts/*.state | head -n 10 |
	xargs rmsetab --merge -c "$sub" --save-state few.mstate >/dev/null
ls parts/*.state | tail -n +11 | xargs rmsetab --merge -c "$sub" \
	--save-state more.mstate >/dev/null
rmsetab --merge -f csv few.mstate more.mstate >got
check "merged states saved with -c $sub, merged again" want got

# The table at full precision.
rmsetab -s --precision 17 -b 9 -e epoch -w w $cols3 -c "$all" ew.csv >want
ls parts/*.state | xargs rmsetab --merge --precision 17 >got
check "--precision 17" want got

# --explain and --fail-above read the same lines.
rmsetab -s --explain -b 9 -e epoch -w w $cols3 ew.csv >want
ls parts/*.state | xargs rmsetab --merge --explain -c rmse,mean_batch_rmse,running_rmse >got
check "--explain" want got
rmsetab -s --fail-above 300 -b 9 -e epoch -w w $cols3 ew.csv >want 2>&1
echo "status $?" >>want
# (Not through xargs, which would turn the status 1 into 123.)
rmsetab --merge --fail-above 300 -c rmse,mean_batch_rmse,running_rmse \
	parts/*.state >got 2>&1
echo "status $?" >>got
check "--fail-above" want got

# The columns that do not depend on where batches fall do not depend on
# the order of the parts either.
parts one.csv 250 && save $cols1 -c rmse,running_rmse,mse,mae,weight
for fmt in $formats; do
	rmsetab -s -f "$fmt" $cols1 -c rmse,running_rmse,mse,mae,weight \
		one.csv >want
	ls parts/*.state | sort -r | xargs rmsetab --merge -f "$fmt" >got
	check "parts in reverse order, columns without batch means (-f $fmt)" \
		want got
done

# --part K/N: the parts merge in part order whatever the order given,
# alone, through standard input, and as merged states of parts K to M
# (merges of merges), themselves given in any order.
# save_parts ARGS...: parts/NNNN.csv saved as part K of N, run "t".
save_parts() {
	n=$(ls parts/*.csv | wc -l)
	# The options have no quotes, so they can be put in a script.
	printf 'exec rmsetab %s --part "$1/%s" --run-id t --save-state "$2.state" "$2" >/dev/null\n' \
		"$*" "$n" >save1.sh
	ls parts/*.csv | awk '{ print NR, $0 }' | xargs -P 4 -n 2 sh save1.sh
}
# shuffled: the lines of standard input in an order fixed by awk's seed.
shuffled() {
	awk 'BEGIN { srand(7) } { print rand() "\t" $0 }' | sort | cut -f 2-
}
for args in "-b 32 -e epoch -w w $cols3 -c $all" "-b 7 -r never $cols3 -w w" \
	"-b 5 -e epoch -w w $cols3"; do
	# shellcheck disable=SC2086
	parts ew.csv 97 && save_parts $args || fail "--part: saving the parts"
	# shellcheck disable=SC2086
	rmsetab -s -f csv $args ew.csv >want
	ls parts/*.state | shuffled | xargs rmsetab --merge -f csv >got
	check "--part, $args: the parts in a shuffled order" want got
	ls parts/*.state | sort -r | xargs cat | rmsetab --merge -f csv >got
	check "--part, $args: in reverse order, through standard input" want got
	# Ranges of parts merged and saved (1-7, 8-13, 14-19, 20-25), each
	# from its parts shuffled, then merged in a shuffled order.
	rm -f range.*
	ls parts/*.state | awk '{ print int((NR - 1) / 7) }' >group
	ls parts/*.state | paste group - | while read -r g f; do
		echo "$f" >>"range.$g.list"
	done
	for l in range.*.list; do
		shuffled <"$l" | xargs rmsetab --merge \
			--save-state "${l%.list}.mstate" >/dev/null
	done
	ls range.*.mstate | shuffled | xargs rmsetab --merge -f csv >got
	check "--part, $args: ranges of parts merged, then merged shuffled" \
		want got
	# A range merged again with the parts it lacks, one by one.
	ls parts/*.state | sed -n '8,$p' | xargs cat | cat range.0.mstate - |
		rmsetab --merge -f csv >got
	check "--part, $args: parts 1-7 merged, then the others" want got
done

# The reader's memory is bounded by the size of the state and the longest
# line, 1 MiB: under a limit of 100 MB of address space, the state of
# 100000 pairs (2 MB; it took 824 MB to merge, a name at a time), and
# inputs without a line end (which grew a buffer until memory ran out).
# Sanitizer builds reserve terabytes of address space: not there.
if [ -n "${ASAN_OPTIONS:-}" ]; then
	skip "memory limits (a sanitizer build)"
else
	python3 -c '
n = 100000
print(",".join(["t%d" % i for i in range(n)] + ["p%d" % i for i in range(n)]))
print(",".join(["1"] * n + ["3"] * n))' >wide.csv || exit 2
	rmsetab -c rmse,per_output -t t0-t99999 -p p0-p99999 \
		--save-state wide.state wide.csv >/dev/null || fail "wide state"
	if (ulimit -v 100000 && rmsetab --merge -f csv wide.state >got); then
		pass "100000 pairs merged within 100 MB"
	else
		fail "100000 pairs merged within 100 MB"
	fi
	(ulimit -v 100000 && head -c 50000000 /dev/zero |
		rmsetab --merge) >got 2>&1
	# The first 22 NUL bytes quoted, escaped, then "...".
	printf "rmsetab: (stdin):1: not an rmsetab state: expected 'rmsetab-state 2' or 'rmsetab-state 3', found '%s...'\n" \
		"$(printf '%.0s\\x00' 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22)" >want
	check "50 MB of NUL bytes, within 100 MB" want got
	(ulimit -v 100000 && { echo 'rmsetab-state 2' &&
		head -c 50000000 /dev/zero | tr '\0' a; } | rmsetab --merge) >got 2>&1
	echo "rmsetab: (stdin):2: corrupted state: a line longer than 1 MiB (1048576 bytes), which no state has" >want
	check "a line of 50 MB, within 100 MB" want got
fi

# GNU parallel --pipepart: parts cut at line ends by byte ranges, the
# header repeated, the outputs kept in order.
if command -v parallel >/dev/null 2>&1; then
	for block in 7k 30k -3; do
		for args in "-b 32 -e epoch -w w $cols3 -c $all" \
			"-b 5 -r never -e epoch -w w $cols3"; do
			# Word splitting of $args is wanted.
			# shellcheck disable=SC2086
			parallel --pipepart -a ew.csv --block "$block" \
				--header : --keep-order \
				rmsetab --save-state - $args >p.state
			n=$(grep -c '^rmsetab-state ' p.state)
			for fmt in $formats; do
				# shellcheck disable=SC2086
				rmsetab -s -f "$fmt" $args ew.csv >want
				rmsetab --merge -f "$fmt" p.state >got
				check "parallel --pipepart --block $block, $n parts, $args (-f $fmt)" \
					want got
			done
		done
	done

	# The same with --part and the outputs in the order the jobs end (no
	# --keep-order), four at a time: merged in part order all the same.
	for block in 7k 30k; do
		args="-b 32 -e epoch -w w $cols3 -c $all"
		# shellcheck disable=SC2086
		parallel -j 4 --pipepart -a ew.csv --block "$block" --header : \
			rmsetab --part '{#}/{= $_=total_jobs() =}' --run-id t \
			--save-state - $args >p.state
		n=$(grep -c '^rmsetab-state ' p.state)
		# shellcheck disable=SC2086
		rmsetab -s -f csv $args ew.csv >want
		rmsetab --merge -f csv p.state >got
		check "parallel --pipepart --block $block, --part, unordered, $n parts" \
			want got
	done

	# doc/scaling.md's recipes, as written, on a big.csv with the columns
	# they name; the hosts recipe with this machine alone as the host.
	gen --seed 23 --rows 20000 --pairs 3 --weights --epoch-col --epochs 3 \
		>big.csv || exit 2
	awk '/^## / { name = $0; sub(/^## /, "", name); n = 0 }
	     /^```sh$/ { inblock = 1; n++; next }
	     inblock && /^```$/ { inblock = 0; next }
	     inblock { f = "recipe-" name "-" n ".sh"; gsub(/ /, "_", f)
	               print > f }' "$root/doc/scaling.md"
	opts='-e epoch -w w -t true_0-true_2 -p pred_0-pred_2'
	# shellcheck disable=SC2086
	rmsetab -s $opts big.csv >want
	for recipe in recipe-Across_cores-1.sh recipe-Across_hosts-1.sh \
		recipe-Parts_already_on_disk-1.sh; do
		if [ ! -s "$recipe" ]; then
			fail "doc/scaling.md: no recipe $recipe"
			continue
		fi
		# The local form of the hosts recipe; parts of 997 rows rather
		# than a million, so that there are several.
		sed 's/--sshlogin [^ ]*/--sshlogin :/; s/split -l 1000000/split -l 997/' \
			"$recipe" >run.sh
		sh run.sh >got 2>&1
		check "doc/scaling.md: $recipe" want got
	done
else
	skip "parallel --pipepart and doc/scaling.md's recipes (GNU parallel is not installed)"
fi

harness_end
