#!/usr/bin/env bash
# Logins per second through a user directory (issue 18; docs/benchmarks.md, "User directories"):
# Poplar against a real OpenLDAP slapd and a real PostgreSQL, each with its cache off and on,
# and Dovecot against the same slapd with its LDAP passdb (search, then bind as the user, as
# Poplar's default), cache off and on. Same users, same load generator, alternating in rounds.
#
#   benchmarks/directory-bench.sh                         # defaults below
#   USERS=2000 ROUNDS=3 DURATION=15s benchmarks/directory-bench.sh
#
# Every login is connect, USER/PASS, QUIT for a random one of USERS users, CONN at once. All
# mailboxes exist before measuring (one login each), so the figures are the directory's path.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
USERS="${USERS:-1000}" CONN="${CONN:-50}" DURATION="${DURATION:-10s}" WARMUP="${WARMUP:-3s}" ROUNDS="${ROUNDS:-3}"
WORK="${WORK:-$(mktemp -d /tmp/poplar-dirbench.XXXX)}"
chmod 0755 "$WORK"
results="$WORK/results.jsonl"
: > "$results"

need=()
command -v slapd > /dev/null || PATH="$PATH:/usr/sbin" command -v slapd > /dev/null || need+=(slapd)
command -v ldapadd > /dev/null || need+=(ldap-utils)
[[ -f /usr/lib/dovecot/modules/auth/libauthdb_ldap.so ]] || need+=(dovecot-ldap)
command -v dovecot > /dev/null && [[ -x /usr/lib/dovecot/pop3 ]] || need+=(dovecot-pop3d)
compgen -G '/usr/lib/postgresql/*/bin/pg_ctl' > /dev/null || need+=(postgresql)
if [[ ${#need[@]} -gt 0 ]]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" > /dev/null
fi
PATH="$PATH:/usr/sbin"
pgbin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
"$root/poplar" mvn -q package -DskipTests > /dev/null
java="$("$root/poplar" mvn -v 2> /dev/null | sed -n 's/.*runtime: \(.*\)$/\1/p')/bin/java"
bench="$root/benchmarks/target/poplar-bench.jar"
load() { "$java" --enable-native-access=ALL-UNNAMED -Xmx1g -cp "$bench" dev.poplar.bench.load.LoadGenerator "$@"; }

# ---- slapd: USERS inetOrgPerson entries, {SSHA} passwords (what slappasswd makes) ---------------
L_PORT=23389
mkdir -p "$WORK/ldap/db"
cat > "$WORK/ldap/slapd.conf" <<CONF
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
include $root/ops/ldap/poplar.schema
pidfile $WORK/ldap/slapd.pid
modulepath /usr/lib/ldap
moduleload back_mdb
database mdb
suffix "dc=example,dc=org"
rootdn "cn=admin,dc=example,dc=org"
rootpw admin-secret
directory $WORK/ldap/db
maxsize 104857600
index uid eq
access to attrs=userPassword by dn.exact="cn=poplar,dc=example,dc=org" read by anonymous auth by * none
access to * by * read
CONF
ssha="$(slappasswd -s pw)"
{
  printf 'dn: dc=example,dc=org\nobjectClass: dcObject\nobjectClass: organization\no: Example\ndc: example\n\n'
  printf 'dn: ou=people,dc=example,dc=org\nobjectClass: organizationalUnit\nou: people\n\n'
  printf 'dn: cn=poplar,dc=example,dc=org\nobjectClass: organizationalRole\nobjectClass: simpleSecurityObject\ncn: poplar\nuserPassword: service-secret\n\n'
  for i in $(seq 0 $((USERS - 1))); do
    printf 'dn: uid=user%d,ou=people,dc=example,dc=org\nobjectClass: inetOrgPerson\nuid: user%d\ncn: user%d\nsn: user%d\nmail: user%d@example.org\nuserPassword: %s\n\n' \
      "$i" "$i" "$i" "$i" "$i" "$ssha"
  done
} > "$WORK/ldap/data.ldif"
slapadd -q -f "$WORK/ldap/slapd.conf" -l "$WORK/ldap/data.ldif"
slapd -f "$WORK/ldap/slapd.conf" -h "ldap://127.0.0.1:$L_PORT/"
stop_all() {
  kill "$(cat "$WORK/ldap/slapd.pid" 2> /dev/null)" 2> /dev/null || true
  as_pg "$pgbin/pg_ctl" -D "$WORK/pg/data" -m fast -w stop > /dev/null 2>&1 || true
  doveadm -c "$WORK/dovecot/dovecot.conf" stop 2> /dev/null || true
}
trap stop_all EXIT

# ---- PostgreSQL: the same users, {SSHA256} hashes (cheap, like slapd's {SSHA}) -----------------
PG_PORT=25432
as_pg() { if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
mkdir -p "$WORK/pg"; [[ $(id -u) == 0 ]] && chown postgres: "$WORK/pg"
as_pg "$pgbin/initdb" -D "$WORK/pg/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --no-sync > /dev/null
as_pg "$pgbin/pg_ctl" -D "$WORK/pg/data" -l "$WORK/pg/log" -w -o "-p $PG_PORT -k $WORK/pg -c listen_addresses=127.0.0.1" start > /dev/null
psql_() { as_pg "$pgbin/psql" -X -q -v ON_ERROR_STOP=1 -h "$WORK/pg" -p $PG_PORT -U postgres "$@"; }
psql_ -d postgres -c "CREATE ROLE poplar LOGIN PASSWORD 'db-secret'"
psql_ -d postgres -c "CREATE DATABASE mail"
h256="$(doveadm pw -s SSHA256 -p pw)"
psql_ -d mail -c "CREATE TABLE users (email text PRIMARY KEY, password text, enabled boolean NOT NULL DEFAULT true);
  INSERT INTO users SELECT 'user' || i, '$h256' FROM generate_series(0, $((USERS - 1))) i;
  GRANT SELECT ON users TO poplar;"

# ---- Poplar: one server per configuration, mailboxes made by a first round of logins -----------
P_POP3=21110 P_HTTP=28110
poplar_start() { # $1: ldap|sql, $2: cache size
  rm -rf "$WORK/poplar"
  env POPLAR_DATA_DIR="$WORK/poplar" POPLAR_POP3_PORT=$P_POP3 POPLAR_POP3S_PORT=0 POPLAR_LMTP_PORT=0 POPLAR_HTTP_PORT=$P_HTTP \
    POPLAR_POP3_MAX_CONNECTIONS_PER_IP=20000 POPLAR_POP3_MAX_CONNECTIONS_PER_USER=20000 POPLAR_AUTH_FAILURE_DELAY=0 \
    POPLAR_AUTH_BAN_AFTER=0 POPLAR_POP3_MAILDROP_LOCK=shared POPLAR_LOG_FORMAT=json \
    POPLAR_DIRECTORY_CHAIN="$1" POPLAR_DIRECTORY_CACHE_SIZE="$2" \
    POPLAR_LDAP_URI="ldap://127.0.0.1:$L_PORT" POPLAR_LDAP_BASE="ou=people,dc=example,dc=org" \
    POPLAR_LDAP_BIND_DN="cn=poplar,dc=example,dc=org" POPLAR_LDAP_BIND_PASSWORD=service-secret \
    POPLAR_LDAP_USER_FILTER='(&(objectClass=inetOrgPerson)(uid=%u))' \
    POPLAR_SQL_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/mail" POPLAR_SQL_USER=poplar POPLAR_SQL_PASSWORD=db-secret \
    POPLAR_SQL_PASSWORD_QUERY="SELECT password, enabled FROM users WHERE email = '%u'" \
    POPLAR_JAVA_OPTS="-Xms1g -Xmx1g" "$root/poplar" serve > "$WORK/poplar.log" 2>&1 &
  poplar_pid=$!
  for _ in $(seq 300); do curl -sf "http://127.0.0.1:$P_HTTP/health/ready" > /dev/null && return; sleep 0.1; done
  echo "poplar did not start: $(tail -5 "$WORK/poplar.log")"; exit 1
}
poplar_stop() { kill -TERM "$poplar_pid"; wait "$poplar_pid" || true; }

# ---- Dovecot: LDAP passdb, search then bind (auth_bind = yes), static userdb --------------------
D_POP3=31110
dovecot_start() { # $1: auth_cache_size (0 or 10M)
  mkdir -p "$WORK/dovecot/run" "$WORK/dovecot/mail"; chown -R mail:mail "$WORK/dovecot/mail"
  cat > "$WORK/dovecot/ldap.conf.ext" <<CONF
hosts = 127.0.0.1:$L_PORT
dn = cn=poplar,dc=example,dc=org
dnpass = service-secret
auth_bind = yes
ldap_version = 3
base = ou=people,dc=example,dc=org
pass_filter = (&(objectClass=inetOrgPerson)(uid=%u))
pass_attrs = uid=user
CONF
  cat > "$WORK/dovecot/dovecot.conf" <<CONF
base_dir = $WORK/dovecot/run
state_dir = $WORK/dovecot/state
log_path = $WORK/dovecot/dovecot.log
protocols = pop3
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain
auth_cache_size = $1
auth_cache_ttl = 5 mins
mail_location = sdbox:~/sdbox
mail_uid = mail
mail_gid = mail
first_valid_uid = 1
mail_max_userip_connections = 20000
pop3_lock_session = no
passdb {
  driver = ldap
  args = $WORK/dovecot/ldap.conf.ext
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
  service_count = 0
  process_min_avail = $(nproc)
  client_limit = 10000
}
service pop3 {
  service_count = 0
  process_limit = 2000
}
service auth {
  client_limit = 20000
}
service anvil {
  client_limit = 20000
}
CONF
  dovecot -c "$WORK/dovecot/dovecot.conf"; sleep 1
}
dovecot_stop() { doveadm -c "$WORK/dovecot/dovecot.conf" stop 2> /dev/null || true; sleep 1; }

run() { # $1 label, $2 port
  local out; out="$(load --scenario login --pop3-port "$2" --users "$USERS" --random true --password pw \
    --connections "$CONN" --warmup "$WARMUP" --duration "$DURATION" || true)"
  echo "$out" | sed "s/^{/{\"server\":\"$1\",/" >> "$results"
  echo "$1: $out"
}
prime() { load --scenario prime --pop3-port "$1" --users "$USERS" --password pw --connections 8 > /dev/null; }

for round in $(seq 1 "$ROUNDS"); do
  for cfg in "ldap 0 poplar-ldap-nocache" "ldap 100000 poplar-ldap-cache" "sql 0 poplar-sql-nocache" "sql 100000 poplar-sql-cache"; do
    read -r chain size label <<< "$cfg"
    poplar_start "$chain" "$size"; prime $P_POP3; run "$label" $P_POP3; poplar_stop
  done
  for cfg in "0 dovecot-ldap-nocache" "10M dovecot-ldap-cache"; do
    read -r size label <<< "$cfg"
    dovecot_start "$size"; prime $D_POP3; run "$label" $D_POP3; dovecot_stop
  done
done

python3 - "$results" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
by = {}
for r in rows:
    by.setdefault(r["server"], []).append(r)
order = ["poplar-ldap-nocache", "dovecot-ldap-nocache", "poplar-ldap-cache", "dovecot-ldap-cache",
         "poplar-sql-nocache", "poplar-sql-cache"]
print("| configuration | logins/s (median) | p99 ms (median) | errors | rounds |")
print("|---|---:|---:|---:|---:|")
for k in order:
    if k in by:
        rs = by[k]
        print(f"| {k} | {statistics.median(r['ops_per_s'] for r in rs):,.0f} | "
              f"{statistics.median(r['p99_ms'] for r in rs):.2f} | {sum(r['errors'] for r in rs)} | {len(rs)} |")
def med(k): return statistics.median(r['ops_per_s'] for r in by[k]) if k in by else None
for a, b in [("poplar-ldap-nocache", "dovecot-ldap-nocache"), ("poplar-ldap-cache", "dovecot-ldap-cache")]:
    if med(a) and med(b):
        print(f"\n{a} / {b}: {med(a) / med(b):.2f}x")
PY
echo "raw results: $results"
