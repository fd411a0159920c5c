#!/usr/bin/env bash
# A/B of the launcher's AOT cache in steady state: ./poplar serve with POPLAR_AOT=off, then on,
# alternating 3 rounds, retr and session with 50 connections (docs/benchmarks.md, "Start-up").
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
D=/tmp/aot-ab; rm -rf $D; mkdir -p $D
export POPLAR_DATA_DIR=$D/data POPLAR_POP3_PORT=21610 POPLAR_LMTP_PORT=21612 POPLAR_HTTP_PORT=21613 POPLAR_POP3S_PORT=0 \
  POPLAR_POP3_MAX_CONNECTIONS_PER_IP=20000 POPLAR_POP3_MAX_CONNECTIONS_PER_USER=20000 POPLAR_AUTH_FAILURE_DELAY=0 \
  POPLAR_LOG_FORMAT=json POPLAR_AUTH_MIN_PASSWORD_LENGTH=1 POPLAR_LMTP_MAX_MESSAGE_SIZE=64M
for i in $(seq 0 49); do echo "user$i pw"; done > $D/users.txt
./poplar user import $D/users.txt > /dev/null
B=benchmarks/target/poplar-bench.jar; J=$JAVA_HOME/bin/java
start() { POPLAR_AOT=$1 POPLAR_JAVA_OPTS="-Xms2g -Xmx2g -XX:+AlwaysPreTouch" ./poplar serve > $D/server.log 2>&1 & pid=$!
  for _ in $(seq 300); do curl -sf http://127.0.0.1:21613/health/ready > /dev/null && return; sleep 0.1; done; echo "no start"; exit 1; }
start on
$J -cp $B dev.poplar.bench.load.LoadGenerator --scenario seed --lmtp-port 21612 --users 50 --messages 40 --big-messages 0 --connections 8 > /dev/null
kill -TERM $pid; wait $pid || true
for round in 1 2 3; do for aot in off on; do
  start $aot
  echo "round $round AOT=$aot: $($J --enable-native-access=ALL-UNNAMED -Xmx2g -cp $B dev.poplar.bench.load.LoadGenerator --scenario retr --pop3-port 21610 --users 50 --connections 50 --warmup 3s --duration 6s | cut -c1-170)"
  echo "round $round AOT=$aot: $($J --enable-native-access=ALL-UNNAMED -Xmx2g -cp $B dev.poplar.bench.load.LoadGenerator --scenario session --pop3-port 21610 --users 50 --connections 50 --warmup 2s --duration 6s | cut -c1-170)"
  kill -TERM $pid; wait $pid || true
done; done
