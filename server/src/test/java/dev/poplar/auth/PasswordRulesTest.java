package dev.poplar.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What a new password must be, at each edge (DESIGN invariant 8: a hash is never a password). */
class PasswordRulesTest {
    private final PasswordRules rules = new PasswordRules(8);

    private String problem(String password) {
        return rules.problem(password).orElse("");
    }

    @Test
    void lengthEdges() {
        assertTrue(problem(null).contains("empty"));
        assertTrue(problem("").contains("empty"));
        assertTrue(problem("1234567").contains("shorter than 8 characters"));
        assertEquals(Optional.empty(), rules.problem("12345678"), "exactly the minimum");
        assertEquals(Optional.empty(), rules.problem("Pässwörter"), "counted in characters, not bytes");
        assertTrue(problem("😀😀😀😀😀😀😀").contains("shorter"), "7 code points in 14 chars");
        assertEquals(Optional.empty(), rules.problem("x".repeat(PasswordRules.MAX_LENGTH)), "exactly the maximum");
        assertTrue(problem("x".repeat(PasswordRules.MAX_LENGTH + 1)).contains("longer than 1024"));
        assertEquals(Optional.empty(), new PasswordRules(1).problem("x"));
        assertThrows(IllegalArgumentException.class, () -> new PasswordRules(0));
        new PasswordRules(1);
    }

    @Test
    void controlCharactersAndHashesAreRefused() {
        for (String bad : new String[] {"abcdefg\u0000h", "abcdefgh\n", "abc\u001fdefgh", "abcdefgh\u007f"}) {
            assertTrue(problem(bad).contains("control characters"), bad);
        }
        assertEquals(Optional.empty(), rules.problem("abc defg ~!"), "space and tilde are fine");
        assertEquals(Optional.empty(), rules.problem("abcdefgh\u0080"), "0x80 is not a control here");
        for (String hash : new String[] {
            "{SHA512-CRYPT}$6$salt$hash",
            "{SSHA}abcdefghijk",
            "$6$saltsalt$hash",
            "$2y$10$abcdefghij",
            "$argon2id$v=19$m=65536",
            "$1$abcdefgh",
            "$y$j9T$abcdefgh"
        }) {
            assertTrue(problem(hash).contains("looks like a password hash"), hash);
        }
        for (String fine : new String[] {"{not a scheme} at all", "$9$notacrypt", "money$6$later", "plain-password"}) {
            assertEquals(Optional.empty(), rules.problem(fine), fine);
        }
    }
}
