package dev.poplar.testing;

import dev.poplar.admin.AdminException;
import dev.poplar.admin.LocalAdmin;
import dev.poplar.auth.PasswordHasher;
import dev.poplar.config.ConfigLoader;
import dev.poplar.config.PoplarConfig;
import dev.poplar.server.PoplarServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A real Poplar server on free loopback ports with its store in a temp directory. Settings are
 * given as environment-style overrides, exactly as an operator would set them.
 */
public final class TestServer implements AutoCloseable {
    private final PoplarServer server;
    private final LocalAdmin admin;
    private final Path dataDir;

    private TestServer(PoplarServer server, Path dataDir) {
        this.server = server;
        this.dataDir = dataDir;
        this.admin = new LocalAdmin(
                server.store(), new PasswordHasher(1000), server.config(), server, server.sweep(), dataDir, () -> {});
    }

    public static TestServer start(Path dataDir, String... overrides) throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("POPLAR_DATA_DIR", dataDir.toString());
        env.put("POPLAR_BACKUP_ROOT", dataDir.toAbsolutePath().getParent().toString());
        env.put("POPLAR_POP3_PORT", Integer.toString(freePort()));
        env.put("POPLAR_POP3S_PORT", Integer.toString(freePort()));
        env.put("POPLAR_LMTP_PORT", Integer.toString(freePort()));
        env.put("POPLAR_HTTP_PORT", Integer.toString(freePort()));
        env.put("POPLAR_AUTH_PBKDF2_ITERATIONS", "1000");
        env.put("POPLAR_LMTP_HOSTNAME", "poplar.test");
        env.put("POPLAR_SHUTDOWN_GRACE", "5s");
        // Most tests fail logins on purpose from 127.0.0.1; AbuseTest turns the guard back on.
        env.put("POPLAR_AUTH_FAILURE_DELAY", "0");
        env.put("POPLAR_AUTH_BAN_AFTER", "0");
        // The suite's fixtures use short passwords ("a-pass"); LoginProtectionTest checks the default of 8.
        env.put("POPLAR_AUTH_MIN_PASSWORD_LENGTH", "1");
        for (int i = 0; i < overrides.length; i += 2) {
            env.put(overrides[i], overrides[i + 1]);
        }
        PoplarConfig config = ConfigLoader.load(Optional.empty(), env);
        return new TestServer(PoplarServer.start(config), dataDir);
    }

    private static final java.util.concurrent.atomic.AtomicInteger NEXT_PORT =
            new java.util.concurrent.atomic.AtomicInteger(
                    15_000 + (int) (ProcessHandle.current().pid() % 1000) * 17);

    /**
     * A free port below Linux's ephemeral range (32768-60999): a port from ServerSocket(0) is
     * ephemeral, and one of the suite's many client sockets could take it before the server binds.
     */
    public static int freePort() {
        for (int tries = 0; tries < 20_000; tries++) {
            int port = 15_000 + Math.floorMod(NEXT_PORT.getAndIncrement() - 15_000, 17_000);
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new java.net.InetSocketAddress("127.0.0.1", port));
                return port;
            } catch (IOException taken) {
                // try the next one
            }
        }
        throw new UncheckedIOException(new IOException("no free port in 15000-31999"));
    }

    public int pop3Port() {
        return server.pop3Port();
    }

    public int pop3sPort() {
        return server.pop3sPort();
    }

    public int lmtpPort() {
        return server.lmtpPort();
    }

    public int httpPort() {
        return server.httpPort();
    }

    public Path dataDir() {
        return dataDir;
    }

    public PoplarServer server() {
        return server;
    }

    public void addUser(String name, String password) throws AdminException {
        admin.addUser(name, password);
    }

    /** Delivers a raw message (any line ends) the way `poplar deliver` does. */
    public long deliver(String name, String raw) throws AdminException {
        return admin.deliver(name, raw.getBytes(StandardCharsets.UTF_8));
    }

    public long deliver(String name, byte[] raw) throws AdminException {
        return admin.deliver(name, raw);
    }

    /** The running server's admin API, as `poplar` reaches it (cluster placement included). */
    public dev.poplar.admin.HttpAdminClient http() throws java.io.IOException {
        return new dev.poplar.admin.HttpAdminClient(
                "http://127.0.0.1:" + httpPort(),
                dev.poplar.server.DataDirectory.of(server.config())
                        .existingAdminToken()
                        .orElseThrow());
    }

    public LocalAdmin admin() {
        return admin;
    }

    @Override
    public void close() {
        server.close();
    }
}
