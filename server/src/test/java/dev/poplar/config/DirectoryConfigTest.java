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
