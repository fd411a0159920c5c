#!/usr/bin/env bash
# End-to-end test: starts the real server with ./poplar (as an operator would), then drives it
# with independent clients: the poplar CLI, curl, Python's poplib/smtplib, and fetchmail.
# Self-contained: its own data directory and free ports, and it stops the server it started.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)"
work="$(mktemp -d)"
passed=0
failed=0
server_pid=""

cleanup() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid"; wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

ok()   { passed=$((passed + 1)); echo "ok   $*"; }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }
check() { local name="$1"; shift; if "$@"; then ok "$name"; else fail "$name"; fi; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

export POPLAR_DATA_DIR="$work/data"
export POPLAR_POP3_PORT="$(free_port)" POPLAR_POP3S_PORT="$(free_port)" POPLAR_LMTP_PORT="$(free_port)" POPLAR_HTTP_PORT="$(free_port)"

"$root/poplar" serve > "$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 150); do
  curl -sf "http://127.0.0.1:$POPLAR_HTTP_PORT/health/ready" > /dev/null && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log"; echo "server died"; exit 1; }
  sleep 0.2
done
check "server is ready" curl -sf "http://127.0.0.1:$POPLAR_HTTP_PORT/health/ready" -o /dev/null

# README quickstart, as written there.
echo 's3cret-pass' | "$root/poplar" user add alice --password-stdin > /dev/null
check "user add through the running server" bash -c "'$root/poplar' user list | grep -qx alice"
printf 'Subject: Hello\n\nHi Alice!\n' | "$root/poplar" deliver alice > /dev/null
out="$(curl -s --user alice:s3cret-pass "pop3://127.0.0.1:$POPLAR_POP3_PORT/1")"
check "curl RETR gets the message" grep -q 'Hi Alice!' <<<"$out"
list="$(curl -s --user alice:s3cret-pass "pop3://127.0.0.1:$POPLAR_POP3_PORT/")"
check "curl LIST" grep -qE '^1 [0-9]+' <<<"$list"
uidl="$(curl -s --user alice:s3cret-pass -X UIDL "pop3://127.0.0.1:$POPLAR_POP3_PORT/")"
check "curl UIDL" grep -qE '^1 [!-~]+' <<<"$uidl"
check "curl with a wrong password fails" bash -c "! curl -sf --user alice:nope 'pop3://127.0.0.1:$POPLAR_POP3_PORT/'"
curl -s --user alice:s3cret-pass -X 'DELE 1' -I "pop3://127.0.0.1:$POPLAR_POP3_PORT/" > /dev/null || true

# TLS with real clients, trusting only the server's development certificate.
ca="$POPLAR_DATA_DIR/tls/self-signed.crt"
printf 'Subject: Over TLS\n\nencrypted\n' | "$root/poplar" deliver alice > /dev/null
out="$(curl -s --cacert "$ca" --user alice:s3cret-pass "pop3s://localhost:$POPLAR_POP3S_PORT/1")"
check "curl pop3s:// (implicit TLS) RETR" grep -q "encrypted" <<<"$out"
out="$(curl -s --ssl-reqd --cacert "$ca" --user alice:s3cret-pass "pop3://localhost:$POPLAR_POP3_PORT/")"
check "curl pop3:// --ssl-reqd (STLS) LIST" grep -qE '^1 [0-9]+' <<<"$out"
if command -v openssl > /dev/null; then
  out="$(printf 'CAPA\r\nQUIT\r\n' | timeout 20 openssl s_client -quiet -starttls pop3 -CAfile "$ca" -verify_return_error -connect "127.0.0.1:$POPLAR_POP3_PORT" 2>&1)"
  check "openssl s_client -starttls pop3" grep -q 'IMPLEMENTATION\|EXPIRE NEVER' <<<"$out"
  out="$(printf 'CAPA\r\nQUIT\r\n' | timeout 20 openssl s_client -quiet -CAfile "$ca" -verify_return_error -connect "127.0.0.1:$POPLAR_POP3S_PORT" 2>&1)"
  check "openssl s_client on the POP3S port" grep -q 'EXPIRE NEVER' <<<"$out"
  check "TLS 1.1 is refused" bash -c "printf 'QUIT\r\n' | timeout 20 openssl s_client -tls1_1 -connect 127.0.0.1:$POPLAR_POP3S_PORT 2>&1 | grep -qv 'Cipher is ECDHE'"
fi

# Python poplib: Thunderbird-like and leave-on-server flows.
echo 'b0b-pass' | "$root/poplar" user add bob --password-stdin > /dev/null
if python3 "$root/server/src/test/e2e/pop3_clients.py" "$POPLAR_POP3_PORT" "$POPLAR_LMTP_PORT" bob b0b-pass > "$work/py.log"; then
  ok "python poplib flows ($(tail -1 "$work/py.log"))"
else
  cat "$work/py.log"; fail "python poplib flows"
fi

# fetchmail: leave-on-server with UIDL tracking (plain, then STLS), then fetch-and-delete over
# implicit TLS, with the certificate checked.
if command -v fetchmail > /dev/null; then
  echo 'c4rol-pass' | "$root/poplar" user add carol --password-stdin > /dev/null
  for i in 1 2; do printf 'Subject: fm %s\n\nbody %s\n' "$i" "$i" | "$root/poplar" deliver carol > /dev/null; done
  rc="$work/fetchmailrc"
  write_rc() { # $1: port, $2: options
    cat > "$rc" <<RC
set no bouncemail
set idfile "$work/fetchids"
poll 127.0.0.1 service $1 protocol pop3 uidl auth password:
  user "carol" there with password "c4rol-pass" is "root" here
  $2
  mda "/bin/sh -c 'cat >> $work/fetched'"
RC
    chmod 600 "$rc"
  }
  fm() { HOME="$work" fetchmail --nodetach --nosyslog -f "$rc" > "$work/fm.log" 2>&1; echo $?; }
  fetched() { grep -c '^Subject: fm' "$work/fetched"; }
  write_rc "$POPLAR_POP3_PORT" "keep sslproto ''"
  check "fetchmail keep, plain: fetches both (exit 0)" test "$(fm)" = 0
  check "fetchmail keep, plain: two messages arrived" test "$(fetched)" = 2
  write_rc "$POPLAR_POP3_PORT" "keep sslproto tls1.2+ sslcertck sslcertfile '$ca' sslcommonname localhost"
  check "fetchmail keep, STLS: nothing new by UIDL (exit 1)" test "$(fm)" = 1
  printf 'Subject: fm 3\n\nbody 3\n' | "$root/poplar" deliver carol > /dev/null
  check "fetchmail keep, STLS: fetches the new one (exit 0)" test "$(fm)" = 0
  check "fetchmail keep, STLS: only the new one arrived" test "$(fetched)" = 3
  write_rc "$POPLAR_POP3S_PORT" "fetchall no keep ssl sslcertck sslcertfile '$ca' sslcommonname localhost"
  check "fetchmail fetchall nokeep, implicit TLS (exit 0)" test "$(fm)" = 0
  check "fetchmail fetchall: all three again" test "$(fetched)" = 6
  check "mailbox empty after fetchmail's QUIT" bash -c "'$root/poplar' mailbox stats carol | grep -q 'messages:  0'"
elif [[ "${POPLAR_REQUIRE_TOOLS:-}" = 1 ]]; then
  fail "fetchmail is required (POPLAR_REQUIRE_TOOLS=1)"
else
  echo "SKIP fetchmail (not installed; .ci/run installs it)"
fi

# Metrics of the real launcher after all that traffic: promtool's lint must pass.
if command -v promtool > /dev/null; then
  curl -s "http://127.0.0.1:$POPLAR_HTTP_PORT/metrics" > "$work/scrape.txt"
  check "promtool check metrics on the live scrape" promtool check metrics < "$work/scrape.txt"
  check "the scrape counted the RETRs" grep -qE '^poplar_pop3_messages_retrieved_total\{cmd_name="RETR"\} [1-9]' "$work/scrape.txt"
elif [[ "${POPLAR_REQUIRE_TOOLS:-}" = 1 ]]; then
  fail "promtool is required (POPLAR_REQUIRE_TOOLS=1)"
else
  echo "SKIP promtool (not installed; .ci/run installs it)"
fi

# Load generator smoke: every scenario for one second against this server (a check that the
# tools work, not a timed test; docs/benchmarks.md has the real runs).
bench="$root/benchmarks/target/poplar-bench.jar"
if [[ -f "$bench" ]]; then
  { for i in 0 1 2 3 4 5 6 7; do echo "load$i load-pass"; done; echo "loadbig load-pass"; } > "$work/load-users.txt"
  "$root/poplar" user import "$work/load-users.txt" > /dev/null
  run_bench() { "$root/poplar" bench \
      --pop3-port "$POPLAR_POP3_PORT" --lmtp-port "$POPLAR_LMTP_PORT" --user-prefix load --users 8 --big-user loadbig --password load-pass "$@"; }
  check "load seed over LMTP" bash -c "$(declare -f run_bench); JAVA_HOME='$JAVA_HOME' POPLAR_POP3_PORT=$POPLAR_POP3_PORT POPLAR_LMTP_PORT=$POPLAR_LMTP_PORT root='$root' run_bench --scenario seed --messages 5 --big-messages 300 --connections 4 > '$work/seed.json'"
  for scenario in login session retr list deliver; do
    connections=8
    [[ "$scenario" == list ]] && connections=1
    if run_bench --scenario "$scenario" --connections "$connections" --warmup 200ms --duration 1s > "$work/$scenario.json"; then
      ok "load $scenario smoke: $(cat "$work/$scenario.json")"
    else
      fail "load $scenario smoke: $(cat "$work/$scenario.json")"
    fi
  done
  if run_bench --scenario idle --connections 8 --duration 200ms --server-pid "$server_pid" > "$work/idle.json"; then
    ok "load idle smoke: $(cat "$work/idle.json")"
  else
    fail "load idle smoke"
  fi
else
  fail "benchmarks/target/poplar-bench.jar missing (./poplar test builds it)"
fi

# Shutdown: SIGTERM stops the server cleanly.
kill -TERM "$server_pid"
wait "$server_pid" && rc=0 || rc=$?
server_pid=""
check "SIGTERM stops the server (exit $rc)" test "$rc" = 0 -o "$rc" = 143

echo "e2e: $passed passed, $failed failed"
[[ "$failed" = 0 ]]
