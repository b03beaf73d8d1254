#!/bin/sh
# The same rows must give the same bytes however they are read: by worker
# threads or by the main thread alone (taskset to one processor), and by
# the fast splitter or by libcsv (a quote anywhere hands the rest of a file
# to libcsv).  (make check-threads)
# usage: sh tests/check-threads.sh PATH-TO-RMSETAB
set -u
. "$(dirname "$0")/lib/harness.sh"
harness_start "$@"
cd "$tmp" || exit 2

# About 9 MB: dozens of blocks.  Columns: epoch, true_0-2, pred_0-2, w.
python3 "$tests/gen.py" --seed 5 --rows 60000 --pairs 3 --weights \
	--epoch-col --epochs 5 >plain.csv || exit 2
# The whole file through libcsv: its header quoted.
sed '1s/^epoch,/"epoch",/' plain.csv >quoted-header.csv
# libcsv from the middle on: one quoted field in row 30000.
awk -F, 'NR == 30001 {$2 = "\"" $2 "\""} 1' OFS=, plain.csv >quoted-middle.csv
# CRLF line ends.
sed 's/$/\r/' plain.csv >crlf.csv
# An error late in the file, after many blocks.
awk -F, 'NR == 50001 {$3 = "x" $3} 1' OFS=, plain.csv >bad.csv

ncpu=$(nproc)
[ "$ncpu" -ge 2 ] ||
	skip "threads: one processor: threads are not exercised here"

run() { # output-prefix args...
	out=$1
	shift
	"$bin" "$@" >"$out.out" 2>"$out.err"
	echo "status $?" >>"$out.err"
	taskset -c 0 "$bin" "$@" >"$out.one.out" 2>"$out.one.err"
	echo "status $?" >>"$out.one.err"
}

cols='-t 2-4 -p 5-7'
for opts in "-b 7 -w 8 -e 1" "-b 32 -w 8 -r never" "-s -b 100 -e epoch -w w" \
	"-b 1000 -e 1" \
	"-b 7 -w 8 -e 1 -c rmse,row_loss,mean_row_loss,mae,running_mae,per_output,uniform_rmse" \
	"-b 32 -w 8 -r never --dtype float32 -c rmse,mean_batch_rmse,running_rmse,row_loss,mse,mae"; do
	tag=$(echo "$opts" | tr -c 'a-z0-9\n' _)
	for f in plain quoted-header quoted-middle crlf; do
		run "$f$tag" $opts $cols -f csv "$f.csv"
		check "$f $opts: threads = one thread" "$f$tag.one.out" "$f$tag.out"
		check "$f $opts: same status and messages" "$f$tag.one.err" "$f$tag.err"
		[ "$f" = plain ] ||
			check "$f $opts: = plain" "plain$tag.out" "$f$tag.out"
	done
done
# -g: 700 keys in no order over dozens of blocks, so that a block holds
# hundreds of groups, each met first anywhere in it, and each group's rows
# and batches go on from block to block.  The fused loop groups a block's
# rows on the worker threads; libcsv (the quoted header) hands them on a
# row at a time.  Columns: true_0, pred_0, w, group.
python3 "$tests/gen.py" --seed 6 --rows 60000 --pairs 1 --weights \
	--groups 700 >gplain.csv || exit 2
sed '1s/^true_0,/"true_0",/' gplain.csv >gquoted-header.csv
sed 's/$/\r/' gplain.csv >gcrlf.csv
# Keys longer than a word (8 bytes).
awk -F, 'NR > 1 {$4 = $4 "-and-more"} 1' OFS=, gplain.csv >glong.csv
for opts in "-g group -b 7" "-g group -b 5 -w w --batches" \
	"-g group,w -b 3 -r never" "-g group -b 2000 -w w"; do
	tag=$(echo "$opts" | tr -c 'a-z0-9\n' _)
	for f in gplain gquoted-header gcrlf glong; do
		run "$f$tag" $opts -f csv "$f.csv"
		check "$f $opts: threads = one thread" "$f$tag.one.out" "$f$tag.out"
		check "$f $opts: same status and messages" "$f$tag.one.err" "$f$tag.err"
	done
	check "gquoted-header $opts: = gplain" "gplain$tag.out" \
		"gquoted-header$tag.out"
	check "gcrlf $opts: = gplain" "gplain$tag.out" "gcrlf$tag.out"
	# The same numbers, the keys aside.
	sed 's/-and-more//' "glong$tag.out" >"glong$tag.short"
	check "glong $opts: = gplain" "gplain$tag.out" "glong$tag.short"
done
# One -g range of names selects 2 fields in the first files and 4 in the
# last: its blocks, which go from file to file, must make room again for
# more fields a row (they once wrote past it, and crashed).  Six files of
# 2 first, as many as blocks in flight on 2 processors.
awk 'BEGIN { print "a,b,t,p"; for (i = 0; i < 100; i++)
	print i % 50 "," i % 5 "," i / 7 "," i / 9 }' >gw2.csv
awk 'BEGIN { print "a,x,y,b,t,p"; for (i = 0; i < 3000; i++)
	print i % 50 "," i % 5 "," i % 11 "," i % 3 "," i / 7 "," i / 9 }' >gw4.csv
sed '1s/^a,/"a",/' gw4.csv >gw4q.csv
gw="gw2.csv gw2.csv gw2.csv gw2.csv gw2.csv gw2.csv"
run gwidth -g a-b -s -f csv $gw gw4.csv
check "-g of 2 then 4 fields: threads = one thread" gwidth.one.out gwidth.out
check "-g of 2 then 4 fields: same status and messages" gwidth.one.err \
	gwidth.err
run gwidthq -g a-b -s -f csv $gw gw4q.csv
check "-g of 2 then 4 fields: = libcsv" gwidthq.out gwidth.out
if [ "$(cat gwidth.err)" = "status 0" ]; then
	pass "-g of 2 then 4 fields: status 0, no message"
else
	fail "-g of 2 then 4 fields: $(head -n 2 gwidth.err)"
fi
run bad -b 7 $cols -f csv bad.csv
check "error: threads = one thread (stdout)" bad.one.out bad.out
check "error: threads = one thread (stderr)" bad.one.err bad.err
if grep -q '^rmsetab: bad.csv:50001: column true_1: invalid number' bad.err; then
	pass "error message"
else
	fail "error message: $(head -n 1 bad.err)"
fi
# Through a pipe, read in whatever pieces the pipe gives.
cat plain.csv | "$bin" -b 7 $cols -f csv >pipe.out
"$bin" -b 7 $cols -f csv plain.csv >file.out
check "pipe = file" file.out pipe.out
# Races: helgrind on runs of many blocks, with and without -g (the reader
# filling and handing on blocks while the workers convert and settle
# where each begins).  Its exit status 99 or any report fails the check.
if grep -q __asan_init "$bin" 2>/dev/null; then
	skip "helgrind: AddressSanitizer's build does not run under valgrind"
elif command -v valgrind >/dev/null; then
	for opts in "-g group -b 7 -w w" "-b 7 -e 1 -w w"; do
		case $opts in -g*) f=gplain.csv ;; *) f=plain.csv ;; esac
		if valgrind -q --tool=helgrind --error-exitcode=99 \
			"$bin" $opts -f csv "$f" >hg.out 2>hg.err &&
			! grep -q '^==' hg.err; then
			pass "helgrind $opts: no race"
		else
			fail "helgrind $opts: $(grep -m 3 -e 'data race' -e '^rmsetab' hg.err)"
		fi
	done
else
	skip "helgrind: valgrind is not installed (apt-get install valgrind)"
fi
harness_end
