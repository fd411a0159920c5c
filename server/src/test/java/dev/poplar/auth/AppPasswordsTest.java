package dev.poplar.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.poplar.storage.AppPassword;
import dev.poplar.storage.PasswordCredentials;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** App passwords: their shape, and the identifier in the salt that picks the one to check. */
class AppPasswordsTest {
    private final PasswordHasher hasher = new PasswordHasher(1);

    @Test
    void generatedPasswordsHaveTheShapeAndNameThemselves() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            AppPasswords.Generated g = AppPasswords.generate(hasher);
            assertTrue(AppPasswords.hasShape(g.password()), g.password());
            assertTrue(seen.add(g.password()), "random");
            assertTrue(AppPasswords.names(g.credentials(), g.password()));
            assertFalse(AppPasswords.legacy(g.credentials()));
            assertTrue(PasswordHasher.verify(g.credentials(), g.password()));
            assertEquals(16, g.credentials().salt().length);
        }
        AppPasswords.Generated a = AppPasswords.generate(hasher);
        AppPasswords.Generated b = AppPasswords.generate(hasher);
        assertFalse(
                java.util.Arrays.equals(a.credentials().salt(), b.credentials().salt()), "salts differ");
        String other = "Zzzzz" + a.password().substring(5);
        assertFalse(AppPasswords.names(a.credentials(), other), "another identifier");
        String sameId = a.password().substring(0, 5) + "-aaaaa-bbbbb-ccccc";
        assertTrue(AppPasswords.names(a.credentials(), sameId), "the identifier is the first five characters");
    }

    @Test
    void shapesIdentifiersAndLegacyRecords() {
        assertTrue(AppPasswords.hasShape("abcde-fghij-kmnpq-rstuv"));
        assertFalse(AppPasswords.hasShape("abcde-fghij-kmnpq-rstu"));
        assertFalse(AppPasswords.hasShape("abcde-fghij-kmnpq-rstuv-"));
        assertFalse(AppPasswords.hasShape("abcdefghijkmnpqrstuvwx"));
        assertFalse(AppPasswords.hasShape("a correct horse battery"));
        PasswordCredentials old = hasher.hash("an old app password");
        assertTrue(AppPasswords.legacy(old), "0.1 app passwords carry no identifier");
        assertFalse(AppPasswords.names(old, "abcde-fghij-kmnpq-rstuv"));
        PasswordCredentials shortSalt =
                new PasswordCredentials(1, new byte[] {'A', 'P', 'P'}, new byte[1], new byte[1]);
        assertTrue(AppPasswords.legacy(shortSalt));
        assertFalse(AppPasswords.names(shortSalt, "abcde-fghij-kmnpq-rstuv"), "a salt too short for an identifier");
        PasswordCredentials markerOnly = new PasswordCredentials(1, "APPIDabcd".getBytes(), new byte[1], new byte[1]);
        assertFalse(AppPasswords.names(markerOnly, "abcde-fghij-kmnpq-rstuv"), "nine bytes: one short");
        AppPasswords.Generated g = AppPasswords.generate(hasher);
        List<AppPassword> existing =
                List.of(new AppPassword("old", 1, old), new AppPassword("new", 2, g.credentials()));
        assertTrue(AppPasswords.identifierTaken(existing, g.password().substring(0, 5) + "-xxxxx-yyyyy-zzzzz"));
        assertFalse(AppPasswords.identifierTaken(existing, "Qqqqq-xxxxx-yyyyy-zzzzz"));
        assertFalse(AppPasswords.identifierTaken(List.of(), g.password()));
    }
}
