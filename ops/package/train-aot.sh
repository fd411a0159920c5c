#!/usr/bin/env bash
# Makes Poplar's ahead-of-time caches (JDK 25: JEP 483 class loading and linking, JEP 514 one-step
# creation, JEP 515 method profiles) by training runs of the real program:
#   poplar-cli.aot     `poplar user list` on a small store (the shape of every short CLI command)
#   poplar-server.aot  `poplar serve` to ready, one LMTP delivery, one POP3 session, /metrics
# Usage: train-aot.sh JAVA_HOME JAR NATIVE_DIR OUT_DIR [JVM_OPTION...]
# The JVM options must be the ones the launcher runs with (the cache records them).
# Used by ops/package/build.sh and by ./poplar after it builds the jar; docs/install.md, "Start-up".
set -euo pipefail

java_home=$1 jar=$2 native=$3 out=$4
shift 4
java=("$java_home/bin/java" "$@" --enable-native-access=ALL-UNNAMED -Djava.library.path="$native")

work=$(mktemp -d "${TMPDIR:-/tmp}/poplar-aot.XXXXXX")
server_pid=
cleanup() {
  if [[ -n "$server_pid" ]]; then kill -KILL "$server_pid" 2> /dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# Free loopback ports outside Linux's ephemeral range, so a client socket cannot take one meanwhile.
port_free() { ! (exec 9<> "/dev/tcp/127.0.0.1/$1") 2> /dev/null; }
pick_port() {
  local p
  for _ in $(seq 1 200); do
    p=$((20000 + RANDOM % 12000))
    if port_free "$p"; then echo "$p"; return; fi
  done
  echo "train-aot: no free port" >&2
  exit 1
}
# Built-in defaults only: the caller's POPLAR_* settings (a config file, limits) are not the training's.
while read -r name; do unset "$name"; done < <(compgen -e | grep '^POPLAR_' || true)
export POPLAR_DATA_DIR="$work/data" POPLAR_AUTH_PBKDF2_ITERATIONS=1000 POPLAR_LOG_FORMAT=text
export POPLAR_POP3_PORT="$(pick_port)" POPLAR_POP3S_PORT=0 POPLAR_LMTP_PORT="$(pick_port)"
export POPLAR_HTTP_PORT="$(pick_port)"

# A store with one user and one message, made without a cache.
printf 'training-password\n' | "${java[@]}" -jar "$jar" user add trainer --password-stdin > /dev/null
printf 'Subject: training\r\n\r\nbody\r\n' | "${java[@]}" -jar "$jar" deliver trainer > /dev/null

rm -f "$out/poplar-cli.aot" "$out/poplar-server.aot"
"${java[@]}" -XX:AOTCacheOutput="$out/poplar-cli.aot" -jar "$jar" user list > /dev/null 2> "$work/cli.log" \
  || { cat "$work/cli.log" >&2; exit 1; }

# One request and its reply on a line protocol: send $2 on fd $1, read until a line matching $3.
exchange() {
  local fd=$1 line=$2 until=$3 reply
  [[ -n "$line" ]] && printf '%s\r\n' "$line" >&"$fd"
  while IFS= read -r -t 10 reply <&"$fd"; do
    [[ "${reply%$'\r'}" =~ $until ]] && return 0
  done
  echo "train-aot: no reply to '$line'" >&2
  return 1
}

"${java[@]}" -XX:AOTCacheOutput="$out/poplar-server.aot" -jar "$jar" serve > "$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 300); do
  if ! port_free "$POPLAR_POP3_PORT" && ! port_free "$POPLAR_LMTP_PORT" && ! port_free "$POPLAR_HTTP_PORT"; then break; fi
  if ! kill -0 "$server_pid" 2> /dev/null; then cat "$work/server.log" >&2; exit 1; fi
  sleep 0.05
done

exec 3<> "/dev/tcp/127.0.0.1/$POPLAR_LMTP_PORT"
exchange 3 "" '^220 '
exchange 3 "LHLO trainer.example" '^250 '
exchange 3 "MAIL FROM:<sender@example.org>" '^250 '
exchange 3 "RCPT TO:<trainer>" '^250 '
exchange 3 "DATA" '^354 '
exchange 3 $'Subject: training\r\n\r\nA message.\r\n.' '^250 '
exchange 3 "QUIT" '^221 '
exec 3>&-

exec 4<> "/dev/tcp/127.0.0.1/$POPLAR_POP3_PORT"
exchange 4 "" '^\+OK'
exchange 4 "CAPA" '^\.$'
exchange 4 "USER trainer" '^\+OK'
exchange 4 "PASS training-password" '^\+OK'
exchange 4 "STAT" '^\+OK'
exchange 4 "UIDL" '^\.$'
exchange 4 "LIST" '^\.$'
exchange 4 "RETR 1" '^\.$'
exchange 4 "TOP 2 0" '^\.$'
exchange 4 "QUIT" '^\+OK'
exec 4>&-

for path in /health/ready /metrics; do
  exec 5<> "/dev/tcp/127.0.0.1/$POPLAR_HTTP_PORT"
  printf 'GET %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' "$path" >&5
  exchange 5 "" '^HTTP/1.1 200' # the status line is enough; the body need not be waited for
  exec 5>&-
done

# The cache is written as the JVM exits (after a clean SIGTERM shutdown).
kill -TERM "$server_pid"
wait "$server_pid" || true
server_pid=
for f in poplar-cli.aot poplar-server.aot; do
  [[ -s "$out/$f" ]] || { echo "train-aot: $out/$f was not written" >&2; cat "$work/server.log" >&2; exit 1; }
  chmod 0644 "$out/$f" # the JVM writes it 0600; every user runs the CLI
done
