package dev.poplar.config;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every configuration key with its default and meaning. docs/configuration.md documents the same
 * list (a test checks that it names every key). Each key can be overridden by an environment
 * variable: upper case, '.' and '-' become '_' (poplar.pop3.port -> POPLAR_POP3_PORT).
 */
public final class ConfigKeys {
    public record Key(String name, String defaultValue, String description) {
        public String envName() {
            return name.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_');
        }
    }

    public static final Map<String, Key> ALL = new LinkedHashMap<>();

    public static final Key DATA_DIR = key(
            "poplar.data-dir", "./data", "Directory of the RocksDB store, the admin token and the server lock file.");
    public static final Key DATA_DIR_MODE = key(
            "poplar.data-dir-mode",
            "owner",
            "Who may read the data directory (mail bodies, credential records): owner (directory 0700, files 0600) or group "
                    + "(0750/0640, for a backup agent in the server's group). Enforced at every start whatever the umask; "
                    + "'poplar check' reports anything looser.");
    public static final Key BACKUP_ROOT = key(
            "poplar.backup-root",
            "./backups",
            "The directory online backups are written under ('poplar backup NAME', POST /api/backup): a name is taken relative "
                    + "to it and a path outside it is refused, so the admin API cannot write elsewhere. Created 0700 when missing.");
    public static final Key POP3_HOST = key("poplar.pop3.host", "127.0.0.1", "Address the POP3 listener binds to.");
    public static final Key POP3_PORT = key("poplar.pop3.port", "1110", "POP3 port; 0 disables the listener.");
    public static final Key POP3_AUTH_TIMEOUT = key(
            "poplar.pop3.auth-timeout",
            "60s",
            "Inactivity limit before login (shorter than idle-timeout, so idle unauthenticated connections go soon).");
    public static final Key POP3_IDLE_TIMEOUT = key(
            "poplar.pop3.idle-timeout",
            "10m",
            "Inactivity autologout (RFC 1939 section 3 requires at least 10m); the session closes without UPDATE.");
    public static final Key POP3_MAILDROP_LOCK = key(
            "poplar.pop3.maildrop-lock",
            "exclusive",
            "exclusive: one session per mailbox, a second gets -ERR [IN-USE] (RFC 1939); "
                    + "shared: several sessions, each on its own snapshot.");
    public static final Key POP3_MAX_CONNECTIONS = key(
            "poplar.pop3.max-connections",
            "10000",
            "Most POP3 (port 110) connections at once; a connection past it is answered -ERR [SYS/TEMP] and closed.");
    public static final Key POP3_MAX_BAD_COMMANDS = key(
            "poplar.pop3.max-bad-commands",
            "20",
            "Consecutive bad commands (or failed logins) before the server closes the connection.");
    public static final Key POP3_MAX_CONNECTIONS_PER_IP = key(
            "poplar.pop3.max-connections-per-ip",
            "1000",
            "Most POP3 and POP3S connections together from one client address (the PROXY header's, behind a proxy); "
                    + "a connection past it is answered -ERR [SYS/TEMP] and closed. High by default: a carrier-grade NAT puts "
                    + "thousands of users behind one address.");
    public static final Key POP3_PER_IP_EXEMPT = key(
            "poplar.pop3.per-ip-exempt",
            "127.0.0.1/32,::1/128",
            "Client addresses or blocks (comma-separated) that max-connections-per-ip does not apply to: by default this "
                    + "host (a load test, a local webmail). Trusted proxies and poplar.auth.ban-allow-list are exempt too.");
    public static final Key POP3_MAX_CONNECTIONS_PER_USER = key(
            "poplar.pop3.max-connections-per-user",
            "10",
            "Most logged-in sessions of one user over POP3 and POP3S together (matters with maildrop-lock: shared).");
    public static final Key POP3_LOGIN_DELAY = key(
            "poplar.pop3.login-delay",
            "0",
            "RFC 2449 LOGIN-DELAY: least time between two logins of one user, advertised in CAPA and "
                    + "enforced with -ERR [LOGIN-DELAY]; 0 turns it off.");
    public static final Key POP3_TRUSTED_PROXIES = key(
            "poplar.pop3.trusted-proxies",
            "",
            "Addresses or blocks (comma-separated) whose connections start with a PROXY protocol v1/v2 "
                    + "header naming the real client (nginx with proxy_protocol on).");
    public static final Key POP3S_HOST =
            key("poplar.pop3s.host", "127.0.0.1", "Address the implicit-TLS POP3 listener (RFC 8314) binds to.");
    public static final Key POP3S_PORT =
            key("poplar.pop3s.port", "1995", "Implicit-TLS POP3 port (995 in production); 0 disables the listener.");
    public static final Key POP3S_MAX_CONNECTIONS = key(
            "poplar.pop3s.max-connections",
            "10000",
            "Most POP3S (port 995) connections at once; a connection past it is answered -ERR [SYS/TEMP] and closed.");
    public static final Key TLS_CERT = key(
            "poplar.tls.cert",
            "",
            "PEM certificate chain, leaf first (certbot's fullchain.pem). Empty: a self-signed development "
                    + "certificate is created in data-dir/tls/ (clients will warn; never use it for real mail).");
    public static final Key TLS_KEY = key(
            "poplar.tls.key",
            "",
            "PEM private key (PKCS#8, PKCS#1 RSA or SEC1 EC; certbot's privkey.pem), unencrypted.");
    public static final Key TLS_ALT_CERT = key(
            "poplar.tls.alt-cert",
            "",
            "A second certificate chain with the other key type (RSA beside an ECDSA poplar.tls.cert, or the other "
                    + "way round), as Dovecot's ssl_alt_cert: each client gets the one its signature algorithms accept, "
                    + "ECDSA when it can do both. Empty: one certificate.");
    public static final Key TLS_ALT_KEY =
            key("poplar.tls.alt-key", "", "The private key of poplar.tls.alt-cert (PEM, unencrypted).");
    public static final Key TLS_RELOAD_INTERVAL = key(
            "poplar.tls.reload-interval",
            "60s",
            "How often the certificate and key files are checked for changes (renewals need no restart).");
    public static final Key TLS_PROVIDER = key(
            "poplar.tls.provider",
            "auto",
            "Which TLS implementation serves POP3S and STLS: openssl (BoringSSL, bundled; handshakes cost "
                    + "a third to a half of the JDK's CPU), jdk (pure Java), or auto (openssl when its native "
                    + "library loads on this machine, else jdk with a warning). The log line tls_certificate_loaded "
                    + "and the metric poplar_tls_provider_info say which one runs.");
    public static final Key AUTH_ALLOW_PLAINTEXT = key(
            "poplar.auth.allow-plaintext",
            "loopback",
            "When clear-text passwords (USER/PASS, PLAIN, LOGIN) are accepted: loopback (over TLS or from a "
                    + "loopback address), trusted-proxies (over TLS or through poplar.pop3.trusted-proxies: nginx ending TLS), "
                    + "never (over TLS only), always.");
    public static final Key AUTH_FAILURE_DELAY = key(
            "poplar.auth.failure-delay",
            "250ms",
            "Delay before answering a failed login, doubled for each further failure from the address or "
                    + "for the user within ban-window; 0 turns delays off.");
    public static final Key AUTH_FAILURE_DELAY_MAX =
            key("poplar.auth.failure-delay-max", "5s", "Cap of the failed-login delay.");
    public static final Key AUTH_BAN_AFTER = key(
            "poplar.auth.ban-after",
            "10",
            "Failed logins from one address within ban-window that ban it; 0 turns bans off.");
    public static final Key AUTH_BAN_WINDOW =
            key("poplar.auth.ban-window", "10m", "The window failed logins are counted in.");
    public static final Key AUTH_BAN_DURATION =
            key("poplar.auth.ban-duration", "15m", "How long a banned address is refused.");
    public static final Key AUTH_BAN_ALLOW_LIST = key(
            "poplar.auth.ban-allow-list",
            "",
            "Addresses or blocks never delayed or banned (a webmail server, monitoring), comma-separated.");
    public static final Key AUTH_APOP = key(
            "poplar.auth.apop",
            "false",
            "Offer APOP (RFC 1939) to users that have an APOP secret; the secret is kept sealed, not hashed.");
    public static final Key AUTH_MECHANISMS = key(
            "poplar.auth.mechanisms",
            "plain,login,scram-sha-256,oauthbearer,xoauth2",
            "SASL mechanisms offered by AUTH (RFC 5034), comma-separated; OAUTHBEARER and XOAUTH2 only when "
                    + "poplar.auth.oauth.jwks-file is set.");
    public static final Key OAUTH_ISSUER =
            key("poplar.auth.oauth.issuer", "", "Required 'iss' of OAuth bearer tokens (JWT).");
    public static final Key OAUTH_AUDIENCE =
            key("poplar.auth.oauth.audience", "", "Required 'aud' of OAuth bearer tokens (JWT).");
    public static final Key OAUTH_JWKS_FILE = key(
            "poplar.auth.oauth.jwks-file",
            "",
            "JWKS file with the issuer's signing keys (RS256, ES256); re-read when it changes. Empty: OAuth off.");
    public static final Key OAUTH_USER_CLAIM =
            key("poplar.auth.oauth.user-claim", "email", "The token claim that names the mailbox user.");
    public static final Key LMTP_HOST = key("poplar.lmtp.host", "127.0.0.1", "Address the LMTP listener binds to.");
    public static final Key LMTP_PORT = key("poplar.lmtp.port", "2424", "LMTP port; 0 disables the listener.");
    public static final Key LMTP_MAX_MESSAGE_SIZE = key(
            "poplar.lmtp.max-message-size",
            "50M",
            "Largest message accepted (advertised as SIZE); larger ones get 552 5.3.4.");
    public static final Key LMTP_MAX_LINE_LENGTH = key(
            "poplar.lmtp.max-line-length",
            "64K",
            "Longest line of message content, without its CRLF (RFC 5321 allows 998; Postfix folds at 990). A message with a "
                    + "longer line gets 500 5.5.0 per recipient. No line is ever buffered whole, so this guards clients, not memory.");
    public static final Key LMTP_MAX_RECIPIENTS =
            key("poplar.lmtp.max-recipients", "100", "Most recipients per transaction; more get 452 4.5.3.");
    public static final Key LMTP_IDLE_TIMEOUT = key(
            "poplar.lmtp.idle-timeout",
            "5m",
            "An LMTP client silent this long is disconnected (RFC 5321 section 4.5.3.2 suggests 5m).");
    public static final Key LMTP_MAX_CONNECTIONS =
            key("poplar.lmtp.max-connections", "1000", "Most LMTP connections at once.");
    public static final Key QUOTA_MAX_SIZE = key(
            "poplar.quota.max-size",
            "0",
            "Storage quota of every mailbox, in RFC 1939 octets (512M, 2G); 0: none. A delivery that would pass it is refused "
                    + "for that recipient with 552 5.2.2 (at RCPT when MAIL announced a SIZE, else after DATA); the others still get it.");
    public static final Key QUOTA_MAX_MESSAGES = key(
            "poplar.quota.max-messages",
            "0",
            "Most messages a mailbox may hold; 0: none. A delivery to a full mailbox is refused with 552 5.2.2.");
    public static final Key QUOTA_WARNING_RATIO = key(
            "poplar.quota.warning-ratio",
            "0.9",
            "Share of its quota (by size or by count, whichever is fuller) from which a mailbox counts as nearly full: the "
                    + "retention sweep counts such mailboxes in poplar_quota_warning_mailboxes, and `poplar mailbox summary` lists them.");
    public static final Key RETENTION_MAX_AGE = key(
            "poplar.retention.max-age",
            "never",
            "Default retention: messages received longer ago than this (whole days: 90d) are expunged by the background sweep; "
                    + "never keeps mail for ever. Announced in CAPA as EXPIRE (RFC 2449); `poplar user limits` overrides it per user. "
                    + "Migrated mail is aged by its source date.");
    public static final Key RETENTION_SWEEP_INTERVAL = key(
            "poplar.retention.sweep-interval",
            "1h",
            "How often the retention sweep walks all mailboxes (it also refreshes the quota gauges).");
    public static final Key RETENTION_SWEEP_RATE = key(
            "poplar.retention.sweep-rate",
            "1000",
            "Most mailboxes the sweep visits per second, so it never competes with sessions for the disk: "
                    + "1,000,000 mailboxes take about 17 minutes at the default.");
    public static final Key QUOTA_FULL_TEMPFAIL = key(
            "poplar.quota.full-tempfail",
            "false",
            "true: answer an over-quota delivery with 452 4.2.2 instead of 552 5.2.2, so the MTA keeps the message and "
                    + "retries (Dovecot's quota_full_tempfail); the user has its queue lifetime to make room.");
    public static final Key LMTP_HOSTNAME =
            key("poplar.lmtp.hostname", "", "Name used in the LMTP greeting; empty means this machine's host name.");
    public static final Key HTTP_HOST = key(
            "poplar.http.host",
            "127.0.0.1",
            "Address of the HTTP listener (health, admin API). Keep it on loopback or a private network.");
    public static final Key HTTP_PORT = key("poplar.http.port", "8110", "HTTP port; 0 disables the listener.");
    public static final Key STORE_BLOCK_CACHE =
            key("poplar.store.block-cache", "64M", "RocksDB block cache shared by all column families.");
    public static final Key STORE_BLOB_FILES = key(
            "poplar.store.blob-files",
            "false",
            "Keep message bodies in RocksDB blob files (BlobDB), so compaction does not rewrite message bytes. Off by default: "
                    + "blob reads are verified with a software CRC32C in the RocksDB JNI build, which cut RETR throughput by a third "
                    + "(docs/benchmarks.md); table blocks are verified with XXH3. An existing store can switch either way: data already written stays readable.");
    public static final Key AUTH_PBKDF2_ITERATIONS = key(
            "poplar.auth.pbkdf2-iterations",
            "4096",
            "PBKDF2-HMAC-SHA-256 iterations for new passwords (RFC 7677 asks for at least 4096). Each login pays them once: "
                    + "more slows offline guessing of a stolen store and costs login throughput (docs/security.md has measured figures). "
                    + "Existing passwords keep their count until changed.");
    public static final Key AUTH_CACHE_SIZE = key(
            "poplar.auth.cache-size",
            "100000",
            "Most verified passwords remembered (about 150 bytes each), so clients polling with the same password skip the "
                    + "slow hash (Dovecot's auth cache); 0 turns the cache off. A wrong or changed password never hits it "
                    + "(docs/security.md).");
    public static final Key AUTH_CACHE_TTL =
            key("poplar.auth.cache-ttl", "30m", "How long a verified password is remembered.");
    public static final Key AUTH_HASH_CONCURRENCY = key(
            "poplar.auth.hash-concurrency",
            "0",
            "Most slow password hashes running at once; further logins wait parked, out of the way of RETR and LMTP. "
                    + "0: one per core. Fewer reserves cores for the other sessions during a login storm.");
    public static final Key AUTH_REHASH_IMPORTED = key(
            "poplar.auth.rehash-imported",
            "true",
            "After a login checked against a hash imported from another server ('user import --hashed'), store the password "
                    + "in Poplar's own form (PBKDF2 SCRAM keys, which also enables SCRAM for the user). Counted in "
                    + "poplar_auth_password_rehashes_total.");
    public static final Key AUTH_MIN_PASSWORD_LENGTH = key(
            "poplar.auth.min-password-length",
            "8",
            "Fewest characters a new password (user add, passwd, import, APOP secret) may have. Imported hashes are not checked.");
    public static final Key DIRECTORY_CHAIN = key(
            "poplar.directory.chain",
            "internal",
            "Where users are looked up, in order (comma-separated): internal (Poplar's store), ldap (poplar.ldap.*), sql "
                    + "(poplar.sql.*). The first directory that has a user decides its login; one that is down gives "
                    + "[SYS/TEMP] and LMTP 451 4.4.3. Directory users' mailboxes are created at their first login or "
                    + "delivery (docs/directories.md).");
    public static final Key DIRECTORY_CACHE_SIZE = key(
            "poplar.directory.cache-size",
            "100000",
            "Most users whose LDAP or SQL answers are remembered (about 200 bytes each); 0 asks the directory every time.");
    public static final Key DIRECTORY_CACHE_TTL = key(
            "poplar.directory.cache-ttl",
            "5m",
            "How long a found user and its last verified password are remembered. A password changed in the directory "
                    + "works at once; the old one stops working within this time.");
    public static final Key DIRECTORY_NEGATIVE_TTL = key(
            "poplar.directory.negative-ttl",
            "1m",
            "How long an unknown user is remembered (mail to non-existent addresses, guessed names).");
    public static final Key LDAP_URI = key(
            "poplar.ldap.uri",
            "",
            "LDAP servers, comma-separated, tried in order: ldap://host:389 or ldaps://host:636 (TLS from the start).");
    public static final Key LDAP_STARTTLS = key(
            "poplar.ldap.starttls",
            "false",
            "Upgrade ldap:// connections with StartTLS (RFC 4513); the certificate is checked as for ldaps://.");
    public static final Key LDAP_CA_FILE = key(
            "poplar.ldap.ca-file",
            "",
            "PEM file of the CA certificates to trust for ldaps:// and StartTLS; empty: the runtime's trust store. The "
                    + "server's host name must match its certificate.");
    public static final Key LDAP_BIND_DN =
            key("poplar.ldap.bind-dn", "", "The service account that searches for users; empty: anonymous searches.");
    public static final Key LDAP_BIND_PASSWORD = key(
            "poplar.ldap.bind-password",
            "",
            "The service account's password (or set POPLAR_LDAP_BIND_PASSWORD, or use bind-password-file).");
    public static final Key LDAP_BIND_PASSWORD_FILE = key(
            "poplar.ldap.bind-password-file",
            "",
            "A file holding the service account's password (its first line), e.g. a systemd credential.");
    public static final Key LDAP_BASE = key(
            "poplar.ldap.base",
            "",
            "Where users are searched (the subtree below it), e.g. ou=people,dc=example,dc=org.");
    public static final Key LDAP_USER_FILTER = key(
            "poplar.ldap.user-filter",
            "(&(objectClass=inetOrgPerson)(mail=%u))",
            "The search filter: %u the login name, %n its part before '@', %d the part after (values escaped, RFC 4515).");
    public static final Key LDAP_AUTH = key(
            "poplar.ldap.auth",
            "bind",
            "bind: check the password by binding as the user's entry; password-attribute: read password-attribute and "
                    + "verify its hash ({SSHA}, {CRYPT}, {ARGON2ID}, ...; the service account must be allowed to read it).");
    public static final Key LDAP_PASSWORD_ATTRIBUTE = key(
            "poplar.ldap.password-attribute",
            "userPassword",
            "The attribute with the password hash (auth: password-attribute).");
    public static final Key LDAP_NAME_ATTRIBUTE = key(
            "poplar.ldap.name-attribute",
            "",
            "The attribute with the account name Poplar uses (mailbox, logs); empty: the login name.");
    public static final Key LDAP_ENABLED_ATTRIBUTE = key(
            "poplar.ldap.enabled-attribute",
            "",
            "An attribute that enables logins when TRUE, active, yes or 1 (absent: enabled); empty: all users are enabled.");
    public static final Key LDAP_QUOTA_ATTRIBUTE =
            key("poplar.ldap.quota-attribute", "", "The attribute with the user's quota (2G, octets); empty: none.");
    public static final Key LDAP_QUOTA_MESSAGES_ATTRIBUTE = key(
            "poplar.ldap.quota-messages-attribute", "", "The attribute with the user's message quota; empty: none.");
    public static final Key LDAP_RETENTION_ATTRIBUTE = key(
            "poplar.ldap.retention-attribute",
            "",
            "The attribute with the user's retention (90d, or days); empty: none.");
    public static final Key LDAP_POOL_SIZE =
            key("poplar.ldap.pool-size", "8", "Most LDAP operations at once: searches, and as many binds.");
    public static final Key LDAP_TIMEOUT = key(
            "poplar.ldap.timeout",
            "5s",
            "Limit of one connect, search or bind (and of waiting for a free connection); past it the login gets [SYS/TEMP].");
    public static final Key SQL_URL = key(
            "poplar.sql.url",
            "",
            "JDBC URL of the user database: jdbc:postgresql://host:5432/mail or jdbc:mariadb://host:3306/mail.");
    public static final Key SQL_USER =
            key("poplar.sql.user", "", "The database role Poplar connects as (read access is enough).");
    public static final Key SQL_PASSWORD =
            key("poplar.sql.password", "", "Its password (or set POPLAR_SQL_PASSWORD, or use password-file).");
    public static final Key SQL_PASSWORD_FILE =
            key("poplar.sql.password-file", "", "A file holding the database password (its first line).");
    public static final Key SQL_PASSWORD_QUERY = key(
            "poplar.sql.password-query",
            "",
            "One row per login with a password column ({SCHEME}hash) and optional name, enabled, quota, quota_messages, "
                    + "retention columns; %u, %n, %d are bound as parameters, e.g. SELECT password FROM users WHERE email = '%u'.");
    public static final Key SQL_USER_QUERY = key(
            "poplar.sql.user-query",
            "",
            "One row when a user exists (LMTP RCPT), with the same optional columns; empty: the password query.");
    public static final Key SQL_DEFAULT_SCHEME = key(
            "poplar.sql.default-scheme",
            "",
            "The scheme of password values stored without a {SCHEME} prefix (SHA512-CRYPT, PLAIN, ...); empty: they need one.");
    public static final Key SQL_POOL_SIZE = key("poplar.sql.pool-size", "8", "Most database connections held.");
    public static final Key SQL_TIMEOUT = key(
            "poplar.sql.timeout",
            "5s",
            "Limit of one connect, query (and of waiting for a free connection); past it the login gets [SYS/TEMP].");
    public static final Key NGINX_AUTH_HOST = key(
            "poplar.nginx.auth-host", "127.0.0.1", "Address of the nginx auth_http listener (poplar.nginx.auth-port).");
    public static final Key NGINX_AUTH_PORT = key(
            "poplar.nginx.auth-port",
            "0",
            "Port of the listener that answers nginx's mail proxy authentication (auth_http, HTTP/1.0); 0: off "
                    + "(docs/scale-out.md).");
    public static final Key NGINX_AUTH_KEY = key(
            "poplar.nginx.auth-key",
            "",
            "The shared key nginx must send in X-Poplar-Auth-Key (nginx: auth_http_header); required with auth-port.");
    public static final Key NGINX_UPSTREAM_HOST = key(
            "poplar.nginx.upstream-host",
            "",
            "The address nginx is told to reach this node's POP3 listener at; empty: poplar.pop3.host (127.0.0.1 when that "
                    + "is a wildcard).");
    public static final Key CLUSTER_ETCD = key(
            "poplar.cluster.etcd",
            "",
            "etcd client URLs (comma-separated, http://host:2379) of the cluster's membership; empty: a single node "
                    + "(docs/scale-out.md).");
    public static final Key CLUSTER_NODE =
            key("poplar.cluster.node", "", "This node's name in the cluster; empty: the host name.");
    public static final Key CLUSTER_ADVERTISE_HOST = key(
            "poplar.cluster.advertise-host",
            "",
            "The address other nodes and nginx reach this node at; empty: as poplar.nginx.upstream-host.");
    public static final Key CLUSTER_LEASE_TTL = key(
            "poplar.cluster.lease-ttl",
            "10s",
            "How long a node that stops renewing (crashed, cut off from etcd) stays listed; renewed every third of it.");
    public static final Key CLUSTER_SOCKETMAP_HOST = key(
            "poplar.cluster.socketmap-host",
            "127.0.0.1",
            "Address of the Postfix socketmap listener (poplar.cluster.socketmap-port).");
    public static final Key CLUSTER_SOCKETMAP_PORT = key(
            "poplar.cluster.socketmap-port",
            "0",
            "Port of a Postfix socketmap that answers transport_maps with each recipient's owner "
                    + "(lmtp:inet:HOST:PORT); 0: off (docs/scale-out.md).");
    public static final Key WRITE_TIMEOUT = key(
            "poplar.write-timeout",
            "60s",
            "A client that stops reading (a socket write blocked this long) is disconnected; its session "
                    + "releases the maildrop and deletes nothing.");
    public static final Key LOG_FORMAT = key(
            "poplar.log.format",
            "text",
            "text: one 'event key=value ...' line per event; json: one JSON object per line.");
    public static final Key SHUTDOWN_GRACE =
            key("poplar.shutdown-grace", "10s", "How long shutdown waits for busy sessions before closing them.");

    private ConfigKeys() {}

    private static Key key(String name, String dflt, String description) {
        Key k = new Key(name, dflt, description);
        ALL.put(name, k);
        return k;
    }
}
