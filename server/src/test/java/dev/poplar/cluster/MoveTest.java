package dev.poplar.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.poplar.admin.AdminOperations.MessageSummary;
import dev.poplar.admin.AdminOperations.MigratedMessage;
import dev.poplar.testing.Await;
import dev.poplar.testing.CliProcess;
import dev.poplar.testing.Etcd;
import dev.poplar.testing.LineClient;
import dev.poplar.testing.Nginx;
import dev.poplar.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.commons.net.pop3.POP3Client;
import org.apache.commons.net.pop3.POP3MessageInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Moving a mailbox between nodes under load (issue 16): `poplar cluster move` copies the messages
 * with their UIDLs, order, dates and bytes, ends the user's session cleanly (its DELE is not
 * applied), defers deliveries meanwhile (the MTA retries: every message arrives exactly once), and
 * logins through nginx get a temporary failure, never a wrong answer; `drain-node` empties a node
 * and keeps new users off it.
 */
class MoveTest {
    private static final String KEY = "cluster-shared-key-0123";

    private static TestServer node(Path dir, Etcd etcd, String name, int socketmap, int authPort) throws Exception {
        return TestServer.start(
                dir,
                "POPLAR_CLUSTER_ETCD",
                etcd.url().toString(),
                "POPLAR_CLUSTER_NODE",
                name,
                "POPLAR_CLUSTER_SOCKETMAP_PORT",
                Integer.toString(socketmap),
                "POPLAR_NGINX_AUTH_PORT",
                Integer.toString(authPort),
                "POPLAR_NGINX_AUTH_KEY",
                KEY,
                "POPLAR_POP3_TRUSTED_PROXIES",
                "127.0.0.1/32",
                "POPLAR_POP3_MAILDROP_LOCK",
                "shared");
    }

    @Test
    void aMailboxMovesUnderDeliveryAndFetchLoadLosingAndDuplicatingNothing(@TempDir Path dir) throws Exception {
        int socketmap = TestServer.freePort();
        int authA = TestServer.freePort();
        try (Etcd etcd = Etcd.create(dir.resolve("etcd"), true);
                TestServer a = node(dir.resolve("a"), etcd, "node-a", socketmap, authA);
                TestServer b = node(dir.resolve("b"), etcd, "node-b", 0, TestServer.freePort());
                Nginx nginx = Nginx.start(dir.resolve("nginx"), "127.0.0.1:" + authA + "/auth", KEY)) {
            await(
                    "two nodes",
                    () -> a.server().clusterNodes() == 2 && b.server().clusterNodes() == 2);
            a.http().addUser("mover", "mover-pw");
            EtcdClient directory = new EtcdClient(etcd.urls(), Duration.ofSeconds(5));
            assertEquals("node-a", directory.get(ClusterView.USERS + "mover").orElseThrow(), "ties: the first node");

            // Before: mail delivered here, and mail migrated from an old server (its UIDLs and dates).
            long in2023 = java.time.Instant.parse("2023-05-01T10:00:00Z").toEpochMilli();
            a.admin()
                    .migrate(
                            "mover",
                            List.of(
                                    new MigratedMessage(
                                            "dovecot-uidl-1",
                                            in2023,
                                            "Subject: old 1\r\n\r\n.dot line\r\n".getBytes(StandardCharsets.UTF_8)),
                                    new MigratedMessage(
                                            "dovecot-uidl-2",
                                            in2023 + 1000,
                                            "Subject: old 2\n\nbare LF\n".getBytes(StandardCharsets.UTF_8))));
            String body = ("x".repeat(70) + "\r\n").repeat(200); // 14 KB: the copy takes a while
            for (int i = 0; i < 300; i++) {
                assertEquals(
                        "250", lmtp(a.lmtpPort(), "mover", "before " + i, body).substring(0, 3));
            }
            List<MessageSummary> before = a.admin().messages("mover", true);
            Map<Long, Long> receivedBefore = a.server().store().receivedTimes("mover");
            assertEquals(302, before.size());

            // A move that must not happen: the target has a mailbox of that name of its own.
            b.admin().addUser("mover", "someone else"); // on node-b's store only
            Map<String, String> cliEnv =
                    Map.of("POPLAR_CLUSTER_ETCD", etcd.url().toString(), "POPLAR_NGINX_AUTH_KEY", KEY);
            CliProcess.Result clash =
                    CliProcess.run(dir.resolve("cli"), cliEnv, null, "cluster", "move", "mover", "node-b");
            assertEquals(1, clash.exit(), clash.out() + clash.err());
            assertTrue(clash.err().contains("node-b already has a mailbox mover of its own"), clash.err());
            assertEquals(0, b.admin().stats("mover").messages(), "node-b's own mailbox is left alone");
            assertEquals("node-a", directory.get(ClusterView.USERS + "mover").orElseThrow());
            assertTrue(directory.get(ClusterView.MOVING + "mover").isEmpty(), "the mark is gone");
            assertEquals(before, a.admin().messages("mover", true), "and the user is intact where it was");
            b.admin().deleteUser("mover");

            // A session open on the old node during the move, with a DELE pending.
            // (from 127.0.0.2: 127.0.0.1 is nginx, a trusted proxy that must send a PROXY header)
            LineClient session = new LineClient(a.pop3Port(), "127.0.0.2");
            session.line();
            session.send("USER mover\r\n");
            session.line();
            session.send("PASS mover-pw\r\n");
            assertTrue(session.line().startsWith("+OK"));
            session.send("DELE 1\r\n");
            assertTrue(session.line().startsWith("+OK"));

            // A delivery whose RCPT the old node accepted before the move, and whose DATA comes after it.
            LineClient late = new LineClient(a.lmtpPort());
            late.line();
            late.send("LHLO t\r\n");
            for (String l = late.line(); !l.startsWith("250 "); l = late.line()) {}
            late.send("MAIL FROM:<s@example.org>\r\nRCPT TO:<mover@example.org>\r\n");
            late.line();
            assertTrue(late.line().startsWith("250"), "RCPT accepted before the move");

            // Load: an MTA that routes by the socketmap and retries 4xx; a client fetching through nginx.
            AtomicBoolean stop = new AtomicBoolean();
            List<String> delivered = Collections.synchronizedList(new ArrayList<>());
            AtomicInteger deferred = new AtomicInteger();
            AtomicBoolean moveDone = new AtomicBoolean();
            Thread mta = Thread.ofVirtual().start(() -> {
                int after = 0;
                for (int k = 0; after < 20; k++) { // until 20 deliveries after the move
                    if (moveDone.get()) {
                        after++;
                    }
                    String subject = "during " + k;
                    while (true) {
                        try {
                            String route = ClusterTest.socketmap(socketmap, "transport", "mover@example.org");
                            if (route.startsWith("OK lmtp:inet:127.0.0.1:")) {
                                int port = Integer.parseInt(route.substring(route.lastIndexOf(':') + 1));
                                String reply = lmtp(port, "mover", subject);
                                if (reply.startsWith("250")) {
                                    delivered.add(subject);
                                    break;
                                }
                                assertTrue(reply.startsWith("4"), "never refused: " + reply);
                                if (reply.startsWith("421")) {
                                    System.err.println("MTA retries after: " + reply);
                                }
                            } else {
                                assertTrue(route.startsWith("TEMP "), route);
                            }
                            deferred.incrementAndGet();
                            Thread.sleep(20);
                        } catch (Exception e) {
                            throw new AssertionError(e);
                        }
                    }
                }
            });
            Map<String, Integer> fetchReplies = new ConcurrentHashMap<>();
            Thread fetcher = Thread.ofVirtual().start(() -> {
                while (!stop.get()) {
                    try (LineClient c = new LineClient(nginx.port())) {
                        c.line();
                        c.send("USER mover\r\n");
                        c.line();
                        c.send("PASS mover-pw\r\n");
                        String reply = c.line();
                        String kind =
                                reply.startsWith("+OK") ? "+OK" : reply.replaceAll("^(-ERR \\[[A-Z/-]+\\]).*", "$1");
                        fetchReplies.merge(kind, 1, Integer::sum);
                        if (kind.equals("+OK")) { // after -ERR [SYS/TEMP] nginx closes the connection
                            c.send("QUIT\r\n");
                            c.line();
                        }
                    } catch (Exception e) {
                        fetchReplies.merge(e.getClass().getSimpleName(), 1, Integer::sum);
                    }
                }
            });

            await("both loads to be running", () -> !delivered.isEmpty() && !fetchReplies.isEmpty());
            CliProcess.Result moved =
                    CliProcess.run(dir.resolve("cli"), cliEnv, null, "cluster", "move", "mover", "node-b");
            assertEquals(0, moved.exit(), moved.out() + moved.err());
            assertTrue(moved.out().startsWith("moved mover from node-a to node-b ("), moved.out());
            moveDone.set(true);

            // Its DATA now: deferred (the MTA retries at the new owner), never stored behind the
            // copy's back nor refused for good.
            late.send("DATA\r\n");
            assertTrue(late.line().startsWith("354"));
            late.send("Subject: late\r\n\r\nlate\r\n.\r\n");
            String lateReply = late.line();
            assertTrue(lateReply.startsWith("451 4.3.0"), lateReply);
            late.close();

            // The session on the old node ended cleanly: its DELE was not applied.
            session.send("STAT\r\n");
            String ended = session.line();
            assertTrue(ended == null || ended.startsWith("-ERR [SYS/TEMP]"), ended);
            session.close();

            mta.join();
            stop.set(true);
            fetcher.join();

            assertEquals("node-b", directory.get(ClusterView.USERS + "mover").orElseThrow());
            assertTrue(directory.get(ClusterView.MOVING + "mover").isEmpty(), "the move mark is gone");
            assertTrue(a.server().store().account("mover").isEmpty(), "the old copy is deleted");

            // Nothing lost, nothing twice, the old messages byte for byte with their UIDLs and dates.
            List<MessageSummary> after = b.admin().messages("mover", true);
            assertEquals(before, after.subList(0, before.size()), "the same UIDLs, sizes, digests, in order");
            Map<Long, Long> receivedAfter = b.server().store().receivedTimes("mover");
            assertEquals(
                    List.copyOf(receivedBefore.values()),
                    receivedAfter.values().stream().limit(before.size()).toList(),
                    "the same received times");
            List<String> subjects = subjects(b.pop3Port(), "mover", "mover-pw");
            List<String> during = subjects.stream()
                    .filter(s -> s.startsWith("during "))
                    .sorted()
                    .toList();
            assertEquals(delivered.stream().sorted().toList(), during, "each delivery exactly once");
            assertEquals(302 + during.size(), subjects.size());
            assertTrue(deferred.get() > 0, "deliveries came during the move and were deferred");
            assertTrue(fetchReplies.getOrDefault("+OK", 0) > 0, fetchReplies.toString());
            assertTrue(
                    fetchReplies.keySet().stream()
                            .allMatch(k -> k.equals("+OK")
                                    || k.startsWith("-ERR [SYS/TEMP]")
                                    || k.startsWith("-ERR [IN-USE]")),
                    "a login during the move fails temporarily or works, never [AUTH]: " + fetchReplies);
            POP3Client c = new POP3Client();
            c.connect("127.0.0.1", nginx.port());
            assertTrue(c.login("mover", "mover-pw"), "through nginx, now to node-b: " + c.getReplyString());
            POP3MessageInfo stat = c.status();
            assertEquals(302 + during.size(), stat.number);
            c.logout();
            c.disconnect();

            // drain-node: every user off node-a, and new users not placed there.
            for (int i = 0; i < 4; i++) {
                a.http().addUser("d" + i, "pw");
            }
            CliProcess.Result drained =
                    CliProcess.run(dir.resolve("cli"), cliEnv, null, "cluster", "drain-node", "node-a");
            assertEquals(0, drained.exit(), drained.out() + drained.err());
            assertTrue(drained.out().contains("node node-a drained"), drained.out());
            assertTrue(a.server().store().accountNames().isEmpty(), "node-a holds no mailbox");
            await("node-a to learn of the drain", () -> a.server().clusterDraining("node-a"));
            a.http().addUser("newcomer", "pw");
            assertEquals(
                    "node-b", directory.get(ClusterView.USERS + "newcomer").orElseThrow(), "not on a drained node");
            assertFalse(b.server().store().account("d0").isEmpty());
        }
    }

    /** Delivers one message over LMTP; the reply to DATA (or to RCPT when refused there). */
    static String lmtp(int port, String user, String subject) throws Exception {
        return lmtp(port, user, subject, "body\r\n");
    }

    static String lmtp(int port, String user, String subject, String body) throws Exception {
        try (LineClient l = new LineClient(port)) {
            String greeting = l.line();
            if (greeting == null || !greeting.startsWith("220")) {
                return "421 greeting: " + greeting; // a busy or closing server: the MTA retries
            }
            l.send("LHLO t\r\n");
            for (String line = l.line(); !line.startsWith("250 "); line = l.line()) {}
            l.send("MAIL FROM:<s@example.org>\r\n");
            l.line();
            l.send("RCPT TO:<" + user + "@example.org>\r\n");
            String rcpt = l.line();
            if (!rcpt.startsWith("250")) {
                return rcpt;
            }
            l.send("DATA\r\n");
            l.line();
            l.send("Subject: " + subject + "\r\n\r\n" + body + ".\r\n");
            String done = l.line();
            l.send("QUIT\r\n");
            return done;
        }
    }

    private static List<String> subjects(int port, String user, String password) throws Exception {
        POP3Client c = new POP3Client();
        c.connect(java.net.InetAddress.getByName("127.0.0.1"), port, java.net.InetAddress.getByName("127.0.0.2"), 0);
        try {
            assertTrue(c.login(user, password), c.getReplyString());
            List<String> subjects = dev.poplar.testing.MailClients.subjects(c);
            c.logout();
            return subjects;
        } finally {
            c.disconnect();
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Await.until(what, Duration.ofSeconds(20), condition);
    }
}
