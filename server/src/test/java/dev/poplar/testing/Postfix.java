package dev.poplar.testing;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private instance of stock Postfix (Debian's postfix) on loopback: its own configuration and
 * queue directories in a temp directory, SMTP on a free port, relaying one domain by a
 * transport_maps lookup. Postfix's master runs as root (the test runs as root, as CI does) and its
 * daemons as the postfix user, as in production; nothing is chrooted.
 */
public final class Postfix implements AutoCloseable {
    private final Path dir;
    private final int smtpPort;

    private Postfix(Path dir, int smtpPort) {
        this.dir = dir;
        this.smtpPort = smtpPort;
    }

    /** Relays {@code domain} by {@code transportMaps} (e.g. socketmap:inet:127.0.0.1:PORT:transport). */
    public static Postfix start(Path dir, String domain, String transportMaps) throws Exception {
        Tools.require("postfix");
        if (!"root".equals(System.getProperty("user.name"))) {
            if ("1".equals(System.getenv("POPLAR_REQUIRE_TOOLS"))) {
                throw new AssertionError("Postfix's master must start as root (CI runs as root)");
            }
            org.junit.jupiter.api.Assumptions.abort("Postfix's master must start as root");
        }
        Path conf = Files.createDirectories(dir.resolve("conf"));
        Files.createDirectories(dir.resolve("queue"));
        Path data = Files.createDirectories(dir.resolve("data"));
        // Postfix's daemons run as the postfix user: they must reach the queue through the test's
        // (mode 700) temp directory, and a Poplar server in this JVM set the umask to 077.
        for (Path p : List.of(conf, dir.resolve("queue"), data)) {
            Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        for (Path p = dir; p != null && !p.equals(p.getRoot()) && !p.toString().equals("/tmp"); p = p.getParent()) {
            Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        run(List.of("chown", "postfix", data.toString()));
        int port = TestServer.freePort();
        Files.writeString(conf.resolve("main.cf"), """
                compatibility_level = 3.6
                queue_directory = %s
                data_directory = %s
                maillog_file_prefixes = %s
                maillog_file = %s
                inet_interfaces = 127.0.0.1
                inet_protocols = ipv4
                myhostname = mx.test
                mydestination =
                alias_maps =
                alias_database =
                relay_domains = %s
                transport_maps = %s
                relay_transport = error:5.1.1 User unknown
                mynetworks = 127.0.0.0/8
                smtpd_relay_restrictions = permit_mynetworks, reject
                # tests retry deferred mail with "postfix flush", not after minutes
                queue_run_delay = 1s
                minimal_backoff_time = 1s
                maximal_backoff_time = 2s
                """.formatted(
                        dir.resolve("queue"), data, dir, dir.resolve("maillog"), domain, transportMaps));
        // Debian's master.cf, with SMTP on our port and no chroot (the queue is not under /var/spool).
        List<String> master = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/etc/postfix/master.cf"))) {
            String[] f = line.split("\\s+");
            if (line.startsWith("#") || line.isBlank() || Character.isWhitespace(line.charAt(0)) || f.length < 8) {
                master.add(line);
                continue;
            }
            if (f[0].equals("smtp") && f[1].equals("inet")) {
                f[0] = "127.0.0.1:" + port;
            }
            f[4] = "n";
            master.add(String.join("\t", f));
        }
        Files.write(conf.resolve("master.cf"), master);
        Postfix p = new Postfix(dir, port);
        p.postfix("start");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try (Socket probe = new Socket("127.0.0.1", port)) {
                return p;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("postfix did not start: " + p.log());
                }
                Thread.sleep(50);
            }
        }
    }

    public int smtpPort() {
        return smtpPort;
    }

    /** Retries the deferred mail now. */
    public void flush() throws Exception {
        postfix("flush");
    }

    public String log() throws IOException {
        Path log = dir.resolve("maillog");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    private void postfix(String command) throws Exception {
        run(List.of(
                Tools.require("postfix").toString(), "-c", dir.resolve("conf").toString(), command));
    }

    private static void run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
        }
    }

    @Override
    public void close() throws Exception {
        postfix("stop");
    }
}
