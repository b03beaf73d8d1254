#!/bin/sh
# make bench: rmsetab against the tools a user would otherwise reach for,
# on the same generated files, in the same run.  Two jobs: the per-batch
# job (batch size 32, batch RMSE and running RMSE of every batch, output
# thrown away) and the global RMSE.  Each tool's answer is checked against
# rmsetab's (tests/bench/agree.py) before its time counts.  Settings, from
# the environment (tests/bench/README): BENCH_ROWS, BENCH_WIDE_ROWS,
# BENCH_RUNS, BENCH_TOOLS, BENCH_SETS, BENCH_DIR, BENCH_NODE_DIR.  The sets
# gz and zst time rmsetab reading the narrow file compressed against the
# compressor's own `-dc` piped into rmsetab; groups, rmsetab -g on a file
# of as many rows with a column of 1,000 keys in no order, against the
# same file without -g.
# usage: sh tests/bench/run.sh RMSETAB
set -u
rmsetab=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
dir=${BENCH_DIR:-/tmp/rmsetab-bench}
rows=${BENCH_ROWS:-10000000}
wide_rows=${BENCH_WIDE_ROWS:-1000000}
runs=${BENCH_RUNS:-3}
tools=${BENCH_TOOLS:-mawk pandas miller datamash duckdb polars}
sets=${BENCH_SETS:-narrow wide gz zst groups}
# The peers run on the plain files alone.
case " $sets " in
*" narrow "* | *" wide "*) ;;
*) tools= ;;
esac
node_dir=${BENCH_NODE_DIR:-$top/build/bench}
mkdir -p "$dir" || exit 2
: >"$dir/notes"
: >"$dir/versions"

# What the table says under it: a tool not run, or not counted.
note() {
	echo "bench: $*" >&2
	echo "$*" >>"$dir/notes"
}
version() { printf '%s\t%s\n' "$1" "$2" >>"$dir/versions"; }

if ! command -v hyperfine >/dev/null; then
	echo "bench: needs hyperfine (apt-get install hyperfine)" >&2
	exit 2
fi
sh "$here/data.sh" "$dir" narrow "$rows" 1 || exit 2
case " $sets " in
*" wide "*) sh "$here/data.sh" "$dir" wide "$wide_rows" 10 || exit 2 ;;
esac
case " $sets " in
*" groups "*) sh "$here/data.sh" "$dir" groups "$rows" 1 1000 || exit 2 ;;
esac
# The compressed sets: the narrow file as gzip and zstd write it by
# default, made again when it changes.
for set in $sets; do
	case $set in
	gz) z="gzip -c" ;;
	zst) z="zstd -q -c" ;;
	narrow | wide | groups) continue ;;
	*)
		echo "bench: unknown set in BENCH_SETS: $set" >&2
		exit 2
		;;
	esac
	command -v "${z%% *}" >/dev/null ||
		{ echo "bench: needs ${z%% *} for the set $set" >&2 && exit 2; }
	[ "$dir/narrow.csv.$set" -nt "$dir/narrow.csv" ] && continue
	# From standard input: zstd skips a symbolic link given by name.
	$z <"$dir/narrow.csv" >"$dir/narrow.tmp" &&
		mv "$dir/narrow.tmp" "$dir/narrow.csv.$set" ||
		{ echo "bench: $z failed on $dir/narrow.csv" >&2 && exit 2; }
done

# Debian's python3-pandas installs for /usr/bin/python3, which also runs
# agree.py and table.py.  OpenBLAS variables set on some machines slow a
# current numpy: unset for pandas alone.
py=/usr/bin/python3
[ -x $py ] || py=python3

# DuckDB and Polars, the versions pinned in tests/bench/package-lock.json,
# installed once into $node_dir (under build/, ignored by git) and again
# whenever the lock changes.  Not `npm ci`: it refuses this lock because
# nodejs-polars 0.26.1 names optional packages for other platforms that
# were never published at that version; `npm install --no-save` installs
# the lock's versions and checks their integrity hashes all the same.
node_peers() {
	if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
		note "duckdb, polars: not run: node and npm are not installed (apt-get install nodejs npm)"
		return 1
	fi
	cmp -s "$here/package-lock.json" "$node_dir/installed.json" && return 0
	echo "bench: installing DuckDB and Polars into $node_dir" >&2
	rm -rf "$node_dir/node_modules" "$node_dir/installed.json"
	if mkdir -p "$node_dir" &&
		cp "$here/package.json" "$here/package-lock.json" "$node_dir/" &&
		npm install --prefix "$node_dir" --no-save --ignore-scripts \
			--no-audit --no-fund >"$node_dir/npm.log" 2>&1; then
		cp "$here/package-lock.json" "$node_dir/installed.json"
		return 0
	fi
	note "duckdb, polars: not run: npm could not install tests/bench/package-lock.json's packages (nodejs-polars-linux-x64-gnu is for x86-64 Linux with glibc; npm's log: $node_dir/npm.log)"
	return 1
}
modules=$node_dir/node_modules

# Which tools run, with their versions for the table.
run_tools=rmsetab
version rmsetab "$("$rmsetab" --version | head -n 1), git $(git -C "$top" rev-parse --short HEAD 2>/dev/null)"
for tool in $tools; do
	case $tool in
	mawk)
		command -v mawk >/dev/null ||
			{ note "mawk: not run: not installed (apt-get install mawk)" && continue; }
		version mawk "$(mawk -W version 2>&1 | head -n 1)"
		;;
	pandas)
		v=$($py -c 'import numpy, pandas; print("pandas %s, numpy %s" % (pandas.__version__, numpy.__version__))' 2>/dev/null) ||
			{ note "pandas: not run: not installed (apt-get install python3-pandas)" && continue; }
		version pandas "$v"
		;;
	miller)
		command -v mlr >/dev/null ||
			{ note "miller: not run: not installed (apt-get install miller)" && continue; }
		version miller "$(mlr --version)"
		;;
	datamash)
		command -v datamash >/dev/null ||
			{ note "datamash: not run: not installed (apt-get install datamash)" && continue; }
		version datamash "$(datamash --version | head -n 1), global job on the narrow file only"
		;;
	duckdb | polars)
		[ "${node_ok-}" ] || { node_peers && node_ok=yes || node_ok=no; }
		[ "$node_ok" = yes ] || continue
		case $tool in
		duckdb) pkg=@duckdb/node-api ;;
		*) pkg=nodejs-polars ;;
		esac
		if ! err=$(NODE_PATH=$modules node -e "require('$pkg')" 2>&1); then
			note "$tool: not run: $pkg does not load: $(echo "$err" | grep -m 1 Error)"
			continue
		fi
		version "$tool" "$pkg $(NODE_PATH=$modules node -p "require('$pkg/package.json').version"), node $(node --version)"
		;;
	*)
		echo "bench: unknown tool in BENCH_TOOLS: $tool" >&2
		exit 2
		;;
	esac
	run_tools="$run_tools $tool"
done

# The command of each tool for one job on one file, one per line, as
# NAME<tab>COMMAND.  Each is what its user would type, start-up included.
commands() { # job file pairs
	job=$1 f=$2 d=$3
	cols="-t 1-$d -p $((d + 1))-$((2 * d))"
	if [ "$job" = batch ]; then
		echo "rmsetab	$rmsetab -f csv $cols $f"
	else
		echo "rmsetab	$rmsetab -s -f csv $cols $f"
	fi
	for tool in $run_tools; do
		case $tool in
		mawk)
			body='{s=0; for (j=1; j<=D; j++) {e=$(j+D)-$j; s+=e*e}; tot+=s; n++; bs+=s; bn++'
			if [ "$job" = batch ]; then
				prog="NR>1 $body; if (bn==32) {b++; printf \"%d,%d,%.17g,%.17g\\n\",b,bn,sqrt(bs/(D*bn)),sqrt(tot/(D*n)); bs=0; bn=0}} END {if (bn) {b++; printf \"%d,%d,%.17g,%.17g\\n\",b,bn,sqrt(bs/(D*bn)),sqrt(tot/(D*n))}}"
			else
				prog="NR>1 $body} END {printf \"%.17g\\n\", sqrt(tot/(D*n))}"
			fi
			printf 'mawk\tmawk -F, -v D=%s %s %s\n' "$d" "'$prog'" "$f"
			;;
		pandas)
			printf 'pandas\tenv -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE %s %s %s %s %s\n' \
				"$py" "$here/peers.py" "$job" "$d" "$f"
			;;
		miller)
			body="s=0; for (j=0; j<$d; j+=1) {e=\$[\"pred_\".j]-\$[\"true_\".j]; s+=e*e} @tot+=s; @n+=1; @bs+=s; @bn+=1;"
			if [ "$job" = batch ]; then
				prog="$body if (@bn==32) {@b+=1; print @b.\",\".@bn.\",\".fmtnum(sqrt(@bs/($d*@bn)),\"%.17g\").\",\".fmtnum(sqrt(@tot/($d*@n)),\"%.17g\"); @bs=0; @bn=0} end {if (@bn>0) {@b+=1; print @b.\",\".@bn.\",\".fmtnum(sqrt(@bs/($d*@bn)),\"%.17g\").\",\".fmtnum(sqrt(@tot/($d*@n)),\"%.17g\")}}"
			else
				prog="$body end {print fmtnum(sqrt(@tot/($d*@n)),\"%.17g\")}"
			fi
			printf 'miller\tmlr --icsv --onidx put -q %s %s\n' "'$prog'" "$f"
			;;
		datamash)
			# mean((p-t)^2) = var(p) + var(t) - 2 cov(p,t) + (mean p - mean t)^2
			if [ "$job" = global ] && [ "$d" = 1 ]; then
				printf 'datamash\tdatamash -t, --header-in pvar 1 pvar 2 pcov 1:2 mean 1 mean 2 <%s | mawk -F, %s\n' \
					"$f" "'{printf \"%.17g\\n\", sqrt(\$2+\$1-2*\$3+(\$5-\$4)^2)}'"
			fi
			;;
		duckdb | polars)
			printf '%s\tNODE_PATH=%s node %s %s %s %s\n' "$tool" "$modules" \
				"$here/$tool.js" "$job" "$d" "$f"
			;;
		esac
	done
}

# The commands of a compressed set: rmsetab reading the file against the
# compressor's -dc piped into it, the global job.
compressed_commands() { # set file
	cols="-t 1 -p 2"
	echo "rmsetab	$rmsetab -s -f csv $cols $2"
	case $1 in
	gz) echo "gzip -dc piped	gzip -dc $2 | $rmsetab -s -f csv $cols" ;;
	zst) echo "zstd -dc piped	zstd -dc $2 | $rmsetab -s -f csv $cols" ;;
	esac
}

# The commands of the groups set: the global job with -g and without, on
# the one file, rmsetab alone timed each time (agree.py finds the lines
# of all the rows in -g's output; a pipe through grep and cut, as before,
# added about 30 ms, 7%, to the time of -g alone).
group_commands() { # file
	cols="-t 1 -p 2"
	echo "rmsetab	$rmsetab -s -f csv $cols $1"
	echo "rmsetab -g	$rmsetab -f csv $cols -g group $1"
}

{
	echo "date	$(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "cpu	$(grep -m 1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //')"
	echo "cores	$(nproc 2>/dev/null)"
	echo "memory	$(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo 2>/dev/null)"
	echo "os	$(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME")"
	echo "load_before	$(cut -d ' ' -f 1-3 /proc/loadavg 2>/dev/null)"
	echo "runs	$runs"
	echo "narrow	$rows"
	echo "wide	$wide_rows"
} >"$dir/meta"

# Per job: each tool once for its answer, once under /usr/bin/time for its
# peak memory, then hyperfine times the ones that agreed.  No warm-up runs:
# those two runs have already brought the file and each tool's own files
# into the page cache.
results=$dir/results.tsv
: >"$results"
for data in $sets; do
	f=$dir/$data.csv
	d=1 jobs="batch global"
	[ $data = wide ] && d=10
	bytes=
	case $data in
	gz | zst)
		# MB/s of the text, as for the plain file.
		f=$dir/narrow.csv.$data jobs=global
		bytes=$(wc -c <"$dir/narrow.csv")
		;;
	groups) jobs=global ;;
	esac
	[ "$bytes" ] || bytes=$(wc -c <"$f")
	for job in $jobs; do
		echo "== $data ($(awk "BEGIN {printf \"%.1f\", $bytes / 1e6}") MB, $d pair(s)), $job job" >&2
		case $data in
		gz | zst) compressed_commands $data "$f" >"$dir/cmds" ;;
		groups) group_commands "$f" >"$dir/cmds" ;;
		*) commands $job "$f" "$d" >"$dir/cmds" ;;
		esac || exit 2
		set --
		while IFS='	' read -r name cmd; do
			if ! sh -c "$cmd" >"$dir/out-$name" 2>"$dir/err"; then
				note "$name, $data $job: not counted: it failed: $(head -c 300 "$dir/err")"
				[ "$name" = rmsetab ] && exit 1
				continue
			fi
			if ! got=$($py "$here/agree.py" "$job" "$dir/out-rmsetab" \
				"$dir/out-$name" 2>"$dir/err"); then
				note "$name, $data $job: not counted: disagrees with rmsetab: $(head -c 300 "$dir/err")"
				continue
			fi
			peak=-
			[ -x /usr/bin/time ] &&
				peak=$(/usr/bin/time -f %M sh -c "$cmd" 2>&1 >/dev/null | tail -n 1)
			printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$data" "$job" "$name" \
				"$bytes" "$peak" "$got" "$cmd" >>"$results"
			set -- "$@" -n "$name" "$cmd"
		done <"$dir/cmds"
		# The groups set is a ratio of two commands: timed in rounds
		# (rounds.py), each round both in turn.
		if [ $data = groups ]; then
			$py "$here/rounds.py" "$runs" "$dir/$data-$job.json" \
				"$@" || exit 2
		else
			hyperfine --style basic --runs "$runs" \
				--export-json "$dir/$data-$job.json" "$@" >&2 ||
				exit 2
		fi
	done
done
[ -x /usr/bin/time ] ||
	note "peak memory not measured: /usr/bin/time is not installed (apt-get install time)"
echo "load_after	$(cut -d ' ' -f 1-3 /proc/loadavg 2>/dev/null)" >>"$dir/meta"
$py "$here/table.py" "$dir" | tee "$dir/table.md"
