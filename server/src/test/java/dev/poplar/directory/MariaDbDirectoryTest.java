package dev.poplar.directory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.poplar.directory.sql.SqlDirectory;
import dev.poplar.directory.sql.SqlSettings;
import dev.poplar.directory.sql.SqlTemplate;
import dev.poplar.testing.MailClients;
import dev.poplar.testing.MariaDb;
import dev.poplar.testing.TestServer;
import dev.poplar.testing.Tools;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SQL directory against a real MariaDB with the table docs/directories.md shows, through
 * the MariaDB driver: Dovecot hashes, BOOLEAN as 1/0, LMTP, and injection attempts.
 */
class MariaDbDirectoryTest {
    static MariaDb db;

    @BeforeAll
    static void start() throws Exception {
        db = MariaDb.start("""
                CREATE TABLE users (
                  email     VARCHAR(255) PRIMARY KEY,
                  password  VARCHAR(255),
                  enabled   BOOLEAN NOT NULL DEFAULT TRUE,
                  quota     VARCHAR(32),
                  retention INT
                );
                """);
        Tools.require("doveadm");
        db.sql("USE mail; INSERT INTO users (email, password, enabled, quota, retention) VALUES "
                + "('alice@example.org', '" + hash("SHA512-CRYPT", "alice-pw") + "', TRUE, '2K', 30), "
                + "('dave@example.org', '" + hash("BLF-CRYPT", "dave-pw") + "', FALSE, NULL, NULL);");
    }

    private static String hash(String scheme, String password) throws Exception {
        return Tools.run(List.of("doveadm", "pw", "-s", scheme, "-p", password), null)
                .output()
                .strip();
    }

    @AfterAll
    static void stop() throws Exception {
        if (db != null) {
            db.close();
        }
    }

    static final String QUERY =
            "SELECT email AS name, password, enabled, quota, retention FROM users WHERE email = '%u'";

    @Test
    void logsInDeliversAndRefuses(@TempDir Path dir) throws Exception {
        try (TestServer s = TestServer.start(
                dir,
                "POPLAR_DIRECTORY_CHAIN",
                "internal,sql",
                "POPLAR_SQL_URL",
                db.jdbcUrl(),
                "POPLAR_SQL_USER",
                MariaDb.ROLE,
                "POPLAR_SQL_PASSWORD",
                MariaDb.ROLE_PASSWORD,
                "POPLAR_SQL_PASSWORD_QUERY",
                QUERY)) {
            assertTrue(MailClients.login(s, "alice@example.org", "alice-pw").startsWith("+OK"));
            assertTrue(MailClients.login(s, "alice@example.org", "wrong").startsWith("-ERR [AUTH]"));
            assertTrue(MailClients.login(s, "dave@example.org", "dave-pw").startsWith("-ERR [AUTH]"), "enabled = 0");
            assertEquals(
                    2048,
                    s.server()
                            .store()
                            .account("alice@example.org")
                            .orElseThrow()
                            .limits()
                            .maxOctets());
            assertEquals("250 2.1.5 <dave@example.org> Recipient OK", MailClients.rcpt(s, "dave@example.org"));
            assertEquals("550 5.1.1 <zed@example.org> User unknown", MailClients.rcpt(s, "zed@example.org"));
        }
    }

    @Test
    void injectionAttemptsMatchNothing() throws Exception {
        SqlSettings settings = new SqlSettings(
                db.jdbcUrl(),
                MariaDb.ROLE,
                MariaDb.ROLE_PASSWORD,
                SqlTemplate.parse(QUERY),
                Optional.empty(),
                "",
                2,
                Duration.ofSeconds(2));
        try (SqlDirectory d = SqlDirectory.open(settings)) {
            assertTrue(d.find("alice@example.org").isPresent());
            for (String attack : List.of(
                    "' OR '1'='1",
                    "alice@example.org' -- ",
                    "x' OR 1=1 #",
                    "alice@example.org\\' OR 1=1 -- ",
                    "x'; DROP TABLE users; -- ")) {
                assertEquals(Optional.empty(), d.find(attack), attack);
                assertEquals(Verdict.UNKNOWN, d.verify(attack, "alice-pw"), attack);
            }
        }
        assertEquals("2", db.sql("SELECT COUNT(*) FROM mail.users"), "the table is intact");
    }
}
