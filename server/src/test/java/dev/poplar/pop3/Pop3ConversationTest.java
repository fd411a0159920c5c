package dev.poplar.pop3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.poplar.abuse.LoginPolicy;
import dev.poplar.auth.Authenticator;
import dev.poplar.auth.PasswordHasher;
import dev.poplar.auth.ScramClient;
import dev.poplar.auth.sasl.SaslMechanisms;
import dev.poplar.net.CloseReason;
import dev.poplar.session.Effect;
import dev.poplar.storage.Delivery;
import dev.poplar.storage.StoreException;
import dev.poplar.storage.WireMessageBuilder;
import dev.poplar.storage.memory.MemoryMailStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The POP3 conversation between the runtime and the step function, fed bytes as a socket would
 * deliver them and read back as the client would: framing, pipelining, the bad-command limit,
 * SASL lines, STLS and 8-bit content, with no socket and no RocksDB.
 */
class Pop3ConversationTest {
    MemoryMailStore store;
    Pop3Conversation conversation;
    ByteArrayOutputStream wire;
    int read;
    Effect effect;
    io.micrometer.core.instrument.simple.SimpleMeterRegistry registry;

    @BeforeEach
    void setUp() throws StoreException {
        store = new MemoryMailStore();
        PasswordHasher hasher = new PasswordHasher(1);
        store.createAccount("alice", hasher.hash("wonderland"));
        Pop3Settings settings = Pop3Harness.settings("poplar.pop3.max-bad-commands", "3");
        Authenticator authenticator = new Authenticator(store, hasher);
        Pop3Service service = new Pop3Service(
                store,
                authenticator,
                new SaslMechanisms(authenticator, Optional.empty(), settings.saslMechanisms()),
                LoginPolicy.open(),
                settings,
                new Pop3Meters(registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry(), "pop3"),
                false);
        conversation = new Pop3Conversation(
                new Pop3Peer("conv-1", InetAddress.getLoopbackAddress(), false, Pop3Peer.CLEAR, null), service);
        wire = new ByteArrayOutputStream();
        conversation.output(wire);
    }

    /** Feeds bytes as one read, flushes, and returns what was written since the last call. */
    private String feed(byte[] bytes) throws IOException, StoreException {
        ByteBuffer input = ByteBuffer.wrap(bytes);
        effect = conversation.consume(input);
        conversation.flush();
        String out = wire.toString(StandardCharsets.ISO_8859_1).substring(read);
        read = wire.size();
        return out;
    }

    private String feed(String text) throws IOException, StoreException {
        return feed(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void aPipelinedBatchIsAnsweredInOrderAndNothingAfterQuitIsRead() throws Exception {
        conversation.greet();
        assertTrue(feed("").startsWith("+OK Poplar POP3 server ready"));
        String replies = feed("USER alice\r\nPASS wonderland\r\nSTAT\r\nNOOP\r\nQUIT\r\nSTAT\r\n");
        assertEquals(
                List.of(
                        "+OK Send your password",
                        "+OK Logged in, 0 messages (0 octets)",
                        "+OK 0 0",
                        "+OK",
                        "+OK Poplar signing off"),
                List.of(replies.split("\r\n")));
        assertEquals(Effect.close(CloseReason.QUIT), effect);
    }

    @Test
    void aCommandSplitAcrossReadsIsOneCommandAndAPartialLineIsNoticedAtTheEnd() throws Exception {
        assertEquals("", feed("US"));
        assertEquals("", feed("ER ali"));
        assertEquals("+OK Send your password\r\n", feed("ce\r\n"));
        assertEquals(CloseReason.CLIENT_CLOSED, conversation.clientClosed());
        feed("PA");
        assertEquals(CloseReason.CLIENT_CLOSED_MID_COMMAND, conversation.clientClosed());
        assertEquals("-ERR Unknown command\r\n", feed("\n"), "a bare LF ends a line too");
        assertEquals("+OK Send your password\r\n", feed("USER alice\n"));
    }

    @Test
    void badCommandsInARowCloseTheConnectionAndAGoodOneResetsTheCount() throws Exception {
        feed("XA\r\nXB\r\nCAPA\r\n"); // CAPA succeeds: the count starts again
        assertEquals(Effect.NONE, effect);
        String replies = feed("XC\r\nXD\r\nXE\r\nCAPA\r\n");
        assertEquals(
                List.of(
                        "-ERR Unknown command",
                        "-ERR Unknown command",
                        "-ERR Unknown command",
                        "-ERR Too many bad commands in a row, closing connection"),
                List.of(replies.split("\r\n")));
        assertEquals(Effect.close(CloseReason.TOO_MANY_ERRORS), effect);
    }

    @Test
    void saslResponsesMayBeLongerThanACommandLine() throws Exception {
        String tooLong = "NOOP " + "x".repeat(300) + "\r\n";
        assertEquals("-ERR Line too long (RFC 2449 limits commands to 255 octets)\r\n", feed(tooLong));
        assertEquals("+ \r\n", feed("AUTH PLAIN\r\n"));
        String longPassword = "p".repeat(400);
        store.setCredentials("alice", new PasswordHasher(1).hash(longPassword));
        String response =
                Base64.getEncoder().encodeToString(("\0alice\0" + longPassword).getBytes(StandardCharsets.UTF_8));
        assertTrue(response.length() > 500);
        assertTrue(feed(response + "\r\n").startsWith("+OK Logged in"));
    }

    @Test
    void scramSha256RunsToItsEndOverThreeLines() throws Exception {
        ScramClient scram = new ScramClient("alice", "wonderland");
        String serverFirst = feed("AUTH SCRAM-SHA-256 " + b64(scram.clientFirst()) + "\r\n");
        assertTrue(serverFirst.startsWith("+ "), serverFirst);
        String serverFinal =
                feed(b64(scram.clientFinal(unb64(serverFirst.substring(2).trim()))) + "\r\n");
        assertTrue(scram.serverFinalIsValid(unb64(serverFinal.substring(2).trim())), serverFinal);
        assertTrue(feed("\r\n").startsWith("+OK Logged in"), "RFC 5034: an empty response to the server-final data");
    }

    @Test
    void stlsStopsTheBatchAndTheSessionStartsOverUnderTls() throws Exception {
        // Without a certificate STLS is refused; the switch itself is the runtime's (StlsPop3Test).
        assertEquals("-ERR TLS is not available on this server\r\n", feed("STLS\r\n"));
        feed("USER alice\r\nPA");
        conversation.tlsStarting();
        assertEquals(CloseReason.CLIENT_CLOSED, conversation.clientClosed(), "partial input is forgotten");
        assertEquals("-ERR Send USER first\r\n", feed("PASS wonderland\r\n"), "and so is the USER name");
    }

    @Test
    void eightBitAndBinaryContentComesBackByteForByte() throws Exception {
        byte[] raw = new byte[256 + 4];
        for (int i = 0; i < 256; i++) {
            raw[i] = (byte) i;
        }
        raw[256] = '\r';
        raw[257] = '\n';
        raw[258] = '.';
        raw[259] = '\n';
        store.deliver(List.of(Delivery.of("alice", "", WireMessageBuilder.fromRaw(raw))));
        feed("USER alice\r\nPASS wonderland\r\n");
        byte[] expected = WireMessageBuilder.fromRaw(raw).toByteArray();
        String reply = feed("RETR 1\r\n");
        String body = reply.substring(reply.indexOf("\r\n") + 2, reply.length() - 3);
        assertArrayEquals(expected, body.getBytes(StandardCharsets.ISO_8859_1));
        assertTrue(reply.endsWith("\r\n.\r\n"));
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String unb64(String s) {
        return new String(Base64.getDecoder().decode(s), StandardCharsets.UTF_8);
    }

    private double count(String name, String... tags) {
        return registry.get(name).tags(tags).counter().count();
    }

    @Test
    void everyCommandIsCountedByNameAndReplyAndMessagesSentByRetrOrTop() throws Exception {
        store.deliver(List.of(Delivery.of(
                "alice",
                "",
                WireMessageBuilder.fromRaw("Subject: a\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII)))));
        assertEquals(java.time.Duration.ofSeconds(60), conversation.readTimeout(), "the auth timeout before login");
        assertEquals("AUTHORIZATION", conversation.state());
        assertEquals("-", conversation.user());
        feed("USER alice\r\n");
        assertEquals("alice", conversation.user(), "the claimed name, for poplar who");
        feed("PASS wonderland\r\nSTAT\r\nRETR 1\r\nTOP 1 0\r\nRETR 9\r\nXYZ\r\nLIST 1 2\r\n");
        assertEquals(java.time.Duration.ofMinutes(10), conversation.readTimeout(), "RFC 1939 autologout after login");
        assertEquals("TRANSACTION", conversation.state());
        assertEquals("alice", conversation.user());
        assertEquals(1, count("poplar.pop3.commands", "cmd_name", "STAT", "reply_state", "OK"));
        assertEquals(1, count("poplar.pop3.commands", "cmd_name", "RETR", "reply_state", "OK"));
        assertEquals(1, count("poplar.pop3.commands", "cmd_name", "RETR", "reply_state", "ERR"));
        assertEquals(1, count("poplar.pop3.commands", "cmd_name", "unknown", "reply_state", "ERR"));
        assertEquals(
                1,
                count("poplar.pop3.commands", "cmd_name", "LIST", "reply_state", "ERR"),
                "a known keyword, badly used");
        assertEquals(1, count("poplar.pop3.messages.retrieved", "cmd_name", "RETR"));
        assertEquals(1, count("poplar.pop3.messages.retrieved", "cmd_name", "TOP"));
        assertEquals(20, count("poplar.pop3.retrieved", "cmd_name", "RETR"), "the message's wire bytes");
        assertEquals(14, count("poplar.pop3.retrieved", "cmd_name", "TOP"), "the header and its blank line");
        dev.poplar.log.SessionLog line = dev.poplar.log.SessionLog.event("pop3_session");
        conversation.summarize(line);
        assertTrue(
                line.toString()
                        .contains("user=alice ip=127.0.0.1 tls=none commands=8 retr_count=1 retr_bytes=20 "
                                + "dele_count=0 dele_bytes=0"),
                line.toString());
    }

    @Test
    void theEndOfASessionGivesBackTheLeaseAndTheSlotAndCountsTheReason() throws Exception {
        feed("USER alice\r\nPASS wonderland\r\n");
        conversation.closed(CloseReason.IDLE_TIMEOUT, 1_000_000, 10, 20);
        store.openMaildrop("alice", dev.poplar.storage.LockPolicy.EXCLUSIVE).close();
        assertEquals(
                1,
                registry.get("poplar.sessions.closed")
                        .tags("reason", "idle_timeout")
                        .counter()
                        .count());
    }

    @Test
    void farewellsSayWhyAndAnAutologoutSaysNothing() throws Exception {
        for (CloseReason r : List.of(
                CloseReason.SERVER_SHUTDOWN,
                CloseReason.KICKED,
                CloseReason.INTERNAL_ERROR,
                CloseReason.IDLE_TIMEOUT,
                CloseReason.CLIENT_CLOSED)) {
            conversation.farewell(r);
        }
        assertEquals(
                List.of(
                        "-ERR [SYS/TEMP] Server shutting down, try again later",
                        "-ERR [SYS/TEMP] Session ended by the administrator",
                        "-ERR [SYS/TEMP] Internal server error, closing"),
                List.of(feed("").split("\r\n")));
    }

    @Test
    void aFailedHandshakeIsCountedAndLeavesTheSessionInClearText() throws Exception {
        conversation.tlsFinished("stls", null);
        assertEquals(
                1,
                registry.get("poplar.tls.handshakes")
                        .tags("mode", "stls", "result", "failure")
                        .counter()
                        .count());
        dev.poplar.log.SessionLog line = dev.poplar.log.SessionLog.event("pop3_session");
        conversation.summarize(line);
        assertTrue(line.toString().contains("tls=none"), line.toString());
    }
}
