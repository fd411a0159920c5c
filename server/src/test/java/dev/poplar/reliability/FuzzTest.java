package dev.poplar.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.poplar.storage.rocks.RocksMailStore;
import dev.poplar.storage.rocks.StoreChecker;
import dev.poplar.testing.Messages;
import dev.poplar.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.apache.commons.net.pop3.POP3Client;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bounded fuzz run against a live server: random and mutated command streams, binary bytes,
 * NULs, 1 MB lines, half-closed sockets, clients vanishing mid-RETR and mid-DATA. Afterwards the
 * server still serves, no file descriptor or platform thread leaked, and the store is consistent.
 */
class FuzzTest {
    private static final String[] COMMANDS = {
        "USER fz",
        "PASS fz-pass",
        "STAT",
        "LIST",
        "LIST 1",
        "UIDL",
        "RETR 1",
        "TOP 1 0",
        "DELE 1",
        "RSET",
        "NOOP",
        "CAPA",
        "QUIT",
        "AUTH PLAIN",
        "STLS",
        "APOP fz 0123",
        "RETR 99999999999"
    };

    @TempDir
    Path dir;

    private static long openFds() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }

    private static byte[] randomStream(Random r) {
        StringBuilder sb = new StringBuilder();
        int n = r.nextInt(40);
        for (int i = 0; i < n; i++) {
            String cmd = COMMANDS[r.nextInt(COMMANDS.length)];
            switch (r.nextInt(6)) {
                case 0 -> cmd = cmd.toLowerCase();
                case 1 -> cmd = cmd.substring(0, r.nextInt(cmd.length() + 1));
                case 2 -> cmd = cmd + " " + (char) r.nextInt(256);
                default -> {}
            }
            sb.append(cmd).append(r.nextBoolean() ? "\r\n" : "\n");
        }
        byte[] text = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
        if (r.nextInt(4) == 0) {
            byte[] junk = new byte[r.nextInt(4096)];
            r.nextBytes(junk);
            byte[] both = new byte[text.length + junk.length];
            System.arraycopy(text, 0, both, 0, text.length);
            System.arraycopy(junk, 0, both, text.length, junk.length);
            return both;
        }
        return text;
    }

    private static void drain(InputStream in, int max) {
        try {
            byte[] buf = new byte[8192];
            int total = 0;
            for (int k; total < max && (k = in.read(buf)) > 0; ) {
                total += k;
            }
        } catch (IOException ignored) {
            // the server may close first
        }
    }

    private void oneClient(TestServer s, long seed) {
        Random r = new Random(seed);
        int kind = r.nextInt(7);
        int port = kind == 6 ? s.lmtpPort() : s.pop3Port();
        try (Socket sock = new Socket("127.0.0.1", port)) {
            sock.setSoTimeout(2000);
            OutputStream out = sock.getOutputStream();
            InputStream in = sock.getInputStream();
            switch (kind) {
                case 0, 1, 2 -> { // random and mutated commands, maybe binary
                    out.write(randomStream(r));
                    if (r.nextBoolean()) {
                        sock.shutdownOutput(); // half-closed
                    }
                    drain(in, 1 << 20);
                }
                case 3 -> { // a 1 MB line, NULs inside
                    byte[] line = new byte[1 << 20];
                    java.util.Arrays.fill(line, (byte) 'A');
                    line[r.nextInt(line.length)] = 0;
                    out.write(line);
                    out.write("\r\nNOOP\r\n".getBytes(StandardCharsets.US_ASCII));
                    drain(in, 4096);
                }
                case 4 -> { // vanish in the middle of a large RETR
                    out.write("USER fz\r\nPASS fz-pass\r\nRETR 1\r\n".getBytes(StandardCharsets.US_ASCII));
                    in.readNBytes(r.nextInt(100_000));
                }
                case 5 -> { // DELE everything, then vanish without QUIT
                    out.write("USER fz\r\nPASS fz-pass\r\nDELE 1\r\nDELE 2\r\n".getBytes(StandardCharsets.US_ASCII));
                    in.readNBytes(r.nextInt(200));
                }
                default -> { // LMTP: vanish in the middle of DATA, or send garbage
                    out.write(("LHLO x\r\nMAIL FROM:<a@b>\r\nRCPT TO:<fz>\r\nDATA\r\nSubject: cut\r\n\r\n"
                                    + "x".repeat(r.nextInt(100_000)))
                            .getBytes(StandardCharsets.US_ASCII));
                    if (r.nextBoolean()) {
                        out.write(randomStream(r));
                    }
                    in.readNBytes(r.nextInt(300));
                }
            }
        } catch (IOException expected) {
            // resets and timeouts are part of the game
        }
    }

    @Test
    void theServerSurvivesAFuzzRunWithoutLeaksOrDamage() throws Exception {
        try (TestServer s = TestServer.start(dir, "POPLAR_POP3_MAILDROP_LOCK", "shared")) {
            s.addUser("fz", "fz-pass");
            s.deliver("fz", "Subject: big\r\n\r\n" + "y".repeat(3_000_000) + "\r\n");
            s.deliver("fz", Messages.simple(2));
            s.deliver("fz", Messages.simple(3));
            // Warm up, then take the baseline.
            oneClient(s, 1);
            long fdsBefore = openFds();
            int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
            long seed = Long.getLong("poplar.fuzz.seed", System.nanoTime());
            int clients = Integer.getInteger("poplar.fuzz.clients", 400);
            System.out.println("fuzz: seed " + seed + ", " + clients + " clients");
            try (ExecutorService pool =
                    Executors.newFixedThreadPool(32, Thread.ofVirtual().factory())) {
                List<Future<?>> all = new ArrayList<>();
                for (int i = 0; i < clients; i++) {
                    long clientSeed = seed + i;
                    all.add(pool.submit(() -> oneClient(s, clientSeed)));
                }
                for (Future<?> f : all) {
                    f.get();
                }
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!s.server().sessions().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(50); // waiting for server-side sessions to notice their clients left
            }
            assertEquals(List.of(), s.server().sessions(), "every session ended");
            long fdsAfter = openFds();
            int threadsAfter = ManagementFactory.getThreadMXBean().getThreadCount();
            System.out.println("fuzz: fds " + fdsBefore + " -> " + fdsAfter + ", platform threads " + threadsBefore
                    + " -> " + threadsAfter);
            assertTrue(fdsAfter <= fdsBefore + 8, "file descriptors leaked: " + fdsBefore + " -> " + fdsAfter);
            assertTrue(
                    threadsAfter <= threadsBefore + 4,
                    "platform threads leaked: " + threadsBefore + " -> " + threadsAfter);
            assertTrue(s.server().ready());
            POP3Client c = new POP3Client();
            c.connect("127.0.0.1", s.pop3Port());
            assertTrue(c.login("fz", "fz-pass"), "still serving");
            c.logout();
            c.disconnect();
            assertEquals(
                    List.of(), StoreChecker.check((RocksMailStore) s.server().store()), "store consistent");
        }
    }
}
