"""Prints make bench's table from hyperfine's JSON and the peak memory
that run.sh measured.  usage: table.py DIR RESULTS.tsv"""
import json
import os
import sys

directory, results = sys.argv[1], sys.argv[2]
rows = [line.rstrip("\n").split("\t") for line in open(results)]
print("| file | job | tool | median s | MB/s | peak MiB | time / rmsetab |")
print("|---|---|---|---|---|---|---|")
for data in ("narrow", "wide"):
    for job in ("batch", "global"):
        path = os.path.join(directory, "%s-%s.json" % (data, job))
        if not os.path.exists(path):
            continue
        runs = {r["command"]: r for r in json.load(open(path))["results"]}
        mine = [r for r in rows if r[0] == data and r[1] == job]
        base = runs["rmsetab"]["median"]
        for _, _, name, mb, peak, _, _ in mine:
            t = runs[name]["median"]
            print("| %s | %s | %s | %.2f | %.0f | %.1f | %.1f |"
                  % (data, job, name, t, int(mb) / t, int(peak) / 1024,
                     t / base))
