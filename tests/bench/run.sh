#!/bin/sh
# make bench: rmsetab against the tools a user would otherwise reach for,
# on the same generated files, in the same run.  Two jobs: the per-batch
# job (batch size 32, batch RMSE and running RMSE of every batch, output
# thrown away) and the global RMSE.  Each tool's answer is checked against
# rmsetab's before its time counts.  usage: sh tests/bench/run.sh RMSETAB
set -u
rmsetab=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
dir=${BENCH_DIR:-/tmp/rmsetab-bench}
rows=${BENCH_ROWS:-10000000}
wide_rows=${BENCH_WIDE_ROWS:-1000000}
runs=${BENCH_RUNS:-3}
mkdir -p "$dir" || exit 2

if ! command -v hyperfine >/dev/null; then
	echo "bench: needs hyperfine (apt-get install hyperfine)" >&2
	exit 2
fi
cc -O2 -o "$dir/gen" "$here/gen.c" -lm || exit 2
for spec in "narrow $rows 1" "wide $wide_rows 10"; do
	set -- $spec
	[ -s "$dir/$1.csv" ] && [ "$(cat "$dir/$1.spec" 2>/dev/null)" = "$2 $3" ] ||
		{ "$dir/gen" "$2" "$3" >"$dir/$1.csv" && echo "$2 $3" >"$dir/$1.spec"; } ||
		exit 2
done

# Debian's python3-pandas installs for /usr/bin/python3.  OpenBLAS variables
# set on some machines slow a current numpy: unset for pandas alone.
py=/usr/bin/python3
have_pandas=no
$py -c 'import pandas' 2>/dev/null && have_pandas=yes

# The commands of each tool for one job on one file: prints them, one per
# line, as NAME<tab>COMMAND; a tool that is missing is said so on stderr.
commands() { # job file pairs
	job=$1 f=$2 d=$3
	cols="-t 1-$d -p $((d + 1))-$((2 * d))"
	if [ "$job" = batch ]; then
		echo "rmsetab	$rmsetab -f csv $cols $f"
	else
		echo "rmsetab	$rmsetab -s -f csv $cols $f"
	fi
	if command -v mawk >/dev/null; then
		body='{s=0; for (j=1; j<=D; j++) {e=$(j+D)-$j; s+=e*e}; tot+=s; n++; bs+=s; bn++'
		if [ "$job" = batch ]; then
			prog="NR>1 $body; if (bn==32) {b++; printf \"%d,%d,%.17g,%.17g\\n\",b,bn,sqrt(bs/(D*bn)),sqrt(tot/(D*n)); bs=0; bn=0}} END {if (bn) {b++; printf \"%d,%d,%.17g,%.17g\\n\",b,bn,sqrt(bs/(D*bn)),sqrt(tot/(D*n))}}"
		else
			prog="NR>1 $body} END {printf \"%.17g\\n\", sqrt(tot/(D*n))}"
		fi
		printf 'mawk\tmawk -F, -v D=%s %s %s\n' "$d" "'$prog'" "$f"
	else
		echo "bench: mawk not installed (apt-get install mawk)" >&2
	fi
	if [ $have_pandas = yes ]; then
		printf 'pandas\tenv -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE %s %s %s %s %s\n' \
			"$py" "$here/peers.py" "$job" "$d" "$f"
	else
		echo "bench: pandas not installed (apt-get install python3-pandas)" >&2
	fi
	if command -v mlr >/dev/null; then
		body="s=0; for (j=0; j<$d; j+=1) {e=\$[\"pred_\".j]-\$[\"true_\".j]; s+=e*e} @tot+=s; @n+=1; @bs+=s; @bn+=1;"
		if [ "$job" = batch ]; then
			prog="$body if (@bn==32) {@b+=1; print @b.\",\".@bn.\",\".fmtnum(sqrt(@bs/($d*@bn)),\"%.17g\").\",\".fmtnum(sqrt(@tot/($d*@n)),\"%.17g\"); @bs=0; @bn=0} end {if (@bn>0) {@b+=1; print @b.\",\".@bn.\",\".fmtnum(sqrt(@bs/($d*@bn)),\"%.17g\").\",\".fmtnum(sqrt(@tot/($d*@n)),\"%.17g\")}}"
		else
			prog="$body end {print fmtnum(sqrt(@tot/($d*@n)),\"%.17g\")}"
		fi
		printf 'miller\tmlr --icsv --onidx put -q %s %s\n' "'$prog'" "$f"
	else
		echo "bench: Miller not installed (apt-get install miller)" >&2
	fi
	if [ "$job" = global ] && [ "$d" = 1 ]; then
		if command -v datamash >/dev/null; then
			# mean((p-t)^2) = var(p) + var(t) - 2 cov(p,t) + (mean p - mean t)^2
			printf 'datamash\tdatamash -t, --header-in pvar 1 pvar 2 pcov 1:2 mean 1 mean 2 <%s | mawk -F, %s\n' \
				"$f" "'{printf \"%.17g\\n\", sqrt(\$2+\$1-2*\$3+(\$5-\$4)^2)}'"
		else
			echo "bench: datamash not installed (apt-get install datamash)" >&2
		fi
	fi
}

# The RMSE a command's output ends with: the running RMSE of the last
# batch, or the global RMSE.
answer() { # job output-file
	case $1 in
	batch) tail -n 1 "$2" | awk -F, '{print $NF}' ;;
	*) tail -n 1 "$2" | awk -F, '{print $(NF > 4 ? 5 : NF)}' ;;
	esac
}

results=$dir/results.tsv
: >"$results"
for data in narrow wide; do
	f=$dir/$data.csv
	d=1
	[ $data = wide ] && d=10
	mb=$(($(wc -c <"$f") / 1000000))
	for job in batch global; do
		echo "== $data ($mb MB, $d pair(s)), $job job" >&2
		commands $job "$f" $d >"$dir/cmds" || exit 2
		set --
		while IFS='	' read -r name cmd; do
			if ! sh -c "$cmd" >"$dir/out" 2>"$dir/err"; then
				echo "bench: $name failed: $(head -c 300 "$dir/err")" >&2
				[ "$name" = rmsetab ] && exit 1
				continue
			fi
			got=$(answer $job "$dir/out")
			[ "$name" = rmsetab ] && want=$got
			if ! awk -v a="$got" -v b="$want" 'BEGIN {d=a-b; if (d<0) d=-d; exit !(d <= 1e-9*b)}'; then
				echo "bench: $name disagrees: $got, rmsetab $want" >&2
				continue
			fi
			peak=$(/usr/bin/time -f %M sh -c "$cmd" 2>&1 >/dev/null | tail -n 1)
			printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$data" "$job" "$name" \
				"$mb" "$peak" "$got" "$cmd" >>"$results"
			set -- "$@" -n "$name" "$cmd"
		done <"$dir/cmds"
		hyperfine --style basic --warmup 1 --runs "$runs" \
			--export-json "$dir/$data-$job.json" "$@" >&2 || exit 2
	done
done
$py "$here/table.py" "$dir" "$results"
