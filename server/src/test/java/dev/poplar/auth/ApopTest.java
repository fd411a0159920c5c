package dev.poplar.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.poplar.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.net.pop3.POP3Client;
import org.apache.commons.net.pop3.POP3Reply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** APOP (RFC 1939 section 7) with commons-net's own digest computation. */
class ApopTest {
    @TempDir
    Path dir;

    private static String timestamp(POP3Client c) {
        Matcher m = Pattern.compile("<[^>]+>").matcher(c.getReplyString());
        return m.find() ? m.group() : null;
    }

    @Test
    void apopWorksOnlyForUsersWithASecretWhenEnabled() throws Exception {
        try (TestServer s = TestServer.start(dir, "POPLAR_AUTH_APOP", "true")) {
            s.addUser("gus", "main-pw");
            s.addUser("hal", "main-pw");
            s.admin().setApopSecret("gus", "tanstaaf");
            assertEquals(
                    "rw-------",
                    java.nio.file.attribute.PosixFilePermissions.toString(
                            Files.getPosixFilePermissions(dir.resolve("apop.key"))));
            POP3Client c = new POP3Client();
            c.connect("127.0.0.1", s.pop3Port());
            String ts = timestamp(c);
            assertTrue(ts != null && ts.endsWith(">"), c.getReplyString());
            assertTrue(c.login("gus", ts, "tanstaaf"), c.getReplyString());
            assertEquals(0, c.status().number);
            c.logout();
            c.disconnect();

            POP3Client again = new POP3Client();
            again.connect("127.0.0.1", s.pop3Port());
            String other = timestamp(again);
            assertFalse(other.equals(ts), "a fresh timestamp per connection");
            assertFalse(again.login("gus", ts, "tanstaaf"), "a replayed digest fails");
            assertEquals(
                    "-ERR [AUTH] Invalid user name or password",
                    again.getReplyString().trim());
            assertFalse(again.login("hal", other, "anything"), "no APOP secret: no APOP");
            assertFalse(again.login("gus", other, "wrong"));
            assertTrue(again.login("gus", other, "tanstaaf"));
            again.logout();
            again.disconnect();
            assertFalse(new String(Files.readAllBytes(dir.resolve("apop.key"))).contains("tanstaaf"));
        }
    }

    @Test
    void withoutTheSettingThereIsNoTimestampAndApopIsRefused() throws Exception {
        try (TestServer s = TestServer.start(dir)) {
            POP3Client c = new POP3Client();
            c.connect("127.0.0.1", s.pop3Port());
            assertEquals("+OK Poplar POP3 server ready", c.getReplyString().trim());
            assertEquals(POP3Reply.ERROR, c.sendCommand("APOP gus 0123456789abcdef0123456789abcdef"));
            assertEquals(
                    "-ERR APOP is not enabled on this server",
                    c.getReplyString().trim());
            c.disconnect();
        }
    }
}
