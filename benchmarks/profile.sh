#!/usr/bin/env bash
# Where the CPU goes under one load scenario: runs the load generator against a running server
# and reports, for a 5-second window in the middle of the run, the user and system CPU of the
# server and of the generator (from /proc/PID/stat), and with PERF=1 a perf profile of the
# server (Java frames named through `jcmd Compiler.perfmap`), or with JFR=1 the JDK's own CPU-time
# sampler (jdk.CPUTimeSample, JDK 25: native frames such as BoringSSL and RocksDB are charged to
# the Java method that called them) summarised by benchmarks/jfr-hot.py.
#
#   SERVER_PID=$(pgrep -f 'poplar.jar serve') benchmarks/profile.sh retr --pop3-port 21110 --users 50
#   PERF=1 SERVER_PID=... benchmarks/profile.sh list --pop3-port 21110 --big-user big   (server: maildrop-lock shared)
#
# Every argument after the scenario goes to the load generator (defaults: 50 connections,
# 3 s warm-up, 10 s). Jiffies are 1/100 s of one core: 1000 in 5 s means both cores busy.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
scenario="${1:?usage: SERVER_PID=PID benchmarks/profile.sh SCENARIO [generator options]}"; shift
server="${SERVER_PID:?set SERVER_PID to the server process id}"
java="$("$root/poplar" mvn -v 2> /dev/null | sed -n 's/.*runtime: \(.*\)$/\1/p')/bin/java"
out="$(mktemp -d /tmp/poplar-profile.XXXX)"

"$java" -Xmx2g -cp "$root/benchmarks/target/poplar-bench.jar" dev.poplar.bench.load.LoadGenerator \
  --scenario "$scenario" --connections 50 --warmup 3s --duration 10s "$@" > "$out/result.json" &
gen=$!
cpu() { awk '{print $14, $15}' "/proc/$1/stat"; }   # utime stime, in jiffies
sleep 4
read -r su0 ss0 < <(cpu "$server"); read -r gu0 gs0 < <(cpu "$gen")
if [[ "${JFR:-0}" == 1 ]]; then
  "$(dirname "$java")/jcmd" "$server" JFR.start name=profile-sh duration=5s filename="$out/cpu.jfr" \
    'jdk.CPUTimeSample#enabled=true' 'jdk.CPUTimeSample#throttle=2ms' > /dev/null
  sleep 6
elif [[ "${PERF:-0}" == 1 ]]; then
  perf record -F 499 -g -p "$server" -o "$out/perf.data" -- sleep 5 2> /dev/null
else
  sleep 5
fi
read -r su1 ss1 < <(cpu "$server"); read -r gu1 gs1 < <(cpu "$gen")
wait $gen || true
echo "cpu in 5 s (jiffies): server user $((su1 - su0)) sys $((ss1 - ss0)); generator user $((gu1 - gu0)) sys $((gs1 - gs0))"
cat "$out/result.json"
if [[ "${JFR:-0}" == 1 ]]; then
  "$(dirname "$java")/jfr" print --events jdk.CPUTimeSample --stack-depth 64 "$out/cpu.jfr" > "$out/cpu.txt"
  python3 "$root/benchmarks/jfr-hot.py" "$out/cpu.txt"
  echo "full recording: $out/cpu.jfr"
fi
if [[ "${PERF:-0}" == 1 ]]; then
  "$(dirname "$java")/jcmd" "$server" Compiler.perfmap > /dev/null
  perf report -i "$out/perf.data" --no-children --sort dso,sym --stdio -g none 2> /dev/null | grep '%' | head -30
  echo "full profile: perf report -i $out/perf.data"
fi
