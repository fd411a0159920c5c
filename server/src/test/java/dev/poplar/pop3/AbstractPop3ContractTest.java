package dev.poplar.pop3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.poplar.testing.Messages;
import dev.poplar.testing.TestServer;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.commons.net.pop3.POP3Client;
import org.apache.commons.net.pop3.POP3MessageInfo;
import org.apache.commons.net.pop3.POP3Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The POP3 contract, driven by an independent client (Apache commons-net POP3Client) over a real
 * socket. Subclasses choose the transport (plain here; STLS and implicit TLS later).
 */
abstract class AbstractPop3ContractTest {
    @TempDir
    Path dir;

    TestServer server;

    /** A connected (and, for TLS transports, secured) client in AUTHORIZATION state. */
    abstract POP3Client connect(int port) throws IOException;

    /** Server settings the transport needs (name, value, ...): the TLS provider. */
    String[] serverSettings() {
        return new String[0];
    }

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start(dir, serverSettings());
        server.addUser("alice", "wonderland");
        for (int i = 1; i <= 3; i++) {
            server.deliver("alice", Messages.simple(i));
        }
    }

    @AfterEach
    void stop() {
        server.close();
    }

    POP3Client login() throws IOException {
        POP3Client c = connect(server.pop3Port());
        assertTrue(c.login("alice", "wonderland"), c.getReplyString());
        return c;
    }

    static String read(Reader r) throws IOException {
        assertNotNull(r);
        StringBuilder sb = new StringBuilder();
        char[] buf = new char[8192];
        for (int n; (n = r.read(buf)) > 0; ) {
            sb.append(buf, 0, n);
        }
        r.close();
        return sb.toString();
    }

    @Test
    void capaAnnouncesTheAuthorizationCapabilitiesInBothStates() throws IOException {
        POP3Client c = connect(server.pop3Port());
        assertTrue(c.getReplyString().startsWith("+OK"));
        assertTrue(c.capa());
        List<String> before = Arrays.asList(c.getReplyStrings());
        assertTrue(
                before.containsAll(List.of(
                        "TOP", "UIDL", "USER", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING", "EXPIRE NEVER USER")),
                before.toString());
        assertTrue(before.stream().noneMatch(l -> l.startsWith("IMPLEMENTATION")), "no version before login");
        assertTrue(c.login("alice", "wonderland"));
        assertTrue(c.capa());
        List<String> after = Arrays.asList(c.getReplyStrings());
        assertTrue(after.stream().anyMatch(l -> l.startsWith("IMPLEMENTATION Poplar")), after.toString());
        // RFC 2449 section 5: what AUTHORIZATION offers MUST be announced in both states; EXPIRE
        // with the user's own value (section 6.7), no longer with USER.
        assertTrue(after.contains("EXPIRE NEVER"), after.toString());
        assertTrue(
                after.containsAll(
                        before.stream().filter(l -> !l.startsWith("EXPIRE")).toList()),
                "after login " + after + " keeps " + before);
        assertTrue(after.contains("USER") && after.stream().anyMatch(l -> l.startsWith("SASL ")), after.toString());
        // ... while the commands themselves are refused in TRANSACTION.
        assertEquals(POP3Reply.ERROR, c.sendCommand("USER alice"));
        assertEquals(POP3Reply.ERROR, c.sendCommand("AUTH PLAIN"));
        c.logout();
    }

    @Test
    void statListAndUidlAgree() throws IOException {
        POP3Client c = login();
        POP3MessageInfo stat = c.status();
        assertEquals(3, stat.number);
        POP3MessageInfo[] list = c.listMessages();
        assertEquals(3, list.length);
        long total = 0;
        for (int i = 0; i < 3; i++) {
            assertEquals(i + 1, list[i].number);
            assertEquals(list[i].size, c.listMessage(i + 1).size);
            total += list[i].size;
        }
        assertEquals(total, stat.size);
        POP3MessageInfo[] uidls = c.listUniqueIdentifiers();
        Set<String> ids = new HashSet<>();
        for (POP3MessageInfo u : uidls) {
            assertEquals(u.identifier, c.listUniqueIdentifier(u.number).identifier);
            assertTrue(u.identifier.chars().allMatch(ch -> ch >= 0x21 && ch <= 0x7e));
            ids.add(u.identifier);
        }
        assertEquals(3, ids.size(), "unique");
        c.logout();
    }

    // DESIGN invariant 6: LIST size = octets RETR sends once dot-stuffing is undone.
    @Test
    void retrSendsExactlyTheListedOctetsUnstuffed() throws IOException {
        POP3Client c = login();
        for (int n = 1; n <= 3; n++) {
            String body = read(c.retrieveMessage(n));
            String expected = "Delivered-To: alice\r\n" + Messages.simple(n);
            assertEquals(expected, body);
            assertEquals(c.listMessage(n).size, body.getBytes(StandardCharsets.ISO_8859_1).length);
        }
        c.logout();
    }

    @Test
    void topZeroIsHeadersAndBlankLineOnly() throws IOException {
        POP3Client c = login();
        String top = read(c.retrieveMessageTop(1, 0));
        assertEquals(
                "Delivered-To: alice\r\nFrom: sender@example.org\r\nTo: user@example.org\r\nSubject: message 1\r\n\r\n",
                top);
        String two = read(c.retrieveMessageTop(1, 2));
        assertTrue(two.endsWith("\r\n\r\nLine one of message 1\r\n.starts with a dot\r\n"), two);
        String many = read(c.retrieveMessageTop(1, 1000));
        assertEquals(read(c.retrieveMessage(1)), many, "more lines than the body: the whole message");
        c.logout();
    }

    @Test
    void deletedMessagesVanishAndRsetBringsThemBack() throws IOException {
        POP3Client c = login();
        long size2 = c.listMessage(2).size;
        long total = c.status().size;
        assertTrue(c.deleteMessage(2));
        assertEquals(2, c.status().number);
        assertEquals(total - size2, c.status().size);
        assertEquals(2, c.listMessages().length);
        assertEquals(2, c.listUniqueIdentifiers().length);
        assertNull(c.listMessage(2));
        assertNull(c.listUniqueIdentifier(2));
        assertNull(c.retrieveMessage(2));
        assertNull(c.retrieveMessageTop(2, 0));
        assertFalse(c.deleteMessage(2));
        assertTrue(c.getReplyString().startsWith("-ERR Message 2 is deleted"));
        assertTrue(c.reset());
        assertEquals(3, c.status().number);
        c.logout();
    }

    // DESIGN invariant 3: only QUIT from TRANSACTION removes marked messages.
    @Test
    void quitRemovesMarkedMessagesAndMessageNumbersRestart() throws IOException {
        POP3Client c = login();
        String uidl3 = c.listUniqueIdentifier(3).identifier;
        assertTrue(c.deleteMessage(1));
        assertTrue(c.deleteMessage(2));
        assertTrue(c.logout());
        assertTrue(c.getReplyString().startsWith("+OK"));
        c.disconnect();
        POP3Client again = login();
        assertEquals(1, again.status().number);
        assertEquals(uidl3, again.listUniqueIdentifier(1).identifier, "the survivor keeps its UIDL");
        again.logout();
    }

    @Test
    void droppedConnectionDeletesNothing() throws IOException {
        POP3Client c = login();
        assertTrue(c.deleteMessage(1));
        c.disconnect(); // no QUIT
        // The server learns of the drop asynchronously: until then a new login gets [IN-USE].
        POP3Client again = connect(server.pop3Port());
        long deadline = System.nanoTime() + 20_000_000_000L;
        boolean in = again.login("alice", "wonderland");
        while (!in && System.nanoTime() < deadline) {
            assertTrue(again.getReplyString().contains("[IN-USE]"), again.getReplyString());
            Thread.onSpinWait();
            in = again.login("alice", "wonderland");
        }
        assertTrue(in, "the dropped session's lease was released");
        assertEquals(3, again.status().number);
        again.logout();
    }

    @Test
    void wrongPasswordAndUnknownUserGetTheSameAuthError() throws IOException {
        POP3Client c = connect(server.pop3Port());
        assertFalse(c.login("alice", "wrong"));
        String wrong = c.getReplyString().trim();
        assertFalse(c.login("nobody", "wrong"));
        String unknown = c.getReplyString().trim();
        assertEquals("-ERR [AUTH] Invalid user name or password", wrong);
        assertEquals(wrong, unknown);
        assertTrue(c.login("alice", "wonderland"), "a failed login does not end the session");
        c.logout();
    }

    @Test
    void commandsOutsideTheirStateAreRefused() throws IOException {
        POP3Client c = connect(server.pop3Port());
        assertEquals(POP3Reply.ERROR, c.sendCommand("STAT"));
        assertEquals(POP3Reply.ERROR, c.sendCommand("PASS x"));
        assertTrue(c.getReplyString().contains("USER first"));
        assertEquals(POP3Reply.ERROR, c.sendCommand("NOOP"));
        assertTrue(c.login("alice", "wonderland"));
        assertEquals(POP3Reply.ERROR, c.sendCommand("USER alice"));
        assertEquals(POP3Reply.ERROR, c.sendCommand("RETR 0"));
        assertEquals(POP3Reply.ERROR, c.sendCommand("RETR 4"));
        assertTrue(c.getReplyString().contains("No such message"));
        assertEquals(POP3Reply.OK, c.sendCommand("NOOP"));
        c.logout();
    }

    // DESIGN invariant 5: one session per maildrop under the exclusive policy.
    @Test
    void secondLoginGetsInUseWhileTheFirstHoldsTheMaildrop() throws IOException {
        POP3Client first = login();
        POP3Client second = connect(server.pop3Port());
        assertFalse(second.login("alice", "wonderland"));
        assertEquals(
                "-ERR [IN-USE] Mailbox is in use by another POP3 session",
                second.getReplyString().trim());
        first.logout();
        assertTrue(second.login("alice", "wonderland"), "free again after QUIT");
        second.logout();
    }

    @Test
    void deliveriesDuringASessionAppearOnlyInTheNextOne() throws Exception {
        POP3Client c = login();
        server.deliver("alice", Messages.simple(4));
        assertEquals(3, c.status().number, "message numbers are fixed for the session");
        assertNull(c.retrieveMessage(4));
        c.logout();
        POP3Client again = login();
        assertEquals(4, again.status().number);
        again.logout();
    }

    @Test
    void binaryAndEightBitContentRoundTrips() throws Exception {
        byte[] raw = new byte[256 * 40];
        for (int i = 0; i < raw.length; i++) {
            raw[i] = (byte) (i % 256 == '\r' || i % 256 == '\n' ? 'x' : i % 256);
            if (i % 80 == 79) {
                raw[i] = '\n';
            }
        }
        byte[] msg = ("Subject: bin\n\n" + new String(raw, StandardCharsets.ISO_8859_1))
                .getBytes(StandardCharsets.ISO_8859_1);
        server.deliver("alice", msg);
        POP3Client c = login();
        String body = read(c.retrieveMessage(4));
        byte[] expected = ("Delivered-To: alice\r\n"
                        + new String(msg, StandardCharsets.ISO_8859_1).replace("\n", "\r\n"))
                .getBytes(StandardCharsets.ISO_8859_1);
        byte[] got = body.getBytes(StandardCharsets.ISO_8859_1);
        assertArrayEquals(expected, got);
        assertEquals(c.listMessage(4).size, expected.length);
        c.logout();
    }
}
