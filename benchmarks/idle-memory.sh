#!/usr/bin/env bash
# Poplar's memory per idle logged-in connection: a fresh server with a fixed, pre-touched heap
# (so heap growth does not count as connection memory), N connections held by the load
# generator, then the live heap after a full GC and the RSS growth, per connection.
#   N=10000 benchmarks/idle-memory.sh   (default 2000)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N=${N:-2000}; W=$(mktemp -d /tmp/idle.XXXX); J="$("$root/poplar" mvn -v 2> /dev/null | sed -n "s/.*runtime: \(.*\)$/\1/p")/bin"
for i in $(seq 0 $((N-1))); do echo "user$i pw"; done > $W/users.txt
POPLAR_DATA_DIR=$W/data POPLAR_AUTH_PBKDF2_ITERATIONS=1000 POPLAR_AUTH_MIN_PASSWORD_LENGTH=1 $root/poplar user import $W/users.txt > /dev/null
POPLAR_DATA_DIR=$W/data POPLAR_POP3_PORT=41110 POPLAR_LMTP_PORT=0 POPLAR_HTTP_PORT=48110 POPLAR_POP3S_PORT=0 \
  POPLAR_POP3_MAX_CONNECTIONS_PER_IP=20000 POPLAR_AUTH_FAILURE_DELAY=0 POPLAR_JAVA_OPTS="-Xms1g -Xmx1g -XX:+AlwaysPreTouch" $root/poplar serve > $W/log 2>&1 &
pid=$!  # the launcher execs java: this is the server
for i in $(seq 100); do curl -sf localhost:48110/health/ready >/dev/null && break; sleep 0.2; done
heap() { $J/jcmd $pid GC.run > /dev/null; $J/jcmd $pid GC.heap_info | grep -o 'used [0-9]*K' | head -1 | tr -dc 0-9; }
rss() { awk '/^Pss:/ {print $2}' /proc/$pid/smaps_rollup; }  # PSS, as compare.sh measures
h0=$(heap); r0=$(rss)
$J/java -cp $root/benchmarks/target/poplar-bench.jar dev.poplar.bench.load.LoadGenerator --scenario idle --pop3-port 41110 --users $N --connections $N --duration 15s --ready-file $W/ready > $W/idle.json &
lp=$!; while [[ ! -f $W/ready ]] && kill -0 $lp 2> /dev/null; do sleep 0.3; done; sleep 2
h1=$(heap); r1=$(rss); wait $lp || true
echo "connections=$N heap_per_connection_kib=$(awk "BEGIN {print ($h1-$h0)/$N}") outside_heap_pss_per_connection_kib=$(awk "BEGIN {print ($r1-$r0)/$N}") (fixed, pre-touched 1 GiB heap)"
kill -TERM $pid; wait $pid 2>/dev/null || true; rm -rf $W
