#!/usr/bin/env bash
# Side-by-side benchmark: Poplar and Dovecot on this machine, same data, same load generator,
# alternating A B A B. Writes the raw results to $WORK/results.jsonl and the table to
# docs/benchmarks.md (benchmarks/report.py).
#
#   benchmarks/compare.sh                  # defaults below; every knob is an environment variable
#   USERS=100 MESSAGES=200 ROUNDS=3 DURATION=20s benchmarks/compare.sh   # the full-size run
#   SCENARIOS="retr list" DOCS=0 benchmarks/compare.sh   # some scenarios, docs/ left alone
#   TLS=implicit KEY=rsa SCENARIOS="handshake retr session login idle" DOCS=0 benchmarks/compare.sh
#     every POP3 scenario over TLS (implicit: POP3S ports; stls: STLS on the POP3 ports), both
#     servers with the same certificate (KEY=ecdsa P-256, or rsa 2048), TLS_VERSION=1.3|1.2,
#     TLS_RESUME=true|false; Dovecot prefers the server's ciphers and keeps its session cache.
# Each result line carries server_cpu_us_per_op: the server's CPU (all of Dovecot's processes)
# over the measured window per operation, and client_cpu_us_per_op: the load generator's.
# POPLAR_TLS_PROVIDER=jdk|openssl passes through; TLS_CLIENT=jdk|openssl is the load generator's
# TLS (openssl: BoringSSL, cheaper per handshake).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
USERS="${USERS:-50}" MESSAGES="${MESSAGES:-40}" BIG="${BIG:-10000}" CONN="${CONN:-50}"
DURATION="${DURATION:-10s}" WARMUP="${WARMUP:-3s}" ROUNDS="${ROUNDS:-3}" IDLE="${IDLE:-2000}"
SCENARIOS="${SCENARIOS:-retr session login deliver idle list}" DOCS="${DOCS:-1}"
TLS="${TLS:-none}" TLS_VERSION="${TLS_VERSION:-1.3}" TLS_RESUME="${TLS_RESUME:-true}" KEY="${KEY:-ecdsa}"
TLS_CLIENT="${TLS_CLIENT:-jdk}"
selected() { [[ " $SCENARIOS " == *" $1 "* ]]; }
WORK="${WORK:-$(mktemp -d /tmp/poplar-compare.XXXX)}"
mkdir -p "$WORK"
chmod 0755 "$WORK" # mktemp makes it 0700; Dovecot's auth and mail processes (other users) read below it
results="$WORK/results.jsonl"
: > "$results"

if ! command -v dovecot > /dev/null || [[ ! -x /usr/lib/dovecot/lmtp || ! -x /usr/lib/dovecot/pop3 ]]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends dovecot-pop3d dovecot-lmtpd > /dev/null
fi
"$root/poplar" mvn -q package -DskipTests > /dev/null
java="$("$root/poplar" mvn -v 2> /dev/null | sed -n 's/.*runtime: \(.*\)$/\1/p')/bin/java"
bench="$root/benchmarks/target/poplar-bench.jar"
nusers=$(( USERS > IDLE ? USERS : IDLE ))
nusers=$(( nusers > CONN ? nusers : CONN ))

# ---- TLS: one certificate and key for both servers ---------------------------------------------
tls_dir="$WORK/tls"
if [[ $TLS != none ]]; then
  mkdir -p "$tls_dir"
  if [[ $KEY == rsa ]]; then
    openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj /CN=localhost -keyout "$tls_dir/key.pem" \
      -out "$tls_dir/cert.pem" 2> /dev/null
  else
    "$root/poplar" tls self-signed --cert "$tls_dir/cert.pem" --key "$tls_dir/key.pem" > /dev/null
  fi
  chmod 0644 "$tls_dir/key.pem" # Dovecot's master reads it as root, Poplar as this user: a test key
fi
tls_args=(--tls "$TLS" --tls-version "$TLS_VERSION" --tls-resume "$TLS_RESUME" --tls-client "$TLS_CLIENT")

# ---- Poplar -------------------------------------------------------------------------------
P_POP3=21110 P_LMTP=22424 P_HTTP=28110 P_POP3S=21995
poplar_start() { # $1: exclusive|shared
  local tls_env=(POPLAR_POP3S_PORT=0)
  if [[ $TLS != none ]]; then
    tls_env=(POPLAR_POP3S_PORT=$P_POP3S POPLAR_TLS_CERT="$tls_dir/cert.pem" POPLAR_TLS_KEY="$tls_dir/key.pem"
      POPLAR_POP3S_MAX_CONNECTIONS=$((IDLE + 1000)) POPLAR_POP3S_MAX_CONNECTIONS_PER_IP=20000)
  fi
  env "${tls_env[@]}" POPLAR_DATA_DIR="$WORK/poplar" POPLAR_POP3_PORT=$P_POP3 POPLAR_LMTP_PORT=$P_LMTP POPLAR_HTTP_PORT=$P_HTTP \
    POPLAR_POP3_MAILDROP_LOCK="$1" POPLAR_POP3_MAX_CONNECTIONS_PER_IP=20000 \
    POPLAR_POP3_MAX_CONNECTIONS=$((IDLE + 1000)) \
    POPLAR_POP3_MAX_CONNECTIONS_PER_USER=20000 \
    POPLAR_AUTH_FAILURE_DELAY=0 POPLAR_LMTP_MAX_MESSAGE_SIZE=64M POPLAR_LOG_FORMAT=json \
    POPLAR_JAVA_OPTS="-Xms2g -Xmx2g -XX:+AlwaysPreTouch" "$root/poplar" serve > "$WORK/poplar.log" 2>&1 &
  poplar_pid=$!
  for _ in $(seq 200); do curl -sf "http://127.0.0.1:$P_HTTP/health/ready" > /dev/null && return; sleep 0.1; done
  echo "poplar did not start"; exit 1
}
poplar_stop() { kill -TERM "$poplar_pid"; wait "$poplar_pid" || true; poplar_pid=; }
poplar_pid() { pgrep -f 'poplar.jar serve' | head -1; }
poplar_rss() { awk '/^Pss:/ {print $2}' "/proc/$(poplar_pid)/smaps_rollup"; }  # PSS, as for Dovecot
# Heap in use after a full GC, KiB: a JVM's RSS hardly moves for small per-connection costs.
poplar_heap() { local jcmd; jcmd="$(dirname "$java")/jcmd"; "$jcmd" "$(poplar_pid)" GC.run > /dev/null
  "$jcmd" "$(poplar_pid)" GC.heap_info | grep -o 'used [0-9]*K' | head -1 | tr -dc '0-9'; }

# ---- Dovecot (private instance, tuned as its performance docs say) ---------------------------
D_POP3=31110 D_LMTP=32424 D_POP3S=31995
dovecot_conf() { # $1: yes|no (pop3_lock_session)
  mkdir -p "$WORK/dovecot/run" "$WORK/dovecot/mail"
  chown -R mail:mail "$WORK/dovecot/mail"
  local ssl="ssl = no" pop3s=""
  if [[ $TLS != none ]]; then
    # As an operator tunes it: the server's cipher order, TLS 1.2 at least; OpenSSL's session
    # cache and tickets are on by default in each login process.
    ssl="ssl = yes
ssl_cert = <$tls_dir/cert.pem
ssl_key = <$tls_dir/key.pem
ssl_min_protocol = TLSv1.2
ssl_prefer_server_ciphers = yes"
    pop3s="inet_listener pop3s {
    address = 127.0.0.1
    port = $D_POP3S
    ssl = yes
  }"
  fi
  cat > "$WORK/dovecot/dovecot.conf" <<CONF
base_dir = $WORK/dovecot/run
state_dir = $WORK/dovecot/state
log_path = $WORK/dovecot/dovecot.log
protocols = pop3 lmtp
listen = 127.0.0.1
$ssl
disable_plaintext_auth = no
auth_mechanisms = plain
auth_cache_size = 10M
auth_cache_ttl = 1 hour
mail_location = sdbox:~/sdbox
mail_uid = mail
mail_gid = mail
first_valid_uid = 1
first_valid_gid = 1
mail_max_userip_connections = 20000
pop3_lock_session = $1
pop3_uidl_format = %08Xu%08Xv
default_process_limit = $((IDLE + 1000))
default_client_limit = 20000
passdb {
  driver = passwd-file
  args = $WORK/dovecot/users
}
userdb {
  driver = static
  args = uid=mail gid=mail home=$WORK/dovecot/mail/%u
}
service pop3-login {
  inet_listener pop3 {
    address = 127.0.0.1
    port = $D_POP3
  }
  $pop3s
  service_count = 0
  process_min_avail = $(nproc)
  client_limit = 10000
  # Each TLS client's OpenSSL state lives here (the login process proxies TLS for the post-login
  # pop3 process); the default 256 MB ran out at ~5,000 TLS clients per process.
  vsz_limit = 2G
}
service pop3 {
  service_count = 0
  process_limit = $((IDLE + 1000))
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = $D_LMTP
  }
  process_min_avail = $(nproc)
}
service auth {
  client_limit = 20000
}
service anvil {
  client_limit = 20000
}
CONF
}
dovecot_start() { dovecot_conf "$1"; dovecot -c "$WORK/dovecot/dovecot.conf"; sleep 1; }
dovecot_stop() { doveadm -c "$WORK/dovecot/dovecot.conf" stop 2> /dev/null || true; sleep 1; }
# A failed step (set -e) must not leave either server running for the next run to trip over.
poplar_pid=
trap '[[ -n $poplar_pid ]] && poplar_stop; [[ -f $WORK/dovecot/dovecot.conf ]] && dovecot_stop' EXIT
# Memory of Dovecot's master and all its children (not the load generator, whose command line
# says pop3): the sum of their PSS, in KiB. Summing RSS would count the pages they share
# (libraries, mapped index files) once per process: 10,000 processes "used" 50 GB on a 24 GB machine.
dovecot_rss() {
  local master t=0; master="$(cat "$WORK/dovecot/run/master.pid")"
  for p in $master $(pgrep -P "$master"); do
    r=$(awk '/^Pss:/ {print $2}' "/proc/$p/smaps_rollup" 2> /dev/null || echo 0); t=$((t + ${r:-0})); done; echo $t; }

# ---- users on both sides: the same names and passwords, equal hashing cost ----------------------
# Readers (user*), the big mailbox, and sink* mailboxes that only the deliver scenario writes to,
# so deliveries never grow the mailboxes the other scenarios read.
{ for i in $(seq 0 $((nusers - 1))); do echo "user$i pw"; echo "sink$i pw"; done; echo "big pw"; } > "$WORK/users.txt"
POPLAR_DATA_DIR="$WORK/poplar" POPLAR_AUTH_MIN_PASSWORD_LENGTH=1 "$root/poplar" user import "$WORK/users.txt" > /dev/null
hash="$(doveadm pw -s SCRAM-SHA-256 -p pw)"   # 4096 PBKDF2 rounds, like Poplar's default
mkdir -p "$WORK/dovecot"
awk -v h="$hash" '{print $1 ":" h "::::::"}' "$WORK/users.txt" > "$WORK/dovecot/users"

load() { "$java" --enable-native-access=ALL-UNNAMED -Xmx2g -cp "$bench" dev.poplar.bench.load.LoadGenerator "$@"; }
# CPU time of a server's processes in jiffies (1/100 s): user + system, plus that of children
# already reaped (Dovecot's per-connection processes). Poplar: its JVM; Dovecot: master + children.
server_cpu() {
  local pids p c t=0
  if [[ $1 == poplar ]]; then pids=$(poplar_pid); else
    p="$(cat "$WORK/dovecot/run/master.pid")"; pids="$p $(pgrep -P "$p")"; fi
  for p in $pids; do
    c=$(awk '{print $14 + $15 + $16 + $17}' "/proc/$p/stat" 2> /dev/null || echo 0); t=$((t + ${c:-0})); done
  echo $t; }
proc_cpu() { awk '{print $14 + $15}' "/proc/$1/stat" 2> /dev/null || echo 0; }   # one process: user + system
# Microseconds of CPU per operation: $1 jiffies between times $2 and $3, $4 the generator's JSON.
per_op() { echo "$4" | awk -v c="$1" -v t0="$2" -v t1="$3" \
  'match($0, /"ops_per_s":[0-9.]+/) { r = substr($0, RSTART + 12, RLENGTH - 12); if (r > 0) printf "%.1f", c * 10000 / (t1 - t0) / r; else print 0 }'; }
run() { # $1 server $2 scenario $3 pop3 $4 lmtp, rest: extra (with --warmup and --duration)
  local server=$1 scenario=$2 pop3=$3 lmtp=$4; shift 4
  if [[ $TLS == implicit && $scenario != deliver ]]; then
    if [[ $server == poplar ]]; then pop3=$P_POP3S; else pop3=$D_POP3S; fi
  fi
  # The server's CPU over the middle of the measured window (the load is steady through warm-up
  # and measurement): server_cpu_us_per_op = CPU per second / operations per second. The load
  # generator's own CPU the same way (client_cpu_us_per_op): on a shared machine it bounds what
  # any server can reach (ops/s <= cores / (client + server CPU per op)).
  load --scenario "$scenario" --pop3-port "$pop3" --lmtp-port "$lmtp" --users "$USERS" "${tls_args[@]}" "$@" \
    > "$WORK/run.json" || true &
  local lp=$! gen c0 c1 g0 g1 t0 t1 out cpu gcpu
  sleep "${WARMUP%s}"; gen="$(pgrep -P "$lp" java || echo "$lp")"
  c0=$(server_cpu "$server"); g0=$(proc_cpu "$gen"); t0=$(date +%s.%N)
  sleep "$(awk "BEGIN {print ${DURATION%s} - 1}")"
  c1=$(server_cpu "$server"); g1=$(proc_cpu "$gen"); t1=$(date +%s.%N)
  wait $lp || true
  out="$(cat "$WORK/run.json")"
  cpu=$(per_op $((c1 - c0)) "$t0" "$t1" "$out"); gcpu=$(per_op $((g1 - g0)) "$t0" "$t1" "$out")
  out="$(echo "$out" | sed "s/^{/{\"server\":\"$server\",\"server_cpu_us_per_op\":${cpu:-0},\"client_cpu_us_per_op\":${gcpu:-0},/")"
  echo "$out" >> "$results"
  echo "$server $scenario: $out"
}

echo "== seeding both over LMTP ($USERS users x $MESSAGES messages, 70% 4K/25% 40K/5% 1M; big: $BIG)"
poplar_start exclusive; dovecot_start yes
load --scenario seed --lmtp-port $P_LMTP --users "$USERS" --messages "$MESSAGES" --big-messages "$BIG" --connections 8
load --scenario seed --lmtp-port $D_LMTP --users "$USERS" --messages "$MESSAGES" --big-messages "$BIG" --connections 8

for round in $(seq 1 "$ROUNDS"); do
  for scenario in handshake retr session login; do
    selected "$scenario" || continue
    run poplar "$scenario" $P_POP3 $P_LMTP --connections "$CONN" --warmup "$WARMUP" --duration "$DURATION"
    run dovecot "$scenario" $D_POP3 $D_LMTP --connections "$CONN" --warmup "$WARMUP" --duration "$DURATION"
  done
  selected deliver || continue
  run poplar deliver $P_POP3 $P_LMTP --connections "$CONN" --warmup "$WARMUP" --duration "$DURATION" --user-prefix sink
  run dovecot deliver $D_POP3 $D_LMTP --connections "$CONN" --warmup "$WARMUP" --duration "$DURATION" --user-prefix sink
done
poplar_stop; dovecot_stop

selected idle && echo "== idle: $IDLE logged-in connections held, on freshly started servers"
selected idle && for round in $(seq 1 "$ROUNDS"); do
  for server in poplar dovecot; do
    if [[ $server == poplar ]]; then poplar_start exclusive; port=$P_POP3; else dovecot_start yes; port=$D_POP3; fi
    if [[ $TLS == implicit ]]; then if [[ $server == poplar ]]; then port=$P_POP3S; else port=$D_POP3S; fi; fi
    sleep 2
    before=$(${server}_rss); heap_before=0; [[ $server == poplar ]] && heap_before=$(poplar_heap)
    rm -f "$WORK/idle.ready"
    load --scenario idle --pop3-port "$port" --users "$nusers" --connections "$IDLE" --duration 15s "${tls_args[@]}" \
      --ready-file "$WORK/idle.ready" > "$WORK/idle.json" &
    lp=$!
    # Measure once every connection is logged in (10,000 PBKDF2 logins take a while), not at a guess.
    while [[ ! -f "$WORK/idle.ready" ]] && kill -0 $lp 2> /dev/null; do sleep 0.5; done
    if [[ ! -f "$WORK/idle.ready" ]]; then echo "$server idle: the generator failed: $(cat "$WORK/idle.json")"; exit 1; fi
    sleep 3
    during=$(${server}_rss); heap_during=0; [[ $server == poplar ]] && heap_during=$(poplar_heap)
    wait $lp || true
    echo "{\"server\":\"$server\",\"scenario\":\"idle\",\"connections\":$IDLE,\"rss_before_kib\":$before,\"rss_during_kib\":$during,\"rss_per_connection_kib\":$(awk "BEGIN {print ($during - $before) / $IDLE}"),\"heap_per_connection_kib\":$(awk "BEGIN {print ($heap_during - $heap_before) / $IDLE}")}" | tee -a "$results"
    if [[ $server == poplar ]]; then poplar_stop; else dovecot_stop; fi
  done
done

if selected list; then
  echo "== list: $CONN connections on one $BIG-message mailbox, shared maildrops on both"
  poplar_start shared; dovecot_start no
  for round in $(seq 1 "$ROUNDS"); do
    run poplar list $P_POP3 $P_LMTP --connections "$CONN" --warmup "$WARMUP" --duration "$DURATION" --big-user big
    run dovecot list $D_POP3 $D_LMTP --connections "$CONN" --warmup "$WARMUP" --duration "$DURATION" --big-user big
  done
  poplar_stop; dovecot_stop
fi

tls_knobs=""
[[ $TLS != none ]] && tls_knobs="TLS=$TLS TLS_VERSION=$TLS_VERSION TLS_RESUME=$TLS_RESUME KEY=$KEY TLS_CLIENT=$TLS_CLIENT "
command="${tls_knobs}USERS=$USERS MESSAGES=$MESSAGES BIG=$BIG CONN=$CONN DURATION=$DURATION WARMUP=$WARMUP ROUNDS=$ROUNDS IDLE=$IDLE benchmarks/compare.sh"
if [[ $DOCS == 1 ]]; then
  python3 "$root/benchmarks/report.py" "$results" "$root/docs/benchmarks.md" "$root/docs/benchmarks" "$command"
  echo "results: $results; table: docs/benchmarks.md, charts: docs/benchmarks/"
else
  python3 "$root/benchmarks/report.py" "$results" "$WORK/benchmarks.md" "$WORK/charts" "$command"
  echo "results: $results; table: $WORK/benchmarks.md"
fi
