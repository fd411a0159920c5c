package dev.poplar.auth.hash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.poplar.testing.Tools;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every scheme against hashes made by the programs operators' hashes come from: Dovecot's
 * {@code doveadm pw} (the reference implementation of these {SCHEME} forms) and openssl.
 */
class ImportedHashTest {
    static final String PASSWORD = "Pässwort-1 with spaces";
    static final List<String> SCHEMES = List.of(
            "SHA512-CRYPT",
            "SHA256-CRYPT",
            "MD5-CRYPT",
            "BLF-CRYPT",
            "ARGON2I",
            "ARGON2ID",
            "PBKDF2",
            "SSHA",
            "SSHA256",
            "SSHA512",
            "SHA",
            "SHA256",
            "SHA512",
            "SHA256.HEX",
            "SSHA.HEX",
            "PLAIN",
            "CLEAR",
            "CRYPT");

    /** {@code doveadm pw -s SCHEME -p PASSWORD}. */
    static String doveadm(String scheme, String password) throws Exception {
        Tools.Result r =
                Tools.run(List.of(Tools.require("doveadm").toString(), "pw", "-s", scheme, "-p", password), null);
        assertEquals(0, r.exit(), r.output());
        return r.output().strip();
    }

    @Test
    void dovecotsHashesOfEverySchemeCheckTheRightPasswordOnly() throws Exception {
        List<String> failures = new ArrayList<>();
        for (String scheme : SCHEMES) {
            String stored = doveadm(scheme, PASSWORD);
            ImportedHash h = ImportedHash.parse(stored);
            if (!h.verify(PASSWORD)) {
                failures.add(scheme + " refused the right password: " + stored);
            }
            for (String wrong : List.of("Pässwort-2 with spaces", "", PASSWORD + " ", stored, PASSWORD.toUpperCase())) {
                if (h.verify(wrong)) {
                    failures.add(scheme + " accepted '" + wrong + "'");
                }
            }
        }
        assertEquals(List.of(), failures);
    }

    @Test
    void opensslCryptStringsCountAsCrypt() throws Exception {
        for (String flag : List.of("-6", "-5", "-1")) {
            Tools.Result r =
                    Tools.run(List.of(Tools.require("openssl").toString(), "passwd", flag, "secret-pass"), null);
            String bare = r.output().strip();
            assertTrue(ImportedHash.parse(bare).verify("secret-pass"), bare);
            assertFalse(ImportedHash.parse("{CRYPT}" + bare).verify("secret-pasS"), bare);
        }
        // Explicit rounds, as /etc/shadow may carry them.
        Tools.Result r = Tools.run(
                List.of(Tools.require("openssl").toString(), "passwd", "-6", "-salt", "abcdefgh", "secret-pass"), null);
        assertTrue(ImportedHash.parse("{SHA512-CRYPT}" + r.output().strip()).verify("secret-pass"));
    }

    @Test
    void malformedOrUnsupportedHashesAreRefusedAtParseTime() {
        for (String bad : List.of(
                "plain-text",
                "{NOPE}abc",
                "{SHA512-CRYPT}$5$x$y",
                "{BLF-CRYPT}$2y$05$short",
                "{SSHA}not base64!",
                "{SHA256}YWJj",
                "{ARGON2ID}$argon2id$v=19$m=99999999,t=3,p=1$c2FsdA$aGFzaA",
                "{PBKDF2}$1$salt$abc$zz",
                "{CRYPT}ab01FAX.bQRSU",
                "{PLAIN}")) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> ImportedHash.parse(bad), bad);
            assertFalse(e.getMessage().isBlank());
        }
        assertEquals(
                "SHA512-CRYPT",
                ImportedHash.parse("{sha512-crypt}$6$a$b").scheme(),
                "scheme names are case-insensitive");
    }
}
