#!/usr/bin/env bash
# The cost of the cluster's front (issue 16; docs/benchmarks.md, "Through nginx"): logins/s and
# RETR/s straight to the node that owns the mailboxes, against the same through stock nginx's
# mail proxy, where nginx asks node A's auth_http, node A finds the owner (node B) in its copy of
# the directory in etcd and has B check the password, and nginx then logs in to B with the PROXY
# protocol. So the nginx figures carry every hop of a cluster login. Then the auth_http answer's
# latency on its own (directory lookup + node-to-node check), p50/p99 over 2,000 requests.
#
#   benchmarks/proxy-bench.sh
#   USERS=200 ROUNDS=3 DURATION=15s benchmarks/proxy-bench.sh
#
# The two set-ups alternate in rounds (node B restarts between them: direct clients and nginx
# both come from 127.0.0.1, and B trusts the PROXY header only in the nginx set-up).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
USERS="${USERS:-100}" MESSAGES="${MESSAGES:-40}" CONN="${CONN:-50}" DURATION="${DURATION:-10s}"
WARMUP="${WARMUP:-3s}" ROUNDS="${ROUNDS:-3}"
# nginx's mail proxy buffer per direction (default one page, 4k): see docs/benchmarks.md for why 64k.
PROXY_BUFFER="${PROXY_BUFFER:-64k}"
WORK="${WORK:-$(mktemp -d /tmp/poplar-proxybench.XXXX)}"
mkdir -p "$WORK"; chmod 0755 "$WORK"
results="$WORK/results.jsonl"
: > "$results"
KEY=bench-cluster-key-0123456789

need=()
command -v etcd > /dev/null || need+=(etcd-server)
command -v nginx > /dev/null || PATH="$PATH:/usr/sbin" command -v nginx > /dev/null || need+=(nginx)
[[ -f /usr/lib/nginx/modules/ngx_mail_module.so ]] || need+=(libnginx-mod-mail)
if [[ ${#need[@]} -gt 0 ]]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" > /dev/null
fi
PATH="$PATH:/usr/sbin"
"$root/poplar" mvn -q package -DskipTests > /dev/null
java="$("$root/poplar" mvn -v 2> /dev/null | sed -n 's/.*runtime: \(.*\)$/\1/p')/bin/java"
bench="$root/benchmarks/target/poplar-bench.jar"
load() { "$java" --enable-native-access=ALL-UNNAMED -Xmx1g -cp "$bench" dev.poplar.bench.load.LoadGenerator "$@"; }

pids=()
declare -A node_pid=()
cleanup() {
  for p in "${pids[@]}" "${node_pid[@]}"; do kill "$p" 2> /dev/null || true; done
  wait 2> /dev/null || true
}
trap cleanup EXIT

# ---- etcd, one member ----------------------------------------------------------------------------
etcd --name bench --data-dir "$WORK/etcd" --listen-client-urls http://127.0.0.1:23790 \
  --advertise-client-urls http://127.0.0.1:23790 --listen-peer-urls http://127.0.0.1:23800 \
  --initial-advertise-peer-urls http://127.0.0.1:23800 --initial-cluster bench=http://127.0.0.1:23800 \
  > "$WORK/etcd.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do curl -sf http://127.0.0.1:23790/health > /dev/null && break; sleep 0.1; done

# ---- nodes: B owns every mailbox, A answers nginx ----------------------------------------------
node_env() { # $1 name, $2 base port
  echo POPLAR_DATA_DIR="$WORK/$1" POPLAR_POP3_PORT=$(($2 + 1)) POPLAR_POP3S_PORT=0 POPLAR_LMTP_PORT=$(($2 + 2)) \
    POPLAR_HTTP_PORT=$(($2 + 3)) POPLAR_NGINX_AUTH_PORT=$(($2 + 4)) POPLAR_NGINX_AUTH_KEY=$KEY \
    POPLAR_CLUSTER_ETCD=http://127.0.0.1:23790 POPLAR_CLUSTER_NODE="$1" POPLAR_AUTH_MIN_PASSWORD_LENGTH=1 \
    POPLAR_AUTH_FAILURE_DELAY=0 POPLAR_AUTH_BAN_AFTER=0 POPLAR_POP3_MAX_CONNECTIONS_PER_IP=20000 \
    POPLAR_POP3_MAILDROP_LOCK=shared
}
export POPLAR_JAVA_OPTS="-Xms1g -Xmx1g"
node_start() { # $1 name, $2 base port, $3 extra env
  env $(node_env "$1" "$2") $3 "$root/poplar" serve > "$WORK/$1.log" 2>&1 &
  node_pid[$1]=$!
  for _ in $(seq 300); do curl -sf "http://127.0.0.1:$(($2 + 3))/health/ready" > /dev/null && return; sleep 0.1; done
  echo "node $1 did not start: $(tail -5 "$WORK/$1.log")"; exit 1
}
node_stop() { kill -TERM "${node_pid[$1]}"; wait "${node_pid[$1]}" || true; }
B=32100 A=32200
{ for i in $(seq 0 $((USERS - 1))); do echo "user$i pw"; done; } > "$WORK/users.txt"
env $(node_env node-b $B) "$root/poplar" user import "$WORK/users.txt" > /dev/null
DIRECT_B="" NGINX_B="POPLAR_POP3_TRUSTED_PROXIES=127.0.0.1/32 POPLAR_AUTH_ALLOW_PLAINTEXT=trusted-proxies"
node_start node-b $B "$DIRECT_B"     # lists its mailboxes in the directory as it starts
load --scenario seed --lmtp-port $((B + 2)) --users "$USERS" --messages "$MESSAGES" --big-messages 0 > /dev/null
node_start node-a $A ""

# ---- nginx: auth_http at node A, PROXY protocol to the owner ---------------------------------
NGINX_PORT=32110
mkdir -p "$WORK/nginx"
cat > "$WORK/nginx/nginx.conf" <<CONF
load_module /usr/lib/nginx/modules/ngx_mail_module.so;
user root;
worker_processes auto;
error_log $WORK/nginx/error.log;
pid $WORK/nginx/nginx.pid;
events { worker_connections 4096; }
mail {
  server_name mail.test;
  auth_http 127.0.0.1:$((A + 4))/auth;
  auth_http_header X-Poplar-Auth-Key "$KEY";
  proxy_pass_error_message on;
  $( [[ $PROXY_BUFFER == default ]] || echo "proxy_buffer $PROXY_BUFFER;" )
  server { listen 127.0.0.1:$NGINX_PORT; protocol pop3; pop3_auth plain; proxy_protocol on; }
}
CONF
nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf"
trap 'cleanup; kill "$(cat "$WORK/nginx/nginx.pid")" 2> /dev/null || true' EXIT

run() { # $1 label, $2 scenario, $3 port
  local out; out="$(load --scenario "$2" --pop3-port "$3" --users "$USERS" --random true --password pw --pipelining false \
    --connections "$CONN" --warmup "$WARMUP" --duration "$DURATION" || true)"
  echo "$out" | sed "s/^{/{\"path\":\"$1\",\"proxy_buffer\":\"$PROXY_BUFFER\",/" >> "$results"
  echo "$1 $2: $out"
}
if [[ -n "${HOLD:-}" ]]; then # investigate by hand: everything up, node B trusting nginx
  node_stop node-b; node_start node-b $B "$NGINX_B"
  echo "held: nginx 127.0.0.1:$NGINX_PORT, node A auth_http $((A + 4)), node B pop3 $((B + 1)); rm $WORK/hold to go on"
  touch "$WORK/hold"; while [[ -e "$WORK/hold" ]]; do sleep 1; done
fi
for round in $(seq 1 "$ROUNDS"); do
  run direct login $((B + 1)); run direct retr $((B + 1))
  node_stop node-b; node_start node-b $B "$NGINX_B"
  run nginx login $NGINX_PORT; run nginx retr $NGINX_PORT
  node_stop node-b; node_start node-b $B "$DIRECT_B"
done

# ---- the auth_http answer alone: directory lookup + node-to-node check ------------------------
node_stop node-b; node_start node-b $B "$NGINX_B"
python3 - "$((A + 4))" "$KEY" "$USERS" >> "$WORK/auth.txt" <<'PY'
import http.client, random, statistics, sys, time
port, key, users = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
def ask(user):
    c = http.client.HTTPConnection("127.0.0.1", port)
    c.request("GET", "/auth", headers={"X-Poplar-Auth-Key": key, "Auth-Method": "plain", "Auth-User": user,
              "Auth-Pass": "pw", "Auth-Protocol": "pop3", "Auth-Login-Attempt": "1", "Client-IP": "127.0.0.9"})
    r = c.getresponse(); status = r.getheader("Auth-Status"); c.close()
    assert status == "OK", status
for i in range(200):
    ask("user%d" % random.randrange(users))
t = []
for i in range(2000):
    s = time.perf_counter(); ask("user%d" % random.randrange(users)); t.append((time.perf_counter() - s) * 1000)
t.sort()
print("auth_http (remote owner) p50 %.2f ms, p99 %.2f ms, max %.2f ms over %d requests" % (
    t[len(t) // 2], t[int(len(t) * 0.99)], t[-1], len(t)))
PY
cat "$WORK/auth.txt"

python3 - "$results" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
by = {}
for r in rows:
    by.setdefault((r["path"], r["scenario"]), []).append(r)
print("| scenario | direct to the owner (median ops/s, p99 ms) | through nginx (median ops/s, p99 ms) | nginx/direct | errors |")
print("|---|---|---|---|---|")
for sc in ["login", "retr"]:
    d, n = by.get(("direct", sc), []), by.get(("nginx", sc), [])
    if not d or not n:
        continue
    md = statistics.median(r["ops_per_s"] for r in d); mn = statistics.median(r["ops_per_s"] for r in n)
    pd = statistics.median(r["p99_ms"] for r in d); pn = statistics.median(r["p99_ms"] for r in n)
    err = sum(r["errors"] for r in d + n)
    print(f"| {sc} | {md:,.0f} ({pd:.2f}) | {mn:,.0f} ({pn:.2f}) | {mn / md:.2f} | {err} |")
PY
echo "results: $results"
