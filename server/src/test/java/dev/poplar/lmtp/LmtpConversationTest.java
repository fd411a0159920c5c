package dev.poplar.lmtp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.poplar.net.CloseReason;
import dev.poplar.session.Effect;
import dev.poplar.storage.ChunkReader;
import dev.poplar.storage.LockPolicy;
import dev.poplar.storage.Maildrop;
import dev.poplar.storage.PasswordCredentials;
import dev.poplar.storage.StoreException;
import dev.poplar.storage.memory.MemoryMailStore;
import dev.poplar.testing.TestConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The LMTP conversation fed bytes as a socket delivers them: the DATA section streams through the
 * decoder in any split, ends only at CRLF.CRLF, and a runaway or vanished client stores nothing.
 */
class LmtpConversationTest {
    static final PasswordCredentials CREDS = new PasswordCredentials(1, new byte[16], new byte[32], new byte[32]);

    MemoryMailStore store;
    LmtpConversation conversation;
    ByteArrayOutputStream wire;
    int read;
    Effect effect;
    SimpleMeterRegistry registry;

    @BeforeEach
    void setUp() throws StoreException {
        store = new MemoryMailStore();
        store.createAccount("alice", CREDS);
        LmtpService service = new LmtpService(
                store,
                TestConfig.with("poplar.lmtp.hostname", "mx.test", "poplar.lmtp.max-message-size", "1000")
                        .lmtp(),
                dev.poplar.config.PoplarConfig.Quota.NONE,
                new LmtpMeters(registry = new SimpleMeterRegistry()));
        conversation = new LmtpConversation(new LmtpPeer("lmtp-1", "127.0.0.1"), service);
        wire = new ByteArrayOutputStream();
        conversation.output(wire);
    }

    private String feed(String text) throws Exception {
        effect = conversation.consume(ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1)));
        conversation.flush();
        String out = wire.toString(StandardCharsets.ISO_8859_1).substring(read);
        read = wire.size();
        return out;
    }

    private String stored(int index) throws StoreException {
        try (Maildrop drop = store.openMaildrop("alice", LockPolicy.SHARED);
                ChunkReader r = drop.read(index)) {
            StringBuilder sb = new StringBuilder();
            for (int n; (n = r.next()) >= 0; ) {
                sb.append(new String(r.buffer(), 0, n, StandardCharsets.ISO_8859_1));
            }
            return sb.toString();
        }
    }

    @Test
    void dataStreamsInAnySplitAndOnlyCrLfDotCrLfEndsIt() throws Exception {
        conversation.greet();
        assertEquals("220 mx.test Poplar LMTP ready\r\n", feed(""));
        feed("LHLO c\r\nMAIL FROM:<s@example.net>\r\nRCPT TO:<alice>\r\n");
        assertEquals("354 Start mail input; end with <CRLF>.<CRLF>\r\n", feed("DATA\r\n"));
        assertEquals("", feed("Subject: t\r\n\r\n..dotted\r\nbare\n.\nstill"));
        assertEquals("", feed(" data\r\n.\r"));
        assertEquals("250 2.0.0 <alice> Saved\r\n221 2.0.0 mx.test closing connection\r\n", feed("\nQUIT\r\n"));
        assertEquals(Effect.close(CloseReason.QUIT), effect);
        assertEquals(
                "Return-Path: <s@example.net>\r\nDelivered-To: alice\r\nSubject: t\r\n\r\n..dotted\r\nbare\r\n..\r\n"
                        + "still data\r\n",
                stored(0),
                "a bare LF is a line end; the dot after it is data, stored stuffed");
    }

    @Test
    void aClientThatSendsFarPastTheLimitWithoutAnEndIsCutOff() throws Exception {
        feed("LHLO c\r\nMAIL FROM:<s@example.net>\r\nRCPT TO:<alice>\r\nDATA\r\n");
        String out = "";
        for (int i = 0; i < 100 && effect == Effect.NONE; i++) {
            out += feed("y".repeat(1024));
        }
        assertEquals(
                "552 5.3.4 <alice> Message size exceeds the limit of 1000 octets\r\n"
                        + "421 4.3.0 mx.test Too much data without an end, closing connection\r\n",
                out);
        assertEquals(Effect.close(CloseReason.INPUT_TOO_LARGE), effect);
        assertEquals(0, store.stats("alice").messages());
    }

    @Test
    void aClientGoneInTheMiddleOfDataLostTheConnectionAndStoredNothing() throws Exception {
        feed("LHLO c\r\nMAIL FROM:<s@example.net>\r\nRCPT TO:<alice>\r\n");
        assertEquals(CloseReason.CLIENT_CLOSED, conversation.clientClosed());
        feed("DATA\r\nSubject: half\r\n");
        assertEquals(CloseReason.CONNECTION_LOST, conversation.clientClosed());
        assertEquals(0, store.stats("alice").messages());
        assertEquals("DATA", conversation.state());
    }

    @Test
    void shutdownAndIdleTimeoutSayWhyInLmtpWords() throws Exception {
        conversation.farewell(CloseReason.SERVER_SHUTDOWN);
        conversation.farewell(CloseReason.IDLE_TIMEOUT);
        conversation.farewell(CloseReason.CLIENT_CLOSED);
        assertEquals(
                "421 4.3.2 Server shutting down, try again later\r\n"
                        + "421 4.4.2 mx.test Idle for too long, closing connection\r\n",
                feed(""));
    }

    @Test
    void whatWhoShowsAndHowLongAnIdleClientMayWait() throws Exception {
        assertEquals("-", conversation.user());
        assertEquals("CONNECTED", conversation.state());
        assertEquals(java.time.Duration.ofMinutes(5), conversation.readTimeout());
        feed("LHLO c\r\n");
        assertEquals("READY", conversation.state());
        feed("MAIL FROM:<s@example.net>\r\n");
        assertEquals("MAIL", conversation.state());
        feed("RCPT TO:<alice>\r\n");
        assertEquals("RCPT", conversation.state());
        dev.poplar.log.SessionLog line = dev.poplar.log.SessionLog.event("lmtp_session");
        feed("RCPT TO:<nobody>\r\nDATA\r\nx\r\n.\r\n");
        conversation.summarize(line);
        assertEquals("lmtp_session ip=127.0.0.1 delivered=1 rejected=1", line.toString());
        conversation.closed(CloseReason.QUIT, 1, 2, 3);
        assertEquals(
                1,
                registry.get("poplar.sessions.closed")
                        .tags("reason", "quit")
                        .counter()
                        .count());
    }
}
