#!/usr/bin/env python3
"""Samples of an async-profiler JFR recording by the source line they were taken on (the top frame's), hottest
first, and by method: hot-lines.py OUT.jfr [N] (reads the JDK's `jfr print`)."""
import collections
import subprocess
import sys


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: hot-lines.py OUT.jfr [N]")
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    text = subprocess.run(["jfr", "print", "--events", "jdk.ExecutionSample", sys.argv[1]], check=True, capture_output=True, text=True).stdout
    lines = collections.Counter()
    methods = collections.Counter()
    total = 0
    leaf = False
    for raw in text.splitlines():
        s = raw.strip()
        if s == "stackTrace = [":
            leaf = True
            continue
        if leaf:
            leaf = False
            total += 1
            method, _, line = s.rpartition(" line: ")
            name = method.split("(")[0]
            lines[f"{name}:{line}"] += 1
            methods[name] += 1
    print(f"{total} samples")
    for title, counts in (("by line", lines), ("by method", methods)):
        print(f"\n{title}:")
        for key, n in counts.most_common(top):
            print(f"{n:8d} {100.0 * n / max(total, 1):5.1f}%  {key}")


if __name__ == "__main__":
    main()
