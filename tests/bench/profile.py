"""Prints profile.sh's findings in Markdown: for each job, the share of CPU
time (perf's samples) and the instructions per row (callgrind) of each part
of rmsetab, with the functions that make it up.
usage: profile.py DIR"""
import os
import re
import statistics
import sys

directory = sys.argv[1]

# Each part, and the functions (and kernel symbols) that are its work, by
# name without a compiler's suffix (.isra.0, .fma, ...).  The first match
# counts.
PARTS = [
    ("splitting", "csvin.c, input.c: records and fields, line ends",
     r"csvin_split|next_special|add_field|emit|grow|csvin_init|csvin_free"
     r"|fill|cut_point|reserve|read_some|readable|ends_or_quotes|read_first"
     r"|run_blocks|input_file|__memr?chr\w*|memr?chr"),
    ("per-field calls", "rows.c, blocks.c: one call a field, a record",
     r"rows_convert|field_number|convert_record|room_for_row|convert"),
    ("number parsing", "number.c",
     r"number_parse|eisel_lemire|slow_path|\w*strtod\w*|round_and_return"
     r"|__mpn_\w+"),
    ("sums per row", "metric.c: squared errors, double-double sums",
     r"metric_row_set|metric_sums_add|square_error|cascade|xdd_add"
     r"|two_prod|two_sum|quick_two_sum|__fma\w*|fma"),
    ("batch bookkeeping", "batcher.c, metric.c: a batch's end, every 32 rows",
     r"batcher_\w+|end_batch|begin_epoch|end_epoch|fill_values|take_block"
     r"|metric_sums_merge|metric_sums_clear|metric_values|metric_mean_add"
     r"|mean_total_add|dd_\w+|xdd_\w+|ratio|check_threshold|__sqrt\w*|sqrt"
     r"|__ldexp\w*|ldexp|ilogb\w*|__nextafter|nextafter"),
    ("formatting", "report.c, numfmt.c, stdio",
     r"format|put|put_number|u64_text|line_delimited|report_\w+|numfmt_\w+"
     r"|_IO_\w+|fwrite|fputs|fputc|putc|new_do_write|__libc_write"),
    ("memcpy", "libc: input.c's carry, output buffers",
     r"__mem(move|cpy)\w*|memcpy|memmove"),
    ("hand-off between threads", "blocks.c, pthreads, futex, scheduler",
     r"blocks_\w+|worker|pthread_\w+|__pthread\w*|\w*futex\w*|__lll_\w+"
     r"|__GI___lll\w*|\w*schedule\w*|finish_task_switch|\w*switch_to\w*"
     r"|\w*wake_up\w*|try_to_wake_up|ttwu\w*|_raw_spin_\w+|\w*sched_\w+"
     r"|dequeue_\w+|enqueue_\w+|update_curr\w*|pick_next_\w+"
     r"|select_task_rq\w*|__x64_sys_futex|do_futex"),
    ("kernel read", "read(2) copying from the page cache",
     r"_copy_to_iter|copy_page_to_iter|filemap_\w+|ext4_\w+|xas_\w+|xa_load"
     r"|page_cache_\w+|\w*folio\w*|touch_atime|atime_needs_update|vfs_read"
     r"|ksys_read|__x64_sys_read|rw_verify_area|fdget\w*|__fsnotify_parent"
     r"|security_file_permission|copy_user\w*|rep_movs\w*|__get_user_\w+"),
]
OTHER = ("other", "start-up, page faults, interrupts, the rest", None)
SUFFIX = re.compile(r"(\.(isra|constprop|part|cold|fma|lto_priv)(\.\d+)?)+$")


def part_of(symbol):
    name = SUFFIX.sub("", symbol.split("@")[0])
    for part in PARTS:
        if re.fullmatch(part[2], name):
            return part[0]
    return OTHER[0]


def read_meta(job):
    with open(os.path.join(directory, job + ".meta")) as f:
        return {k: int(v) for k, v in (line.split() for line in f)}


def read_perf(job):
    """{symbol: percent of CPU samples} for all threads and for the main
    one (the reader, which also runs the batcher and the output), or
    None."""
    path = os.path.join(directory, job + ".perf")
    if not os.path.exists(path):
        return None, None
    samples = []
    with open(path) as f:
        for line in f:
            m = re.match(r"\s*([\d.]+)%\s+(\d+):\S+\s+\S+\s+\[[.k]\]\s+"
                         r"(\S+)", line)
            if m:
                samples.append((int(m.group(2)), m.group(3),
                                float(m.group(1))))
    # The main thread's id is the process's, older than its workers'.
    main = min(tid for tid, _, _ in samples)
    shares, mains = {}, {}
    for tid, sym, share in samples:
        shares[sym] = shares.get(sym, 0.0) + share
        if tid == main:
            mains[sym] = mains.get(sym, 0.0) + share
    return shares, mains


def read_callgrind(job):
    """{function: instructions}, or None."""
    path = os.path.join(directory, job + ".cg")
    if not os.path.exists(path):
        return None
    counts = {}
    with open(path) as f:
        for line in f:
            m = re.match(r"\s*([\d,]+) \(\s*[\d.]+%\)\s+(.*):(\S+)"
                         r"(?: \[.*\])?$", line)
            if m:
                fn = m.group(3)
                counts[fn] = counts.get(fn, 0) + int(m.group(1).replace(",",
                                                                        ""))
    return counts


def read_time(name):
    """Median wall and CPU (user + sys) seconds of /usr/bin/time's lines,
    or None."""
    path = os.path.join(directory, name)
    if not os.path.exists(path):
        return None
    with open(path) as f:
        times = [[float(x) for x in line.split()[:3]] for line in f
                 if line.strip()]
    return (statistics.median(t[0] for t in times),
            statistics.median(t[1] + t[2] for t in times))


def mhz():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("cpu MHz"):
                    return float(line.split(":")[1])
    except OSError:
        pass
    return None


clock = mhz()
for data in ("narrow", "wide"):
    for kind in ("global", "batch"):
        job = "%s-%s" % (data, kind)
        if not os.path.exists(os.path.join(directory, job + ".meta")):
            continue
        meta = read_meta(job)
        wall, cpu = read_time(job + ".time")
        one = read_time(job + ".time1")
        (perf, main), cg = read_perf(job), read_callgrind(job)
        print("### %s, %s job" % (data, kind))
        print()
        line = ("%d rows, %.0f MB: wall %.2f s (%.0f MB/s), CPU %.2f s "
                "(user + sys, both cores)" % (meta["rows"], meta["bytes"] / 1e6,
                                              wall, meta["bytes"] / 1e6 / wall,
                                              cpu))
        if clock:
            line += ", so %.1f cycles a byte at %.0f MHz" % (
                cpu * clock * 1e6 / meta["bytes"], clock)
        if cg:
            total = sum(cg.values())
            line += "; callgrind: %.0f instructions a row, %.1f a byte" % (
                total / meta["tenth_rows"], total / meta["tenth_bytes"])
        print(line + ".")
        if one is not None:
            print("On one core (taskset -c 0, no worker threads): wall %.2f s "
                  "(%.0f MB/s), CPU %.2f s%s." % (
                      one[0], meta["bytes"] / 1e6 / one[0], one[1],
                      ", %.1f cycles a byte" % (one[1] * clock * 1e6
                                                / meta["bytes"])
                      if clock else ""))
        if perf is not None:
            print("The main thread (reading, batcher, output) has %.1f%% of "
                  "the CPU samples, the workers the rest." % sum(main.values()))
        print()
        print("| part | where | % CPU (perf) | of which main thread "
              "| instructions a row (callgrind) | largest functions (% CPU) |")
        print("|---|---|---|---|---|---|")
        for name, where, _ in PARTS + [OTHER]:
            share = on_main = ins = None
            fns = []
            if perf is not None:
                mine = {s: v for s, v in perf.items() if part_of(s) == name}
                share = sum(mine.values())
                on_main = sum(v for s, v in main.items()
                              if part_of(s) == name)
                fns = sorted(mine.items(), key=lambda kv: -kv[1])
                fns = ["%s %.1f" % (s, v) for s, v in fns if v >= 0.5][:5]
            if cg is not None:
                ins = sum(v for f, v in cg.items() if part_of(f) == name)
                ins /= meta["tenth_rows"]
            print("| %s | %s | %s | %s | %s | %s |" % (
                name, where, "-" if share is None else "%.1f" % share,
                "-" if on_main is None else "%.1f" % on_main,
                "-" if ins is None else "%.0f" % ins, ", ".join(fns)))
        print()
