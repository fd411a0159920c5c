package dev.poplar.auth;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.poplar.testing.LineClient;
import dev.poplar.testing.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DESIGN invariant 8: passwords are stored only as salted slow hashes and never logged. */
class SecretsTest {
    private static final String PASSWORD = "Zebra-Quartz-8472-unique";
    private static final String WRONG = "Wrong-Walrus-1193-unique";

    @TempDir
    Path dir;

    @Test
    void passwordsAppearNeitherInLogsNorInStoreFiles() throws Exception {
        List<String> logged = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                logged.add(r.getMessage() + " " + r.getThrown());
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        Logger root = Logger.getLogger("");
        root.addHandler(capture);
        try (TestServer s = TestServer.start(dir)) {
            s.addUser("kim", PASSWORD);
            try (LineClient c = new LineClient(s.pop3Port())) {
                c.line();
                c.send("USER kim\r\nPASS " + WRONG + "\r\nUSER kim\r\nPASS " + PASSWORD + "\r\nQUIT\r\n");
                for (int i = 0; i < 5; i++) {
                    c.line();
                }
            }
        } finally {
            root.removeHandler(capture);
        }
        assertFalse(logged.isEmpty(), "the session summary was logged");
        for (String line : logged) {
            assertFalse(line.contains(PASSWORD) || line.contains(WRONG), "password in log: " + line);
        }
        assertTrue(filesContaining(dir, PASSWORD).isEmpty(), "plain password in " + filesContaining(dir, PASSWORD));
    }

    @Test
    void hashesAreSaltedAndVerify() {
        PasswordHasher h = new PasswordHasher(4096);
        var a = h.hash(PASSWORD);
        var b = h.hash(PASSWORD);
        assertFalse(java.util.Arrays.equals(a.storedKey(), b.storedKey()), "salted: same password, different keys");
        assertTrue(PasswordHasher.verify(a, PASSWORD));
        assertFalse(PasswordHasher.verify(a, WRONG));
        assertFalse(a.toString().contains(new String(a.storedKey(), StandardCharsets.ISO_8859_1)));
    }

    /** RFC 7677 section 3 test vector: user "user", password "pencil", 4096 iterations. */
    @Test
    void scramKeysMatchTheRfc7677Example() throws Exception {
        byte[] salt = java.util.Base64.getDecoder().decode("W22ZaJ0SNY7soEsUEjb6gQ==");
        var c = PasswordHasher.derive("pencil", salt, 4096);
        // ServerSignature = HMAC(ServerKey, AuthMessage) as sent in the RFC's final server message.
        String authMessage = "n=user,r=rOprNGfwEbeRWgbNEkqO,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                + "s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
        byte[] serverSignature = PasswordHasher.hmac(c.serverKey(), authMessage);
        assertTrue(java.util.Base64.getEncoder()
                .encodeToString(serverSignature)
                .equals("6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="));
    }

    private static List<Path> filesContaining(Path root, String secret) throws IOException {
        byte[] needle = secret.getBytes(StandardCharsets.UTF_8);
        List<Path> hits = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                byte[] content = Files.readAllBytes(p);
                for (int i = 0; i + needle.length <= content.length; i++) {
                    if (java.util.Arrays.equals(content, i, i + needle.length, needle, 0, needle.length)) {
                        hits.add(p);
                        break;
                    }
                }
            }
        }
        return hits;
    }
}
