package dev.poplar.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.poplar.cli.PoplarCli;
import dev.poplar.storage.ChunkReader;
import dev.poplar.storage.LockPolicy;
import dev.poplar.storage.Maildrop;
import dev.poplar.storage.rocks.RocksMailStore;
import dev.poplar.storage.rocks.RocksStoreOptions;
import dev.poplar.storage.rocks.StoreChecker;
import dev.poplar.testing.LineClient;
import dev.poplar.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crash harness (DESIGN invariants 1-4 under SIGKILL): the real server runs as a child
 * process under concurrent LMTP deliveries and POP3 sessions that DELE and QUIT, and is killed at
 * random moments. After every kill the store is opened and checked: every delivery that got 250
 * is present exactly once and byte-identical; every deletion whose QUIT got +OK is gone; a QUIT
 * without +OK deleted all of its marked messages or none; no partial message; every UIDL seen is
 * unchanged; counters match the index. Rounds: -Dpoplar.crash.rounds (CI: 12;
 * ops/reliability/crash-harness.sh runs hundreds).
 */
class ServerCrashTest {
    private static final int USERS = 4;

    @TempDir
    Path dir;

    /** What the clients were told, and what they may assume. */
    private final Map<String, String> acked = new ConcurrentHashMap<>(); // token -> expected message

    private final Set<String> deleted = ConcurrentHashMap.newKeySet(); // tokens whose QUIT got +OK
    private final List<Set<String>> uncertain = java.util.Collections.synchronizedList(new ArrayList<>());
    private final Map<String, String> uidls = new ConcurrentHashMap<>(); // token -> UIDL as seen
    private final AtomicInteger tokens = new AtomicInteger();
    private final List<String> violations = java.util.Collections.synchronizedList(new ArrayList<>());

    /** A reply line; end of stream means the server was killed. */
    private static String line(LineClient c) throws IOException {
        String l = c.line();
        if (l == null) {
            throw new IOException("server gone");
        }
        return l;
    }

    private Process start(int pop3, int lmtp) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(
                java,
                "--enable-native-access=ALL-UNNAMED",
                "-Xmx512m",
                "-cp",
                System.getProperty("java.class.path"),
                PoplarCli.class.getName(),
                "serve");
        Map<String, String> env = pb.environment();
        env.put("POPLAR_DATA_DIR", dir.resolve("data").toString());
        env.put("POPLAR_POP3_PORT", Integer.toString(pop3));
        env.put("POPLAR_LMTP_PORT", Integer.toString(lmtp));
        env.put("POPLAR_POP3S_PORT", "0");
        env.put("POPLAR_HTTP_PORT", "0");
        env.put("POPLAR_AUTH_PBKDF2_ITERATIONS", "1000");
        env.put("POPLAR_AUTH_MIN_PASSWORD_LENGTH", "1");
        env.put("POPLAR_AUTH_FAILURE_DELAY", "0");
        // The default exclusive lock: sessions on one mailbox are serialised, so the all-or-none check
        // below is exact (with shared maildrops two sessions may mark the same message, and one that
        // committed but was killed before its +OK cannot be told from a partial commit).
        return pb.redirectErrorStream(true)
                .redirectOutput(dir.resolve("server.log").toFile())
                .start();
    }

    private static void awaitListening(int port, Process p) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                assertTrue(p.isAlive(), "server died at start");
                Thread.sleep(50); // polling the port with a deadline
            }
        }
        throw new AssertionError("server did not start");
    }

    private void deliverLoop(int lmtp, Random r, AtomicBoolean stop) {
        while (!stop.get()) {
            String token = "t" + tokens.incrementAndGet();
            String user = "u" + r.nextInt(USERS);
            StringBuilder body = new StringBuilder("Subject: crash " + token + "\r\n\r\n");
            int lines = r.nextInt(200);
            for (int i = 0; i < lines; i++) {
                body.append(i % 7 == 0 ? "." : "")
                        .append(token)
                        .append(" line ")
                        .append(i)
                        .append("\r\n");
            }
            String message = body.toString();
            try (LineClient c = new LineClient(lmtp)) {
                line(c);
                c.send("LHLO x\r\nMAIL FROM:<crash@test>\r\nRCPT TO:<" + user + ">\r\nDATA\r\n");
                for (int i = 0; i < 8; i++) { // LHLO (5 lines), MAIL, RCPT, DATA
                    line(c);
                }
                c.send(message.replace("\r\n.", "\r\n..") + ".\r\n");
                String reply = line(c);
                if (reply.startsWith("250 ")) {
                    acked.put(token, "Return-Path: <crash@test>\r\nDelivered-To: " + user + "\r\n" + message);
                }
            } catch (IOException killed) {
                return;
            }
        }
    }

    private void popLoop(int pop3, Random r, AtomicBoolean stop) {
        while (!stop.get()) {
            String user = "u" + r.nextInt(USERS);
            try (LineClient c = new LineClient(pop3)) {
                line(c);
                c.send("USER " + user + "\r\nPASS pw\r\nUIDL\r\n");
                line(c);
                if (!line(c).startsWith("+OK Logged in")) {
                    continue;
                }
                line(c);
                List<String[]> listing = new ArrayList<>();
                for (String l : c.body()) {
                    listing.add(l.split(" "));
                }
                Set<String> marked = new HashSet<>();
                for (String[] entry : listing) {
                    if (r.nextInt(3) != 0) {
                        continue;
                    }
                    c.send("TOP " + entry[0] + " 0\r\n");
                    if (!line(c).startsWith("+OK")) {
                        continue; // removed by another session meanwhile
                    }
                    String token = null;
                    for (String h : c.body()) {
                        if (h.startsWith("Subject: crash ")) {
                            token = h.substring(15);
                        }
                    }
                    if (token == null) {
                        continue;
                    }
                    String before = uidls.putIfAbsent(token, entry[1]);
                    if (before != null && !before.equals(entry[1])) {
                        violations.add("UIDL of " + token + " changed from " + before + " to " + entry[1]);
                    }
                    c.send("DELE " + entry[0] + "\r\n");
                    if (line(c).startsWith("+OK")) {
                        marked.add(token);
                    }
                }
                uncertain.add(marked);
                c.send("QUIT\r\n");
                String bye = line(c);
                if (bye.startsWith("+OK")) {
                    uncertain.remove(marked);
                    deleted.addAll(marked);
                }
            } catch (IOException killed) {
                return;
            }
        }
    }

    @Test
    void everyAcknowledgementSurvivesSigkill() throws Exception {
        int rounds = Integer.getInteger("poplar.crash.rounds", 12);
        long seed = Long.getLong("poplar.crash.seed", System.nanoTime());
        Random random = new Random(seed);
        int pop3 = TestServer.freePort();
        int lmtp = TestServer.freePort();
        // Accounts first, offline, through the real CLI.
        Path users = dir.resolve("users.txt");
        StringBuilder u = new StringBuilder();
        for (int i = 0; i < USERS; i++) {
            u.append("u").append(i).append(" pw\n");
        }
        Files.writeString(users, u.toString());
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder imp = new ProcessBuilder(
                java,
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                PoplarCli.class.getName(),
                "user",
                "import",
                users.toString());
        imp.environment().put("POPLAR_DATA_DIR", dir.resolve("data").toString());
        imp.environment().put("POPLAR_AUTH_PBKDF2_ITERATIONS", "1000");
        imp.environment().put("POPLAR_AUTH_MIN_PASSWORD_LENGTH", "1");
        assertEquals(0, imp.redirectErrorStream(true).start().waitFor());

        int checkedMessages = 0;
        for (int round = 0; round < rounds; round++) {
            Process server = start(pop3, lmtp);
            awaitListening(pop3, server);
            awaitListening(lmtp, server);
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> clients = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                Random r = new Random(random.nextLong());
                clients.add(Thread.ofVirtual().start(() -> deliverLoop(lmtp, r, stop)));
            }
            for (int i = 0; i < 3; i++) {
                Random r = new Random(random.nextLong());
                clients.add(Thread.ofVirtual().start(() -> popLoop(pop3, r, stop)));
            }
            Thread.sleep(200 + random.nextInt(1200)); // the kill comes at a random moment: that is the test
            server.toHandle().destroyForcibly();
            assertTrue(server.waitFor(30, TimeUnit.SECONDS));
            stop.set(true);
            for (Thread t : clients) {
                t.join();
            }
            checkedMessages += verify(round);
            assertEquals(List.of(), violations, "round " + round);
        }
        // Guard against a harness that checks nothing.
        assertTrue(acked.size() >= rounds * 20, "deliveries happened: " + acked.size());
        assertTrue(deleted.size() >= rounds, "deletions happened: " + deleted.size());
        System.out.println("crash harness: seed " + seed + ", " + rounds + " SIGKILLs, " + acked.size()
                + " acknowledged deliveries, " + deleted.size() + " acknowledged deletions, " + checkedMessages
                + " message checks, 0 violations");
    }

    private int verify(int round) throws Exception {
        Map<String, String> present = new HashMap<>();
        try (RocksMailStore store = RocksMailStore.open(dir.resolve("data/store"), RocksStoreOptions.defaults())) {
            assertEquals(List.of(), StoreChecker.check(store), "round " + round + ": store consistent");
            for (int i = 0; i < USERS; i++) {
                try (Maildrop drop = store.openMaildrop("u" + i, LockPolicy.SHARED)) {
                    for (int m = 0; m < drop.listing().size(); m++) {
                        String text = read(drop, m);
                        int s = text.indexOf("Subject: crash ");
                        String token = text.substring(s + 15, text.indexOf("\r\n", s));
                        assertTrue(present.put(token, text) == null, "round " + round + ": " + token + " twice");
                        String seen = uidls.get(token);
                        assertTrue(
                                seen == null || seen.equals(drop.listing().uidl(m)), "UIDL of " + token + " changed");
                    }
                }
            }
        }
        for (Map.Entry<String, String> e : acked.entrySet()) {
            if (deleted.contains(e.getKey()) || inUncertain(e.getKey())) {
                continue;
            }
            assertEquals(e.getValue(), present.get(e.getKey()), "round " + round + ": acknowledged " + e.getKey());
        }
        for (String token : deleted) {
            assertTrue(
                    !present.containsKey(token), "round " + round + ": acknowledged deletion of " + token + " undone");
        }
        synchronized (uncertain) {
            for (Set<String> marked : uncertain) {
                long gone = marked.stream()
                        .filter(t -> !present.containsKey(t) || deleted.contains(t))
                        .count();
                long stillThere = marked.stream().filter(present::containsKey).count();
                assertTrue(
                        gone == 0 || stillThere == 0,
                        "round " + round + ": a QUIT without +OK applied part of its deletions: " + marked);
            }
            // Settle what this round decided, so later rounds judge against it.
            for (Set<String> marked : uncertain) {
                for (String t : marked) {
                    if (!present.containsKey(t)) {
                        deleted.add(t);
                    }
                }
            }
            uncertain.clear();
        }
        return present.size();
    }

    private boolean inUncertain(String token) {
        synchronized (uncertain) {
            return uncertain.stream().anyMatch(s -> s.contains(token));
        }
    }

    private static String read(Maildrop drop, int index) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ChunkReader r = drop.read(index)) {
            for (int n; (n = r.next()) >= 0; ) {
                out.write(r.buffer(), 0, n);
            }
        }
        return new String(out.toByteArray(), StandardCharsets.ISO_8859_1).replace("\r\n.", "\r\n");
    }
}
