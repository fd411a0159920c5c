#!/usr/bin/env bash
# Measures the CPU cost of one login's password hash at several poplar.auth.pbkdf2-iterations
# values (docs/security.md, "The hashing cost"). Usage: benchmarks/hash-cost.sh [ITERATIONS...]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
java="$("$root/poplar" mvn -v 2> /dev/null | sed -n 's/.*runtime: \(.*\)$/\1/p')/bin/java"
exec "$java" "$root/benchmarks/HashCost.java" "$@"
