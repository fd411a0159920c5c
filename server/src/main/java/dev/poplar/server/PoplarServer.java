package dev.poplar.server;

import dev.poplar.abuse.LoginDelay;
import dev.poplar.abuse.LoginGuard;
import dev.poplar.abuse.LoginPolicy;
import dev.poplar.abuse.UserSessions;
import dev.poplar.admin.LocalAdmin;
import dev.poplar.admin.ServerControl;
import dev.poplar.auth.ApopSecrets;
import dev.poplar.auth.Authenticator;
import dev.poplar.auth.PasswordHasher;
import dev.poplar.auth.oauth.TokenValidator;
import dev.poplar.auth.sasl.SaslMechanisms;
import dev.poplar.config.PoplarConfig;
import dev.poplar.http.AdminRoutes;
import dev.poplar.http.HttpServer;
import dev.poplar.lmtp.LmtpMeters;
import dev.poplar.lmtp.LmtpService;
import dev.poplar.log.SessionLog;
import dev.poplar.metrics.ListenerMeters;
import dev.poplar.metrics.PoplarMetrics;
import dev.poplar.net.AddressLimit;
import dev.poplar.net.ConnectionPolicy;
import dev.poplar.net.Listener;
import dev.poplar.net.SessionView;
import dev.poplar.pop3.Pop3Meters;
import dev.poplar.pop3.Pop3Service;
import dev.poplar.pop3.Pop3Settings;
import dev.poplar.storage.MailStore;
import dev.poplar.storage.StoreException;
import dev.poplar.tls.SelfSignedCertificate;
import dev.poplar.tls.TlsContext;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The Poplar process: claims the data directory, opens the store, starts the POP3, LMTP and HTTP
 * listeners, and shuts down in order (STYLE item 10): not ready, stop accepting, end sessions
 * (no UPDATE for interrupted ones), then close the store last.
 */
public final class PoplarServer implements AutoCloseable, ServerControl {
    private static final System.Logger LOG = System.getLogger("dev.poplar.server");
    public static final String VERSION = version();

    private final PoplarConfig config;
    private final DataDirectory.Claim claim;
    private final MailStore store;
    private final PoplarMetrics metrics;
    private final List<Listener> listeners = new ArrayList<>();
    private Listener pop3;
    private Listener pop3s;
    private Listener lmtp;
    private TlsContext tls;
    private HttpServer http;
    private dev.poplar.retention.MailboxSweep sweep;
    private UserDirectories directories;
    private Listener nginxAuth;
    private ClusterNode cluster;
    private volatile boolean started;
    private volatile boolean draining;
    private boolean closed;

    private PoplarServer(PoplarConfig config, DataDirectory.Claim claim, MailStore store, PoplarMetrics metrics) {
        this.config = config;
        this.claim = claim;
        this.store = store;
        this.metrics = metrics;
    }

    public static PoplarServer start(PoplarConfig config) throws ServerStartException {
        SessionLog.setFormat(config.logFormat());
        DataDirectory data = DataDirectory.of(config);
        DataDirectory.Claim claim;
        try {
            claim = data.tryClaim()
                    .orElseThrow(() -> new ServerStartException(
                            "data directory " + config.dataDir().toAbsolutePath()
                                    + " is in use by another Poplar process (server or CLI)"));
        } catch (IOException e) {
            throw new ServerStartException("cannot use data directory "
                    + config.dataDir().toAbsolutePath() + ": " + dev.poplar.io.IoErrors.describe(e));
        }
        MailStore store;
        try {
            claim.describe(DataDirectory.Claim.State.STARTING, "");
            store = StoreOpener.open(data.store(), config.store());
        } catch (StoreException | IOException e) {
            claim.close();
            throw new ServerStartException(e.getMessage());
        }
        PoplarServer server = new PoplarServer(config, claim, store, new PoplarMetrics(VERSION));
        try {
            server.startListeners(data);
        } catch (IOException | RuntimeException e) {
            server.close();
            throw new ServerStartException(e.getMessage() == null ? e.toString() : e.getMessage());
        }
        return server;
    }

    private void startListeners(DataDirectory data) throws IOException {
        var registry = metrics.registry();
        StoreMetrics.bind(registry, store);
        PasswordHasher hasher = new PasswordHasher(config.pbkdf2Iterations());
        if (config.pop3().port() > 0 || config.pop3s().port() > 0) {
            tls = loadTls(data);
            bindTlsMetrics(registry, tls);
        }
        Pop3Settings settings = new Pop3Settings(
                config.pop3(),
                config.auth(),
                "Poplar-" + VERSION,
                Optional.ofNullable(tls),
                config.auth().apop() ? Optional.of(ApopSecrets.open(data.path())) : Optional.empty(),
                localHostName(),
                config.limits());
        // Process-wide policy, built once and shared by POP3 and POP3S (a client alternating
        // between them gets no second allowance).
        LoginGuard guard = new LoginGuard(config.auth().guard());
        bindGuardMetrics(registry, guard);
        LoginPolicy loginPolicy = new LoginPolicy(
                guard,
                new LoginDelay(config.pop3().loginDelay()),
                new UserSessions(config.pop3().maxConnectionsPerUser()));
        List<dev.poplar.net.Cidr> perAddressExempt =
                new ArrayList<>(config.pop3().perIpExempt());
        perAddressExempt.addAll(config.pop3().trustedProxies());
        perAddressExempt.addAll(config.auth().guard().allowList());
        ConnectionPolicy pop3Policy = new ConnectionPolicy(
                new AddressLimit(config.pop3().maxConnectionsPerIp(), perAddressExempt),
                config.pop3().trustedProxies(),
                guard::banned,
                config.pop3().authTimeout(),
                config.writeTimeout());
        try {
            directories = new UserDirectories(config.directories(), registry);
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage());
        }
        Authenticator authenticator = new Authenticator(
                store,
                hasher,
                data.secretKey(DataDirectory.DECOY_KEY_FILE),
                config.auth().rehashImported(),
                new dev.poplar.auth.CredentialCache(
                        config.auth().cacheSize(), config.auth().cacheTtl()),
                new dev.poplar.auth.HashingGate(
                        config.auth().hashConcurrency() > 0
                                ? config.auth().hashConcurrency()
                                : dev.poplar.auth.HashingGate.defaultSize()),
                config.directories().chain(),
                directories.byName());
        bindAuthCacheMetrics(registry, authenticator);
        cluster = ClusterNode.of(config, localHostName(), registry, store, this);
        sweep = new dev.poplar.retention.MailboxSweep(
                store, config, new dev.poplar.retention.SweepMeters(registry), java.time.Clock.systemUTC());
        LocalAdmin admin = new LocalAdmin(store, hasher, config, this, sweep, data.path(), () -> {});
        if (cluster != null) {
            cluster.placeUsers(admin);
        }
        FunctionCounter.builder("poplar.auth.password.rehashes", authenticator, Authenticator::rehashed)
                .description("Imported password hashes replaced by Poplar's own form after a login")
                .register(registry);
        Optional<TokenValidator> tokens = Optional.empty();
        if (config.auth().oauth().isPresent()) {
            PoplarConfig.OAuth o = config.auth().oauth().get();
            tokens = Optional.of(
                    new TokenValidator(o.issuer(), o.audience(), o.jwksFile(), o.userClaim(), Duration.ofSeconds(60)));
        }
        SaslMechanisms mechanisms =
                new SaslMechanisms(authenticator, tokens, config.auth().mechanisms());
        if (config.pop3().port() > 0) {
            pop3 = Listener.start(
                    "pop3",
                    new InetSocketAddress(config.pop3().host(), config.pop3().port()),
                    config.pop3().maxConnections(),
                    new Pop3Service(
                            store,
                            authenticator,
                            mechanisms,
                            loginPolicy,
                            settings,
                            new Pop3Meters(registry, "pop3"),
                            false),
                    new ListenerMeters(registry, "pop3"),
                    pop3Policy);
            listeners.add(pop3);
        }
        if (config.pop3s().port() > 0) {
            pop3s = Listener.start(
                    "pop3s",
                    new InetSocketAddress(config.pop3s().host(), config.pop3s().port()),
                    config.pop3s().maxConnections(),
                    new Pop3Service(
                            store,
                            authenticator,
                            mechanisms,
                            loginPolicy,
                            settings,
                            new Pop3Meters(registry, "pop3s"),
                            true),
                    new ListenerMeters(registry, "pop3s"),
                    pop3Policy);
            listeners.add(pop3s);
        }
        if (config.lmtp().port() > 0) {
            PoplarConfig.Lmtp lmtpSettings =
                    config.lmtp().hostname().isEmpty() ? config.lmtp().withHostname(localHostName()) : config.lmtp();
            lmtp = Listener.start(
                    "lmtp",
                    new InetSocketAddress(config.lmtp().host(), config.lmtp().port()),
                    config.lmtp().maxConnections(),
                    new LmtpService(
                            cluster == null ? store : cluster.deliveries(),
                            store,
                            cluster == null ? authenticator::existing : cluster.recipients(authenticator::existing),
                            lmtpSettings,
                            config.quota(),
                            new LmtpMeters(registry)),
                    new ListenerMeters(registry, "lmtp"),
                    config.writeTimeout());
            listeners.add(lmtp);
        }
        listeners.forEach(l -> ListenerMeters.bindGauges(registry, l));
        nginxAuth = startNginxAuth(authenticator, guard, admin);
        joinCluster(registry);
        sweep.start();
        String httpUrl = "";
        if (config.http().port() > 0) {
            http = HttpServer.start(
                    config.http().host(),
                    config.http().port(),
                    new AdminRoutes(admin, data.adminToken(), config.lmtp().maxMessageSize()),
                    metrics,
                    this::ready,
                    directories.health()::describe);
            httpUrl = "http://" + hostForUrl(config.http().host()) + ":" + http.port();
        }
        claim.describe(DataDirectory.Claim.State.SERVING, httpUrl);
        started = true;
        LOG.log(
                System.Logger.Level.INFO,
                SessionLog.event("poplar_started")
                        .with("version", VERSION)
                        .with("data_dir", config.dataDir().toAbsolutePath())
                        .with("pop3", describe(config.pop3().host(), pop3))
                        .with("pop3s", describe(config.pop3s().host(), pop3s))
                        .with("lmtp", describe(config.lmtp().host(), lmtp))
                        .with("http", http == null ? "off" : httpUrl)
                        .with(
                                "maildrop_lock",
                                config.pop3().maildropLock().name().toLowerCase(java.util.Locale.ROOT))
                        .toString());
        if (config.pop3().idleTimeout().compareTo(Duration.ofMinutes(10)) < 0) {
            LOG.log(System.Logger.Level.WARNING, "poplar.pop3.idle-timeout is below the 10 minutes RFC 1939 requires");
        }
    }

    /**
     * The configured certificate, or a self-signed development one kept in data-dir/tls/ (made
     * once), so that STLS and POP3S work out of the box; a warning says it is not for real mail.
     */
    private TlsContext loadTls(DataDirectory data) throws IOException {
        if (config.tls().cert().isPresent()) {
            List<TlsContext.KeyFiles> files = new ArrayList<>();
            files.add(new TlsContext.KeyFiles(
                    config.tls().cert().get(), config.tls().key().orElseThrow()));
            config.tls()
                    .altCert()
                    .ifPresent(alt -> files.add(
                            new TlsContext.KeyFiles(alt, config.tls().altKey().orElseThrow())));
            return TlsContext.load(
                    files, config.tls().reloadInterval(), config.tls().provider());
        }
        Path dir = data.path().resolve("tls");
        Path cert = dir.resolve("self-signed.crt");
        Path key = dir.resolve("self-signed.key");
        if (!Files.exists(cert) || !Files.exists(key)) {
            try {
                SelfSignedCertificate.write(
                        cert, key, "localhost", List.of("localhost", "127.0.0.1", "::1"), Duration.ofDays(825));
            } catch (GeneralSecurityException e) {
                throw new IOException("cannot create a development certificate: " + e.getMessage(), e);
            }
        }
        LOG.log(
                System.Logger.Level.WARNING,
                "poplar.tls.cert is not set: using the self-signed development certificate " + cert
                        + "; clients will warn. Set poplar.tls.cert and poplar.tls.key for real mail.");
        return TlsContext.load(
                cert, key, config.tls().reloadInterval(), config.tls().provider());
    }

    private static void bindGuardMetrics(io.micrometer.core.instrument.MeterRegistry r, LoginGuard guard) {
        FunctionCounter.builder("poplar.auth.bans", guard, LoginGuard::bansTotal)
                .description("Client addresses banned after failed logins")
                .register(r);
        Gauge.builder("poplar.auth.banned.addresses", guard, LoginGuard::bannedNow)
                .description("Client addresses banned now")
                .register(r);
    }

    private static void bindTlsMetrics(io.micrometer.core.instrument.MeterRegistry r, TlsContext tls) {
        Gauge.builder(
                        "poplar.tls.certificate.expiry.timestamp",
                        tls,
                        t -> t.notAfter().getEpochSecond())
                .baseUnit("seconds")
                .description("When the served certificate expires (Unix time; with two, the earlier)")
                .register(r);
        Gauge.builder("poplar.tls.provider.info", () -> 1)
                .tag("provider", tls.provider())
                .description("The TLS implementation serving POP3S and STLS (openssl: BoringSSL; jdk)")
                .register(r);
        FunctionCounter.builder("poplar.tls.certificate.reloads", tls, TlsContext::reloads)
                .tag("result", "success")
                .description("Certificate reloads after the files changed")
                .register(r);
        FunctionCounter.builder("poplar.tls.certificate.reloads", tls, TlsContext::reloadFailures)
                .tag("result", "failure")
                .description("Certificate reloads after the files changed")
                .register(r);
    }

    private static String describe(String host, Listener l) {
        return l == null ? "off" : host + ":" + l.port();
    }

    private static String hostForUrl(String host) {
        return host.contains(":") ? "[" + host + "]" : host;
    }

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    public int pop3Port() {
        return pop3 == null ? 0 : pop3.port();
    }

    public int pop3sPort() {
        return pop3s == null ? 0 : pop3s.port();
    }

    public Optional<TlsContext> tls() {
        return Optional.ofNullable(tls);
    }

    public int lmtpPort() {
        return lmtp == null ? 0 : lmtp.port();
    }

    public int httpPort() {
        return http == null ? 0 : http.port();
    }

    public MailStore store() {
        return store;
    }

    /** The retention sweep (tests and the admin API run it on demand). */
    public dev.poplar.retention.MailboxSweep sweep() {
        return sweep;
    }

    public PoplarConfig config() {
        return config;
    }

    public PoplarMetrics metrics() {
        return metrics;
    }

    /**
     * Ready for traffic: started, not draining or stopping, the store takes writes, and every
     * LDAP or SQL directory of the chain answers (without it most users cannot log in).
     */
    public boolean ready() {
        return started
                && !draining
                && store.writable()
                && (directories == null || directories.health().allUp());
    }

    @Override
    public List<SessionView> sessions() {
        List<SessionView> all = new ArrayList<>();
        listeners.forEach(l -> all.addAll(l.sessions()));
        return all;
    }

    @Override
    public boolean kickSession(String id) {
        return listeners.stream().anyMatch(l -> l.kick(id));
    }

    @Override
    public int kickUser(String user) {
        return listeners.stream().mapToInt(l -> l.kickUser(user)).sum();
    }

    @Override
    public int flushDirectoryCache(Optional<String> login) {
        return directories == null ? 0 : directories.flush(login);
    }

    @Override
    public DrainStatus drain() {
        if (!draining) {
            draining = true;
            listeners.forEach(Listener::drain);
            LOG.log(
                    System.Logger.Level.INFO,
                    SessionLog.event("poplar_draining")
                            .with("sessions", sessions().size())
                            .toString());
        }
        return drainStatus();
    }

    @Override
    public DrainStatus drainStatus() {
        return new DrainStatus(draining, sessions().size());
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        // Leave the membership first, so routers stop sending users here while sessions drain.
        if (cluster != null) {
            cluster.leave();
        }
        draining = true;
        Duration grace = config.shutdownGrace();
        LOG.log(System.Logger.Level.INFO, "poplar shutting down, grace " + grace.toSeconds() + "s");
        List<Thread> stops = new ArrayList<>();
        for (Listener l : listeners) {
            stops.add(Thread.ofVirtual().start(() -> l.shutdown(grace)));
        }
        for (Thread t : stops) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        closeQuietly(http);
        closeQuietly(nginxAuth);
        closeQuietly(cluster);
        closeQuietly(sweep);
        closeQuietly(tls);
        closeQuietly(directories);
        store.close();
        metrics.close();
        claim.close();
        LOG.log(System.Logger.Level.INFO, "poplar stopped");
    }

    private static void bindAuthCacheMetrics(
            io.micrometer.core.instrument.MeterRegistry registry, Authenticator authenticator) {
        dev.poplar.auth.CredentialCache cache = authenticator.cache();
        FunctionCounter.builder("poplar.auth.cache.hits", cache, dev.poplar.auth.CredentialCache::hits)
                .description("Logins whose password the credential cache had verified (no slow hash)")
                .register(registry);
        FunctionCounter.builder("poplar.auth.cache.misses", cache, dev.poplar.auth.CredentialCache::misses)
                .description("Logins of known users the credential cache could not answer (slow hash)")
                .register(registry);
        io.micrometer.core.instrument.Gauge.builder(
                        "poplar.auth.cache.entries", cache, dev.poplar.auth.CredentialCache::size)
                .description("Verified passwords remembered now")
                .register(registry);
        io.micrometer.core.instrument.Gauge.builder(
                        "poplar.auth.hash.waiting", authenticator.gate(), dev.poplar.auth.HashingGate::waiting)
                .description("Logins waiting for a slow-hash slot (poplar.auth.hash-concurrency)")
                .register(registry);
    }

    /**
     * nginx's auth_http service on its own small HTTP/1.0 listener (poplar.nginx.auth-port): nginx
     * speaks HTTP/1.0 to it, which Helidon 4 refuses with 505.
     */
    private Listener startNginxAuth(Authenticator authenticator, LoginGuard guard, LocalAdmin admin)
            throws IOException {
        PoplarConfig.Nginx n = config.nginx();
        if (n.authPort() == 0 || pop3 == null) {
            return null;
        }
        String host = reachableHost();
        var auth = new dev.poplar.proxy.NginxAuth(
                n.authKey(),
                authenticator,
                guard,
                host,
                pop3.port(),
                config.pop3().maxBadCommands(),
                cluster == null ? dev.poplar.proxy.OwnerRouting.SINGLE_NODE : cluster.routing());
        return Listener.start(
                "nginx-auth",
                new InetSocketAddress(n.authHost(), n.authPort()),
                256,
                cluster == null
                        ? new dev.poplar.proxy.AuthHttpService(auth)
                        : new dev.poplar.proxy.AuthHttpService(
                                auth,
                                new dev.poplar.proxy.SharedKey(n.authKey()),
                                cluster.peerCalls(authenticator, admin),
                                config.lmtp().maxMessageSize() + 64 * 1024),
                dev.poplar.proxy.AuthHttpService.OBSERVER,
                config.writeTimeout());
    }

    /**
     * This node's entry in the cluster's membership (poplar.cluster.etcd), held by a lease, and its
     * socketmap: docs/scale-out.md. Nothing for a single node.
     */
    private void joinCluster(io.micrometer.core.instrument.MeterRegistry registry) throws IOException {
        if (cluster == null) {
            return;
        }
        PoplarConfig.Cluster c = config.cluster();
        String host = !c.advertiseHost().isEmpty() ? c.advertiseHost() : reachableHost();
        var info = new dev.poplar.cluster.NodeInfo(
                cluster.name,
                pop3 == null ? "" : host + ":" + pop3.port(),
                lmtp == null ? "" : host + ":" + lmtp.port(),
                nginxAuth == null ? "" : host + ":" + nginxAuth.port());
        cluster.join(info, store, registry, config.writeTimeout());
    }

    /** The port of the auth_http listener (0 when off). */
    public int nginxAuthPort() {
        return nginxAuth == null ? 0 : nginxAuth.port();
    }

    /** The port of the Postfix socketmap (0 when off). */
    public int socketmapPort() {
        return cluster == null ? 0 : cluster.socketmapPort();
    }

    /** The live nodes this node's copy of the cluster directory lists (0 outside a cluster). */
    public int clusterNodes() {
        return cluster == null ? 0 : cluster.liveNodes();
    }

    /** True when this node's copy of the cluster directory has node {@code name} being drained. */
    public boolean clusterDraining(String name) {
        return cluster != null && cluster.draining(name);
    }

    /** Where other machines reach this node: the nginx upstream host, else the POP3 host, else loopback. */
    private String reachableHost() {
        String host = !config.nginx().upstreamHost().isEmpty()
                ? config.nginx().upstreamHost()
                : config.pop3().host();
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]") ? "127.0.0.1" : host;
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception ignored) {
            // shutting down anyway
        }
    }

    private static String version() {
        String v = PoplarServer.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-dev" : v;
    }

    /** Start-up failed; the message says why and what to fix. */
    public static final class ServerStartException extends Exception {
        public ServerStartException(String message) {
            super(message);
        }
    }
}
