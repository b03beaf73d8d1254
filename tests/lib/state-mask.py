#!/usr/bin/env python3
"""state-mask.py: saved states from standard input, printed with what
changes from run to run masked, for golden cases: each state's source ids
(random) become ID1, ID2, ... in order of first appearance, so that ids
that are the same or differ still show, and its end line becomes
"end CHECKSUM-OK" once the checksum is found to be the FNV-1a 64-bit hash
of the state's bytes before it, computed here apart from rmsetab (or
"end CHECKSUM-WRONG").  Standard library only."""
import re
import sys

BASIS, PRIME = 0xCBF29CE484222325, 0x100000001B3


def fnv1a(data, h=BASIS):
    for b in data:
        h = ((h ^ b) * PRIME) % 2**64
    return h


def main():
    data = sys.stdin.buffer.read()
    ids = {}
    out = []
    h = BASIS
    for line in data.split(b"\n")[:-1] if data.endswith(b"\n") else \
            data.split(b"\n"):
        if line.startswith(b"rmsetab-state "):
            h = BASIS
        m = re.fullmatch(rb"end ([0-9a-f]{16})", line)
        if m:
            ok = int(m.group(1), 16) == h
            out.append(b"end CHECKSUM-OK" if ok else b"end CHECKSUM-WRONG")
            continue
        h = fnv1a(line + b"\n", h)
        m = re.fullmatch(rb"source ([0-9a-f]{32})", line)
        if m:
            ids.setdefault(m.group(1), len(ids) + 1)
            line = b"source ID%d" % ids[m.group(1)]
        out.append(line)
    sys.stdout.buffer.write(b"".join(x + b"\n" for x in out))


main()
