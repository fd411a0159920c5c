#!/usr/bin/env bash
# The long crash run: the real server SIGKILLed ROUNDS times under concurrent LMTP deliveries and
# POP3 DELE/QUIT sessions, every invariant checked after each kill (ServerCrashTest; CI runs 12).
# Usage: ops/reliability/crash-harness.sh [ROUNDS] [SEED]     Result: docs/reliability.md
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
rounds="${1:-300}"
seed="${2:-$(date +%s%N)}"
"$root/poplar" mvn -q install -DskipTests -pl storage,server -am > /dev/null
"$root/poplar" mvn test -pl server -Dtest=ServerCrashTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dpoplar.crash.rounds="$rounds" -Dpoplar.crash.seed="$seed" 2>&1 | grep -E "crash harness:|Tests run:|FAIL|violat|expected"
