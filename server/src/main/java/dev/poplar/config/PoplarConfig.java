package dev.poplar.config;

import dev.poplar.abuse.LoginGuard;
import dev.poplar.auth.PlaintextPolicy;
import dev.poplar.auth.sasl.SaslMechanism;
import dev.poplar.log.SessionLog;
import dev.poplar.net.Cidr;
import dev.poplar.storage.LockPolicy;
import dev.poplar.tls.TlsContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The whole configuration, typed and checked. See {@link ConfigKeys} for the meaning of each field. */
public record PoplarConfig(
        Path dataDir,
        boolean dataDirGroupReadable,
        Path backupRoot,
        Pop3 pop3,
        Pop3s pop3s,
        Tls tls,
        Lmtp lmtp,
        Quota quota,
        Retention retention,
        Http http,
        Store store,
        Auth auth,
        DirectoryConfig directories,
        Nginx nginx,
        Cluster cluster,
        Duration shutdownGrace,
        SessionLog.Format logFormat,
        Duration writeTimeout) {

    public record Pop3(
            String host,
            int port,
            Duration idleTimeout,
            Duration authTimeout,
            LockPolicy maildropLock,
            int maxConnections,
            int maxBadCommands,
            int maxConnectionsPerIp,
            int maxConnectionsPerUser,
            Duration loginDelay,
            List<Cidr> trustedProxies,
            List<Cidr> perIpExempt) {}

    public record Pop3s(String host, int port, int maxConnections) {}

    /** Empty cert and key: the development certificate. The alternative pair is optional. */
    public record Tls(
            Optional<Path> cert,
            Optional<Path> key,
            Optional<Path> altCert,
            Optional<Path> altKey,
            Duration reloadInterval,
            TlsContext.Choice provider) {}

    public record Auth(
            int pbkdf2Iterations,
            int minPasswordLength,
            PlaintextPolicy allowPlaintext,
            List<SaslMechanism> mechanisms,
            Optional<OAuth> oauth,
            LoginGuard.Settings guard,
            boolean apop,
            boolean rehashImported,
            int cacheSize,
            Duration cacheTtl,
            int hashConcurrency) {}

    /** Cluster membership in etcd: on when {@code etcd} names an endpoint. */
    public record Cluster(
            List<java.net.URI> etcd,
            String node,
            String advertiseHost,
            Duration leaseTtl,
            String socketmapHost,
            int socketmapPort) {}

    /** nginx's mail proxy authentication: served when {@code authKey} is set. */
    public record Nginx(String authHost, int authPort, String authKey, String upstreamHost) {
        /** Without the key: settings end up in logs. */
        @Override
        public String toString() {
            return "Nginx[auth=" + authHost + ":" + authPort + ", authKey=(" + authKey.length()
                    + " characters), upstreamHost=" + upstreamHost + "]";
        }
    }

    /** Bearer-token validation; present when a JWKS file is configured. */
    public record OAuth(String issuer, String audience, Path jwksFile, String userClaim) {}

    /**
     * @param maxMessageSize largest message (RFC 1870 SIZE), in RFC 1939 octets
     * @param hostname       the name in the greeting and replies; empty: this host's name (see {@link #withHostname})
     * @param maxLineLength  longest DATA line, without its CRLF; longer lines get 500 5.5.0
     */
    public record Lmtp(
            String host,
            int port,
            long maxMessageSize,
            int maxRecipients,
            Duration idleTimeout,
            int maxConnections,
            String hostname,
            long maxLineLength) {
        /** The same settings with the host name the server resolved for an empty one. */
        public Lmtp withHostname(String name) {
            return new Lmtp(
                    host, port, maxMessageSize, maxRecipients, idleTimeout, maxConnections, name, maxLineLength);
        }
    }

    /**
     * Mailbox quota (issue 13); 0 is no limit.
     *
     * @param maxOctets   RFC 1939 octets a mailbox may hold
     * @param maxMessages messages a mailbox may hold
     * @param tempfail    answer 452 4.2.2 (retry later) instead of 552 5.2.2
     * @param warningRatio fill ratio from which a mailbox counts as nearly full
     */
    public record Quota(long maxOctets, long maxMessages, boolean tempfail, double warningRatio) {
        public static final Quota NONE = new Quota(0, 0, false, 0.9);
    }

    /**
     * Retention (issue 13).
     *
     * @param maxAgeMillis    default age past which mail is expunged, 0 for never
     * @param sweepInterval   how often the sweep starts
     * @param sweepRate       most mailboxes visited per second
     */
    public record Retention(long maxAgeMillis, Duration sweepInterval, int sweepRate) {
        public static final Retention NEVER = new Retention(0, Duration.ofHours(1), 1000);
    }

    /** The node's default quota and retention, which each account may override. */
    public dev.poplar.storage.AccountLimits limits() {
        return new dev.poplar.storage.AccountLimits(quota.maxOctets(), quota.maxMessages(), retention.maxAgeMillis());
    }

    public record Http(String host, int port) {}

    public record Store(long blockCache, boolean blobFiles) {}

    static PoplarConfig from(Map<String, String> raw) throws ConfigException {
        Values v = new Values(raw);
        String dataDir = v.string(ConfigKeys.DATA_DIR);
        if (dataDir.isEmpty()) {
            throw Values.bad(ConfigKeys.DATA_DIR, "must name a directory");
        }
        LockPolicy lock = switch (v.string(ConfigKeys.POP3_MAILDROP_LOCK)) {
            case "exclusive" -> LockPolicy.EXCLUSIVE;
            case "shared" -> LockPolicy.SHARED;
            default -> throw Values.bad(ConfigKeys.POP3_MAILDROP_LOCK, "must be exclusive or shared");
        };
        int iterations = v.positive(ConfigKeys.AUTH_PBKDF2_ITERATIONS);
        SessionLog.Format logFormat = switch (v.string(ConfigKeys.LOG_FORMAT)) {
            case "text" -> SessionLog.Format.TEXT;
            case "json" -> SessionLog.Format.JSON;
            default -> throw Values.bad(ConfigKeys.LOG_FORMAT, "must be text or json");
        };
        PlaintextPolicy plaintext;
        try {
            plaintext = PlaintextPolicy.parse(v.string(ConfigKeys.AUTH_ALLOW_PLAINTEXT));
        } catch (IllegalArgumentException e) {
            throw Values.bad(ConfigKeys.AUTH_ALLOW_PLAINTEXT, "must be loopback, trusted-proxies, never or always");
        }
        TlsContext.Choice tlsProvider = TlsContext.Choice.parse(v.string(ConfigKeys.TLS_PROVIDER));
        if (tlsProvider == null) {
            throw Values.bad(ConfigKeys.TLS_PROVIDER, "must be auto, openssl or jdk");
        }
        String cert = v.string(ConfigKeys.TLS_CERT);
        String key = v.string(ConfigKeys.TLS_KEY);
        together(cert, ConfigKeys.TLS_CERT, key, ConfigKeys.TLS_KEY);
        String altCert = v.string(ConfigKeys.TLS_ALT_CERT);
        String altKey = v.string(ConfigKeys.TLS_ALT_KEY);
        together(altCert, ConfigKeys.TLS_ALT_CERT, altKey, ConfigKeys.TLS_ALT_KEY);
        if (!altCert.isEmpty() && cert.isEmpty()) {
            throw Values.bad(ConfigKeys.TLS_ALT_CERT, "needs poplar.tls.cert and poplar.tls.key set too");
        }
        boolean groupReadable = switch (v.string(ConfigKeys.DATA_DIR_MODE)) {
            case "owner" -> false;
            case "group" -> true;
            default -> throw Values.bad(ConfigKeys.DATA_DIR_MODE, "must be owner or group");
        };
        if (v.string(ConfigKeys.BACKUP_ROOT).isBlank()) {
            throw Values.bad(ConfigKeys.BACKUP_ROOT, "must name a directory");
        }
        return new PoplarConfig(
                Path.of(dataDir),
                groupReadable,
                Path.of(v.string(ConfigKeys.BACKUP_ROOT)),
                new Pop3(
                        v.string(ConfigKeys.POP3_HOST),
                        v.port(ConfigKeys.POP3_PORT),
                        v.duration(ConfigKeys.POP3_IDLE_TIMEOUT),
                        v.duration(ConfigKeys.POP3_AUTH_TIMEOUT),
                        lock,
                        v.positive(ConfigKeys.POP3_MAX_CONNECTIONS),
                        v.positive(ConfigKeys.POP3_MAX_BAD_COMMANDS),
                        v.positive(ConfigKeys.POP3_MAX_CONNECTIONS_PER_IP),
                        v.positive(ConfigKeys.POP3_MAX_CONNECTIONS_PER_USER),
                        v.durationOrZero(ConfigKeys.POP3_LOGIN_DELAY),
                        v.cidrs(ConfigKeys.POP3_TRUSTED_PROXIES),
                        v.cidrs(ConfigKeys.POP3_PER_IP_EXEMPT)),
                new Pop3s(
                        v.string(ConfigKeys.POP3S_HOST),
                        v.port(ConfigKeys.POP3S_PORT),
                        v.positive(ConfigKeys.POP3S_MAX_CONNECTIONS)),
                new Tls(
                        cert.isEmpty() ? Optional.empty() : Optional.of(Path.of(cert)),
                        key.isEmpty() ? Optional.empty() : Optional.of(Path.of(key)),
                        altCert.isEmpty() ? Optional.empty() : Optional.of(Path.of(altCert)),
                        altKey.isEmpty() ? Optional.empty() : Optional.of(Path.of(altKey)),
                        v.duration(ConfigKeys.TLS_RELOAD_INTERVAL),
                        tlsProvider),
                new Lmtp(
                        v.string(ConfigKeys.LMTP_HOST),
                        v.port(ConfigKeys.LMTP_PORT),
                        v.size(ConfigKeys.LMTP_MAX_MESSAGE_SIZE),
                        v.positive(ConfigKeys.LMTP_MAX_RECIPIENTS),
                        v.duration(ConfigKeys.LMTP_IDLE_TIMEOUT),
                        v.positive(ConfigKeys.LMTP_MAX_CONNECTIONS),
                        v.string(ConfigKeys.LMTP_HOSTNAME),
                        v.size(ConfigKeys.LMTP_MAX_LINE_LENGTH)),
                new Quota(
                        v.sizeOrZero(ConfigKeys.QUOTA_MAX_SIZE),
                        v.nonNegative(ConfigKeys.QUOTA_MAX_MESSAGES),
                        v.bool(ConfigKeys.QUOTA_FULL_TEMPFAIL),
                        v.ratio(ConfigKeys.QUOTA_WARNING_RATIO)),
                new Retention(
                        v.retention(ConfigKeys.RETENTION_MAX_AGE),
                        v.duration(ConfigKeys.RETENTION_SWEEP_INTERVAL),
                        v.positive(ConfigKeys.RETENTION_SWEEP_RATE)),
                new Http(v.string(ConfigKeys.HTTP_HOST), v.port(ConfigKeys.HTTP_PORT)),
                new Store(v.size(ConfigKeys.STORE_BLOCK_CACHE), v.bool(ConfigKeys.STORE_BLOB_FILES)),
                new Auth(
                        iterations,
                        v.positive(ConfigKeys.AUTH_MIN_PASSWORD_LENGTH),
                        plaintext,
                        mechanisms(v),
                        oauth(v),
                        new LoginGuard.Settings(
                                v.durationOrZero(ConfigKeys.AUTH_FAILURE_DELAY),
                                        v.duration(ConfigKeys.AUTH_FAILURE_DELAY_MAX),
                                v.nonNegative(ConfigKeys.AUTH_BAN_AFTER), v.duration(ConfigKeys.AUTH_BAN_WINDOW),
                                v.duration(ConfigKeys.AUTH_BAN_DURATION), v.cidrs(ConfigKeys.AUTH_BAN_ALLOW_LIST)),
                        v.bool(ConfigKeys.AUTH_APOP),
                        v.bool(ConfigKeys.AUTH_REHASH_IMPORTED),
                        v.nonNegative(ConfigKeys.AUTH_CACHE_SIZE),
                        v.duration(ConfigKeys.AUTH_CACHE_TTL),
                        v.nonNegative(ConfigKeys.AUTH_HASH_CONCURRENCY)),
                DirectoryConfig.from(v),
                nginx(v),
                cluster(v),
                v.duration(ConfigKeys.SHUTDOWN_GRACE),
                logFormat,
                v.duration(ConfigKeys.WRITE_TIMEOUT));
    }

    /** A certificate and its key: both set or neither; the error names the one missing. */
    private static void together(String cert, ConfigKeys.Key certKey, String key, ConfigKeys.Key keyKey)
            throws ConfigException {
        if (cert.isEmpty() != key.isEmpty()) {
            ConfigKeys.Key missing = cert.isEmpty() ? certKey : keyKey;
            ConfigKeys.Key set = cert.isEmpty() ? keyKey : certKey;
            throw Values.bad(missing, "must be set together with " + set.name());
        }
    }

    private static List<SaslMechanism> mechanisms(Values v) throws ConfigException {
        List<SaslMechanism> list = new java.util.ArrayList<>();
        for (String m : v.string(ConfigKeys.AUTH_MECHANISMS).split(",")) {
            if (m.isBlank()) {
                continue;
            }
            list.add(SaslMechanism.named(m)
                    .orElseThrow(() -> Values.bad(
                            ConfigKeys.AUTH_MECHANISMS,
                            "names unknown mechanism " + m.trim().toUpperCase(java.util.Locale.ROOT) + "; known: "
                                    + SaslMechanism.known())));
        }
        return List.copyOf(list);
    }

    private static Cluster cluster(Values v) throws ConfigException {
        List<java.net.URI> etcd = new java.util.ArrayList<>();
        for (String u : v.string(ConfigKeys.CLUSTER_ETCD).split(",")) {
            if (u.isBlank()) {
                continue;
            }
            java.net.URI uri;
            try {
                uri = java.net.URI.create(u.strip());
            } catch (IllegalArgumentException e) {
                throw Values.bad(ConfigKeys.CLUSTER_ETCD, "has '" + u.strip() + "', which is not a URL");
            }
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw Values.bad(ConfigKeys.CLUSTER_ETCD, "has '" + u.strip() + "': write http://host:2379");
            }
            etcd.add(uri);
        }
        return new Cluster(
                List.copyOf(etcd),
                v.string(ConfigKeys.CLUSTER_NODE),
                v.string(ConfigKeys.CLUSTER_ADVERTISE_HOST),
                v.duration(ConfigKeys.CLUSTER_LEASE_TTL),
                v.string(ConfigKeys.CLUSTER_SOCKETMAP_HOST),
                v.port(ConfigKeys.CLUSTER_SOCKETMAP_PORT));
    }

    private static Nginx nginx(Values v) throws ConfigException {
        Nginx n = new Nginx(
                v.string(ConfigKeys.NGINX_AUTH_HOST),
                v.port(ConfigKeys.NGINX_AUTH_PORT),
                v.raw(ConfigKeys.NGINX_AUTH_KEY).strip(),
                v.string(ConfigKeys.NGINX_UPSTREAM_HOST));
        if (n.authPort() > 0 && n.authKey().length() < 16) {
            throw Values.bad(
                    ConfigKeys.NGINX_AUTH_KEY,
                    "must be set, at least 16 characters, when poplar.nginx.auth-port is (nginx sends it with "
                            + "auth_http_header X-Poplar-Auth-Key)");
        }
        return n;
    }

    private static Optional<OAuth> oauth(Values v) throws ConfigException {
        String jwks = v.string(ConfigKeys.OAUTH_JWKS_FILE);
        if (jwks.isEmpty()) {
            return Optional.empty();
        }
        for (ConfigKeys.Key k : List.of(ConfigKeys.OAUTH_ISSUER, ConfigKeys.OAUTH_AUDIENCE)) {
            if (v.string(k).isEmpty()) {
                throw Values.bad(k, "must be set when poplar.auth.oauth.jwks-file is (tokens are checked against it)");
            }
        }
        return Optional.of(new OAuth(
                v.string(ConfigKeys.OAUTH_ISSUER),
                v.string(ConfigKeys.OAUTH_AUDIENCE),
                Path.of(jwks),
                v.string(ConfigKeys.OAUTH_USER_CLAIM)));
    }

    /** The configuration with no file and no environment: what `poplar serve` runs with. */
    public static PoplarConfig defaults() {
        try {
            return ConfigLoader.load(java.util.Optional.empty(), Map.of());
        } catch (ConfigException e) {
            throw new IllegalStateException("built-in defaults are invalid", e);
        }
    }

    public int pbkdf2Iterations() {
        return auth.pbkdf2Iterations();
    }
}
