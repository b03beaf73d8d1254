"""Times commands in rounds, each round running every command once in
turn, and writes what hyperfine's --export-json would (each command's
times, mean and median), for table.py.  For a ratio of two commands
(the groups set: rmsetab -g against rmsetab without it): timed in turn,
what slows the machine for a minute slows both alike, where hyperfine
times all the runs of one command and then all of the other's.
usage: rounds.py RUNS OUT.json -n NAME COMMAND [-n NAME COMMAND ...]"""
import json
import statistics
import subprocess
import sys
import time


def main():
    runs, out, rest = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
    if runs < 1 or len(rest) % 3 or any(rest[i] != "-n"
                                        for i in range(0, len(rest), 3)):
        sys.exit(__doc__)
    cmds = [(rest[i + 1], rest[i + 2]) for i in range(0, len(rest), 3)]
    times = {name: [] for name, _ in cmds}
    for _ in range(runs):
        for name, cmd in cmds:
            start = time.perf_counter()
            subprocess.run(cmd, shell=True, check=True,
                           stdout=subprocess.DEVNULL)
            times[name].append(time.perf_counter() - start)
    results = []
    for name, cmd in cmds:
        t = times[name]
        results.append({"command": name, "mean": statistics.mean(t),
                        "median": statistics.median(t), "min": min(t),
                        "max": max(t), "times": t})
        print("%s: median %.3f s (%.3f-%.3f), %d runs in rounds" % (
            name, statistics.median(t), min(t), max(t), runs),
            file=sys.stderr)
    with open(out, "w") as f:
        json.dump({"results": results}, f)


main()
