package dev.poplar.lmtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.poplar.testing.LineClient;
import dev.poplar.testing.TestServer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The outside review's LMTP attacks, each on a real socket: DATA without a line end, SMTP
 * smuggling with bare LF, and header injection with a bare CR in a command line.
 */
class LmtpHardeningTest {
    @TempDir
    Path dir;

    TestServer server;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start(dir, "POPLAR_LMTP_MAX_MESSAGE_SIZE", "1M", "POPLAR_LMTP_MAX_LINE_LENGTH", "2000");
        server.addUser("alice", "a-pass");
        server.addUser("bob", "b-pass");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private LineClient inData(String... recipients) throws IOException {
        LineClient c = new LineClient(server.lmtpPort());
        c.line();
        StringBuilder s = new StringBuilder("LHLO x\r\nMAIL FROM:<sender@example.net>\r\n");
        for (String r : recipients) {
            s.append("RCPT TO:<").append(r).append(">\r\n");
        }
        c.send(s + "DATA\r\n");
        for (int i = 0; i < 7 + recipients.length; i++) {
            c.line();
        }
        return c;
    }

    @Test
    void dataWithoutALineEndIsCutOffAtABoundAndAnswered() throws Exception {
        // 256 MiB of 'A' and no LF. The server stops reading past twice the SIZE limit, answers
        // 552 for the recipient, says 421 and closes; nothing is stored and it serves on.
        AtomicLong sent = new AtomicLong();
        try (LineClient c = inData("alice")) {
            c.socket().setSoTimeout(30_000);
            Thread writer = Thread.ofVirtual().start(() -> {
                byte[] piece = new byte[64 * 1024];
                Arrays.fill(piece, (byte) 'A');
                try {
                    OutputStream out = c.socket().getOutputStream();
                    for (int i = 0; i < 4096; i++) {
                        out.write(piece);
                        sent.addAndGet(piece.length);
                    }
                } catch (IOException expected) {
                    // the server closed the connection
                }
            });
            assertEquals("552 5.3.4 <alice> Message size exceeds the limit of 1048576 octets", c.line());
            assertTrue(c.line().startsWith("421 4.3.0 "));
            assertTrue(c.closedByServer());
            writer.join(30_000);
            assertTrue(sent.get() < 64L << 20, "the server stopped reading after " + sent.get() + " bytes");
        }
        assertEquals(0, server.admin().stats("alice").messages());
        try (LineClient c = inData("alice")) {
            c.send("Subject: still here\r\n\r\nok\r\n.\r\n");
            assertEquals("250 2.0.0 <alice> Saved", c.line());
        }
    }

    @Test
    void aBareLineFeedDotNeverEndsTheMessage() throws Exception {
        for (String fakeEnd : new String[] {"\n.\r\n", "\n.\n", "\r\n.\n", "\r.\r\n"}) {
            try (LineClient c = inData("alice")) {
                c.send("Subject: innocent\r\n\r\nhello" + fakeEnd
                        + "MAIL FROM:<ceo@bank.example>\r\nRCPT TO:<bob>\r\nDATA\r\nSubject: forged\r\n\r\nsend money\r\n"
                        + ".\r\n");
                assertEquals(
                        "250 2.0.0 <alice> Saved",
                        c.line(),
                        "only the real end ends DATA: "
                                + fakeEnd.replace("\r", "CR").replace("\n", "LF"));
                c.send("QUIT\r\n");
                assertTrue(c.line().startsWith("221"));
            }
        }
        assertEquals(0, server.admin().stats("bob").messages(), "no forged message reached bob");
        assertEquals(4, server.admin().stats("alice").messages());
        String stored = LmtpTest.pop3Retr(server.pop3Port(), "alice", "a-pass", 1);
        assertTrue(stored.contains("MAIL FROM:<ceo@bank.example>\r\n"), stored);
        assertFalse(
                stored.replace("\r\n", "").contains("\r")
                        || stored.replace("\r\n", "").contains("\n"),
                "the stored message has CRLF line ends only");
    }

    @Test
    void controlCharactersInCommandLinesAreRefused() throws Exception {
        try (LineClient c = new LineClient(server.lmtpPort())) {
            c.line();
            c.send("LHLO x\r\n");
            for (int i = 0; i < 5; i++) {
                c.line();
            }
            c.send("MAIL FROM:<a\rX-Injected:yes@b>\r\n");
            assertEquals("501 5.5.2 Control characters are not allowed in commands", c.line());
            c.send("MAIL FROM:<a\u0000b@c>\r\n");
            assertEquals("501 5.5.2 Control characters are not allowed in commands", c.line());
            c.send("MAIL FROM:<real@example.net>\r\nRCPT TO:<alice>\r\nDATA\r\nSubject: s\r\n\r\nbody\r\n.\r\n");
            assertEquals("250 2.1.0 Sender OK", c.line());
            c.line();
            c.line();
            assertEquals("250 2.0.0 <alice> Saved", c.line());
        }
        String stored = LmtpTest.pop3Retr(server.pop3Port(), "alice", "a-pass", 1);
        assertTrue(stored.startsWith("Return-Path: <real@example.net>\r\n"), stored);
        assertFalse(stored.contains("X-Injected"));
    }

    @Test
    void anOverLongLineIsRefusedPerRecipient() throws Exception {
        try (LineClient c = inData("alice", "bob")) {
            c.send("Subject: long\r\n\r\n" + "x".repeat(2001) + "\r\n.\r\n");
            assertEquals("500 5.5.0 <alice> Line too long: the limit is 2000 octets per line", c.line());
            assertEquals("500 5.5.0 <bob> Line too long: the limit is 2000 octets per line", c.line());
            c.send("MAIL FROM:<a@b>\r\nRCPT TO:<alice>\r\nDATA\r\n");
            c.line();
            c.line();
            c.line();
            c.send("Subject: fits\r\n\r\n" + "x".repeat(2000) + "\r\n.\r\n");
            assertEquals("250 2.0.0 <alice> Saved", c.line());
        }
        assertEquals(1, server.admin().stats("alice").messages());
        assertEquals(0, server.admin().stats("bob").messages());
    }
}
