#!/usr/bin/env python3
"""state-reseal.py: saved states from standard input to standard output
with the end line of each made the FNV-1a 64-bit hash of the state's
bytes before it, as rmsetab(1), STATE FORMAT, defines the checksum: for
golden cases that change a state's lines (sed) and check what the reader
says of the change itself, not of the checksum.  Standard library only."""
import re
import sys

BASIS, PRIME = 0xCBF29CE484222325, 0x100000001B3


def main():
    data = sys.stdin.buffer.read()
    lines = data.split(b"\n")
    if data.endswith(b"\n"):
        lines = lines[:-1]
    h = BASIS
    out = []
    for line in lines:
        if line.startswith(b"rmsetab-state "):
            h = BASIS
        if re.fullmatch(rb"end [0-9a-f]{16}", line):
            out.append(b"end %016x" % h)
            h = BASIS
            continue
        for b in line + b"\n":
            h = ((h ^ b) * PRIME) % 2**64
        out.append(line)
    sys.stdout.buffer.write(b"".join(x + b"\n" for x in out))


main()
