"""Prints make bench's report, in Markdown, from what run.sh left in DIR:
meta and versions (the machine and the tools), results.tsv (each counted
tool's bytes read, peak memory and answer), hyperfine's JSON per file and
job, and notes (tools not run or not counted).
usage: table.py DIR"""
import json
import os
import sys

directory = sys.argv[1]


def read_tsv(name):
    path = os.path.join(directory, name)
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [line.rstrip("\n").split("\t") for line in f if line.strip()]


meta = {k: v for k, v in read_tsv("meta")}
results = read_tsv("results.tsv")

print("make bench, %s, on %s (%s cores, %s, %s)." % (
    meta.get("date", "?"), meta.get("cpu", "?"), meta.get("cores", "?"),
    meta.get("memory", "?"), meta.get("os", "?")))
print("Load average (1, 5, 15 min) %s before, %s after." % (
    meta.get("load_before", "?"), meta.get("load_after", "?")))
print("Files: narrow %s rows x 1 pair, wide %s rows x 10 pairs; median of %s "
      "runs." % (meta.get("narrow", "?"), meta.get("wide", "?"),
                 meta.get("runs", "?")))
print()
for name, version in read_tsv("versions"):
    print("- %s: %s" % (name, version))
print()
print("| file | job | tool | median s | min-max s | MB/s | peak MiB "
      "| time / rmsetab |")
print("|---|---|---|---|---|---|---|---|")
summary = []
# gz and zst: the narrow file compressed, rmsetab reading it against the
# compressor's -dc piped into rmsetab (time / rmsetab below 1: the pipe is
# faster).
# groups: the same rows with a group column, rmsetab -g against rmsetab.
for data in ("narrow", "wide", "gz", "zst", "groups"):
    for job in ("batch", "global"):
        path = os.path.join(directory, "%s-%s.json" % (data, job))
        mine = [r for r in results if r[0] == data and r[1] == job]
        if not mine or not os.path.exists(path):
            continue
        with open(path) as f:
            runs = {r["command"]: r for r in json.load(f)["results"]}
        base = runs["rmsetab"]["median"]
        for _, _, name, size, peak, _, _ in mine:
            t, times = runs[name]["median"], runs[name]["times"]
            print("| %s | %s | %s | %.3f | %.3f-%.3f | %.0f | %s | %.2f |" % (
                data, job, name, t, min(times), max(times),
                int(size) / 1e6 / t,
                "-" if peak == "-" else "%.1f" % (int(peak) / 1024),
                t / base))
        peers = [(runs[r[2]]["median"], r[2]) for r in mine
                 if r[2] != "rmsetab"]
        if peers and data == "groups":
            t, name = min(peers)
            summary.append(
                "- groups: rmsetab -g (1,000 groups) %.3f s, without -g %.3f s: "
                "%.2f %s" % (t, base, t / base,
                             "(goal met: <= 1.5)" if t / base <= 1.5
                             else "(above 1.5)"))
        elif peers and data in ("gz", "zst"):
            t, name = min(peers)
            summary.append(
                "- %s: %s %.3f s, rmsetab reading it %.3f s: %.2f %s" % (
                    data, name, t, base, t / base,
                    "(no slower)" if t / base >= 1 else "(slower)"))
        elif peers:
            t, name = min(peers)
            summary.append(
                "- %s, %s: fastest peer %s %.3f s, rmsetab %.3f s: %.2f %s" % (
                    data, job, name, t, base, t / base,
                    "(goal met)" if t / base >= 3 else "(below 3)"))
print()
print("Fastest peer's time / rmsetab's (issue 15's goal: >= 3 on every job):")
print()
print("\n".join(summary) if summary else "- no peer was counted")
with open(os.path.join(directory, "notes")) as f:
    notes = [line.strip() for line in f if line.strip()]
if notes:
    print()
    print("Not run or not counted:")
    print()
    for line in notes:
        print("- %s" % line)
