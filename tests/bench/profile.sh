#!/bin/sh
# Where rmsetab's time goes, part by part (splitting, number parsing, exact
# sums, batch bookkeeping, formatting, hand-off between threads, the
# kernel's read), on the bench's four jobs: perf's samples of CPU time on
# the bench's files, and callgrind's instruction counts, which do not
# change with the load on the machine, on files a tenth as long (valgrind
# runs some 50 times slower).  Not part of make check or make bench: run it
# by hand before and after a change to the reading path, and put what it
# prints in tests/bench/README.  Same settings as run.sh (BENCH_ROWS,
# BENCH_WIDE_ROWS, BENCH_DIR).  usage: sh tests/bench/profile.sh RMSETAB
set -u
rmsetab=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
dir=${BENCH_DIR:-/tmp/rmsetab-bench}
rows=${BENCH_ROWS:-10000000}
wide_rows=${BENCH_WIDE_ROWS:-1000000}
out=$dir/profile
py=/usr/bin/python3
[ -x $py ] || py=python3

sh "$here/data.sh" "$dir" narrow "$rows" 1 &&
	sh "$here/data.sh" "$dir" wide "$wide_rows" 10 &&
	sh "$here/data.sh" "$dir" narrow-tenth $((rows / 10)) 1 &&
	sh "$here/data.sh" "$dir" wide-tenth $((wide_rows / 10)) 10 || exit 2
rm -rf "$out"
mkdir -p "$out" || exit 2

# perf needs no hardware counters here: cpu-clock is a software event, and
# works in virtual machines that have none.
perf=no
perf record -q -e cpu-clock -o "$out/probe.data" true >/dev/null 2>&1 && perf=yes
[ $perf = yes ] || echo "profile: perf record does not work here (apt-get install linux-perf; kernel.perf_event_paranoid)" >&2
callgrind=no
command -v valgrind >/dev/null && command -v callgrind_annotate >/dev/null &&
	callgrind=yes
[ $callgrind = yes ] || echo "profile: valgrind is not installed (apt-get install valgrind)" >&2
rm -f "$out/probe.data"

for data in narrow wide; do
	d=1
	[ $data = wide ] && d=10
	for job in global batch; do
		name=$data-$job
		set -- -f csv -t 1-$d -p $((d + 1))-$((2 * d))
		[ $job = global ] && set -- -s "$@"
		echo "profile: $name" >&2
		{
			echo "bytes	$(wc -c <"$dir/$data.csv")"
			echo "rows	$(cut -d ' ' -f 1 "$dir/$data.spec")"
			echo "tenth_bytes	$(wc -c <"$dir/$data-tenth.csv")"
			echo "tenth_rows	$(cut -d ' ' -f 1 "$dir/$data-tenth.spec")"
		} >"$out/$name.meta"
		# Wall and CPU time of three runs, and of three on one core,
		# where rmsetab starts no worker (the work without hand-offs);
		# the table takes the medians.
		for run in 1 2 3; do
			/usr/bin/time -f "%e %U %S run $run" -a -o "$out/$name.time" \
				"$rmsetab" "$@" "$dir/$data.csv" >/dev/null || exit 1
			if command -v taskset >/dev/null; then
				/usr/bin/time -f "%e %U %S run $run" -a \
					-o "$out/$name.time1" taskset -c 0 \
					"$rmsetab" "$@" "$dir/$data.csv" >/dev/null ||
					exit 1
			fi
		done
		if [ $perf = yes ]; then
			perf record -q -e cpu-clock -F 4999 -o "$out/$name.data" \
				-- "$rmsetab" "$@" "$dir/$data.csv" >/dev/null &&
				perf report -i "$out/$name.data" --stdio \
					--no-children --sort pid,dso,symbol \
					>"$out/$name.perf" 2>/dev/null || exit 1
		fi
		if [ $callgrind = yes ]; then
			valgrind -q --tool=callgrind \
				--callgrind-out-file="$out/$name.callgrind" \
				"$rmsetab" "$@" "$dir/$data-tenth.csv" >/dev/null &&
				callgrind_annotate --inclusive=no --auto=no \
					--threshold=100 "$out/$name.callgrind" \
					>"$out/$name.cg" || exit 1
		fi
	done
done
$py "$here/profile.py" "$out" | tee "$out/profile.md"
