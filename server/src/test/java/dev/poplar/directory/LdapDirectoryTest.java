package dev.poplar.directory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.poplar.directory.ldap.LdapDirectory;
import dev.poplar.directory.ldap.LdapSettings;
import dev.poplar.storage.AccountInfo;
import dev.poplar.testing.LineClient;
import dev.poplar.testing.MailClients;
import dev.poplar.testing.Slapd;
import dev.poplar.testing.TestServer;
import dev.poplar.testing.Tools;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Poplar against a real OpenLDAP slapd (started by the test from its own configuration), driven
 * by independent clients: commons-net for POP3, raw LMTP lines, ldapmodify for the directory's
 * changes, slapd stopped and started again for an outage.
 */
class LdapDirectoryTest {
    @TempDir
    static Path ldapDir;

    static Slapd slapd;

    @BeforeAll
    static void startSlapd() throws Exception {
        Tools.require("slapd");
        String ssha = Tools.run(List.of(slapdTool("slappasswd"), "-s", "alice-pw"), null)
                .output()
                .strip();
        String crypt = Tools.run(List.of("openssl", "passwd", "-6", "carol-pw"), null)
                .output()
                .strip();
        slapd = Slapd.start(
                ldapDir,
                Slapd.person("alice", "alice@example.org", ssha)
                        + Slapd.person("bob", "bob@example.org", "bob-pw")
                        + Slapd.person("carol", "carol@example.org", "{CRYPT}" + crypt)
                        + Slapd.person(
                                "dave",
                                "dave@example.org",
                                "dave-pw",
                                "objectClass: poplarUser",
                                "poplarEnabled: FALSE")
                        + Slapd.person(
                                "erin",
                                "erin@example.org",
                                "erin-pw",
                                "objectClass: poplarUser",
                                "poplarQuota: 2K",
                                "poplarRetention: 30"));
    }

    private static String slapdTool(String name) {
        return Tools.require("slapd").getParent().resolve(name).toString();
    }

    @AfterAll
    static void stopSlapd() throws Exception {
        if (slapd != null) {
            slapd.close();
        }
    }

    private static List<String> ldap(String uri, String... more) {
        List<String> env = new ArrayList<>(List.of(
                "POPLAR_DIRECTORY_CHAIN",
                "internal,ldap",
                "POPLAR_LDAP_URI",
                uri,
                "POPLAR_LDAP_BASE",
                Slapd.PEOPLE,
                "POPLAR_LDAP_BIND_DN",
                Slapd.SERVICE,
                "POPLAR_LDAP_BIND_PASSWORD",
                Slapd.SERVICE_PASSWORD,
                "POPLAR_LDAP_ENABLED_ATTRIBUTE",
                "poplarEnabled",
                "POPLAR_LDAP_QUOTA_ATTRIBUTE",
                "poplarQuota",
                "POPLAR_LDAP_RETENTION_ATTRIBUTE",
                "poplarRetention",
                "POPLAR_LDAP_TIMEOUT",
                "2s"));
        env.addAll(List.of(more));
        return env;
    }

    private static TestServer server(Path dir, List<String> env) throws Exception {
        return TestServer.start(dir, env.toArray(String[]::new));
    }

    @Test
    void bindStyleLogsInCreatesTheMailboxAndRefusesWrongPasswordsDisabledAndUnknownUsers(@TempDir Path dir)
            throws Exception {
        try (TestServer s = server(dir, ldap(slapd.uri()))) {
            assertTrue(s.server().store().account("bob@example.org").isEmpty());
            assertTrue(MailClients.login(s, "bob@example.org", "bob-pw").startsWith("+OK"), "bind as bob's entry");
            AccountInfo bob = s.server().store().account("bob@example.org").orElseThrow();
            assertTrue(DirectoryMailboxes.isDirectoryMailbox(bob), "created at the first login, marked as LDAP's");
            assertTrue(
                    MailClients.login(s, "BOB@example.org", "bob-pw").startsWith("+OK"), "names are case-insensitive");
            assertEquals("-ERR [AUTH] Invalid user name or password", MailClients.login(s, "bob@example.org", "wrong"));
            assertEquals("-ERR [AUTH] Invalid user name or password", MailClients.login(s, "nobody@example.org", "x"));
            assertEquals(
                    "-ERR [AUTH] Invalid user name or password",
                    MailClients.login(s, "dave@example.org", "dave-pw"),
                    "poplarEnabled: FALSE refuses the right password");
            // The hashes in userPassword are slapd's business in bind style: {SSHA} and {CRYPT} bind too.
            assertTrue(MailClients.login(s, "alice@example.org", "alice-pw").startsWith("+OK"));
            assertTrue(MailClients.login(s, "carol@example.org", "carol-pw").startsWith("+OK"));
        }
    }

    @Test
    void attributeStyleVerifiesTheHashesHere(@TempDir Path dir) throws Exception {
        try (TestServer s = server(
                dir, ldap(slapd.uri(), "POPLAR_LDAP_AUTH", "password-attribute", "POPLAR_DIRECTORY_CACHE_SIZE", "0"))) {
            assertTrue(MailClients.login(s, "alice@example.org", "alice-pw").startsWith("+OK"), "{SSHA}");
            assertTrue(MailClients.login(s, "carol@example.org", "carol-pw").startsWith("+OK"), "{CRYPT}$6$");
            assertTrue(MailClients.login(s, "erin@example.org", "erin-pw").startsWith("+OK"), "a clear-text value");
            assertTrue(MailClients.login(s, "alice@example.org", "carol-pw").startsWith("-ERR [AUTH]"));
            assertTrue(MailClients.login(s, "carol@example.org", "wrong").startsWith("-ERR [AUTH]"));
        }
    }

    @Test
    void ldapsAndStartTlsCheckTheCertificate(@TempDir Path dir) throws Exception {
        String ca = slapd.certificate().toString();
        try (TestServer s = server(dir.resolve("a"), ldap(slapd.ldapsUri(), "POPLAR_LDAP_CA_FILE", ca))) {
            assertTrue(MailClients.login(s, "bob@example.org", "bob-pw").startsWith("+OK"), "LDAPS");
        }
        try (TestServer s = server(
                dir.resolve("b"), ldap(slapd.uri(), "POPLAR_LDAP_STARTTLS", "true", "POPLAR_LDAP_CA_FILE", ca))) {
            assertTrue(MailClients.login(s, "bob@example.org", "bob-pw").startsWith("+OK"), "StartTLS");
        }
        // A certificate Poplar does not trust: no login, and no claim that the password is wrong.
        Path other = dir.resolve("other.pem");
        Slapd.selfSigned(dir.resolve("other-key.pem"), other, "IP:127.0.0.1");
        try (TestServer s = server(dir.resolve("c"), ldap(slapd.ldapsUri(), "POPLAR_LDAP_CA_FILE", other.toString()))) {
            assertTrue(
                    MailClients.login(s, "bob@example.org", "bob-pw").startsWith("-ERR [SYS/TEMP]"),
                    "an untrusted certificate is an outage, not a wrong password");
        }
        // The right CA, but slapd reached at an address its certificate does not name.
        try (TestServer s =
                server(dir.resolve("d"), ldap(slapd.ldapsUriNotInCertificate(), "POPLAR_LDAP_CA_FILE", ca))) {
            assertTrue(
                    MailClients.login(s, "bob@example.org", "bob-pw").startsWith("-ERR [SYS/TEMP]"),
                    "127.0.0.2 is not in the certificate's names");
        }
    }

    @Test
    void lmtpDeliversToDirectoryUsersCreatingTheirMailboxAndAppliesTheirQuota(@TempDir Path dir) throws Exception {
        try (TestServer s = server(dir, ldap(slapd.uri()))) {
            assertTrue(s.server().store().account("erin@example.org").isEmpty());
            try (LineClient lmtp = new LineClient(s.lmtpPort())) {
                lmtp.line();
                lmtp.send("LHLO mx.test\r\n");
                while (!lmtp.line().startsWith("250 ")) {}
                lmtp.send("MAIL FROM:<a@b.test>\r\n");
                assertTrue(lmtp.line().startsWith("250"));
                lmtp.send("RCPT TO:<erin@example.org>\r\n");
                assertEquals("250 2.1.5 <erin@example.org> Recipient OK", lmtp.line());
                lmtp.send("RCPT TO:<dave@example.org>\r\n");
                assertEquals(
                        "250 2.1.5 <dave@example.org> Recipient OK",
                        lmtp.line(),
                        "a disabled account still gets its mail");
                lmtp.send("RCPT TO:<nobody@example.org>\r\n");
                assertEquals("550 5.1.1 <nobody@example.org> User unknown", lmtp.line());
                lmtp.send("DATA\r\n");
                assertTrue(lmtp.line().startsWith("354"));
                lmtp.send("Subject: hi\r\n\r\n" + "x".repeat(3000) + "\r\n.\r\n");
                assertEquals(
                        "552 5.2.2 <erin@example.org> Mailbox full (over its quota)",
                        lmtp.line(),
                        "poplarQuota: 2K from the directory");
                assertEquals("250 2.0.0 <dave@example.org> Saved", lmtp.line());
            }
            AccountInfo erin = s.server().store().account("erin@example.org").orElseThrow();
            assertEquals(2048, erin.limits().maxOctets());
            assertEquals(30L * 86_400_000, erin.limits().retentionMillis());
            assertTrue(s.server().store().account("nobody@example.org").isEmpty());
        }
    }

    @Test
    void theNameAttributeNamesTheMailbox(@TempDir Path dir) throws Exception {
        try (TestServer s = server(dir, ldap(slapd.uri(), "POPLAR_LDAP_NAME_ATTRIBUTE", "uid"))) {
            assertTrue(MailClients.login(s, "bob@example.org", "bob-pw").startsWith("+OK"));
            assertTrue(s.server().store().account("bob").isPresent(), "the mailbox is uid's name");
            assertTrue(s.server().store().account("bob@example.org").isEmpty());
            assertEquals("250 2.1.5 <carol@example.org> Recipient OK", MailClients.rcpt(s, "carol@example.org"));
            assertTrue(s.server().store().account("carol").isPresent());
        }
    }

    @Test
    void scramIsNotAdvertisedButPlainWorks(@TempDir Path dir) throws Exception {
        try (TestServer s = server(dir, ldap(slapd.uri(), "POPLAR_AUTH_MECHANISMS", "SCRAM-SHA-256,PLAIN"))) {
            try (LineClient c = new LineClient(s.pop3Port())) {
                c.line();
                c.send("CAPA\r\n");
                List<String> capa = c.body();
                assertTrue(capa.contains("SASL PLAIN"), capa.toString());
                c.send("AUTH PLAIN "
                        + Base64.getEncoder()
                                .encodeToString(
                                        "\0bob@example.org\0bob-pw".getBytes(java.nio.charset.StandardCharsets.UTF_8))
                        + "\r\n");
                assertTrue(c.line().startsWith("+OK"));
            }
        }
    }

    @Test
    void injectionAttemptsAreEscapedAndMatchNothingAndEmptyPasswordsNeverBind() throws Exception {
        LdapSettings settings = new LdapSettings(
                List.of(LdapSettings.Server.parse(slapd.uri())),
                false,
                Optional.empty(),
                Slapd.SERVICE,
                Slapd.SERVICE_PASSWORD,
                Slapd.PEOPLE,
                "(&(objectClass=inetOrgPerson)(mail=%u))",
                LdapSettings.PasswordCheck.BIND,
                new LdapSettings.Attributes("userPassword", "", "", "", "", ""),
                2,
                Duration.ofSeconds(2));
        try (LdapDirectory d = LdapDirectory.open(settings)) {
            assertTrue(d.find("bob@example.org").isPresent(), "the control: a real name is found");
            assertEquals(
                    new Verdict.Rejected("empty password"),
                    d.verify("bob@example.org", ""),
                    "an empty password would make the bind anonymous, and succeed (RFC 4513 section 5.1.2)");
            for (String attack : List.of(
                    "*",
                    "bob*",
                    "*@example.org",
                    "bob@example.org)(mail=*",
                    "*)(|(mail=*",
                    "bob@example.org\0",
                    "\\2a",
                    "bob@example.org)(objectClass=*")) {
                assertEquals(Optional.empty(), d.find(attack), attack);
                assertEquals(Verdict.UNKNOWN, d.verify(attack, "bob-pw"), attack);
            }
        }
        // And through POP3, where names are checked before any directory sees them.
        try (TestServer s = server(ldapDir.resolve("pop3-" + System.nanoTime()), ldap(slapd.uri()))) {
            for (String attack : List.of("*", "bob*", "*)(uid=*", "bob@example.org)(mail=*")) {
                assertTrue(MailClients.login(s, attack, "bob-pw").startsWith("-ERR [AUTH]"), attack);
            }
        }
    }

    @Test
    void anOutageIsTemporaryForClientsAndTheMtaAndReadinessSaysSo(@TempDir Path dir) throws Exception {
        try (TestServer s = server(dir, ldap(slapd.uri(), "POPLAR_DIRECTORY_CACHE_SIZE", "0"))) {
            assertTrue(MailClients.login(s, "bob@example.org", "bob-pw").startsWith("+OK"));
            assertEquals(200, ready(s).statusCode());
            slapd.stop();
            try {
                assertEquals(
                        "-ERR [SYS/TEMP] User directory unavailable, try again later",
                        MailClients.login(s, "bob@example.org", "bob-pw"));
                assertEquals(
                        "-ERR [SYS/TEMP] User directory unavailable, try again later",
                        MailClients.login(s, "nobody@example.org", "x"),
                        "unknown users are not 'wrong password' either: LDAP could have them");
                assertEquals(
                        "451 4.4.3 <bob@example.org> User directory unavailable, try again later",
                        MailClients.rcpt(s, "bob@example.org"));
                HttpResponse<String> down = awaitReady(s, 503);
                assertTrue(down.body().contains("\"ldap\":\"DOWN"), down.body());
                String metrics = metrics(s);
                assertTrue(metrics.contains("poplar_directory_up{directory=\"ldap\"} 0.0"), metrics);
                assertTrue(
                        metrics.lines()
                                .anyMatch(l -> l.startsWith(
                                                "poplar_directory_lookup_seconds_count{directory=\"ldap\",operation=\"verify\",result=\"error\"}")
                                        && !l.endsWith(" 0")),
                        "the failed round trips are counted");
                s.addUser("local", "local-pw");
                assertTrue(
                        MailClients.login(s, "local", "local-pw").startsWith("+OK"),
                        "internal users, first in the chain, still log in");
            } finally {
                slapd.start();
            }
            assertTrue(MailClients.login(s, "bob@example.org", "bob-pw").startsWith("+OK"), "back when slapd is");
            assertEquals("250 2.1.5 <bob@example.org> Recipient OK", MailClients.rcpt(s, "bob@example.org"));
            awaitReady(s, 200);
        }
    }

    @Test
    void aChangedPasswordWorksAtOnceAndTheOldOneStopsWorking(@TempDir Path dir) throws Exception {
        slapd.modify("dn: uid=alice," + Slapd.PEOPLE
                + "\nchangetype: modify\nreplace: userPassword\nuserPassword: old-pw\n");
        try (TestServer s = server(dir, ldap(slapd.uri(), "POPLAR_DIRECTORY_CACHE_TTL", "1h"))) {
            assertTrue(MailClients.login(s, "alice@example.org", "old-pw").startsWith("+OK"));
            assertTrue(MailClients.login(s, "alice@example.org", "old-pw").startsWith("+OK"), "from the cache");
            slapd.modify("dn: uid=alice," + Slapd.PEOPLE
                    + "\nchangetype: modify\nreplace: userPassword\nuserPassword: new-pw\n");
            assertTrue(
                    MailClients.login(s, "alice@example.org", "old-pw").startsWith("+OK"),
                    "the old password, remembered: within the TTL until the new one is used (documented)");
            assertEquals(1, s.admin().flushDirectoryCache("ALICE@example.org"), "poplar directory flush --user");
            assertTrue(
                    MailClients.login(s, "alice@example.org", "old-pw").startsWith("-ERR [AUTH]"),
                    "flushed: the directory decides again");
            assertTrue(MailClients.login(s, "alice@example.org", "new-pw").startsWith("+OK"), "the new password");
            slapd.modify("dn: uid=alice," + Slapd.PEOPLE
                    + "\nchangetype: modify\nreplace: userPassword\nuserPassword: newer-pw\n");
            assertTrue(
                    MailClients.login(s, "alice@example.org", "newer-pw").startsWith("+OK"),
                    "a new password works at once");
            assertTrue(
                    MailClients.login(s, "alice@example.org", "new-pw").startsWith("-ERR [AUTH]"),
                    "and the one before stops once it has, well within the TTL");
        } finally {
            String ssha = Tools.run(List.of(slapdTool("slappasswd"), "-s", "alice-pw"), null)
                    .output()
                    .strip();
            slapd.modify("dn: uid=alice," + Slapd.PEOPLE + "\nchangetype: modify\nreplace: userPassword\nuserPassword: "
                    + ssha + "\n");
        }
    }

    private static String metrics(TestServer s) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.httpPort() + "/metrics"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }

    private static HttpResponse<String> ready(TestServer s) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.httpPort() + "/health/ready"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    /** Readiness probes at most every 5 s: polls until it reports {@code status}, up to 20 s. */
    private static HttpResponse<String> awaitReady(TestServer s, int status) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        HttpResponse<String> r = ready(s);
        while (r.statusCode() != status && System.nanoTime() < deadline) {
            Thread.sleep(200);
            r = ready(s);
        }
        assertEquals(status, r.statusCode(), r.body());
        return r;
    }
}
