package dev.poplar.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.poplar.directory.ldap.LdapSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every directory mistake that can be seen without reaching the directory is a start-up error naming its key. */
class DirectoryConfigTest {
    @TempDir
    Path dir;

    private static PoplarConfig load(String... env) throws ConfigException {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < env.length; i += 2) {
            m.put(env[i], env[i + 1]);
        }
        return ConfigLoader.load(Optional.empty(), m);
    }

    private static String error(String... env) {
        return assertThrows(ConfigException.class, () -> load(env)).getMessage();
    }

    @Test
    void theDefaultIsTheStoreAlone() throws Exception {
        DirectoryConfig d = PoplarConfig.defaults().directories();
        assertEquals(List.of("internal"), d.chain());
        assertTrue(d.ldap().isEmpty() && d.sql().isEmpty());
    }

    @Test
    void aChainWithLdapReadsItsSettings() throws Exception {
        Path secret = dir.resolve("pw");
        Files.writeString(secret, "s3cret \nignored\n");
        DirectoryConfig d = load(
                        "POPLAR_DIRECTORY_CHAIN", " LDAP , internal",
                        "POPLAR_LDAP_URI", "ldaps://ldap1.example.org, ldap://[::1]:3389",
                        "POPLAR_LDAP_BASE", "ou=people,dc=example,dc=org",
                        "POPLAR_LDAP_BIND_PASSWORD_FILE", secret.toString(),
                        "POPLAR_LDAP_AUTH", "password-attribute")
                .directories();
        assertEquals(List.of("ldap", "internal"), d.chain());
        LdapSettings l = d.ldap().orElseThrow();
        assertEquals(
                List.of(
                        new LdapSettings.Server("ldap1.example.org", 636, true),
                        new LdapSettings.Server("::1", 3389, false)),
                l.servers());
        assertEquals("s3cret ", l.bindPassword(), "the file's first line, spaces kept");
        assertEquals(LdapSettings.PasswordCheck.PASSWORD_ATTRIBUTE, l.check());
    }

    @Test
    void aChainWithSqlReadsItsSettings() throws Exception {
        Path secret = dir.resolve("db-pw");
        Files.writeString(secret, "db-secret");
        for (String url : List.of("jdbc:postgresql://db/mail", "jdbc:mariadb://db/mail", "jdbc:mysql://db/mail")) {
            var sql = load(
                            "POPLAR_DIRECTORY_CHAIN", "internal,sql",
                            "POPLAR_SQL_URL", url,
                            "POPLAR_SQL_PASSWORD_FILE", secret.toString(),
                            "POPLAR_SQL_PASSWORD_QUERY", "SELECT password FROM users WHERE email = '%u'",
                            "POPLAR_SQL_USER_QUERY", "SELECT 1 FROM users WHERE email = %u",
                            "POPLAR_SQL_DEFAULT_SCHEME", "sha512-crypt")
                    .directories()
                    .sql()
                    .orElseThrow();
            assertEquals(url, sql.url());
            assertEquals("db-secret", sql.password(), "a file without a line end: all of it");
            assertEquals(
                    "SELECT password FROM users WHERE email = ?",
                    sql.passwordQuery().sql());
            assertEquals(
                    "SELECT 1 FROM users WHERE email = ?",
                    sql.userQuery().orElseThrow().sql());
            assertEquals("SHA512-CRYPT", sql.defaultScheme());
            assertTrue(!sql.toString().contains("db-secret"), "settings never print their password");
        }
    }

    @Test
    void mistakesNameTheirKey() {
        assertEquals(
                "invalid configuration: poplar.directory.chain (env POPLAR_DIRECTORY_CHAIN) names unknown directory pam; "
                        + "known: internal, ldap, sql",
                error("POPLAR_DIRECTORY_CHAIN", "internal,pam"));
        assertTrue(error("POPLAR_DIRECTORY_CHAIN", "ldap,ldap").contains("names ldap twice"));
        assertTrue(error("POPLAR_DIRECTORY_CHAIN", " , ").contains("at least one"));
        assertTrue(error("POPLAR_DIRECTORY_CHAIN", "ldap").contains("poplar.ldap.uri"));
        assertTrue(error("POPLAR_DIRECTORY_CHAIN", "ldap", "POPLAR_LDAP_URI", "http://x")
                .contains("not an ldap://"));
        assertTrue(error("POPLAR_DIRECTORY_CHAIN", "ldap", "POPLAR_LDAP_URI", "ldap://x:99999")
                .contains("1-65535"));
        assertTrue(error("POPLAR_DIRECTORY_CHAIN", "ldap", "POPLAR_LDAP_URI", "ldap://x")
                .contains("poplar.ldap.base"));
        String[] ldap = {"POPLAR_DIRECTORY_CHAIN", "ldap", "POPLAR_LDAP_URI", "ldap://x", "POPLAR_LDAP_BASE", "o=x"};
        assertTrue(error(with(ldap, "POPLAR_LDAP_USER_FILTER", "(mail=%s)")).contains("unknown variable %s"));
        assertTrue(error(with(ldap, "POPLAR_LDAP_AUTH", "compare")).contains("bind or password-attribute"));
        assertTrue(error(
                        "POPLAR_DIRECTORY_CHAIN",
                        "ldap",
                        "POPLAR_LDAP_URI",
                        "ldaps://x",
                        "POPLAR_LDAP_BASE",
                        "o=x",
                        "POPLAR_LDAP_STARTTLS",
                        "true")
                .contains("ldaps:// ones use TLS from the start"));
        assertTrue(error(with(ldap, "POPLAR_LDAP_AUTH", "password-attribute", "POPLAR_LDAP_PASSWORD_ATTRIBUTE", ""))
                .contains("poplar.ldap.password-attribute"));
        assertTrue(error(with(ldap, "POPLAR_LDAP_CA_FILE", "/nonexistent.pem")).contains("cannot be read"));
        assertTrue(error(with(ldap, "POPLAR_LDAP_BIND_PASSWORD_FILE", "/nonexistent"))
                .contains("cannot be read"));
        assertTrue(error("POPLAR_DIRECTORY_CHAIN", "sql").contains("poplar.sql.url"));
        assertTrue(error("POPLAR_DIRECTORY_CHAIN", "sql", "POPLAR_SQL_URL", "jdbc:oracle:thin:@x")
                .contains("jdbc:postgresql:"));
        String[] sql = {"POPLAR_DIRECTORY_CHAIN", "sql", "POPLAR_SQL_URL", "jdbc:postgresql://db/mail"};
        assertTrue(error(sql).contains("poplar.sql.password-query"));
        assertTrue(error(with(sql, "POPLAR_SQL_PASSWORD_QUERY", "SELECT password FROM u WHERE e = '%n@x.org'"))
                .contains("poplar.sql.password-query"));
    }

    private static String[] with(String[] base, String... more) {
        String[] all = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }
}
