package dev.poplar.server;

import dev.poplar.admin.LocalAdmin;
import dev.poplar.auth.Authenticator;
import dev.poplar.auth.PasswordHasher;
import dev.poplar.config.PoplarConfig;
import dev.poplar.http.AdminRoutes;
import dev.poplar.http.HttpServer;
import dev.poplar.lmtp.LmtpService;
import dev.poplar.lmtp.LmtpSettings;
import dev.poplar.net.Listener;
import dev.poplar.pop3.Pop3Service;
import dev.poplar.pop3.Pop3Settings;
import dev.poplar.storage.MailStore;
import dev.poplar.storage.StoreException;
import dev.poplar.storage.rocks.RocksMailStore;
import dev.poplar.storage.rocks.RocksStoreOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * The Poplar process: claims the data directory, opens the store, starts the POP3, LMTP and HTTP
 * listeners, and shuts down in order (STYLE item 10): not ready, stop accepting, end sessions
 * (no UPDATE for interrupted ones), then close the store last.
 */
public final class PoplarServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("dev.poplar.server");
    public static final String VERSION = version();

    private final PoplarConfig config;
    private final DataDirectory.Claim claim;
    private final RocksMailStore store;
    private final Listener pop3;
    private final Listener lmtp;
    private final HttpServer http;
    private volatile boolean ready;
    private boolean closed;

    private PoplarServer(PoplarConfig config, DataDirectory.Claim claim, RocksMailStore store, Listener pop3,
                         Listener lmtp, HttpServer http) {
        this.config = config;
        this.claim = claim;
        this.store = store;
        this.pop3 = pop3;
        this.lmtp = lmtp;
        this.http = http;
    }

    public static PoplarServer start(PoplarConfig config) throws ServerStartException {
        DataDirectory data = new DataDirectory(config.dataDir());
        DataDirectory.Claim claim;
        try {
            claim = data.tryClaim().orElseThrow(() -> new ServerStartException("data directory "
                    + config.dataDir().toAbsolutePath() + " is in use by another Poplar process (server or CLI)"));
        } catch (IOException e) {
            throw new ServerStartException("cannot use data directory " + config.dataDir().toAbsolutePath() + ": " + e.getMessage());
        }
        RocksMailStore store = null;
        Listener pop3 = null;
        Listener lmtp = null;
        HttpServer http = null;
        try {
            store = RocksMailStore.open(data.store(),
                    new RocksStoreOptions(config.store().blockCache(), config.store().blobFiles()));
            PasswordHasher hasher = new PasswordHasher(config.pbkdf2Iterations());
            if (config.pop3().port() > 0) {
                Pop3Settings settings = new Pop3Settings(config.pop3().maildropLock(), config.pop3().idleTimeout(),
                        config.pop3().maxBadCommands(), "Poplar-" + VERSION);
                pop3 = Listener.start("pop3", new InetSocketAddress(config.pop3().host(), config.pop3().port()),
                        config.pop3().maxConnections(), new Pop3Service(store, new Authenticator(store, hasher), settings));
            }
            if (config.lmtp().port() > 0) {
                String hostname = config.lmtp().hostname().isEmpty() ? localHostName() : config.lmtp().hostname();
                LmtpSettings settings = new LmtpSettings(hostname, config.lmtp().maxMessageSize(),
                        config.lmtp().maxRecipients(), config.lmtp().idleTimeout());
                lmtp = Listener.start("lmtp", new InetSocketAddress(config.lmtp().host(), config.lmtp().port()),
                        config.lmtp().maxConnections(), new LmtpService(store, settings));
            }
            PoplarServer[] self = new PoplarServer[1];
            String httpUrl = "";
            if (config.http().port() > 0) {
                LocalAdmin admin = new LocalAdmin(store, hasher, config.lmtp().maxMessageSize(), () -> { });
                http = HttpServer.start(config.http().host(), config.http().port(),
                        new AdminRoutes(admin, data.adminToken()), () -> self[0] != null && self[0].ready);
                httpUrl = "http://" + hostForUrl(config.http().host()) + ":" + http.port();
            }
            claim.describe(httpUrl);
            PoplarServer server = new PoplarServer(config, claim, store, pop3, lmtp, http);
            self[0] = server;
            server.ready = true;
            LOG.log(System.Logger.Level.INFO, "poplar " + VERSION + " started data_dir=" + config.dataDir().toAbsolutePath()
                    + " pop3=" + describe(config.pop3().host(), pop3) + " lmtp=" + describe(config.lmtp().host(), lmtp)
                    + " http=" + (http == null ? "off" : httpUrl)
                    + " maildrop_lock=" + config.pop3().maildropLock().name().toLowerCase(java.util.Locale.ROOT));
            if (config.pop3().idleTimeout().compareTo(Duration.ofMinutes(10)) < 0) {
                LOG.log(System.Logger.Level.WARNING, "poplar.pop3.idle-timeout is below the 10 minutes RFC 1939 requires");
            }
            return server;
        } catch (StoreException | IOException | RuntimeException e) {
            closeQuietly(http);
            closeQuietly(lmtp);
            closeQuietly(pop3);
            closeQuietly(store);
            claim.close();
            throw new ServerStartException(e.getMessage() == null ? e.toString() : e.getMessage());
        }
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

    public int lmtpPort() {
        return lmtp == null ? 0 : lmtp.port();
    }

    public int httpPort() {
        return http == null ? 0 : http.port();
    }

    public MailStore store() {
        return store;
    }

    public PoplarConfig config() {
        return config;
    }

    public boolean ready() {
        return ready;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        ready = false;
        Duration grace = config.shutdownGrace();
        LOG.log(System.Logger.Level.INFO, "poplar shutting down, grace " + grace.toSeconds() + "s");
        Thread pop3Stop = Thread.ofVirtual().start(() -> { if (pop3 != null) { pop3.shutdown(grace); } });
        Thread lmtpStop = Thread.ofVirtual().start(() -> { if (lmtp != null) { lmtp.shutdown(grace); } });
        try {
            pop3Stop.join();
            lmtpStop.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeQuietly(http);
        store.close();
        claim.close();
        LOG.log(System.Logger.Level.INFO, "poplar stopped");
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
