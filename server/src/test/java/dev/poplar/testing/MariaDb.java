package dev.poplar.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real MariaDB server (Debian's mariadb-server) on a loopback port, in a fresh directory:
 * mariadb-install-db, then mariadbd in the foreground, as the mysql user when the tests run as
 * root. Poplar connects as {@link #ROLE} with a password over TCP; the test changes the data with
 * the mariadb client over the socket, as root.
 */
public final class MariaDb implements AutoCloseable {
    public static final String ROLE = "poplar";
    public static final String ROLE_PASSWORD = "poplar-db-secret";
    public static final String DATABASE = "mail";

    private final Path dir;
    private final int port;
    private final Process process;

    private MariaDb(Path dir, int port, Process process) {
        this.dir = dir;
        this.port = port;
        this.process = process;
    }

    public static MariaDb start(String schema) throws Exception {
        Path mariadbd = Tools.require("mariadbd");
        Tools.require("mariadb-install-db");
        boolean root = "root".equals(System.getProperty("user.name"));
        String user = root ? "mysql" : System.getProperty("user.name");
        Path dir = Files.createTempDirectory(
                Path.of(System.getProperty("java.io.tmpdir")),
                "poplar-mariadb-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        if (root) {
            Tools.Result own = Tools.run(List.of("chown", "mysql:", dir.toString()), null);
            assertEquals(0, own.exit(), own.output());
        }
        Tools.Result init = Tools.run(
                List.of(
                        "mariadb-install-db",
                        "--no-defaults",
                        "--user=" + user,
                        "--datadir=" + dir.resolve("data"),
                        "--auth-root-authentication-method=normal",
                        "--skip-test-db"),
                null);
        assertEquals(0, init.exit(), init.output());
        int port = TestServer.freePort();
        Process p = new ProcessBuilder(
                        mariadbd.toString(),
                        "--no-defaults",
                        "--user=" + user,
                        "--datadir=" + dir.resolve("data"),
                        "--socket=" + dir.resolve("sock"),
                        "--port=" + port,
                        "--bind-address=127.0.0.1",
                        "--skip-log-bin",
                        "--innodb-buffer-pool-size=16M",
                        "--innodb-flush-log-at-trx-commit=0")
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("log").toFile())
                .start();
        MariaDb db = new MariaDb(dir, port, p);
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (true) {
                try (Socket probe = new Socket("127.0.0.1", port)) {
                    break;
                } catch (IOException notYet) {
                    if (!p.isAlive() || System.nanoTime() > deadline) {
                        throw new IllegalStateException(
                                "mariadbd did not start: " + Files.readString(dir.resolve("log")));
                    }
                    Thread.onSpinWait();
                }
            }
            db.sql("CREATE DATABASE " + DATABASE + "; CREATE USER '" + ROLE + "'@'127.0.0.1' IDENTIFIED BY '"
                    + ROLE_PASSWORD + "'; GRANT SELECT ON " + DATABASE + ".* TO '" + ROLE + "'@'127.0.0.1';");
            db.sql("USE " + DATABASE + "; " + schema);
        } catch (Exception | AssertionError e) {
            db.close();
            throw e;
        }
        return db;
    }

    /** Runs SQL as root over the socket. */
    public String sql(String statements) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                "mariadb",
                "--no-defaults",
                "-S",
                dir.resolve("sock").toString(),
                "-u",
                "root",
                "-N",
                "-B",
                "-e",
                statements));
        Tools.Result r = Tools.run(command, null);
        assertEquals(0, r.exit(), statements + ": " + r.output());
        return r.output().strip();
    }

    public String jdbcUrl() {
        return "jdbc:mariadb://127.0.0.1:" + port + "/" + DATABASE;
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
