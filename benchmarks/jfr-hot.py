#!/usr/bin/env python3
"""Where the CPU went, from `jfr print --events jdk.CPUTimeSample` text (benchmarks/profile.sh JFR=1).

Prints the methods that were on top of the stack most often (self) and, for Poplar's, netty's,
RocksDB's and the socket code, how often each was anywhere on the stack (inclusive), as shares of
all samples. Native work (BoringSSL, RocksDB, the kernel's socket calls) counts for the Java
method that called it.
"""
import collections
import re
import sys

FRAME = re.compile(r"^\s+([\w.$<>]+)\(", re.M)
INTERESTING = ("dev.poplar", "io.netty", "org.rocksdb", "sun.nio.ch", "java.util.zip", "java.util.logging")


def main(path, top=25):
    samples = open(path, encoding="utf-8").read().split("jdk.CPUTimeSample {")[1:]
    self_counts, inclusive = collections.Counter(), collections.Counter()
    for sample in samples:
        frames = FRAME.findall(sample)
        self_counts[frames[0] if frames else "(no Java frame)"] += 1
        inclusive.update(set(frames))
    n = max(1, len(samples))
    print(f"{len(samples)} CPU-time samples")
    print("-- self")
    for method, count in self_counts.most_common(top):
        print(f"{100 * count / n:5.1f}%  {method}")
    print("-- inclusive")
    shown = [(m, c) for m, c in inclusive.most_common() if m.startswith(INTERESTING)]
    for method, count in shown[: 2 * top]:
        print(f"{100 * count / n:5.1f}%  {method}")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: jfr-hot.py CPU_SAMPLES.txt [TOP]")
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 25)
