package dev.poplar.directory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.poplar.directory.sql.SqlDirectory;
import dev.poplar.directory.sql.SqlSettings;
import dev.poplar.directory.sql.SqlTemplate;
import dev.poplar.storage.AccountInfo;
import dev.poplar.testing.MailClients;
import dev.poplar.testing.Postgres;
import dev.poplar.testing.TestServer;
import dev.poplar.testing.Tools;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Poplar against a real PostgreSQL (initdb and pg_ctl on a loopback port, started by the test):
 * the hashes a Dovecot SQL passdb holds, made by Dovecot's own doveadm pw; psql changes the data
 * as an operator's tools would; pg_ctl stop for an outage.
 */
class SqlDirectoryTest {
    static Postgres pg;

    static final String PASSWORD_QUERY =
            "SELECT email AS name, password, enabled, quota, retention FROM users WHERE email = '%u'";

    @BeforeAll
    static void startPostgres() throws Exception {
        pg = Postgres.start("""
                CREATE TABLE users (
                  email     text PRIMARY KEY,
                  password  text,
                  enabled   boolean NOT NULL DEFAULT true,
                  quota     text,
                  retention integer
                );
                """);
        Tools.require("doveadm");
        pg.psql(
                Postgres.DATABASE,
                "INSERT INTO users (email, password) VALUES "
                        + "('alice@example.org', '" + doveadm("SHA512-CRYPT", "alice-pw") + "'), "
                        + "('bob@example.org', '" + doveadm("BLF-CRYPT", "bob-pw") + "'), "
                        + "('carol@example.org', '" + doveadm("ARGON2ID", "carol-pw") + "'), "
                        + "('nopass@example.org', NULL);"
                        + "INSERT INTO users (email, password, enabled) VALUES ('dave@example.org', '"
                        + doveadm("SSHA256", "dave-pw") + "', false);"
                        + "INSERT INTO users (email, password, quota, retention) VALUES ('erin@example.org', '"
                        + doveadm("SHA512-CRYPT", "erin-pw") + "', '2K', 30);");
    }

    private static String doveadm(String scheme, String password) throws Exception {
        Tools.Result r = Tools.run(List.of("doveadm", "pw", "-s", scheme, "-p", password), null);
        assertEquals(0, r.exit(), r.output());
        return r.output().strip();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        if (pg != null) {
            pg.close();
        }
    }

    private static List<String> sql(String... more) {
        List<String> env = new ArrayList<>(List.of(
                "POPLAR_DIRECTORY_CHAIN",
                "internal,sql",
                "POPLAR_SQL_URL",
                pg.jdbcUrl(),
                "POPLAR_SQL_USER",
                Postgres.ROLE,
                "POPLAR_SQL_PASSWORD",
                Postgres.ROLE_PASSWORD,
                "POPLAR_SQL_PASSWORD_QUERY",
                PASSWORD_QUERY,
                "POPLAR_SQL_TIMEOUT",
                "2s"));
        env.addAll(List.of(more));
        return env;
    }

    private static TestServer server(Path dir, List<String> env) throws Exception {
        return TestServer.start(dir, env.toArray(String[]::new));
    }

    @Test
    void logsInWithDovecotHashesCreatesTheMailboxAndRefusesTheRest(@TempDir Path dir) throws Exception {
        try (TestServer s = server(dir, sql())) {
            assertTrue(MailClients.login(s, "alice@example.org", "alice-pw").startsWith("+OK"), "SHA512-CRYPT");
            assertTrue(DirectoryMailboxes.isDirectoryMailbox(
                    s.server().store().account("alice@example.org").orElseThrow()));
            assertTrue(MailClients.login(s, "bob@example.org", "bob-pw").startsWith("+OK"), "BLF-CRYPT");
            assertTrue(MailClients.login(s, "carol@example.org", "carol-pw").startsWith("+OK"), "ARGON2ID");
            assertTrue(MailClients.login(s, "alice@example.org", "bob-pw").startsWith("-ERR [AUTH]"));
            assertTrue(MailClients.login(s, "dave@example.org", "dave-pw").startsWith("-ERR [AUTH]"), "disabled");
            assertTrue(MailClients.login(s, "nopass@example.org", "").startsWith("-ERR"), "no password");
            assertTrue(MailClients.login(s, "nopass@example.org", "x").startsWith("-ERR [AUTH]"), "no password");
            assertTrue(MailClients.login(s, "zed@example.org", "x").startsWith("-ERR [AUTH]"), "unknown");
        }
    }

    @Test
    void lmtpDeliversCreatesTheMailboxAppliesTheQuotaAndRefusesUnknownUsers(@TempDir Path dir) throws Exception {
        try (TestServer s = server(dir, sql())) {
            assertEquals("250 2.1.5 <erin@example.org> Recipient OK", MailClients.rcpt(s, "erin@example.org"));
            AccountInfo erin = s.server().store().account("erin@example.org").orElseThrow();
            assertEquals(2048, erin.limits().maxOctets(), "quota column");
            assertEquals(30L * 86_400_000, erin.limits().retentionMillis(), "retention column, in days");
            assertEquals("550 5.1.1 <zed@example.org> User unknown", MailClients.rcpt(s, "zed@example.org"));
            assertTrue(s.server().store().account("zed@example.org").isEmpty());
        }
    }

    @Test
    void theUserQueryAnswersLmtpAndItsNameColumnNamesTheMailbox(@TempDir Path dir) throws Exception {
        try (TestServer s = server(
                dir,
                sql(
                        "POPLAR_SQL_USER_QUERY",
                        "SELECT split_part(email, '@', 1) AS name FROM users WHERE email = %n || '@' || %d"))) {
            assertEquals("250 2.1.5 <bob@example.org> Recipient OK", MailClients.rcpt(s, "bob@example.org"));
            assertTrue(s.server().store().account("bob").isPresent(), "the name column's value");
            assertEquals("550 5.1.1 <bob@elsewhere.test> User unknown", MailClients.rcpt(s, "bob@elsewhere.test"));
        }
    }

    @Test
    void injectionAttemptsAreBoundAsValuesAndMatchNothing() throws Exception {
        SqlSettings settings = new SqlSettings(
                pg.jdbcUrl(),
                Postgres.ROLE,
                Postgres.ROLE_PASSWORD,
                SqlTemplate.parse(PASSWORD_QUERY),
                Optional.empty(),
                "",
                2,
                Duration.ofSeconds(2));
        try (SqlDirectory d = SqlDirectory.open(settings)) {
            assertTrue(d.find("alice@example.org").isPresent(), "the control: a real name is found");
            for (String attack : List.of(
                    "' OR '1'='1",
                    "alice@example.org' --",
                    "x' OR email LIKE '%",
                    "x'; DROP TABLE users; --",
                    "alice@example.org'||'",
                    "alice@example.org\\'")) {
                assertEquals(Optional.empty(), d.find(attack), attack);
                assertEquals(Verdict.UNKNOWN, d.verify(attack, "alice-pw"), attack);
            }
        }
        assertEquals("6", pg.query("SELECT count(*) FROM users"), "the table is intact");
    }

    @Test
    void anOutageIsTemporaryAndLoginsComeBackWithTheDatabase(@TempDir Path dir) throws Exception {
        try (TestServer s = server(dir, sql("POPLAR_DIRECTORY_CACHE_SIZE", "0"))) {
            assertTrue(MailClients.login(s, "alice@example.org", "alice-pw").startsWith("+OK"));
            pg.stop();
            try {
                assertEquals(
                        "-ERR [SYS/TEMP] User directory unavailable, try again later",
                        MailClients.login(s, "alice@example.org", "alice-pw"));
                assertEquals(
                        "451 4.4.3 <alice@example.org> User directory unavailable, try again later",
                        MailClients.rcpt(s, "alice@example.org"));
            } finally {
                pg.start();
            }
            assertTrue(MailClients.login(s, "alice@example.org", "alice-pw").startsWith("+OK"));
        }
    }

    @Test
    void aChangedPasswordWorksAtOnceAndTheOldOneStops(@TempDir Path dir) throws Exception {
        try (TestServer s = server(dir, sql("POPLAR_DIRECTORY_CACHE_TTL", "1h"))) {
            assertTrue(MailClients.login(s, "bob@example.org", "bob-pw").startsWith("+OK"));
            pg.psql(
                    Postgres.DATABASE,
                    "UPDATE users SET password = '" + doveadm("SHA512-CRYPT", "bob-new")
                            + "' WHERE email = 'bob@example.org'");
            try {
                assertTrue(MailClients.login(s, "bob@example.org", "bob-new").startsWith("+OK"));
                assertTrue(MailClients.login(s, "bob@example.org", "bob-pw").startsWith("-ERR [AUTH]"));
            } finally {
                pg.psql(
                        Postgres.DATABASE,
                        "UPDATE users SET password = '" + doveadm("BLF-CRYPT", "bob-pw")
                                + "' WHERE email = 'bob@example.org'");
            }
        }
    }
}
