package dev.poplar.directory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.poplar.directory.sql.SqlTemplate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Dovecot's query variables become bound parameters; nothing a user types is pasted into SQL. */
class SqlTemplateTest {
    @Test
    void quotedAndBareVariablesBecomeParameters() {
        SqlTemplate t = SqlTemplate.parse(
                "SELECT password FROM users WHERE userid = '%n' AND domain = %d AND note <> 'it''s 100%%'");
        assertEquals("SELECT password FROM users WHERE userid = ? AND domain = ? AND note <> 'it''s 100%'", t.sql());
        assertEquals(List.of("alice", "example.org"), t.values(LoginParts.of("alice@example.org")));
        assertEquals(
                List.of("alice@example.org"), SqlTemplate.parse("x = '%u'").values(LoginParts.of("alice@example.org")));
    }

    @Test
    void aVariableInsideALongerLiteralIsRefusedNotSpliced() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> SqlTemplate.parse("WHERE email = '%n@example.org'"));
        assertTrue(e.getMessage().contains("%n || '...'"), e.getMessage());
    }

    @Test
    void mistakesAreNamed() {
        assertThrows(IllegalArgumentException.class, () -> SqlTemplate.parse("WHERE a = %x"));
        assertThrows(IllegalArgumentException.class, () -> SqlTemplate.parse("WHERE a = '%u"));
        assertThrows(IllegalArgumentException.class, () -> SqlTemplate.parse("WHERE a LIKE 'b%"));
        assertThrows(IllegalArgumentException.class, () -> SqlTemplate.parse("WHERE a = 100%"));
    }

    @Test
    void ldapTemplatesEscapeEachValue() {
        assertEquals(
                "(&(uid=a\\2a)(o=ex))",
                LoginParts.of("a*@ex").expand("(&(uid=%n)(o=%d))", v -> v.replace("*", "\\2a")));
        assertEquals("100%", LoginParts.of("x").expand("100%%", v -> v));
        assertEquals("", LoginParts.of("x").domain());
        assertEquals(new LoginParts("@x", "", "x"), LoginParts.of("@x"));
        assertEquals(new LoginParts("a@b@c", "a@b", "c"), LoginParts.of("a@b@c"));
        assertThrows(IllegalArgumentException.class, () -> LoginParts.check("(uid=%"));
        assertThrows(IllegalArgumentException.class, () -> LoginParts.check("(uid=%s)"));
    }
}
