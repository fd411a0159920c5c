#!/usr/bin/env bash
# The scale benchmark (issue 13): a node with N users, seeded through the store directly (one
# small message each, 10 users with 2,000 more), then the server as an operator runs it:
#   start-up to ready, RSS at idle, store size on disk against raw message bytes;
#   first logins (each of ACTIVE users once: the slow hash) and repeated logins of random users
#   among them (connect, USER/PASS, STAT, QUIT at 50 connections, as fast as they go, then paced
#   at RATE sessions/s, default 1,111: a million users polling every 15 minutes) with LMTP
#   deliveries to random users of all N running at the same time;
#   `poplar user list` and `poplar mailbox summary` against the running server: time and memory.
# One JSON line per measurement in $WORK/scale.jsonl, and a table on stdout.
#
#   benchmarks/scale.sh                                  # 10k, 100k and 1M users
#   SIZES="10000" DURATION=10s benchmarks/scale.sh       # a quick look
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SIZES="${SIZES:-10000 100000 1000000}" ACTIVE="${ACTIVE:-20000}" CONN="${CONN:-50}"
DURATION="${DURATION:-15s}" DELIVER_CONN="${DELIVER_CONN:-2}"
WORK="${WORK:-$(mktemp -d /tmp/poplar-scale.XXXX)}"
mkdir -p "$WORK"
results="$WORK/scale.jsonl"
: > "$results"
"$root/poplar" mvn -q package -DskipTests > /dev/null
java="$("$root/poplar" mvn -v 2> /dev/null | sed -n 's/.*runtime: \(.*\)$/\1/p')/bin/java"
bench="$root/benchmarks/target/poplar-bench.jar"
P_POP3=41110 P_LMTP=42424 P_HTTP=48110
now_ms() { date +%s%3N; }
load() { "$java" --enable-native-access=ALL-UNNAMED -Xmx1g -cp "$bench" dev.poplar.bench.load.LoadGenerator "$@"; }
emit() { echo "$1" | tee -a "$results"; }
# The previous server's sockets must be gone before the next one binds the same ports.
wait_free() { while ss -ltn | grep -qE ":($P_POP3|$P_LMTP|$P_HTTP) "; do sleep 0.1; done; }
server_pid() { pgrep -f -- '-jar .*poplar.jar serve' | head -1; }
# Starts the server (log in $1), waits until ready; sets ready_ms and pid.
start_server() {
  wait_free
  local t0; t0=$(now_ms)
  "$root/poplar" serve > "$1" 2>&1 &
  until curl -sf "http://127.0.0.1:$P_HTTP/health/ready" > /dev/null; do sleep 0.02; done
  ready_ms=$(( $(now_ms) - t0 ))
  pid=$(server_pid)
}
stop_server() { kill -TERM "$pid"; while kill -0 "$pid" 2> /dev/null; do sleep 0.1; done; }

for n in $SIZES; do
  data="$WORK/n$n"
  rm -rf "$data" && mkdir -p "$data"
  seed="$("$java" --enable-native-access=ALL-UNNAMED -cp "$bench" dev.poplar.bench.load.ScaleSeed --data "$data" --users "$n" --messages 1 \
    --big-users 10 --big-messages 2000)"
  raw=$(sed -n 's/.*"raw_bytes":\([0-9]*\).*/\1/p' <<< "$seed")
  emit "{\"n\":$n,${seed#\{}"
  export POPLAR_DATA_DIR="$data" POPLAR_POP3_PORT=$P_POP3 POPLAR_LMTP_PORT=$P_LMTP POPLAR_HTTP_PORT=$P_HTTP \
    POPLAR_POP3S_PORT=0 POPLAR_POP3_MAX_CONNECTIONS_PER_IP=20000 POPLAR_POP3_MAX_CONNECTIONS_PER_USER=100 \
    POPLAR_POP3_MAILDROP_LOCK=shared \
    POPLAR_AUTH_FAILURE_DELAY=0 POPLAR_LOG_FORMAT=json
  start_server "$WORK/poplar-$n.log"
  sleep 5
  rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status")
  store=$(du -sb "$data/store" | cut -f1)
  emit "{\"n\":$n,\"scenario\":\"node\",\"ready_ms\":$ready_ms,\"idle_rss_kib\":$rss,\"store_bytes\":$store,\"raw_bytes\":$raw}"
  active=$(( n < ACTIVE ? n : ACTIVE ))
  emit "{\"n\":$n,$(load --scenario prime --pop3-port $P_POP3 --users "$active" \
    --connections "$CONN" | sed 's/^{//')"
  load --scenario deliver --lmtp-port $P_LMTP --users "$n" --random true \
    --connections "$DELIVER_CONN" --duration "$DURATION" > "$WORK/deliver-$n.json" &
  deliver_pid=$!
  emit "{\"n\":$n,$(load --scenario stat --pop3-port $P_POP3 --users "$active" --random true \
    --connections "$CONN" --duration "$DURATION" | sed 's/^{//')"
  wait "$deliver_pid" || true
  emit "{\"n\":$n,$(sed 's/^{//' "$WORK/deliver-$n.json")"
  # Open loop: the node's users polling every 15 minutes would log in at RATE per second
  # (a million: 1,111/s); latency counts from each session's scheduled start.
  load --scenario deliver --lmtp-port $P_LMTP --users "$n" --random true \
    --connections "$DELIVER_CONN" --duration "$DURATION" > "$WORK/deliver-paced-$n.json" &
  deliver_pid=$!
  emit "{\"n\":$n,\"paced\":true,$(load --scenario stat --pop3-port $P_POP3 --users "$active" --random true \
    --connections "$CONN" --rate "${RATE:-1111}" --duration "$DURATION" | sed 's/^{//')"
  wait "$deliver_pid" || true
  emit "{\"n\":$n,\"alongside\":\"paced logins\",$(sed 's/^{//' "$WORK/deliver-paced-$n.json")"
  list_ms=$( { /usr/bin/time -f '%e %M' "$root/poplar" user list > "$WORK/list-$n.txt"; } 2>&1 | tail -1)
  summary=$( { /usr/bin/time -f '%e %M' "$root/poplar" mailbox summary --top 3 > /dev/null; } 2>&1 | tail -1)
  emit "{\"n\":$n,\"scenario\":\"admin\",\"user_list_s\":${list_ms% *},\"user_list_max_rss_kib\":${list_ms#* },\"listed\":$(wc -l < "$WORK/list-$n.txt"),\"summary_s\":${summary% *},\"summary_max_rss_kib\":${summary#* }}"
  server_rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status")
  stop_server
  start_server "$WORK/poplar-$n-restart.log"
  emit "{\"n\":$n,\"scenario\":\"restart\",\"ready_ms\":$ready_ms,\"rss_after_load_kib\":$server_rss}"
  stop_server
  [[ "${KEEP:-0}" == 1 ]] || rm -rf "$data"
done
echo "results: $results"
