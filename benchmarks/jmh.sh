#!/usr/bin/env bash
# The JMH suite as docs/benchmarks.md reports it: each benchmark with the parameters that matter
# to it, one fork, -prof gc for bytes allocated per operation. Prints JMH's result lines.
#   benchmarks/jmh.sh            (about 8 minutes on 2 cores)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
run() { "$root/poplar" bench jmh "$@" -f 1 -wi 3 -i 5 -w 1s -r 1s -prof gc 2>&1 \
  | grep -E '^[A-Za-z]+Benchmark\.[A-Za-z]+(:gc\.alloc\.rate\.norm)? ' || true; }
run 'EngineBenchmark.(parsePipelinedBatch|stat)$' -p messages=10000 -p size=4096
run 'EngineBenchmark.(listAll|uidlAll|uidlAllStrings)$' -p messages=100,10000 -p size=4096
run 'EngineBenchmark.retrFromMemory$' -p messages=100 -p size=4096,40960,1048576
run 'StoreBenchmark.retrRead$' -p mailboxMessages=100
run 'StoreBenchmark.loginSnapshot$' -p size=4096 -p blobFiles=false
run 'StoreBenchmark.durableDelivery$' -p size=4096 -p mailboxMessages=100
