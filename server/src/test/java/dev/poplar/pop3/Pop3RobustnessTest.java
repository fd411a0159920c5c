package dev.poplar.pop3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.poplar.testing.LineClient;
import dev.poplar.testing.Messages;
import dev.poplar.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pipelining, bad input, timeouts, shutdown and the shared lock policy, over raw sockets. */
class Pop3RobustnessTest {
    @TempDir
    Path dir;

    private static TestServer serverWithMail(Path dir, String... overrides) throws Exception {
        TestServer s = TestServer.start(dir, overrides);
        s.addUser("bob", "builder");
        for (int i = 1; i <= 3; i++) {
            s.deliver("bob", Messages.simple(i));
        }
        return s;
    }

    @Test
    void thousandPipelinedCommandsGetThousandRepliesInOrder() throws Exception {
        try (TestServer s = serverWithMail(dir);
                LineClient c = new LineClient(s.pop3Port())) {
            c.line();
            StringBuilder batch = new StringBuilder("USER bob\r\nPASS builder\r\n");
            for (int i = 0; i < 1000; i++) {
                batch.append("LIST ").append(i % 3 + 1).append("\r\n");
            }
            batch.append("QUIT\r\n");
            c.send(batch.toString()); // one write: the whole batch
            assertTrue(c.line().startsWith("+OK"));
            assertTrue(c.line().startsWith("+OK Logged in"));
            for (int i = 0; i < 1000; i++) {
                String reply = c.line();
                assertTrue(reply.startsWith("+OK " + (i % 3 + 1) + " "), "reply " + i + ": " + reply);
            }
            assertTrue(c.line().startsWith("+OK Poplar signing off"));
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void malformedAndOverlongLinesGetErrAndTheSessionGoesOn() throws Exception {
        try (TestServer s = serverWithMail(dir);
                LineClient c = new LineClient(s.pop3Port())) {
            c.line();
            c.send("HELO\r\n");
            assertEquals("-ERR Unknown command", c.line());
            c.send("USER " + "x".repeat(5000) + "\r\n");
            assertEquals("-ERR Line too long (RFC 2449 limits commands to 255 octets)", c.line());
            c.send(new byte[] {0, 1, 2, (byte) 0xff, '\r', '\n'});
            assertTrue(c.line().startsWith("-ERR"));
            c.send("\n"); // a lone LF after a silence: a whole (empty) line, answered without waiting for more
            assertTrue(c.line().startsWith("-ERR"));
            c.send("\r");
            c.send("\n"); // a CRLF cut in two
            assertTrue(c.line().startsWith("-ERR"));
            c.send("USER bob\r\nPASS builder\r\nSTAT\r\n");
            assertTrue(c.line().startsWith("+OK"));
            assertTrue(c.line().startsWith("+OK Logged in"));
            assertTrue(c.line().startsWith("+OK 3 "));
        }
    }

    @Test
    void tooManyBadCommandsInARowCloseTheConnection() throws Exception {
        try (TestServer s = serverWithMail(dir, "POPLAR_POP3_MAX_BAD_COMMANDS", "5");
                LineClient c = new LineClient(s.pop3Port())) {
            c.line();
            c.send("BAD\r\n".repeat(5));
            for (int i = 0; i < 5; i++) {
                assertEquals("-ERR Unknown command", c.line());
            }
            assertEquals("-ERR Too many bad commands in a row, closing connection", c.line());
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void garbageFloodLeavesTheServerServing() throws Exception {
        try (TestServer s = serverWithMail(dir)) {
            Random r = new Random(42);
            for (int round = 0; round < 20; round++) {
                try (LineClient c = new LineClient(s.pop3Port())) {
                    byte[] junk = new byte[1 + r.nextInt(200_000)];
                    r.nextBytes(junk);
                    c.send(junk);
                } catch (java.net.SocketException ignored) {
                    // the server may close first
                }
            }
            try (LineClient c = new LineClient(s.pop3Port())) {
                c.line();
                c.send("USER bob\r\nPASS builder\r\nSTAT\r\nQUIT\r\n");
                c.line();
                assertTrue(c.line().startsWith("+OK Logged in"));
                assertTrue(c.line().startsWith("+OK 3 "));
            }
        }
    }

    // RFC 1939 section 3: the autologout timer closes without UPDATE and without a reply.
    @Test
    void autologoutClosesSilentlyAndDeletesNothing() throws Exception {
        try (TestServer s = serverWithMail(dir, "POPLAR_POP3_IDLE_TIMEOUT", "1s")) {
            try (LineClient c = new LineClient(s.pop3Port())) {
                c.line();
                c.send("USER bob\r\nPASS builder\r\nDELE 1\r\nDELE 2\r\n");
                c.line();
                c.line();
                assertEquals("+OK Message 1 deleted", c.line());
                assertEquals("+OK Message 2 deleted", c.line());
                assertTrue(c.closedByServer(), "closed by the timer, with no reply");
            }
            try (LineClient c = new LineClient(s.pop3Port())) {
                c.line();
                c.send("USER bob\r\nPASS builder\r\nSTAT\r\n");
                c.line();
                assertTrue(c.line().startsWith("+OK Logged in, 3 messages"), "nothing deleted, lease released");
            }
        }
    }

    // STYLE item 10 and DESIGN invariant 3: shutdown tells sessions [SYS/TEMP] and deletes nothing.
    @Test
    void shutdownSaysSysTempAndDeletesNothing() throws Exception {
        TestServer s = serverWithMail(dir);
        try (LineClient c = new LineClient(s.pop3Port())) {
            c.line();
            c.send("USER bob\r\nPASS builder\r\nDELE 1\r\n");
            c.line();
            c.line();
            assertEquals("+OK Message 1 deleted", c.line());
            s.close();
            assertEquals("-ERR [SYS/TEMP] Server shutting down, try again later", c.line());
            assertTrue(c.closedByServer());
        }
        try (TestServer again = TestServer.start(dir);
                LineClient c = new LineClient(again.pop3Port())) {
            c.line();
            c.send("USER bob\r\nPASS builder\r\n");
            c.line();
            assertTrue(c.line().startsWith("+OK Logged in, 3 messages"));
        }
    }

    @Test
    void sharedPolicyLetsTwoSessionsInAndEachQuitDeletesWhatItMarked() throws Exception {
        try (TestServer s = serverWithMail(dir, "POPLAR_POP3_MAILDROP_LOCK", "shared");
                LineClient a = new LineClient(s.pop3Port());
                LineClient b = new LineClient(s.pop3Port())) {
            for (LineClient c : List.of(a, b)) {
                c.line();
                c.send("USER bob\r\nPASS builder\r\n");
                c.line();
                assertTrue(c.line().startsWith("+OK Logged in, 3 messages"));
            }
            a.send("DELE 1\r\nQUIT\r\n");
            a.line();
            assertEquals("+OK Poplar signing off, 1 messages deleted", a.line());
            b.send("STAT\r\nRETR 1\r\nDELE 1\r\nDELE 2\r\nQUIT\r\n");
            assertTrue(b.line().startsWith("+OK 3 "), "b keeps its snapshot");
            assertEquals("-ERR Message 1 was removed by another session", b.line());
            b.line();
            b.line();
            assertTrue(b.line().startsWith("+OK Poplar signing off"));
            assertEquals(1, s.admin().stats("bob").messages(), "message 3 only");
        }
    }

    @Test
    void crlfAndBareLfCommandsBothWork() throws Exception {
        try (TestServer s = serverWithMail(dir);
                LineClient c = new LineClient(s.pop3Port())) {
            c.line();
            c.send("USER bob\nPASS builder\nSTAT\n".getBytes(StandardCharsets.US_ASCII));
            c.line();
            c.line();
            assertTrue(c.line().startsWith("+OK 3 "));
        }
    }
}
