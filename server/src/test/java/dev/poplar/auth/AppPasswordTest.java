package dev.poplar.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.poplar.admin.AdminException;
import dev.poplar.admin.HttpAdminClient;
import dev.poplar.server.DataDirectory;
import dev.poplar.testing.LineClient;
import dev.poplar.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** App passwords: created through the admin API, usable with USER/PASS and PLAIN, revocable. */
class AppPasswordTest {
    @TempDir
    Path dir;

    private static String login(int port, String user, String password) throws Exception {
        return LineClient.userPassReply(port, user, password);
    }

    @Test
    void createUseListRevoke() throws Exception {
        try (TestServer s = TestServer.start(dir);
                HttpAdminClient admin = new HttpAdminClient(
                        "http://127.0.0.1:" + s.httpPort(),
                        Files.readString(dir.resolve(DataDirectory.TOKEN_FILE)).trim())) {
            s.addUser("pat", "main-password");
            String phone = admin.addAppPassword("pat", "phone");
            String laptop = admin.addAppPassword("pat", "laptop");
            assertTrue(dev.poplar.auth.AppPasswords.hasShape(phone), "the shape the login path checks: " + phone);
            assertNotEquals(phone, laptop);
            assertTrue(login(s.pop3Port(), "pat", phone).startsWith("+OK Logged in"));
            assertTrue(login(s.pop3Port(), "pat", "main-password").startsWith("+OK Logged in"));
            try (LineClient c = new LineClient(s.pop3Port())) {
                c.line();
                c.send("AUTH PLAIN " + Base64.getEncoder().encodeToString(("\0pat\0" + laptop).getBytes()) + "\r\n");
                assertTrue(c.line().startsWith("+OK Logged in"));
            }
            assertEquals(2, admin.appPasswords("pat").size());
            assertEquals(
                    AdminException.Kind.CONFLICT,
                    assertThrows(AdminException.class, () -> admin.addAppPassword("pat", "phone"))
                            .kind());
            assertEquals(
                    AdminException.Kind.INVALID,
                    assertThrows(AdminException.class, () -> admin.addAppPassword("pat", "bad label!"))
                            .kind());
            admin.revokeAppPassword("pat", "phone");
            assertEquals("-ERR [AUTH] Invalid user name or password", login(s.pop3Port(), "pat", phone));
            assertTrue(login(s.pop3Port(), "pat", laptop).startsWith("+OK Logged in"), "the other one still works");
            assertEquals(
                    AdminException.Kind.NOT_FOUND,
                    assertThrows(AdminException.class, () -> admin.revokeAppPassword("pat", "phone"))
                            .kind());
            for (int i = 0; i < 9; i++) {
                admin.addAppPassword("pat", "device" + i);
            }
            assertEquals(
                    AdminException.Kind.INVALID,
                    assertThrows(AdminException.class, () -> admin.addAppPassword("pat", "one-too-many"))
                            .kind());
        }
    }
}
