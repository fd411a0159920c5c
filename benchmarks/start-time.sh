#!/usr/bin/env bash
# Start-up time of a Poplar launcher, as an operator meets it (docs/benchmarks.md, "Start-up"):
#   serve   time from exec to the POP3 port accepting, and to /health/ready answering 200
#   cli     `poplar user list` on a store with one user: exec to exit
# Usage: benchmarks/start-time.sh [--runs N] LAUNCHER...   e.g. ./poplar, /usr/bin/poplar
# Prints each run and the medians in milliseconds. Loopback only; a fresh data dir per launcher.
set -euo pipefail

runs=7
if [[ "${1:-}" == "--runs" ]]; then runs=$2; shift 2; fi
[[ $# -ge 1 ]] || { echo "usage: $0 [--runs N] LAUNCHER..." >&2; exit 2; }

now_ms() { echo $(($(date +%s%N) / 1000000)); }
port_open() { (exec 9<> "/dev/tcp/127.0.0.1/$1") 2> /dev/null; }
ready() {
  local status
  exec 8<> "/dev/tcp/127.0.0.1/$1" 2> /dev/null || return 1
  printf 'GET /health/ready HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' >&8
  IFS= read -r -t 2 status <&8 || true
  exec 8>&-
  [[ "$status" == "HTTP/1.1 200"* ]]
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2)}'; }

for launcher in "$@"; do
  work=$(mktemp -d "${TMPDIR:-/tmp}/poplar-start.XXXXXX")
  export POPLAR_DATA_DIR="$work/data" POPLAR_AUTH_PBKDF2_ITERATIONS=1000
  export POPLAR_POP3_PORT=21310 POPLAR_POP3S_PORT=21311 POPLAR_LMTP_PORT=21312 POPLAR_HTTP_PORT=21313
  printf 'a-long-password\n' | "$launcher" user add alice --password-stdin > /dev/null
  "$launcher" user list > /dev/null # first run: builds or warms the page cache
  accept=() readiness=() cli=()
  for i in $(seq 1 "$runs"); do
    t0=$(now_ms)
    "$launcher" user list > /dev/null
    cli+=($(($(now_ms) - t0)))

    t0=$(now_ms)
    "$launcher" serve > "$work/server.log" 2>&1 &
    pid=$!
    until port_open "$POPLAR_POP3_PORT"; do
      kill -0 "$pid" 2> /dev/null || { cat "$work/server.log" >&2; exit 1; }
      sleep 0.005
    done
    t1=$(now_ms)
    until ready "$POPLAR_HTTP_PORT"; do sleep 0.005; done
    t2=$(now_ms)
    accept+=($((t1 - t0)))
    readiness+=($((t2 - t0)))
    kill -TERM "$pid"
    wait "$pid" || true
    echo "$launcher run $i: serve accepts ${accept[-1]} ms, ready ${readiness[-1]} ms; user list ${cli[-1]} ms"
  done
  echo "$launcher median of $runs: serve accepts $(printf '%s\n' "${accept[@]}" | median) ms," \
    "ready $(printf '%s\n' "${readiness[@]}" | median) ms; user list $(printf '%s\n' "${cli[@]}" | median) ms"
  rm -rf "$work"
done
