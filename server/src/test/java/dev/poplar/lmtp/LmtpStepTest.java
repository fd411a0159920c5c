package dev.poplar.lmtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.poplar.net.CloseReason;
import dev.poplar.session.Effect;
import dev.poplar.storage.PasswordCredentials;
import dev.poplar.storage.StoreException;
import dev.poplar.storage.WireMessageBuilder;
import dev.poplar.storage.memory.MemoryMailStore;
import dev.poplar.testing.TestConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * RFC 2033 / 5321 behaviour at the LMTP step function, on an in-memory store: what LmtpTest and
 * LmtpHardeningTest check over sockets, here with exact replies and no network.
 */
class LmtpStepTest {
    static final PasswordCredentials CREDS = new PasswordCredentials(1, new byte[16], new byte[32], new byte[32]);

    MemoryMailStore store;
    LmtpDispatcher lmtp;
    LmtpState state;
    LmtpStep last;
    SimpleMeterRegistry registry;

    @BeforeEach
    void setUp() throws StoreException {
        store = new MemoryMailStore();
        store.createAccount("alice", CREDS);
        store.createAccount("bob@example.org", CREDS);
        lmtp = new LmtpDispatcher(
                store,
                store,
                store::stats,
                TestConfig.with(
                                "poplar.lmtp.hostname",
                                "mx.test",
                                "poplar.lmtp.max-message-size",
                                "1000",
                                "poplar.lmtp.max-recipients",
                                "3",
                                "poplar.lmtp.max-line-length",
                                "100")
                        .lmtp(),
                dev.poplar.config.PoplarConfig.Quota.NONE,
                new LmtpMeters(registry = new SimpleMeterRegistry()));
        state = LmtpState.CONNECTED;
    }

    /** Feeds one input and returns the replies as the wire would carry them. */
    private String feed(LmtpInput input) {
        last = lmtp.step(new LmtpPeer("lmtp-1", "127.0.0.1"), state, input);
        state = last.next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LmtpWriter writer = new LmtpWriter(out);
        last.replies().forEach(writer::write);
        try {
            writer.flush();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private String send(String line) {
        return feed(new LmtpInput.Line(line));
    }

    private void transaction(String... recipients) {
        send("LHLO client.test");
        send("MAIL FROM:<sender@example.net>");
        for (String r : recipients) {
            send("RCPT TO:<" + r + ">");
        }
    }

    private static LmtpInput.Message message(String raw) {
        return new LmtpInput.Message(WireMessageBuilder.fromRaw(raw.getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void lhloListsTheExtensionsAndSmtpGreetingsAreRefused() {
        assertEquals(
                "250-mx.test\r\n250-PIPELINING\r\n250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250 SIZE 1000\r\n",
                send("LHLO client.test"));
        assertEquals("500 5.5.1 This is an LMTP server: use LHLO (RFC 2033)\r\n", send("EHLO client.test"));
        assertEquals("500 5.5.1 This is an LMTP server: use LHLO (RFC 2033)\r\n", send("HELO client.test"));
        assertEquals("501 5.5.4 LHLO needs a host name\r\n", send("LHLO"));
    }

    @Test
    void sequenceErrorsAndUnknownCommands() {
        assertEquals("503 5.5.1 Send LHLO first\r\n", send("MAIL FROM:<a@b>"));
        assertEquals("503 5.5.1 Send LHLO first\r\n", send("MAIL garbage"), "the state is checked before the syntax");
        assertEquals("503 5.5.1 Send MAIL first\r\n", send("RCPT TO:<alice>"));
        assertEquals("503 5.5.1 Send MAIL first\r\n", send("DATA"));
        send("LHLO c");
        assertEquals("501 5.5.4 Syntax: MAIL FROM:<address> [SIZE=n] [BODY=7BIT|8BITMIME]\r\n", send("MAIL TO:<a@b>"));
        assertEquals("501 5.1.7 Bad sender address syntax\r\n", send("MAIL FROM:a@b"));
        assertEquals("250 2.1.0 Sender OK\r\n", send("MAIL FROM:<>"));
        assertEquals("503 5.5.1 Nested MAIL command\r\n", send("MAIL FROM:<a@b>"));
        assertEquals("503 5.5.1 No valid recipients\r\n", send("DATA"));
        assertEquals("501 5.1.3 Bad recipient address syntax\r\n", send("RCPT TO:<>"));
        assertEquals("501 5.5.4 Syntax: RCPT TO:<address>\r\n", send("RCPT alice"));
        assertEquals("500 5.5.2 Unknown command\r\n", send("BDAT 10"));
        assertEquals("252 2.5.2 Cannot verify, but will try delivery\r\n", send("VRFY alice"));
        assertEquals("250 2.0.0 OK\r\n", send("NOOP"));
        assertEquals("250 2.0.0 OK\r\n", send("RSET"));
        assertEquals(LmtpState.READY, state, "RSET ends the transaction, not the greeting");
        assertEquals("500 5.5.2 Line too long\r\n", feed(new LmtpInput.TooLong()));
        assertEquals("221 2.0.0 mx.test closing connection\r\n", send("QUIT"));
        assertEquals(Effect.close(CloseReason.QUIT), last.effect());
    }

    @Test
    void controlCharactersInCommandLinesAreRefused() {
        send("LHLO c");
        assertEquals(
                "501 5.5.2 Control characters are not allowed in commands\r\n",
                send("MAIL FROM:<a@b>\rRCPT TO:<alice>"));
        assertEquals("501 5.5.2 Control characters are not allowed in commands\r\n", send("MAIL FROM:<a\u0000@b>"));
        assertEquals(LmtpState.READY, state);
    }

    @Test
    void sizeParametersAreCheckedUpFront() {
        send("LHLO c");
        assertEquals("552 5.3.4 Message size exceeds the limit of 1000 octets\r\n", send("MAIL FROM:<a@b> SIZE=1001"));
        assertEquals("501 5.5.4 Bad SIZE parameter\r\n", send("MAIL FROM:<a@b> SIZE=-x"));
        assertEquals("555 5.5.4 Unsupported parameter SMTPUTF8\r\n", send("MAIL FROM:<a@b> SMTPUTF8"));
        assertEquals("250 2.1.0 Sender OK\r\n", send("MAIL FROM:<a@b> SIZE=1000 BODY=8BITMIME"));
    }

    @Test
    void recipientsResolveToAccountsAndUnknownOnesAreRefused() {
        transaction();
        assertEquals(
                "250 2.1.5 <alice@example.org> Recipient OK\r\n",
                send("RCPT TO:<alice@example.org>"),
                "the local part names the account");
        assertEquals("250 2.1.5 <bob@example.org> Recipient OK\r\n", send("RCPT TO:<bob@example.org>"));
        assertEquals("550 5.1.1 <carol@example.org> User unknown\r\n", send("RCPT TO:<carol@example.org>"));
        assertEquals(1, last.rejected());
        assertEquals("250 2.1.5 <alice> Recipient OK\r\n", send("RCPT TO:<alice>"));
        assertEquals("452 4.5.3 Too many recipients\r\n", send("RCPT TO:<alice>"));
        assertEquals(List.of("alice", "bob@example.org", "alice"), ((LmtpState.Recipients) state).accounts());
    }

    @Test
    void dataDeliversOnceWithAReplyPerRecipientAndItsOwnHeaders() throws StoreException {
        transaction("alice", "bob@example.org");
        assertEquals("354 Start mail input; end with <CRLF>.<CRLF>\r\n", send("DATA"));
        assertInstanceOf(LmtpState.Data.class, state);
        assertEquals(
                "250 2.0.0 <alice> Saved\r\n250 2.0.0 <bob@example.org> Saved\r\n",
                feed(message("Subject: hi\r\n\r\nbody\r\n")));
        assertEquals(2, last.delivered());
        assertEquals(LmtpState.READY, state);
        assertEquals(1, store.stats("alice").messages());
        try (var drop = store.openMaildrop("bob@example.org", dev.poplar.storage.LockPolicy.EXCLUSIVE);
                var reader = drop.read(0)) {
            int n = reader.next();
            assertEquals(
                    "Return-Path: <sender@example.net>\r\nDelivered-To: bob@example.org\r\nSubject: hi\r\n\r\nbody\r\n",
                    new String(reader.buffer(), 0, n, StandardCharsets.US_ASCII));
        }
    }

    @Test
    void oversizedOrOverlongDataIsRefusedPerRecipientAndARunawayClientIsCutOff() throws StoreException {
        transaction("alice", "bob@example.org");
        send("DATA");
        assertEquals(
                "552 5.3.4 <alice> Message size exceeds the limit of 1000 octets\r\n"
                        + "552 5.3.4 <bob@example.org> Message size exceeds the limit of 1000 octets\r\n",
                feed(new LmtpInput.TooLarge(false)));
        assertEquals(Effect.NONE, last.effect());
        transaction("alice");
        send("DATA");
        assertEquals(
                "500 5.5.0 <alice> Line too long: the limit is 100 octets per line\r\n",
                feed(new LmtpInput.LineTooLong(false)));
        transaction("alice");
        send("DATA");
        assertEquals(
                "552 5.3.4 <alice> Message size exceeds the limit of 1000 octets\r\n"
                        + "421 4.3.0 mx.test Too much data without an end, closing connection\r\n",
                feed(new LmtpInput.TooLarge(true)));
        assertEquals(Effect.close(CloseReason.INPUT_TOO_LARGE), last.effect());
        assertEquals(0, store.stats("alice").messages());
    }

    @Test
    void aStoreFailureIsATemporaryReplyPerRecipientAndStoresNothing() throws StoreException {
        transaction("alice", "bob@example.org");
        send("DATA");
        store.failWrites(new StoreException("io error", true));
        assertEquals(
                "451 4.3.0 <alice> Temporary failure storing the message, try again later\r\n"
                        + "451 4.3.0 <bob@example.org> Temporary failure storing the message, try again later\r\n",
                feed(message("Subject: x\r\n\r\ny\r\n")));
        transaction("alice");
        send("DATA");
        store.failWrites(StoreException.diskFull("no space", null));
        assertEquals(
                "452 4.3.1 <alice> Temporary failure storing the message, try again later\r\n",
                feed(message("Subject: x\r\n\r\ny\r\n")));
        store.failWrites(null);
        assertEquals(0, store.stats("alice").messages());
    }

    @Test
    void anAccountDeletedBetweenRcptAndDataIsUnknownAtDelivery() throws StoreException {
        transaction("alice", "bob@example.org");
        send("DATA");
        store.deleteAccount("bob@example.org");
        assertEquals(
                "250 2.0.0 <alice> Saved\r\n550 5.1.1 <bob@example.org> User unknown\r\n",
                feed(message("Subject: x\r\n\r\ny\r\n")));
        assertEquals(1, last.delivered());
        assertEquals(1, last.rejected());
    }

    @Test
    void inputThatDoesNotFitTheStateIsRefused() {
        assertEquals("503 5.5.1 No DATA in progress\r\n", feed(message("Subject: x\r\n\r\ny\r\n")));
        transaction("alice");
        send("DATA");
        assertEquals("503 5.5.1 Data expected\r\n", send("QUIT"));
    }

    private double recipients(String result) {
        return registry.get("poplar.lmtp.deliveries")
                .tags("result", result)
                .counter()
                .count();
    }

    @Test
    void everyRecipientsFateIsCounted() throws StoreException {
        transaction("alice", "nobody", "bob@example.org");
        send("RCPT TO:<alice>");
        send("RCPT TO:<alice>"); // the fourth: over the limit of 3
        send("DATA");
        feed(message("Subject: m\r\n\r\nx\r\n"));
        transaction("alice");
        send("DATA");
        feed(new LmtpInput.TooLarge(false));
        transaction("alice");
        send("DATA");
        feed(new LmtpInput.LineTooLong(false));
        transaction("alice");
        send("DATA");
        store.failWrites(new StoreException("io", true));
        feed(message("Subject: m\r\n\r\nx\r\n"));
        store.failWrites(null);
        send("MAIL FROM:<a@b> SIZE=5000");
        assertEquals(3, recipients("delivered"));
        assertEquals(1, recipients("unknown_user"));
        assertEquals(1, recipients("too_many_recipients"));
        assertEquals(2, recipients("too_large"), "one at DATA, one refused up front by SIZE");
        assertEquals(1, recipients("line_too_long"));
        assertEquals(1, recipients("failed"));
        assertEquals(1, registry.get("poplar.lmtp.delivery.duration").timer().count(), "the one stored message");
        assertEquals(1, registry.get("poplar.lmtp.message.size").summary().count());
    }

    private LmtpDispatcher withQuota(long octets, long messages, boolean tempfail) {
        return new LmtpDispatcher(
                store,
                store,
                store::stats,
                TestConfig.with("poplar.lmtp.hostname", "mx.test").lmtp(),
                new dev.poplar.config.PoplarConfig.Quota(octets, messages, tempfail, 0.9),
                new LmtpMeters(registry = new SimpleMeterRegistry()));
    }

    private void stored(String user, int octets) throws StoreException {
        store.deliver(List.of(dev.poplar.storage.Delivery.of(
                user,
                "",
                WireMessageBuilder.fromRaw(("Subject: s\r\n\r\n" + "x".repeat(octets - 16) + "\r\n")
                        .getBytes(StandardCharsets.US_ASCII)))));
    }

    /** Issue 13: a quota refuses the recipient that would pass it, per recipient, after DATA. */
    @Test
    void aMailboxOverItsQuotaRefusesTheDeliveryForThatRecipientOnly() throws StoreException {
        // The copy counts with the Return-Path and Delivered-To lines it is stored with (~95 octets here).
        lmtp = withQuota(200, 0, false);
        stored("alice", 180);
        assertEquals(180, store.stats("alice").octets());
        transaction("alice", "bob@example.org");
        send("DATA");
        String message = "Subject: q\r\n\r\n" + "y".repeat(20) + "\r\n";
        assertEquals(
                "552 5.2.2 <alice> Mailbox full (over its quota)\r\n250 2.0.0 <bob@example.org> Saved\r\n",
                feed(message(message)));
        assertEquals(1, store.stats("alice").messages(), "nothing was added past the quota");
        assertEquals(1, store.stats("bob@example.org").messages());
        assertEquals(1, last.delivered());
        assertEquals(1, last.rejected());
        assertEquals(
                1,
                registry.get("poplar.lmtp.deliveries")
                        .tags("result", "over_quota")
                        .counter()
                        .count());
    }

    @Test
    void anAnnouncedSizeIsCheckedAtRcptAndTempfailAsksTheMtaToRetry() throws StoreException {
        lmtp = withQuota(100, 0, true);
        send("LHLO c");
        assertEquals("250 2.1.0 Sender OK\r\n", send("MAIL FROM:<s@example.net> SIZE=101"));
        assertEquals("452 4.2.2 <alice> Mailbox full (over its quota), try again later\r\n", send("RCPT TO:<alice>"));
        assertEquals("503 5.5.1 No valid recipients\r\n", send("DATA"));
        send("RSET");
        send("MAIL FROM:<s@example.net> SIZE=100");
        assertEquals("250 2.1.5 <alice> Recipient OK\r\n", send("RCPT TO:<alice>"), "exactly the quota fits");
    }

    @Test
    void aMailboxAtItsMessageLimitIsFull() throws StoreException {
        lmtp = withQuota(0, 2, false);
        stored("alice", 30);
        transaction("alice");
        assertEquals(LmtpState.Recipients.class, state.getClass(), "one message of two: room for one more");
        stored("alice", 30);
        send("RSET");
        send("MAIL FROM:<s@example.net>");
        assertEquals("552 5.2.2 <alice> Mailbox full (over its quota)\r\n", send("RCPT TO:<alice>"));
        assertEquals("250 2.1.5 <bob@example.org> Recipient OK\r\n", send("RCPT TO:<bob@example.org>"));
    }

    /** RFC 1870 section 4: size-value ::= 1*20DIGIT. A negative SIZE used to pass every limit. */
    @Test
    void aSizeIsDigitsOnly() {
        send("LHLO c");
        assertEquals("501 5.5.4 Bad SIZE parameter\r\n", send("MAIL FROM:<a@b> SIZE=-1"));
        assertEquals("501 5.5.4 Bad SIZE parameter\r\n", send("MAIL FROM:<a@b> SIZE=+5"));
        assertEquals("501 5.5.4 Bad SIZE parameter\r\n", send("MAIL FROM:<a@b> SIZE="));
        assertEquals(
                "552 5.3.4 Message size exceeds the limit of 1000 octets\r\n",
                send("MAIL FROM:<a@b> SIZE=99999999999999999999"),
                "past a long: over any limit");
        assertEquals("250 2.1.0 Sender OK\r\n", send("MAIL FROM:<a@b> SIZE=0"));
    }
}
