package dev.poplar.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.poplar.testing.CliProcess;
import dev.poplar.testing.LineClient;
import dev.poplar.testing.TestServer;
import dev.poplar.testing.Tools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The migration of passwords: users imported with the hashes Dovecot made (doveadm pw) log in
 * with their original passwords over USER/PASS and SASL PLAIN; the hash string never logs in;
 * the first login re-hashes the password once, after which SCRAM works too.
 */
class ImportedHashLoginTest {
    @TempDir
    Path dir;

    private static final List<String> SCHEMES = List.of(
            "SHA512-CRYPT",
            "SHA256-CRYPT",
            "MD5-CRYPT",
            "BLF-CRYPT",
            "ARGON2I",
            "ARGON2ID",
            "PBKDF2",
            "SSHA",
            "SSHA256",
            "SSHA512",
            "SHA256",
            "SHA512",
            "PLAIN",
            "CLEAR");

    private static String doveadm(String scheme, String password) throws Exception {
        Tools.Result r =
                Tools.run(List.of(Tools.require("doveadm").toString(), "pw", "-s", scheme, "-p", password), null);
        assertEquals(0, r.exit(), r.output());
        return r.output().strip();
    }

    private static String login(int port, String user, String password) throws Exception {
        return LineClient.userPassReply(port, user, password);
    }

    @Test
    void everySchemeLogsInWithTheOriginalPasswordAndIsRehashedOnce() throws Exception {
        Map<String, String> passwords = new LinkedHashMap<>();
        StringBuilder file = new StringBuilder("# from dovecot's passwd-file and a plain list\n");
        int i = 0;
        for (String scheme : SCHEMES) {
            String user = "u" + scheme.toLowerCase().replace("-", "");
            String password = "Pw of " + user + " ü " + i;
            passwords.put(user, password);
            String hash = doveadm(scheme, password);
            file.append(
                    i++ % 2 == 0
                            ? user + ":" + hash + ":1000:1000::/var/vmail/" + user + "::\n"
                            : user + " " + hash + "\n");
        }
        Path users = dir.resolve("passwd");
        Files.writeString(users, file);
        Path data = dir.resolve("data");
        CliProcess.Result imported =
                CliProcess.run(data, Map.of(), null, "user", "import", "--hashed", users.toString());
        assertEquals(0, imported.exit(), imported.err());
        assertTrue(
                imported.out().startsWith("imported users: " + SCHEMES.size() + " created, 0 updated, 0 unchanged"),
                imported.out());
        CliProcess.Result again = CliProcess.run(data, Map.of(), null, "user", "import", "--hashed", users.toString());
        assertTrue(
                again.out().startsWith("imported users: 0 created, 0 updated, " + SCHEMES.size() + " unchanged"),
                again.out());

        try (TestServer s = TestServer.start(data)) {
            for (var e : passwords.entrySet()) {
                String hash = s.server()
                        .store()
                        .account(e.getKey())
                        .orElseThrow()
                        .importedHash()
                        .orElseThrow();
                assertEquals(
                        "-ERR [AUTH] Invalid user name or password",
                        login(s.pop3Port(), e.getKey(), hash),
                        "the hash string is not the password: " + e.getKey());
                assertTrue(login(s.pop3Port(), e.getKey(), e.getValue()).startsWith("+OK Logged in"), e.getKey());
                assertTrue(
                        s.server()
                                .store()
                                .account(e.getKey())
                                .orElseThrow()
                                .importedHash()
                                .isEmpty(),
                        "re-hashed: " + e.getKey());
                assertTrue(
                        login(s.pop3Port(), e.getKey(), e.getValue()).startsWith("+OK Logged in"),
                        "again: " + e.getKey());
            }
            assertTrue(
                    s.server()
                            .metrics()
                            .scrapeText()
                            .contains("poplar_auth_password_rehashes_total " + SCHEMES.size() + ".0"),
                    "re-hashed once each");
            // A re-run of the import during the move leaves the re-hashed users alone.
            CliProcess.Result rerun =
                    CliProcess.run(data, Map.of(), null, "user", "import", "--hashed", users.toString());
            assertTrue(
                    rerun.out().startsWith("imported users: 0 created, 0 updated, " + SCHEMES.size() + " unchanged"),
                    rerun.out());
            assertTrue(s.server()
                    .store()
                    .account(passwords.keySet().iterator().next())
                    .orElseThrow()
                    .importedHash()
                    .isEmpty());
            // After the re-hash the user has SCRAM keys.
            String user = passwords.keySet().iterator().next();
            try (LineClient c = new LineClient(s.pop3Port())) {
                c.line();
                ScramClient scram = new ScramClient(user, passwords.get(user));
                c.send("AUTH SCRAM-SHA-256 " + b64(scram.clientFirst()) + "\r\n");
                String serverFirst = unb64(c.line().substring(2));
                c.send(b64(scram.clientFinal(serverFirst)) + "\r\n");
                assertTrue(scram.serverFinalIsValid(unb64(c.line().substring(2))));
                c.send("\r\n");
                assertTrue(c.line().startsWith("+OK Logged in"));
            }
        }
    }

    @Test
    void saslPlainWorksBeforeTheRehashAndTheRehashCanBeTurnedOff() throws Exception {
        Path users = dir.resolve("users");
        Files.writeString(users, "carol " + doveadm("SHA512-CRYPT", "carol's pass") + "\n");
        Path data = dir.resolve("data");
        assertEquals(
                0,
                CliProcess.run(data, Map.of(), null, "user", "import", "--hashed", users.toString())
                        .exit());
        try (TestServer s = TestServer.start(data, "POPLAR_AUTH_REHASH_IMPORTED", "false")) {
            for (int k = 0; k < 2; k++) {
                try (LineClient c = new LineClient(s.pop3Port())) {
                    c.line();
                    c.send("AUTH PLAIN " + b64("\0carol\0carol's pass") + "\r\n");
                    assertTrue(c.line().startsWith("+OK Logged in"));
                    c.send("QUIT\r\n");
                    c.line();
                }
            }
            assertTrue(
                    s.server()
                            .store()
                            .account("carol")
                            .orElseThrow()
                            .importedHash()
                            .isPresent(),
                    "kept as imported");
            // An app password works for an imported user too (the main password is the imported hash).
            String app = s.admin().addAppPassword("carol", "phone");
            assertTrue(
                    login(s.pop3Port(), "carol", app).startsWith("+OK Logged in"), "app password of an imported user");
            assertEquals("-ERR [AUTH] Invalid user name or password", login(s.pop3Port(), "carol", "wrong one"));
        }
    }

    @Test
    void badHashLinesAreRefusedWithTheirLineAndNothingIsImported() throws Exception {
        Path users = dir.resolve("users");
        Files.writeString(
                users,
                "ok {SSHA}" + Base64.getEncoder().encodeToString(new byte[24]) + "\n"
                        + "bad {NOPE}abc\nworse:$6$tooshort\nplain-password-here\n");
        CliProcess.Result r =
                CliProcess.run(dir.resolve("data"), Map.of(), null, "user", "import", "--hashed", users.toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("line 2: unsupported password scheme {NOPE}"), r.err());
        assertTrue(r.err().contains("line 4: expected 'name {SCHEME}hash' or 'name:{SCHEME}hash:...'"), r.err());
        assertFalse(r.err().contains("plain-password-here"), "never echoes a password");
        CliProcess.Result list = CliProcess.run(dir.resolve("data"), Map.of(), null, "user", "list");
        assertEquals("", list.out(), "nothing imported");
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String unb64(String s) {
        return new String(Base64.getDecoder().decode(s), StandardCharsets.UTF_8);
    }
}
