#!/usr/bin/env python3
"""Where a perf-java.sh profile spends its samples, by Java source line across the hottest compiled methods.

usage: hot-lines.py OUTDIR/perf.jit.data [METHODS [LINES]]

Each compiled method's samples (perf annotate) are attributed to the innermost inlined source line
that precedes them in the disassembly, weighted by the method's share of all samples. With cpu-clock
sampling (no hardware counters in a VM) a sample lands on the instruction after a slow one, so read a
hot line as "the work just before this point".
"""
import collections
import re
import subprocess
import sys


def main():
    data = sys.argv[1]
    methods = int(sys.argv[2]) if len(sys.argv) > 2 else 12
    lines = int(sys.argv[3]) if len(sys.argv) > 3 else 40
    report = subprocess.run(["perf", "report", "-i", data, "--no-children", "--sort", "dso,symbol", "--stdio"],
                            capture_output=True, text=True, check=True).stdout
    total = collections.Counter()
    shown = 0
    for row in report.splitlines():
        m = re.match(r"\s+([0-9.]+)%\s+(jitted-\d+-\d+\.so)\s+\[\.\]\s+(.+?)\s*$", row)
        if not m:
            continue
        share, dso, symbol = float(m.group(1)), m.group(2), m.group(3).split("  ")[0]
        print(f"{share:6.2f}% {symbol}")
        annotated = subprocess.run(["perf", "annotate", "-i", data, "--stdio", "--dsos", dso],
                                   capture_output=True, text=True).stdout
        where = "?"
        for line in annotated.splitlines():
            src = re.match(r"\s*:\s*\d+\s+(\S+\.java:\d+)", line)
            if src:
                where = src.group(1)
                continue
            sample = re.match(r"\s+([0-9]+\.[0-9]+)\s*:\s+[0-9a-f]+:", line)
            if sample:
                total[where] += float(sample.group(1)) * share / 100
        shown += 1
        if shown == methods:
            break
    print()
    for where, percent in total.most_common(lines):
        print(f"{percent:6.2f}% {where}")


if __name__ == "__main__":
    main()
