package dev.poplar.lmtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.poplar.testing.LineClient;
import dev.poplar.testing.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.net.pop3.POP3Client;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RFC 2033 LMTP over a real socket, then retrieval of what was delivered over POP3. */
class LmtpTest {
    @TempDir
    Path dir;

    TestServer server;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start(dir, "POPLAR_LMTP_MAX_MESSAGE_SIZE", "1M", "POPLAR_LMTP_MAX_RECIPIENTS", "3");
        server.addUser("alice", "a-pass");
        server.addUser("bob@example.org", "b-pass");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private LineClient greeted() throws IOException {
        LineClient c = new LineClient(server.lmtpPort());
        assertEquals("220 poplar.test Poplar LMTP ready", c.line());
        c.send("LHLO mta.example\r\n");
        assertEquals(
                List.of(
                        "250-poplar.test",
                        "250-PIPELINING",
                        "250-ENHANCEDSTATUSCODES",
                        "250-8BITMIME",
                        "250 SIZE 1048576"),
                List.of(c.line(), c.line(), c.line(), c.line(), c.line()));
        return c;
    }

    static String pop3Retr(int port, String user, String password, int n) throws IOException {
        POP3Client p = new POP3Client();
        p.setDefaultTimeout(20_000);
        p.connect("127.0.0.1", port);
        assertTrue(p.login(user, password));
        StringBuilder sb = new StringBuilder();
        try (var r = p.retrieveMessage(n)) {
            char[] buf = new char[65536];
            for (int k; (k = r.read(buf)) > 0; ) {
                sb.append(buf, 0, k);
            }
        }
        p.logout();
        return sb.toString();
    }

    @Test
    void deliversToEachRecipientWithItsOwnRepliesAndHeaders() throws IOException {
        try (LineClient c = greeted()) {
            // Pipelined (RFC 2920): the whole transaction in one write.
            c.send("MAIL FROM:<sender@example.net> BODY=8BITMIME SIZE=100\r\n"
                    + "RCPT TO:<alice@example.org>\r\n"
                    + "RCPT TO:<nobody@example.org>\r\n"
                    + "RCPT TO:<Bob@Example.org>\r\n"
                    + "DATA\r\n");
            assertEquals("250 2.1.0 Sender OK", c.line());
            assertEquals("250 2.1.5 <alice@example.org> Recipient OK", c.line());
            assertEquals("550 5.1.1 <nobody@example.org> User unknown", c.line());
            assertEquals("250 2.1.5 <Bob@Example.org> Recipient OK", c.line());
            assertTrue(c.line().startsWith("354 "));
            c.send("Subject: lmtp\r\n\r\nhello\r\n..dotted\r\n.\r\n");
            // RFC 2033 section 4.2: one reply per accepted recipient, in RCPT order.
            assertEquals("250 2.0.0 <alice@example.org> Saved", c.line());
            assertEquals("250 2.0.0 <Bob@Example.org> Saved", c.line());
            c.send("QUIT\r\n");
            assertTrue(c.line().startsWith("221 2.0.0"));
        }
        assertEquals(
                "Return-Path: <sender@example.net>\r\nDelivered-To: alice@example.org\r\nSubject: lmtp\r\n\r\nhello\r\n.dotted\r\n",
                pop3Retr(server.pop3Port(), "alice", "a-pass", 1));
        assertEquals(
                "Return-Path: <sender@example.net>\r\nDelivered-To: Bob@Example.org\r\nSubject: lmtp\r\n\r\nhello\r\n.dotted\r\n",
                pop3Retr(server.pop3Port(), "bob@example.org", "b-pass", 1));
    }

    @Test
    void sequenceErrorsAndUnknownCommands() throws IOException {
        try (LineClient c = new LineClient(server.lmtpPort())) {
            c.line();
            c.send("MAIL FROM:<a@b>\r\n");
            assertEquals("503 5.5.1 Send LHLO first", c.line());
            c.send("EHLO x\r\n");
            assertTrue(c.line().startsWith("500 5.5.1"));
            c.send("LHLO x\r\n");
            for (int i = 0; i < 5; i++) {
                c.line();
            }
            c.send("RCPT TO:<alice@x>\r\n");
            assertEquals("503 5.5.1 Send MAIL first", c.line());
            c.send("DATA\r\n");
            assertEquals("503 5.5.1 Send MAIL first", c.line());
            c.send("MAIL FROM:<>\r\n");
            assertEquals("250 2.1.0 Sender OK", c.line());
            c.send("DATA\r\n");
            assertEquals("503 5.5.1 No valid recipients", c.line());
            c.send("MAIL FROM:<a@b>\r\n");
            assertEquals("503 5.5.1 Nested MAIL command", c.line());
            c.send("RSET\r\nNOOP\r\nXYZZY\r\nMAIL FROM:<a@b> FOO=1\r\n" + "X".repeat(5000) + "\r\n");
            assertEquals("250 2.0.0 OK", c.line());
            assertEquals("250 2.0.0 OK", c.line());
            assertEquals("500 5.5.2 Unknown command", c.line());
            assertEquals("555 5.5.4 Unsupported parameter FOO=1", c.line());
            assertEquals("500 5.5.2 Line too long", c.line());
        }
    }

    @Test
    void sizeLimitIsEnforcedUpFrontAndDuringData() throws Exception {
        try (LineClient c = greeted()) {
            c.send("MAIL FROM:<a@b> SIZE=2000000\r\n");
            assertEquals("552 5.3.4 Message size exceeds the limit of 1048576 octets", c.line());
            c.send("MAIL FROM:<a@b>\r\nRCPT TO:<alice>\r\nDATA\r\n");
            c.line();
            c.line();
            c.line();
            StringBuilder big = new StringBuilder("Subject: big\r\n\r\n");
            while (big.length() < 1_100_000) {
                big.append("x".repeat(998)).append("\r\n");
            }
            c.send(big + ".\r\n");
            assertEquals("552 5.3.4 <alice> Message size exceeds the limit of 1048576 octets", c.line());
            c.send("NOOP\r\n");
            assertEquals("250 2.0.0 OK", c.line(), "the session goes on after the rejected DATA");
        }
        assertEquals(0, server.admin().stats("alice").messages());
    }

    @Test
    void recipientLimit() throws IOException {
        try (LineClient c = greeted()) {
            c.send("MAIL FROM:<a@b>\r\n" + "RCPT TO:<alice>\r\n".repeat(4));
            c.line();
            for (int i = 0; i < 3; i++) {
                assertTrue(c.line().startsWith("250 2.1.5"));
            }
            assertEquals("452 4.5.3 Too many recipients", c.line());
        }
    }

    @Test
    void connectionLostDuringDataStoresNothing() throws Exception {
        try (LineClient c = greeted()) {
            c.send("MAIL FROM:<a@b>\r\nRCPT TO:<alice>\r\nDATA\r\n");
            c.line();
            c.line();
            c.line();
            c.send("Subject: cut\r\n\r\nhalf a mess");
        }
        // A later delivery completes; the cut one never appears.
        try (LineClient c = greeted()) {
            c.send("MAIL FROM:<a@b>\r\nRCPT TO:<alice>\r\nDATA\r\n");
            c.line();
            c.line();
            c.line();
            c.send("Subject: whole\r\n\r\nok\r\n.\r\n");
            assertTrue(c.line().startsWith("250 2.0.0"));
        }
        assertEquals(1, server.admin().stats("alice").messages());
    }

    @Test
    void twentyMegabyteMessageRoundTripsByteForByte() throws Exception {
        try (TestServer big = TestServer.start(dir.resolve("big"), "POPLAR_LMTP_MAX_MESSAGE_SIZE", "64M")) {
            big.addUser("carol", "c-pass");
            StringBuilder body = new StringBuilder(21_000_000);
            int line = 0;
            while (body.length() < 20_000_000) {
                body.append(line % 17 == 0 ? "." : "")
                        .append("line ")
                        .append(line++)
                        .append(" ")
                        .append("y".repeat(60))
                        .append("\r\n");
            }
            String message = "Subject: twenty megabytes\r\n\r\n" + body;
            try (LineClient c = new LineClient(big.lmtpPort())) {
                c.line();
                c.send("LHLO x\r\nMAIL FROM:<a@b>\r\nRCPT TO:<carol>\r\nDATA\r\n");
                for (int i = 0; i < 8; i++) {
                    c.line();
                }
                String stuffed = message.replace("\r\n.", "\r\n..");
                c.send((stuffed + ".\r\n").getBytes(StandardCharsets.US_ASCII));
                assertEquals("250 2.0.0 <carol> Saved", c.line());
            }
            String expected = "Return-Path: <a@b>\r\nDelivered-To: carol\r\n" + message;
            String got = pop3Retr(big.pop3Port(), "carol", "c-pass", 1);
            assertEquals(expected.length(), got.length());
            assertTrue(expected.equals(got), "byte-for-byte");
            assertEquals(expected.length(), big.admin().stats("carol").octets());
        }
    }

    /** Issue 13 over a socket: a configured quota refuses the recipient that would pass it. */
    @Test
    void aQuotaRefusesTheDeliveryThatWouldPassIt(@TempDir Path other) throws Exception {
        try (TestServer q = TestServer.start(other, "POPLAR_QUOTA_MAX_SIZE", "1K")) {
            q.addUser("carol", "c-pass");
            q.addUser("dan", "d-pass");
            q.deliver("carol", "Subject: big\r\n\r\n" + "x".repeat(900) + "\r\n");
            try (LineClient c = new LineClient(q.lmtpPort())) {
                c.line();
                c.send("LHLO mta.example\r\n");
                for (int i = 0; i < 5; i++) {
                    c.line();
                }
                c.send("MAIL FROM:<s@example.net>\r\nRCPT TO:<carol>\r\nRCPT TO:<dan>\r\nDATA\r\n");
                assertEquals("250 2.1.0 Sender OK", c.line());
                assertEquals("250 2.1.5 <carol> Recipient OK", c.line());
                assertEquals("250 2.1.5 <dan> Recipient OK", c.line());
                assertTrue(c.line().startsWith("354"));
                c.send("Subject: more\r\n\r\n" + "y".repeat(200) + "\r\n.\r\n");
                assertEquals("552 5.2.2 <carol> Mailbox full (over its quota)", c.line());
                assertEquals("250 2.0.0 <dan> Saved", c.line());
                c.send("MAIL FROM:<s@example.net> SIZE=200\r\nRCPT TO:<carol>\r\nQUIT\r\n");
                assertEquals("250 2.1.0 Sender OK", c.line());
                assertEquals("552 5.2.2 <carol> Mailbox full (over its quota)", c.line(), "refused at RCPT from SIZE");
            }
            assertEquals(1, q.admin().stats("carol").messages());
            assertEquals(1, q.admin().stats("dan").messages());
        }
    }

    /**
     * Issue 13: concurrent deliveries racing to the last free place in a mailbox never take it over
     * its quota. Each client's RCPT check passes (the mailbox is nearly empty then); only the check
     * inside the store's write keeps the count exact.
     */
    @Test
    void racingDeliveriesNeverPassTheQuota(@TempDir Path other) throws Exception {
        try (TestServer q = TestServer.start(other, "POPLAR_QUOTA_MAX_MESSAGES", "3")) {
            q.addUser("erin", "e-pass");
            int clients = 12;
            java.util.concurrent.CyclicBarrier atData = new java.util.concurrent.CyclicBarrier(clients);
            java.util.List<java.util.concurrent.Future<String>> replies = new java.util.ArrayList<>();
            try (var pool = java.util.concurrent.Executors.newFixedThreadPool(clients)) {
                for (int i = 0; i < clients; i++) {
                    int n = i;
                    replies.add(pool.submit(() -> {
                        try (LineClient c = new LineClient(q.lmtpPort())) {
                            c.line();
                            c.send("LHLO mta.example\r\n");
                            for (int k = 0; k < 5; k++) {
                                c.line();
                            }
                            c.send("MAIL FROM:<s@example.net>\r\nRCPT TO:<erin>\r\nDATA\r\n");
                            c.line();
                            String rcpt = c.line();
                            if (!rcpt.startsWith("250")) {
                                return rcpt;
                            }
                            c.line(); // 354
                            atData.await(
                                    20, java.util.concurrent.TimeUnit.SECONDS); // all past RCPT before any DATA ends
                            c.send("Subject: " + n + "\r\n\r\nrace\r\n.\r\n");
                            return c.line();
                        }
                    }));
                }
                int saved = 0;
                int full = 0;
                for (var r : replies) {
                    String line = r.get(30, java.util.concurrent.TimeUnit.SECONDS);
                    if (line.startsWith("250")) {
                        saved++;
                    } else if (line.startsWith("552 5.2.2")) {
                        full++;
                    } else {
                        throw new AssertionError("unexpected reply " + line);
                    }
                }
                assertEquals(3, saved);
                assertEquals(clients - 3, full);
            }
            assertEquals(3, q.admin().stats("erin").messages());
        }
    }
}
