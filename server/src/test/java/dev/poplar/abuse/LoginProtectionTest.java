package dev.poplar.abuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.poplar.admin.AdminException;
import dev.poplar.auth.PasswordHasher;
import dev.poplar.net.ProxyProtocol;
import dev.poplar.testing.LineClient;
import dev.poplar.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The outside review's login-protection findings, each on a real server: SASL failures counted
 * per user, one policy for POP3 and POP3S, no user enumeration by hashing work, UTF-8 passwords,
 * the password rules, and plaintext only through trusted proxies.
 */
class LoginProtectionTest {
    @TempDir
    Path dir;

    private static String plain(String user, String password) {
        return Base64.getEncoder().encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** Logs in with USER/PASS, returns the first refusal or the PASS reply, then QUITs. */
    private static String userPass(LineClient c, String user, String password) throws Exception {
        c.line();
        c.send("USER " + user + "\r\nPASS " + password + "\r\n");
        String userReply = c.line();
        String reply = c.line();
        c.send("QUIT\r\n");
        c.line();
        return userReply.startsWith("-ERR") ? userReply : reply;
    }

    @Test
    void saslFailuresAreCountedPerUserLikeUserPass() throws Exception {
        // Each attempt from a new address, so only the per-user count can grow the delay.
        try (TestServer s =
                TestServer.start(dir, "POPLAR_AUTH_FAILURE_DELAY", "100ms", "POPLAR_AUTH_FAILURE_DELAY_MAX", "5s")) {
            s.addUser("victim", "the-real-one");
            List<Long> millis = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                try (LineClient c = new LineClient(s.pop3Port(), "127.0.1." + (i + 1))) {
                    c.line();
                    long t0 = System.nanoTime();
                    c.send("AUTH PLAIN " + plain("victim", "guess-" + i) + "\r\n");
                    assertEquals("-ERR [AUTH] Invalid user name or password", c.line());
                    millis.add((System.nanoTime() - t0) / 1_000_000);
                }
            }
            // 100, 200, 400, 800 ms: the fourth waited at least 800 ms (a flat ~100 ms before).
            assertTrue(millis.get(3) >= 750, "per-user back-off with AUTH PLAIN: " + millis);
        }
    }

    @Test
    void oneSessionCapAndLoginDelayForPop3AndPop3sTogether() throws Exception {
        try (TestServer s = TestServer.start(
                dir,
                "POPLAR_POP3_MAILDROP_LOCK",
                "shared",
                "POPLAR_POP3_MAX_CONNECTIONS_PER_USER",
                "1",
                "POPLAR_POP3_MAX_CONNECTIONS_PER_IP",
                "2")) {
            s.addUser("carol", "c-pass");
            try (LineClient plain = new LineClient(s.pop3Port(), "127.0.2.1")) {
                plain.line();
                plain.send("USER carol\r\nPASS c-pass\r\n");
                plain.line();
                assertTrue(plain.line().startsWith("+OK Logged in"));
                try (LineClient tls = LineClient.implicitTls(s.pop3sPort(), "127.0.2.1", s.dataDir())) {
                    tls.line();
                    tls.send("USER carol\r\nPASS c-pass\r\n");
                    tls.line();
                    assertEquals(
                            "-ERR [SYS/TEMP] Too many sessions for this user, try again later",
                            tls.line(),
                            "the per-user cap counts POP3 and POP3S together");
                    // Two connections from 127.0.2.1 are open (one per port): a third is over the per-IP cap.
                    // POP3S refuses by closing: a TLS client cannot read a clear-text -ERR.
                    assertThrows(
                            java.io.IOException.class,
                            () -> LineClient.implicitTls(s.pop3sPort(), "127.0.2.1", s.dataDir())
                                    .close());
                    try (LineClient third = new LineClient(s.pop3Port(), "127.0.2.1")) {
                        assertEquals(
                                "-ERR [SYS/TEMP] Too many connections from your address, try again later",
                                third.line());
                    }
                }
            }
        }
        try (TestServer s = TestServer.start(dir.resolve("delay"), "POPLAR_POP3_LOGIN_DELAY", "60s")) {
            s.addUser("dave", "d-pass");
            try (LineClient plain = new LineClient(s.pop3Port())) {
                assertTrue(userPass(plain, "dave", "d-pass").startsWith("+OK Logged in"));
            }
            try (LineClient tls = LineClient.implicitTls(s.pop3sPort(), "127.0.0.1", s.dataDir())) {
                assertEquals(
                        "-ERR [LOGIN-DELAY] Minimum time between logins is 60 seconds",
                        userPass(tls, "dave", "d-pass"),
                        "LOGIN-DELAY is not dodged by switching to port 995");
            }
        }
    }

    @Test
    void aWrongPasswordCostsTheSameWorkForUnknownUsersAndUsersWithAppPasswords() throws Exception {
        try (TestServer s = TestServer.start(dir)) {
            s.addUser("many", "many-pass");
            s.addUser("none", "none-pass");
            for (int i = 0; i < 10; i++) {
                s.admin().addAppPassword("many", "device-" + i);
            }
            String appShaped = "abcde-fghjk-mnpqr-stuvw";
            long unknown = work(s, "nobody-here", appShaped);
            long withTen = work(s, "many", appShaped);
            long withNone = work(s, "none", appShaped);
            assertEquals(unknown, withTen, "PBKDF2 iterations for a user with 10 app passwords vs an unknown user");
            assertEquals(unknown, withNone);
            assertEquals(work(s, "nobody-here", "plain-wrong"), work(s, "many", "plain-wrong"));
        }
    }

    private static long work(TestServer s, String user, String password) throws Exception {
        try (LineClient c = new LineClient(s.pop3Port())) {
            c.line();
            c.send("USER " + user + "\r\n");
            c.line();
            long before = PasswordHasher.iterationsRun();
            c.send("PASS " + password + "\r\n");
            assertEquals("-ERR [AUTH] Invalid user name or password", c.line());
            return PasswordHasher.iterationsRun() - before;
        }
    }

    @Test
    void appPasswordsStillLogIn() throws Exception {
        try (TestServer s = TestServer.start(dir)) {
            s.addUser("erin", "erin-pass");
            String first = s.admin().addAppPassword("erin", "phone");
            String second = s.admin().addAppPassword("erin", "laptop");
            for (String app : List.of(first, second, "erin-pass")) {
                try (LineClient c = new LineClient(s.pop3Port())) {
                    assertTrue(userPass(c, "erin", app).startsWith("+OK Logged in"));
                }
            }
        }
    }

    @Test
    void theScramDecoySaltOfAnUnknownUserSurvivesARestart() throws Exception {
        String first;
        try (TestServer s = TestServer.start(dir)) {
            first = scramSalt(s, "ghost");
        }
        try (TestServer s = TestServer.start(dir)) {
            assertEquals(first, scramSalt(s, "ghost"), "a salt that changed on restart would mark the name as unknown");
        }
    }

    private static String scramSalt(TestServer s, String user) throws Exception {
        try (LineClient c = new LineClient(s.pop3Port())) {
            c.line();
            String clientFirst = "n,,n=" + user + ",r=abcdefghijkl";
            c.send("AUTH SCRAM-SHA-256 "
                    + Base64.getEncoder().encodeToString(clientFirst.getBytes(StandardCharsets.UTF_8)) + "\r\n");
            String challenge = c.line();
            assertTrue(challenge.startsWith("+ "), challenge);
            String serverFirst = new String(Base64.getDecoder().decode(challenge.substring(2)), StandardCharsets.UTF_8);
            c.send("*\r\n");
            c.line();
            return serverFirst.replaceAll(".*,s=([^,]*),.*", "$1");
        }
    }

    @Test
    void aUtf8PasswordLogsInWithUserPass() throws Exception {
        try (TestServer s = TestServer.start(dir)) {
            s.addUser("joerg", "Pässwort-1");
            try (LineClient c = new LineClient(s.pop3Port())) {
                assertTrue(userPass(c, "joerg", "Pässwort-1").startsWith("+OK Logged in"));
            }
            try (LineClient c = new LineClient(s.pop3Port())) {
                c.line();
                c.send("AUTH PLAIN " + plain("joerg", "Pässwort-1") + "\r\n");
                assertTrue(c.line().startsWith("+OK Logged in"));
            }
        }
    }

    @Test
    void newPasswordsFollowTheRules() throws Exception {
        try (TestServer s = TestServer.start(dir, "POPLAR_AUTH_MIN_PASSWORD_LENGTH", "8")) {
            AdminException tooShort = assertThrows(AdminException.class, () -> s.addUser("frank", "x"));
            assertEquals(
                    "the password is shorter than 8 characters (poplar.auth.min-password-length)",
                    tooShort.getMessage());
            AdminException hash = assertThrows(
                    AdminException.class, () -> s.addUser("frank", "{SHA512-CRYPT}$6$rounds=5000$salt$abcdefghij"));
            assertTrue(hash.getMessage().contains("looks like a password hash"), hash.getMessage());
            AdminException imported = assertThrows(
                    AdminException.class,
                    () -> s.admin().importUsers("gina long-enough-pass\nhank $2y$05$abcdefghijklmnopqrstuv\n"));
            assertTrue(
                    imported.getMessage().contains("user hank: the password looks like a password hash"),
                    imported.getMessage());
            assertTrue(!imported.getMessage().contains("$2y$"), "never echoes the password");
            s.addUser("frank", "eight-ok");
        }
    }

    @Test
    void plaintextOnlyThroughTrustedProxies() throws Exception {
        try (TestServer s = TestServer.start(
                dir, "POPLAR_POP3_TRUSTED_PROXIES", "127.0.0.9/32", "POPLAR_AUTH_ALLOW_PLAINTEXT", "trusted-proxies")) {
            s.addUser("ivan", "ivan-pass");
            try (LineClient viaProxy = new LineClient(s.pop3Port(), "127.0.0.9")) {
                viaProxy.send(ProxyProtocol.v1Header("203.0.113.7", "192.0.2.1", 40000, 110));
                assertTrue(
                        userPass(viaProxy, "ivan", "ivan-pass").startsWith("+OK Logged in"),
                        "nginx ended TLS: allowed");
            }
            try (LineClient direct = new LineClient(s.pop3Port(), "127.0.0.1")) {
                assertEquals(
                        "-ERR [AUTH] Plaintext authentication is not allowed without TLS: use STLS or port 995",
                        userPass(direct, "ivan", "ivan-pass"),
                        "not even from loopback without the proxy");
            }
            try (LineClient tls = LineClient.implicitTls(s.pop3sPort(), "127.0.0.1", s.dataDir())) {
                assertTrue(userPass(tls, "ivan", "ivan-pass").startsWith("+OK Logged in"));
            }
        }
    }

    @Test
    void twoHundredClientsFromOneHostLogInAtTheDefaults() throws Exception {
        // The review's load test: 200 at once from this host failed at the old per-IP cap of 100.
        try (TestServer s = TestServer.start(
                dir, "POPLAR_POP3_MAILDROP_LOCK", "shared", "POPLAR_POP3_MAX_CONNECTIONS_PER_USER", "1000")) {
            s.addUser("load", "load-pass");
            List<LineClient> open = new ArrayList<>();
            try {
                for (int i = 0; i < 200; i++) {
                    LineClient c = new LineClient(s.pop3Port());
                    open.add(c);
                }
                for (LineClient c : open) {
                    c.line();
                    c.send("USER load\r\nPASS load-pass\r\n");
                }
                for (LineClient c : open) {
                    c.line();
                    String r = c.line();
                    assertTrue(r != null && r.startsWith("+OK Logged in"), String.valueOf(r));
                }
            } finally {
                for (LineClient c : open) {
                    c.close();
                }
            }
        }
        // ... and 200 from one non-local address (a NAT) too.
        try (TestServer s = TestServer.start(dir.resolve("nat"))) {
            List<LineClient> open = new ArrayList<>();
            try {
                for (int i = 0; i < 200; i++) {
                    LineClient c = new LineClient(s.pop3Port(), "127.0.3.3");
                    open.add(c);
                    assertTrue(c.line().startsWith("+OK"));
                }
            } finally {
                for (LineClient c : open) {
                    c.close();
                }
            }
        }
    }
}
