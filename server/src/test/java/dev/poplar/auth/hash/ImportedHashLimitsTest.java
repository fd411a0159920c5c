package dev.poplar.auth.hash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * What an imported hash may be, checked at parse time without running any slow algorithm: each
 * scheme's shape, and the limits on the work a hash may ask for (exactly at and just past them).
 */
class ImportedHashLimitsTest {
    private static final String SALT = "c2FsdHNhbHRzYWx0";
    private static final String HASH = "aGFzaGhhc2hoYXNoaGFzaA";

    private static void refused(String stored, String because) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImportedHash.parse(stored));
        assertTrue(e.getMessage().contains(because), stored + ": " + e.getMessage());
    }

    @Test
    void cryptFamiliesNeedTheirPrefix() {
        assertEquals(
                "{SHA512-CRYPT}$6$s$h",
                ImportedHash.parse("{SHA512-CRYPT}$6$s$h").stored());
        refused("{SHA512-CRYPT}$5$s$h", "start with $6$");
        refused("{SHA256-CRYPT}$6$s$h", "start with $5$");
        refused("{MD5-CRYPT}$5$s$h", "start with $1$");
        ImportedHash.parse("{SHA256-CRYPT}$5$s$h");
        ImportedHash.parse("{MD5-CRYPT}$1$s$h");
        ImportedHash.parse("{CRYPT}$2y$s");
        refused("{CRYPT}abDES", "too weak");
        ImportedHash.parse("{BLF-CRYPT}$2y$10$" + "a".repeat(53));
        refused("{BLF-CRYPT}$2y$10$" + "a".repeat(52), "53 characters");
        refused("{PLAIN}", "an empty password");
        refused("{NOPE}x", "unsupported password scheme {NOPE}");
    }

    @Test
    void argon2AndPbkdf2ParametersAreBoundedAtTheirLimits() {
        String ok = "$argon2id$v=19$m=1048576,t=1000,p=64$" + SALT + "$" + HASH;
        ImportedHash.parse("{ARGON2ID}" + ok);
        refused("{ARGON2ID}$argon2id$v=19$m=1048577,t=1,p=1$" + SALT + "$" + HASH, "parameters too large");
        refused("{ARGON2ID}$argon2id$v=19$m=1024,t=1001,p=1$" + SALT + "$" + HASH, "parameters too large");
        refused("{ARGON2ID}$argon2id$v=19$m=1024,t=1,p=65$" + SALT + "$" + HASH, "parameters too large");
        refused("{ARGON2I}" + ok, "ARGON2I hashes look like $argon2i$");
        ImportedHash.parse("{PBKDF2}$1$salt$10000000$abcdef");
        refused("{PBKDF2}$1$salt$10000001$abcdef", "PBKDF2 hashes look like");
        refused("{PBKDF2}$1$salt$x$abcdef", "PBKDF2 hashes look like");
    }

    @Test
    void digestSizesAreExactAndSaltedOnesLonger() {
        String sha1 = java.util.Base64.getEncoder().encodeToString(new byte[20]);
        ImportedHash.parse("{SHA}" + sha1);
        refused("{SHA}" + java.util.Base64.getEncoder().encodeToString(new byte[21]), "a 20-byte digest");
        refused("{SSHA}" + sha1, "a digest and a salt");
        ImportedHash.parse("{SSHA}" + java.util.Base64.getEncoder().encodeToString(new byte[21]));
        ImportedHash.parse("{SHA256.HEX}" + "00".repeat(32));
        refused("{SHA256.HEX}" + "00".repeat(31), "a 32-byte digest");
        refused("{SHA256.HEX}" + "zz".repeat(32), "is not valid hex");
        refused("{SHA512}%%%", "is not valid base64");
        assertEquals(
                "SHA256.HEX",
                ImportedHash.parse("{SHA256.HEX}" + "00".repeat(32)).scheme());
        assertTrue(!ImportedHash.parse("{PLAIN}secret-value").toString().contains("secret-value"), "never printed");
    }
}
