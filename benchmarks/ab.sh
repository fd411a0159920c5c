#!/usr/bin/env bash
# A/B of two server builds: the old and the new jar alternate on the same data directory, with
# the same load generator, ROUNDS times; each line is benchmarks/profile.sh's CPU split and the
# generator's JSON. How the "A/B" figures in docs/benchmarks.md were taken.
#
#   cp server/target/poplar.jar /tmp/old.jar   # before the change; rebuild after it, then:
#   benchmarks/ab.sh /tmp/old.jar server/target/poplar.jar retr exclusive --users 50
#   benchmarks/ab.sh /tmp/old.jar server/target/poplar.jar list shared --big-user big
#
# DATA is a Poplar data directory holding the users and messages the scenario reads (default
# /tmp/poplar-ab; `--scenario seed` fills one). ROUNDS (3) and DURATION (6s) as for compare.sh.
# A and B may also be one jar with different settings: A_ENV / B_ENV are extra environment
# assignments for each side, e.g. the TLS providers over STLS:
#   A_ENV=POPLAR_TLS_PROVIDER=jdk B_ENV=POPLAR_TLS_PROVIDER=openssl benchmarks/ab.sh \
#     server/target/poplar.jar server/target/poplar.jar retr exclusive --users 50 --tls stls
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
old="${1:?usage: benchmarks/ab.sh OLD.jar NEW.jar SCENARIO exclusive|shared [generator options]}"
new="${2:?}"; scenario="${3:?}"; lock="${4:?}"; shift 4
DATA="${DATA:-/tmp/poplar-ab}" ROUNDS="${ROUNDS:-3}" DURATION="${DURATION:-6s}"
java="$("$root/poplar" mvn -v 2> /dev/null | sed -n 's/.*runtime: \(.*\)$/\1/p')/bin/java"

for round in $(seq 1 "$ROUNDS"); do
  for side in A B; do
    if [[ $side == A ]]; then jar=$old; extra=${A_ENV:-}; else jar=$new; extra=${B_ENV:-}; fi
    # shellcheck disable=SC2086 # extra is a list of NAME=value words
    env $extra POPLAR_DATA_DIR="$DATA" POPLAR_POP3_PORT=21110 POPLAR_LMTP_PORT=22424 POPLAR_HTTP_PORT=28110 \
      POPLAR_POP3S_PORT=0 POPLAR_POP3_MAILDROP_LOCK="$lock" POPLAR_POP3_MAX_CONNECTIONS_PER_IP=20000 \
      POPLAR_POP3_MAX_CONNECTIONS_PER_USER=20000 POPLAR_AUTH_FAILURE_DELAY=0 POPLAR_LOG_FORMAT=json \
      "$java" --enable-native-access=ALL-UNNAMED -Xms2g -Xmx2g -XX:+AlwaysPreTouch -jar "$jar" serve > "$DATA.log" 2>&1 &
    pid=$!
    for _ in $(seq 200); do curl -sf http://127.0.0.1:28110/health/ready > /dev/null && break; sleep 0.1; done
    echo "round $round $side $(basename "$jar")${extra:+ $extra}: $(SERVER_PID=$pid "$root/benchmarks/profile.sh" "$scenario" \
      --pop3-port 21110 --lmtp-port 22424 --duration "$DURATION" "$@" | tr '\n' ' ')"
    kill -TERM $pid; wait $pid 2> /dev/null || true
  done
done
