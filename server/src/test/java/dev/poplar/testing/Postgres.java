package dev.poplar.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A real PostgreSQL server on a loopback port: initdb and pg_ctl (Debian's postgresql package)
 * in a fresh directory, run as the postgres user when the tests run as root (PostgreSQL refuses
 * root). Poplar connects as the role {@link #ROLE} with a SCRAM password over TCP, like a
 * production set-up; the test changes the data with psql over the socket directory.
 */
public final class Postgres implements AutoCloseable {
    public static final String ROLE = "poplar";
    public static final String ROLE_PASSWORD = "poplar-db-secret";
    public static final String DATABASE = "mail";

    private final Path dir;
    private final Path bin;
    private final int port;
    private final boolean asPostgres;

    private Postgres(Path dir, Path bin, int port, boolean asPostgres) {
        this.dir = dir;
        this.bin = bin;
        this.port = port;
        this.asPostgres = asPostgres;
    }

    /** A new cluster with the database {@link #DATABASE}, the role {@link #ROLE} and {@code schema} applied. */
    public static Postgres start(String schema) throws Exception {
        Path bin = binaries();
        boolean root = "root".equals(System.getProperty("user.name"));
        Path dir = Files.createTempDirectory(
                Path.of(System.getProperty("java.io.tmpdir")),
                "poplar-pg-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        if (root) {
            Tools.Result own = Tools.run(List.of("chown", "postgres:", dir.toString()), null);
            assertEquals(0, own.exit(), own.output());
        }
        Postgres pg = new Postgres(dir, bin, TestServer.freePort(), root);
        pg.run(List.of(
                bin.resolve("initdb").toString(),
                "-D",
                dir.resolve("data").toString(),
                "-U",
                "postgres",
                "--auth-local=trust",
                "--auth-host=scram-sha-256",
                "-E",
                "UTF8",
                "--no-sync"));
        pg.start();
        try {
            pg.psql("postgres", "CREATE ROLE " + ROLE + " LOGIN PASSWORD '" + ROLE_PASSWORD + "'");
            pg.psql("postgres", "CREATE DATABASE " + DATABASE);
            pg.psql(DATABASE, schema + "\nGRANT SELECT ON ALL TABLES IN SCHEMA public TO " + ROLE + ";");
        } catch (Exception | AssertionError e) {
            pg.close();
            throw e;
        }
        return pg;
    }

    private static Path binaries() {
        Path root = Path.of("/usr/lib/postgresql");
        try (Stream<Path> versions = Files.exists(root) ? Files.list(root) : Stream.empty()) {
            Optional<Path> newest = versions.map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("pg_ctl")))
                    .max(Comparator.comparing(p -> Integer.parseInt(
                            p.getParent().getFileName().toString().replaceAll("\\D", "0"))));
            if (newest.isPresent()) {
                return newest.get();
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        if ("1".equals(System.getenv("POPLAR_REQUIRE_TOOLS"))) {
            throw new AssertionError("PostgreSQL is required (POPLAR_REQUIRE_TOOLS=1): apt-get install postgresql");
        }
        Assumptions.abort("PostgreSQL is not installed; .ci/run installs it");
        return null;
    }

    /** Starts (again) on the same port; returns once it accepts connections. */
    public void start() throws Exception {
        run(List.of(
                bin.resolve("pg_ctl").toString(),
                "-D",
                dir.resolve("data").toString(),
                "-l",
                dir.resolve("log").toString(),
                "-w",
                "-t",
                "60",
                "-o",
                "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off",
                "start"));
    }

    /** Stops it at once (an outage): connections are cut. */
    public void stop() throws Exception {
        run(List.of(
                bin.resolve("pg_ctl").toString(),
                "-D",
                dir.resolve("data").toString(),
                "-m",
                "immediate",
                "-w",
                "stop"));
    }

    /** Runs SQL as the superuser over the socket directory, stopping at the first error. */
    public void psql(String database, String sql) throws Exception {
        run(List.of(
                bin.resolve("psql").toString(),
                "-X",
                "-q",
                "-v",
                "ON_ERROR_STOP=1",
                "-h",
                dir.toString(),
                "-p",
                Integer.toString(port),
                "-U",
                "postgres",
                "-d",
                database,
                "-c",
                sql));
    }

    /** One value of a query (psql -At), for checks. */
    public String query(String sql) throws Exception {
        return run(List.of(
                        bin.resolve("psql").toString(),
                        "-X",
                        "-At",
                        "-h",
                        dir.toString(),
                        "-p",
                        Integer.toString(port),
                        "-U",
                        "postgres",
                        "-d",
                        DATABASE,
                        "-c",
                        sql))
                .strip();
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
    }

    public int port() {
        return port;
    }

    private String run(List<String> command) throws Exception {
        List<String> full = new ArrayList<>();
        if (asPostgres) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        Tools.Result r = Tools.run(full, null);
        assertEquals(0, r.exit(), String.join(" ", command) + ": " + r.output());
        return r.output();
    }

    @Override
    public void close() throws Exception {
        try {
            stop();
        } finally {
            try (Stream<Path> all = Files.walk(dir)) {
                all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
