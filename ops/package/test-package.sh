#!/usr/bin/env bash
# The package as an operator meets it (issue 14; run by .ci/run as root on a Debian machine):
# build two versions, install the first, start the server exactly as the unit's ExecStart does
# (as user poplar, with only CAP_NET_BIND_SERVICE, no Java on PATH, /usr/bin/java left as it is),
# deliver over LMTP and fetch with curl and poplib, edit the config, upgrade to the second, check
# mail and config survived, remove, purge, and check what is left is what docs/install.md says.
# It installs and purges the package `poplar` on this machine.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
[[ "$(id -u)" == 0 ]] || { echo "test-package: needs root (dpkg -i)" >&2; exit 1; }

need=()
for tool in dpkg-deb:dpkg systemd-analyze:systemd curl:curl python3:python3 setpriv:util-linux adduser:adduser openssl:openssl; do
  command -v "${tool%%:*}" > /dev/null || need+=("${tool#*:}")
done
if [[ ${#need[@]} -gt 0 ]]; then
  echo "test-package: installing ${need[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" > /dev/null
fi

pass=0
ok() { pass=$((pass + 1)); echo "ok   $*"; }
fail() { echo "FAIL $*" >&2; exit 1; }
check() { local what=$1; shift; if "$@" > /dev/null; then ok "$what"; else fail "$what"; fi; }

server_pid=
stop_server() {
  if [[ -n "$server_pid" ]]; then
    kill -TERM "$server_pid" 2> /dev/null || true
    wait "$server_pid" 2> /dev/null || true
    server_pid=
  fi
}
cleanup() {
  stop_server
  dpkg --purge poplar > /dev/null 2>&1 || true
}
trap cleanup EXIT

v1=0.0.1~ci1 v2=0.0.1~ci2
deb1=$root/dist/poplar_${v1}_amd64.deb deb2=$root/dist/poplar_${v2}_amd64.deb
if [[ -z "${POPLAR_PACKAGE_REUSE:-}" || ! -f "$deb1" || ! -f "$deb2" ]]; then # reuse: local reruns
  "$root/poplar" package --version "$v1"
  "$root/poplar" package --version "$v2"
fi
dpkg --purge poplar > /dev/null 2>&1 || true

# -- install ---------------------------------------------------------------------------------
dpkg -i "$deb1" > /dev/null
check "installed $v1" test "$(dpkg-query -W -f '${Version}' poplar)" == "$v1"
check "system user and group poplar" getent passwd poplar
check "/var/lib/poplar is poplar's, 0750" test "$(stat -c '%U:%G %a' /var/lib/poplar)" == "poplar:poplar 750"
check "/etc/poplar/poplar.yaml is a conffile" grep -q /etc/poplar/poplar.yaml <(dpkg-query -W -f '${Conffiles}' poplar)
check "/etc/poplar/poplar.yaml root:poplar 0640" test "$(stat -c '%U:%G %a' /etc/poplar/poplar.yaml)" == "root:poplar 640"
check "bash completion installed" grep -q poplar /usr/share/bash-completion/completions/poplar
check "docs the unit points at are installed" test -f /usr/share/doc/poplar/install.md -a -f /usr/share/doc/poplar/operations.md
unit=/lib/systemd/system/poplar.service
systemd-analyze verify "$unit" 2> /tmp/poplar-verify.txt || true
# Offline (no systemd as PID 1 in CI) it may only warn about the machine; not about the unit.
check "systemd-analyze verify finds nothing in the unit" \
  test -z "$(grep 'poplar.service' /tmp/poplar-verify.txt | grep -v 'Failed to \(connect\|get\)')"
if command -v java > /dev/null; then
  echo "     the host's java (not used): $(java -version 2>&1 | head -1)"
fi
check "the CLI runs with no PATH at all" env -i PATH=/nonexistent /usr/bin/poplar --version

# -- start as the unit does ------------------------------------------------------------------
exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
check "ExecStart uses the bundled launcher" test "${exec_start%% *}" == /usr/lib/poplar/bin/poplar
start_server() {
  setpriv --reuid=poplar --regid=poplar --init-groups \
    --inh-caps=+net_bind_service --ambient-caps=+net_bind_service -- \
    /usr/bin/env -i PATH=/nonexistent POPLAR_DATA_DIR=/var/lib/poplar \
    /bin/sh -c "umask 0027; exec $exec_start" > /tmp/poplar-server.log 2>&1 &
  server_pid=$!
  for _ in $(seq 1 300); do
    if curl -sf -o /dev/null http://127.0.0.1:8110/health/ready; then return 0; fi
    kill -0 "$server_pid" 2> /dev/null || { cat /tmp/poplar-server.log >&2; fail "the server died"; }
    sleep 0.1
  done
  cat /tmp/poplar-server.log >&2
  fail "the server did not get ready"
}
start_server
ok "server ready on 110, 995, LMTP 127.0.0.1:2424, HTTP 127.0.0.1:8110"
check "the server runs as poplar" test "$(ps -o user= -p "$(pgrep -f 'poplar.jar serve' | head -1)")" == poplar

printf 'a-long-password-1\n' | poplar user add alice --password-stdin > /dev/null
ok "poplar user add as root goes through the running server"
python3 - << 'EOF'
import smtplib
with smtplib.LMTP("127.0.0.1", 2424) as lmtp:
    lmtp.sendmail("sender@example.org", ["alice"], b"Subject: packaged\r\n\r\nDelivered to the package.\r\n")
EOF
ok "delivered over LMTP"
check "curl fetches it over POP3 (110)" grep -q "Subject: packaged" \
  <(curl -s --user alice:a-long-password-1 pop3://127.0.0.1:110/1)
check "curl lists it over POP3S (995, the self-signed certificate)" grep -q "^1 " \
  <(curl -s -k --user alice:a-long-password-1 pop3s://127.0.0.1:995/)
check "TLS is served by the bundled BoringSSL under the unit's sandbox (provider auto)" \
  grep -q 'poplar_tls_provider_info{provider="openssl"} 1' <(curl -s http://127.0.0.1:8110/metrics)
python3 - << 'EOF'
import poplib, ssl
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
p = poplib.POP3("127.0.0.1", 110); p.stls(ctx); p.user("alice"); p.pass_("a-long-password-1")
assert p.stat()[0] == 1, p.stat()
p.quit()
EOF
ok "poplib fetches over STLS"
uidl_before=$(curl -s --user alice:a-long-password-1 -X UIDL pop3://127.0.0.1:110/)

# -- TLS with certbot's files, as docs/install.md says (a self-signed pair stands in for certbot's) --
le=$(mktemp -d)/live/mail.example.org
mkdir -p "$le"
poplar tls self-signed --cert "$le/fullchain.pem" --key "$le/privkey.pem" --name mail.example.org > /dev/null
install -d -m 0750 -g poplar /etc/poplar/tls
hook=$(mktemp)
sed -n "/renewal-hooks\/deploy\/poplar << 'EOF'/,/^EOF$/p" "$root/docs/install.md" | sed '1d;$d' > "$hook"
check "install.md's deploy hook found" grep -q RENEWED_LINEAGE "$hook"
RENEWED_LINEAGE=$le sh "$hook"
check "the hook's copies are readable by poplar" runuser -u poplar -- test -r /etc/poplar/tls/privkey.pem
# "uncomment the tls: lines": the operator's edit that the upgrade below must keep.
sed -i -e 's/^  # tls:/  tls:/' -e 's/^  #   cert:/    cert:/' -e 's/^  #   key:/    key:/' /etc/poplar/poplar.yaml
stop_server
start_server
served() {
  openssl s_client -connect 127.0.0.1:995 -servername mail.example.org < /dev/null 2> /dev/null \
    | openssl x509 -noout -subject
}
check "POP3S serves the certbot certificate" grep -q "mail.example.org" <(served)

# -- an RSA certificate beside it (install.md): a -rsa lineage through the same hook -------------
install -d -m 0750 -g poplar /etc/poplar/tls-rsa
mkdir -p "$le-rsa"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$le-rsa/privkey.pem" -out "$le-rsa/fullchain.pem" \
  -subj /CN=mail.example.org -days 30 2> /dev/null
RENEWED_LINEAGE=$le-rsa sh "$hook"
check "the hook puts the -rsa lineage in tls-rsa" runuser -u poplar -- test -r /etc/poplar/tls-rsa/privkey.pem
sed -i -e 's/^  #   alt-cert:/    alt-cert:/' -e 's/^  #   alt-key:/    alt-key:/' /etc/poplar/poplar.yaml
stop_server
start_server
key_served() { # $@: s_client options; prints the served certificate's public key algorithm
  openssl s_client -connect 127.0.0.1:995 "$@" < /dev/null 2> /dev/null | openssl x509 -noout -text \
    | sed -n 's/.*Public Key Algorithm: //p'
}
check "POP3S serves ECDSA to a client that can verify it" grep -q id-ecPublicKey <(key_served)
check "POP3S serves RSA to an RSA-only client" grep -q rsaEncryption <(key_served -sigalgs rsa_pss_rsae_sha256)

# -- the LDAP and SQL clients load in the bundled runtime (jlink's module list) -----------------
# A second server on a scratch data directory, its directories pointing where nothing listens:
# /health/ready can only name them DOWN if UnboundID, HikariCP and the JDBC driver ran.
dirdata=$(mktemp -d)
env -i PATH=/nonexistent POPLAR_DATA_DIR="$dirdata" POPLAR_POP3_PORT=0 POPLAR_POP3S_PORT=0 POPLAR_LMTP_PORT=0 \
  POPLAR_HTTP_PORT=18110 POPLAR_DIRECTORY_CHAIN=internal,ldap,sql POPLAR_LDAP_URI=ldap://127.0.0.1:9 \
  POPLAR_LDAP_BASE=o=x POPLAR_LDAP_TIMEOUT=1s POPLAR_SQL_URL=jdbc:postgresql://127.0.0.1:9/mail POPLAR_SQL_TIMEOUT=1s \
  POPLAR_SQL_PASSWORD_QUERY="SELECT password FROM users WHERE email = '%u'" \
  /usr/lib/poplar/bin/poplar serve > /tmp/poplar-directories.log 2>&1 &
dir_pid=$!
ready_body=""
for _ in $(seq 1 300); do
  ready_body=$(curl -s http://127.0.0.1:18110/health/ready || true)
  [[ -n $ready_body ]] && break
  sleep 0.1
done
kill "$dir_pid" 2> /dev/null || true
wait "$dir_pid" 2> /dev/null || true
rm -rf "$dirdata"
check "the bundled runtime runs the LDAP and SQL clients (both down: /health/ready names them)" \
  grep -q '"ldap":"DOWN.*"sql":"DOWN' <<< "$ready_body"

# -- upgrade -----------------------------------------------------------------------------------
dpkg -i --force-confdef --force-confold "$deb2" > /dev/null
check "upgraded to $v2" test "$(dpkg-query -W -f '${Version}' poplar)" == "$v2"
stop_server # what postinst's systemctl try-restart does under systemd
start_server
check "the config edit survived" grep -q "^    cert: /etc/poplar/tls/fullchain.pem" /etc/poplar/poplar.yaml
check "and still serves the certbot certificate" grep -q "mail.example.org" <(served)
check "mail and UIDLs survived" test "$(curl -s --user alice:a-long-password-1 -X UIDL pop3://127.0.0.1:110/)" == "$uidl_before"
stop_server
check "root is refused offline, with the fix" grep -q "run the command as that user" <(poplar check 2>&1)
check "the store is consistent (poplar check as poplar)" runuser -u poplar -- poplar check

# -- remove, purge -----------------------------------------------------------------------------
dpkg --remove poplar > /dev/null
check "remove: the program is gone" test ! -e /usr/lib/poplar -a ! -e /usr/bin/poplar
check "remove: mail stays in /var/lib/poplar" test -d /var/lib/poplar/store
check "remove: the config stays" test -f /etc/poplar/poplar.yaml
dpkg --purge poplar > /dev/null
check "purge: /var/lib/poplar is gone" test ! -e /var/lib/poplar
check "purge: /etc/poplar is gone" test ! -e /etc/poplar
check "purge: the poplar user stays (docs/install.md)" getent passwd poplar

# -- the tarball -------------------------------------------------------------------------------
tmp=$(mktemp -d)
tar -C "$tmp" -xzf "$root/dist/poplar-$v2-linux-x64.tar.gz"
check "tarball: bin/poplar runs with no PATH" env -i PATH=/nonexistent "$tmp/poplar-$v2/bin/poplar" --version
check "tarball: a symlink to bin/poplar works" ln -s "$tmp/poplar-$v2/bin/poplar" "$tmp/poplar-link"
check "tarball: the CLI opens a store" env POPLAR_DATA_DIR="$tmp/data" "$tmp/poplar-link" user list
check "tarball: the unit points at /opt/poplar" grep -q '^ExecStart=/opt/poplar/bin/poplar serve' "$tmp/poplar-$v2/systemd/poplar.service"
rm -rf "$tmp"

echo "package: $pass passed, 0 failed"
