package dev.poplar.pop3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.poplar.abuse.LoginGuard;
import dev.poplar.net.CloseReason;
import dev.poplar.session.Effect;
import dev.poplar.storage.StoreException;
import dev.poplar.testing.Messages;
import dev.poplar.tls.TlsContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RFC 1939, 2449, 3206 and 5034 behaviour at the step function, on an in-memory store: the same
 * rules the socket-level suite (PlainPop3Test, SaslTest, Pop3RobustnessTest, ...) checks through
 * independent clients, here in microseconds and with exact replies.
 */
class Pop3StepTest {
    Pop3Harness pop;

    @BeforeEach
    void setUp() throws StoreException {
        pop = new Pop3Harness().user("alice", "wonderland");
        for (int i = 1; i <= 3; i++) {
            pop.deliver("alice", Messages.simple(i));
        }
    }

    private static Effect.Close closed(CloseReason reason) {
        return new Effect.Close(reason);
    }

    // ---- RFC 1939 section 7 / RFC 3206: logging in ---------------------------------------------

    @Test
    void userAndPassLogInAndReportTheMaildrop() {
        assertEquals("+OK Send your password\r\n", pop.send("USER alice"));
        long octets = 3L * Messages.simple(1).length();
        assertEquals("+OK Logged in, 3 messages (" + octets + " octets)\r\n", pop.send("PASS wonderland"));
        assertInstanceOf(Transaction.class, pop.state);
        assertEquals(1, pop.count("poplar.auth.attempts", "mechanism", "user", "result", "success"));
        var atLogin = pop.registry.get("poplar.pop3.maildrop.messages").summary();
        assertEquals(1, atLogin.count());
        assertEquals(3, atLogin.totalAmount());
        assertEquals(
                octets, pop.registry.get("poplar.pop3.maildrop.size").summary().totalAmount());
    }

    @Test
    void wrongPasswordAndUnknownUserGetTheSameAuthErrorAndForgetTheUser() {
        pop.send("USER alice");
        String wrong = pop.send("PASS nope");
        pop.send("USER nobody");
        String unknown = pop.send("PASS wonderland");
        assertEquals("-ERR [AUTH] Invalid user name or password\r\n", wrong);
        assertEquals(wrong, unknown);
        assertEquals(SessionState.Authorization.start(), pop.state);
        assertEquals("-ERR Send USER first\r\n", pop.send("PASS wonderland"), "a failed PASS forgets USER");
        assertEquals(2, pop.count("poplar.auth.attempts", "mechanism", "user", "result", "failure"));
        assertEquals(0, pop.count("poplar.auth.attempts", "mechanism", "user", "result", "success"));
    }

    @Test
    void commandsOutsideTheirStateAreRefused() {
        for (String c : List.of("STAT", "LIST", "UIDL", "RETR 1", "DELE 1", "NOOP", "RSET", "TOP 1 0")) {
            assertEquals("-ERR Not logged in: use USER and PASS first\r\n", pop.send(c), c);
        }
        pop.login("alice", "wonderland");
        for (String c : List.of("USER alice", "PASS x", "APOP alice 0123456789abcdef0123456789abcdef", "AUTH PLAIN")) {
            assertEquals("-ERR Already logged in\r\n", pop.send(c), c);
        }
        assertEquals("-ERR STLS is only allowed before login\r\n", pop.send("STLS"));
        assertInstanceOf(Transaction.class, pop.state);
    }

    @Test
    void aSecondSessionGetsInUseWhileTheFirstHoldsTheMaildrop() {
        pop.login("alice", "wonderland");
        Pop3Harness other = pop.anotherSession();
        other.send("USER alice");
        assertEquals("-ERR [IN-USE] Mailbox is in use by another POP3 session\r\n", other.send("PASS wonderland"));
        assertEquals(SessionState.Authorization.start(), other.state);
        assertEquals(1, pop.count("poplar.pop3.maildrop.lock.conflicts"));
        pop.send("QUIT");
        other.login("alice", "wonderland");
    }

    // ---- RFC 1939 sections 5-6: the maildrop ---------------------------------------------------

    @Test
    void statListAndUidlAgree() {
        pop.login("alice", "wonderland");
        int size = Messages.simple(1).length();
        assertEquals("+OK 3 " + 3 * size + "\r\n", pop.send("STAT"));
        assertEquals(
                "+OK 3 messages (" + 3 * size + " octets)\r\n1 " + size + "\r\n2 " + size + "\r\n3 " + size
                        + "\r\n.\r\n",
                pop.send("LIST"));
        assertEquals("+OK 2 " + size + "\r\n", pop.send("LIST 2"));
        String uidl = pop.send("UIDL");
        String[] lines = uidl.split("\r\n");
        assertEquals(5, lines.length, uidl);
        assertEquals("+OK " + lines[2], pop.send("UIDL 2").trim());
        assertEquals("-ERR No such message: 4\r\n", pop.send("LIST 4"));
        assertEquals("-ERR No such message: 0\r\n", pop.send("UIDL 0"));
        assertEquals("-ERR Invalid message number\r\n", pop.send("RETR -1"));
    }

    @Test
    void retrSendsTheStoredWireFormAndTopZeroOnlyTheHeader() {
        pop.login("alice", "wonderland");
        String raw = Messages.simple(1);
        String stuffed = raw.replace("\r\n.", "\r\n..");
        assertEquals("+OK " + raw.length() + " octets\r\n" + stuffed + ".\r\n", pop.send("RETR 1"));
        String header = raw.substring(0, raw.indexOf("\r\n\r\n") + 4);
        assertEquals("+OK Top of message follows\r\n" + header + ".\r\n", pop.send("TOP 1 0"));
        assertEquals("+OK Top of message follows\r\n" + header + "Line one of message 1\r\n.\r\n", pop.send("TOP 1 1"));
    }

    @Test
    void deletedMessagesVanishAndRsetBringsThemBack() {
        pop.login("alice", "wonderland");
        int size = Messages.simple(1).length();
        assertEquals("+OK Message 2 deleted\r\n", pop.send("DELE 2"));
        assertEquals("-ERR Message 2 is deleted\r\n", pop.send("DELE 2"));
        assertEquals("-ERR Message 2 is deleted\r\n", pop.send("RETR 2"));
        assertEquals("+OK 2 " + 2 * size + "\r\n", pop.send("STAT"));
        assertFalse(pop.send("LIST").contains("\r\n2 "));
        assertEquals("+OK Maildrop has 3 messages (" + 3 * size + " octets)\r\n", pop.send("RSET"));
        assertEquals("+OK 3 " + 3 * size + "\r\n", pop.send("STAT"));
    }

    @Test
    void quitRemovesTheMarkedMessagesAndCloses() throws StoreException {
        pop.login("alice", "wonderland");
        pop.send("DELE 1");
        pop.send("DELE 3");
        assertEquals("+OK Poplar signing off, 2 messages deleted\r\n", pop.send("QUIT"));
        assertEquals(closed(CloseReason.QUIT), pop.effect);
        assertEquals(1, pop.store.stats("alice").messages());
        Transaction tx = (Transaction) pop.state;
        assertEquals(2, tx.removedCount());
        assertEquals(2L * Messages.simple(1).length(), tx.removedOctets());
        assertEquals(2, pop.count("poplar.pop3.messages.deleted"));
        assertEquals(2.0 * Messages.simple(1).length(), pop.count("poplar.pop3.deleted"));
    }

    @Test
    void quitInAuthorizationClosesAndAnEndWithoutQuitDeletesNothing() throws StoreException {
        assertEquals("+OK Poplar signing off\r\n", pop.send("QUIT"));
        assertEquals(closed(CloseReason.QUIT), pop.effect);
        Pop3Harness again = new Pop3Harness().user("bob", "pw");
        again.deliver("bob", Messages.simple(1));
        again.login("bob", "pw");
        again.send("DELE 1");
        again.disconnect(); // the connection dropped: no UPDATE state
        assertEquals(1, again.store.stats("bob").messages());
        again.login("bob", "pw");
    }

    @Test
    void aFailedUpdateKeepsTheMessagesAndSaysSo() throws StoreException {
        pop.login("alice", "wonderland");
        pop.send("DELE 1");
        pop.store.failWrites(new StoreException("disk on fire", true));
        assertEquals(
                "-ERR [SYS/TEMP] Deleted messages were not removed and are kept; try again later\r\n",
                pop.send("QUIT"));
        assertEquals(closed(CloseReason.UPDATE_FAILED), pop.effect);
        assertEquals(1, pop.count("poplar.pop3.update.failures"));
        assertEquals(0, ((Transaction) pop.state).removedCount(), "nothing was removed");
        pop.store.failWrites(null);
        pop.disconnect();
        pop.login("alice", "wonderland");
        pop.send("DELE 2");
        pop.store.failWrites(new StoreException("checksum mismatch", false));
        assertEquals(
                "-ERR [SYS/PERM] Deleted messages were not removed and are kept; try again later\r\n",
                pop.send("QUIT"));
        pop.store.failWrites(null);
        assertEquals(3, pop.store.stats("alice").messages());
    }

    @Test
    void deliveriesDuringASessionAppearOnlyInTheNext() throws StoreException {
        pop.login("alice", "wonderland");
        pop.deliver("alice", Messages.simple(4));
        assertTrue(pop.send("STAT").startsWith("+OK 3 "));
        pop.send("QUIT");
        Pop3Harness next = pop.anotherSession();
        next.login("alice", "wonderland");
        assertTrue(next.send("STAT").startsWith("+OK 4 "));
    }

    @Test
    void aMessageRemovedByAnAdministratorIsReportedNotSent() throws StoreException {
        pop.login("alice", "wonderland");
        pop.store.expunge("alice", dev.poplar.storage.ExpungeCriteria.everything());
        assertEquals("-ERR Message 1 was removed by another session\r\n", pop.send("RETR 1"));
    }

    // ---- RFC 2449: CAPA, bad input ------------------------------------------------------------

    @Test
    void capaAnnouncesTheAuthorizationCapabilitiesInBothStatesAndTheVersionOnlyAfterLogin() {
        List<String> before = List.of(pop.send("CAPA").split("\r\n"));
        assertEquals(
                List.of(
                        "+OK Capability list follows",
                        "TOP",
                        "UIDL",
                        "RESP-CODES",
                        "AUTH-RESP-CODE",
                        "PIPELINING",
                        "EXPIRE NEVER USER",
                        "USER",
                        "SASL PLAIN SCRAM-SHA-256",
                        "."),
                before);
        pop.login("alice", "wonderland");
        List<String> after = List.of(pop.send("CAPA").split("\r\n"));
        assertTrue(after.contains("IMPLEMENTATION Poplar-test"), after.toString());
        assertTrue(after.contains("EXPIRE NEVER"), after.toString());
        assertTrue(
                after.containsAll(before.subList(1, before.size() - 1).stream()
                        .filter(l -> !l.startsWith("EXPIRE"))
                        .toList()),
                "RFC 2449 section 5: both states");
    }

    /** RFC 2449 section 6.7: the node's retention before login, the user's own after it. */
    @Test
    void expireAnnouncesTheRetentionOfTheNodeAndThenOfTheUser() throws Exception {
        Pop3Settings s = Pop3Harness.settings("poplar.retention.max-age", "30d");
        Pop3Harness node = new Pop3Harness(s, LoginGuard.Settings.off(), Duration.ZERO, 10)
                .user("kim", "kim-pw")
                .user("lee", "lee-pw")
                .user("max", "max-pw");
        node.store.setLimits("lee", new dev.poplar.storage.AccountLimits(-1, -1, 7L * 86_400_000));
        node.store.setLimits("max", new dev.poplar.storage.AccountLimits(-1, -1, 0));
        assertTrue(node.send("CAPA").contains("\r\nEXPIRE 30 USER\r\n"));
        for (String[] userAndExpire :
                new String[][] {{"kim", "EXPIRE 30"}, {"lee", "EXPIRE 7"}, {"max", "EXPIRE NEVER"}}) {
            Pop3Harness session = node.anotherSession();
            session.login(userAndExpire[0], userAndExpire[0] + "-pw");
            List<String> capa = List.of(session.send("CAPA").split("\r\n"));
            assertTrue(capa.contains(userAndExpire[1]), userAndExpire[0] + ": " + capa);
            assertEquals(1, capa.stream().filter(l -> l.startsWith("EXPIRE")).count(), capa.toString());
            session.send("QUIT");
        }
    }

    @Test
    void malformedLinesGetAnErrorAndChangeNoState() {
        assertEquals("-ERR Unknown command\r\n", pop.send("XYZZY"));
        assertEquals("-ERR USER needs exactly one argument: the user name\r\n", pop.send("USER"));
        pop.login("alice", "wonderland");
        assertEquals("-ERR TOP needs a message number and a line count\r\n", pop.send("TOP 1"));
        assertEquals("-ERR Control characters are not allowed in commands\r\n", pop.send("LIST\u00001"));
        assertInstanceOf(Transaction.class, pop.state);
        assertEquals("+OK \r\n".trim(), pop.send("NOOP").trim());
    }

    // ---- RFC 2595: STLS ------------------------------------------------------------------------

    @Test
    void stlsStartsTlsOnceWhenAvailable(@TempDir Path dir) throws Exception {
        assertEquals("-ERR TLS is not available on this server\r\n", pop.send("STLS"));
        Path cert = dir.resolve("c.pem");
        Path key = dir.resolve("k.pem");
        dev.poplar.tls.SelfSignedCertificate.write(cert, key, "test", List.of("localhost"), Duration.ofDays(1));
        try (TlsContext tls = TlsContext.load(cert, key, Duration.ofHours(1))) {
            Pop3Settings s = Pop3Harness.settings("poplar.auth.allow-plaintext", "never");
            Pop3Harness withTls = new Pop3Harness(
                    new Pop3Settings(
                            s.pop3(),
                            s.auth(),
                            s.implementation(),
                            Optional.of(tls),
                            s.apop(),
                            s.hostname(),
                            s.limits()),
                    LoginGuard.Settings.off(),
                    Duration.ZERO,
                    10);
            assertTrue(withTls.send("CAPA").contains("\r\nSTLS\r\n"));
            assertFalse(withTls.send("CAPA").contains("\r\nUSER\r\n"), "no clear-text passwords before TLS");
            assertEquals(
                    "-ERR [AUTH] Plaintext authentication is not allowed without TLS: use STLS or port 995\r\n",
                    withTls.send("USER alice"));
            assertEquals("+OK Begin TLS negotiation\r\n", withTls.send("STLS"));
            assertEquals(Effect.START_TLS, withTls.effect);
            withTls.peer = withTls.peer.withTls("stls/TLSv1.3");
            assertEquals("-ERR TLS is already active\r\n", withTls.send("STLS"));
            assertFalse(withTls.send("CAPA").contains("STLS"));
            assertEquals("+OK Send your password\r\n", withTls.send("USER alice"));
        }
    }

    // ---- RFC 1939 section 7: APOP ---------------------------------------------------------------

    @Test
    void apopLogsInWithTheDigestOfThisGreetingsTimestamp(@TempDir Path dir) throws Exception {
        assertEquals(
                "-ERR APOP is not enabled on this server\r\n", pop.send("APOP alice 0123456789abcdef0123456789abcdef"));
        dev.poplar.auth.ApopSecrets secrets = dev.poplar.auth.ApopSecrets.open(dir);
        Pop3Settings s = Pop3Harness.settings();
        Pop3Harness apop = new Pop3Harness(
                        new Pop3Settings(
                                s.pop3(),
                                s.auth(),
                                s.implementation(),
                                s.tls(),
                                Optional.of(secrets),
                                s.hostname(),
                                s.limits()),
                        LoginGuard.Settings.off(),
                        Duration.ZERO,
                        10)
                .user("gus", "main-pw");
        apop.store.setApopSecret("gus", secrets.seal("tanstaaf"));
        String timestamp = "<1234.5678@localhost>";
        apop.peer = new Pop3Peer("t", apop.peer.client(), false, Pop3Peer.CLEAR, timestamp);
        assertEquals(
                "-ERR [AUTH] Invalid user name or password\r\n",
                apop.send("APOP gus " + md5("<other.1@localhost>tanstaaf")),
                "a digest of another greeting's timestamp (a replay)");
        assertEquals(
                "-ERR [AUTH] Invalid user name or password\r\n", apop.send("APOP gus " + md5(timestamp + "wrong")));
        assertTrue(apop.send("APOP gus " + md5(timestamp + "tanstaaf")).startsWith("+OK Logged in"));
        assertEquals(2, apop.count("poplar.auth.attempts", "mechanism", "apop", "result", "failure"));
        assertEquals(1, apop.count("poplar.auth.attempts", "mechanism", "apop", "result", "success"));
        apop.disconnect();
        assertEquals(
                "-ERR [AUTH] Invalid user name or password\r\n",
                apop.send("APOP hal " + md5(timestamp + "x")),
                "a user without an APOP secret");
        assertEquals(
                "-ERR [AUTH] Invalid user name or password\r\n", apop.send("APOP bad%name " + md5(timestamp + "x")));
    }

    private static String md5(String s) throws Exception {
        return java.util.HexFormat.of()
                .formatHex(java.security.MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    // ---- RFC 5034: SASL ------------------------------------------------------------------------

    private static String plain(String user, String password) {
        return Base64.getEncoder().encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void saslPlainWithAndWithoutAnInitialResponse() {
        assertTrue(pop.send("AUTH PLAIN " + plain("alice", "wonderland")).startsWith("+OK Logged in"));
        pop.send("QUIT");
        Pop3Harness next = pop.anotherSession();
        assertEquals("+ \r\n", next.send("AUTH PLAIN"));
        assertInstanceOf(SessionState.Sasl.class, next.state);
        assertTrue(next.send(plain("alice", "wonderland")).startsWith("+OK Logged in"));
        assertEquals(2, pop.count("poplar.auth.attempts", "mechanism", "plain", "result", "success"));
    }

    @Test
    void saslCancelBadBase64AndACommandInsteadOfAResponseEndTheExchange() {
        pop.send("AUTH PLAIN");
        assertEquals("-ERR Authentication cancelled\r\n", pop.send("*"));
        assertEquals(SessionState.Authorization.start(), pop.state);
        pop.send("AUTH PLAIN");
        assertEquals("-ERR Invalid base64 in the SASL response\r\n", pop.send("not base64!"));
        pop.send("AUTH PLAIN");
        assertEquals(
                "-ERR Expected a SASL response; authentication cancelled\r\n",
                pop.apply(new ParseResult.Parsed(new Command.Noop())));
        pop.send("AUTH PLAIN");
        assertEquals(
                "-ERR SASL response too long\r\n",
                pop.apply(new ParseResult.Malformed("AUTH", "SASL response too long")));
        assertEquals(SessionState.Authorization.start(), pop.state);
        assertEquals("-ERR No SASL exchange in progress\r\n", pop.apply(new ParseResult.SaslResponse("AAAA")));
        assertEquals("-ERR Unsupported authentication mechanism KERBEROS_V4\r\n", pop.send("AUTH KERBEROS_V4"));
        assertEquals("-ERR Invalid base64 in the initial response\r\n", pop.send("AUTH PLAIN !!"));
        assertEquals("+OK Methods supported\r\nPLAIN\r\nSCRAM-SHA-256\r\n.\r\n", pop.send("AUTH"));
    }

    @Test
    void aWrongSaslPasswordIsAnAuthError() {
        assertEquals("-ERR [AUTH] Invalid user name or password\r\n", pop.send("AUTH PLAIN " + plain("alice", "x")));
        assertEquals(1, pop.count("poplar.auth.attempts", "mechanism", "plain", "result", "failure"));
    }

    // ---- Limits: LOGIN-DELAY (RFC 2449 section 8.1.1), sessions per user, bans -------------------

    @Test
    void loginDelayAndTheSessionLimitStayInAuthorization() throws StoreException {
        Pop3Harness delayed = new Pop3Harness(
                        Pop3Harness.settings(), LoginGuard.Settings.off(), Duration.ofMinutes(5), 1)
                .user("carol", "pw");
        assertTrue(delayed.send("CAPA").contains("LOGIN-DELAY 300"));
        delayed.login("carol", "pw");
        delayed.send("QUIT");
        delayed.disconnect();
        delayed.state = SessionState.Authorization.start();
        delayed.send("USER carol");
        assertEquals("-ERR [LOGIN-DELAY] Minimum time between logins is 300 seconds\r\n", delayed.send("PASS pw"));
        assertEquals(SessionState.Authorization.start(), delayed.state);

        Pop3Harness limited =
                new Pop3Harness(Pop3Harness.settings(), LoginGuard.Settings.off(), Duration.ZERO, 1).user("dan", "pw");
        assertTrue(limited.userSessions.tryAcquire("dan")); // another session of dan's holds the one slot
        limited.send("USER dan");
        assertEquals("-ERR [SYS/TEMP] Too many sessions for this user, try again later\r\n", limited.send("PASS pw"));
    }

    @Test
    void theFailureThatEarnsABanClosesTheConnection() throws StoreException {
        LoginGuard.Settings banAtOnce = new LoginGuard.Settings(
                Duration.ZERO, Duration.ZERO, 1, Duration.ofMinutes(10), Duration.ofMinutes(15), List.of());
        Pop3Harness guarded = new Pop3Harness(Pop3Harness.settings(), banAtOnce, Duration.ZERO, 10).user("eve", "pw");
        guarded.send("USER eve");
        assertEquals(
                "-ERR [AUTH] Invalid user name or password; too many failures, closing\r\n", guarded.send("PASS x"));
        assertEquals(closed(CloseReason.BANNED), guarded.effect);
    }

    // ---- What a refused login gives back -------------------------------------------------------

    @Test
    void aRefusedLoginGivesBackItsSessionSlotAndItsLease() throws StoreException {
        Pop3Harness two =
                new Pop3Harness(Pop3Harness.settings(), LoginGuard.Settings.off(), Duration.ZERO, 2).user("ann", "pw");
        two.login("ann", "pw"); // holds the lease and one of two slots
        Pop3Harness second = two.anotherSession();
        for (int i = 0; i < 3; i++) {
            second.send("USER ann");
            assertEquals(
                    "-ERR [IN-USE] Mailbox is in use by another POP3 session\r\n",
                    second.send("PASS pw"),
                    "each refusal gave its slot back, so the next is refused for the lease again, not the slot");
        }
        two.disconnect();
        second.login("ann", "pw");

        Pop3Harness delayed = new Pop3Harness(
                        Pop3Harness.settings(), LoginGuard.Settings.off(), Duration.ofMinutes(5), 5)
                .user("bo", "pw");
        delayed.login("bo", "pw");
        delayed.disconnect();
        delayed.send("USER bo");
        assertTrue(delayed.send("PASS pw").startsWith("-ERR [LOGIN-DELAY]"));
        delayed.store
                .openMaildrop("bo", dev.poplar.storage.LockPolicy.EXCLUSIVE)
                .close(); // the refusal released the lease
    }

    @Test
    void aSuccessfulLoginClearsTheAddressesFailures() throws StoreException {
        LoginGuard.Settings banAtTwo = new LoginGuard.Settings(
                Duration.ZERO, Duration.ZERO, 2, Duration.ofMinutes(10), Duration.ofMinutes(15), List.of());
        Pop3Harness guarded = new Pop3Harness(Pop3Harness.settings(), banAtTwo, Duration.ZERO, 10).user("cy", "pw");
        guarded.send("USER cy");
        guarded.send("PASS wrong");
        guarded.login("cy", "pw");
        guarded.disconnect();
        guarded.send("USER cy");
        assertEquals(
                "-ERR [AUTH] Invalid user name or password\r\n",
                guarded.send("PASS wrong"),
                "one failure since the success: not two in a row");
        assertEquals(Effect.NONE, guarded.effect);
    }

    @Test
    void saslLoginAsksForTheNameThenThePassword() throws StoreException {
        Pop3Harness login = new Pop3Harness(
                        Pop3Harness.settings("poplar.auth.mechanisms", "LOGIN"),
                        LoginGuard.Settings.off(),
                        Duration.ZERO,
                        10)
                .user("dee", "pw-dee");
        assertEquals("+ " + b64("Username:") + "\r\n", login.send("AUTH LOGIN"));
        assertEquals("+ " + b64("Password:") + "\r\n", login.send(b64("dee")));
        assertTrue(login.send(b64("pw-dee")).startsWith("+OK Logged in"));
        assertEquals(1, login.count("poplar.auth.attempts", "mechanism", "login", "result", "success"));
        login.disconnect();
        assertEquals(
                "+ " + b64("Password:") + "\r\n",
                login.send("AUTH LOGIN " + b64("dee")),
                "the name as an initial response");
        assertEquals("-ERR [AUTH] Invalid user name or password\r\n", login.send(b64("nope")));
        assertEquals(1, login.count("poplar.auth.attempts", "mechanism", "login", "result", "failure"));
    }

    @Test
    void scramOffersItselfWithoutTlsAndTheSecretSendingOnesOnlyWhenAllowed() throws Exception {
        Pop3Harness strict = new Pop3Harness(
                Pop3Harness.settings(
                        "poplar.auth.allow-plaintext", "never", "poplar.auth.mechanisms", "PLAIN,LOGIN,SCRAM-SHA-256"),
                LoginGuard.Settings.off(),
                Duration.ZERO,
                10);
        assertEquals("+OK Methods supported\r\nSCRAM-SHA-256\r\n.\r\n", strict.send("AUTH"));
        assertTrue(strict.send("CAPA").contains("\r\nSASL SCRAM-SHA-256\r\n"));
        assertEquals(
                "-ERR [AUTH] Plaintext authentication is not allowed without TLS: use STLS or port 995\r\n",
                strict.send("AUTH PLAIN"));
        assertTrue(strict.send("USER x").startsWith("-ERR [AUTH] Plaintext"));
        assertEquals("-ERR Send USER first\r\n", strict.send("PASS x"), "a refused USER names no user");
        strict.peer = strict.peer.withTls("stls/TLSv1.3");
        assertEquals("+OK Methods supported\r\nPLAIN\r\nLOGIN\r\nSCRAM-SHA-256\r\n.\r\n", strict.send("AUTH"));
        Pop3Harness loopback = new Pop3Harness(
                Pop3Harness.settings("poplar.auth.allow-plaintext", "loopback"),
                LoginGuard.Settings.off(),
                Duration.ZERO,
                10);
        assertEquals("+OK Send your password\r\n", loopback.send("USER x"), "127.0.0.1 is loopback");
        loopback.peer = new Pop3Peer("t", java.net.InetAddress.getByName("192.0.2.1"), false, Pop3Peer.CLEAR, null);
        assertTrue(loopback.send("USER x").startsWith("-ERR [AUTH] Plaintext"));
        Pop3Harness proxied = new Pop3Harness(
                Pop3Harness.settings("poplar.auth.allow-plaintext", "trusted-proxies"),
                LoginGuard.Settings.off(),
                Duration.ZERO,
                10);
        proxied.peer = new Pop3Peer("t", java.net.InetAddress.getByName("192.0.2.1"), true, Pop3Peer.CLEAR, null);
        assertEquals("+OK Send your password\r\n", proxied.send("USER x"));
        assertEquals("192.0.2.1", proxied.peer.clientAddress());
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
