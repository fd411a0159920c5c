package dev.poplar.auth.hash;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.apache.commons.codec.digest.Crypt;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * A password hash brought from another server, in Dovecot's {@code {SCHEME}encoded} form (what
 * passwd-files, LDAP {@code userPassword} attributes and SQL columns hold), checked with
 * well-kept libraries: commons-codec for SHA-crypt and MD5-crypt, Bouncy Castle for bcrypt and
 * Argon2, the JDK for PBKDF2 and the SHA digests. Never hand-written crypto.
 *
 * <p>Schemes: SHA512-CRYPT, SHA256-CRYPT, MD5-CRYPT, CRYPT (by its {@code $id$}), BLF-CRYPT
 * ({@code $2y$}, {@code $2b$}, {@code $2a$}), ARGON2I, ARGON2ID, PBKDF2 (Dovecot's
 * {@code $1$salt$rounds$hex}, SHA-1), SSHA, SSHA256, SSHA512, SHA, SHA1, SHA256, SHA512 (base64,
 * or hex with a {@code .HEX} suffix), PLAIN, CLEAR, CLEARTEXT. A bare crypt string ({@code $6$...})
 * is taken as CRYPT.
 */
public final class ImportedHash {
    private static final Pattern BRACED = Pattern.compile("\\{([A-Za-z0-9._-]+)}(.*)", Pattern.DOTALL);
    private static final Pattern ARGON2 = Pattern.compile(
            "\\$(argon2i|argon2id)\\$v=(\\d+)\\$m=(\\d+),t=(\\d+),p=(\\d+)\\$([A-Za-z0-9+/]+)\\$([A-Za-z0-9+/]+)");
    private static final Pattern PBKDF2 = Pattern.compile("\\$1\\$([^$]+)\\$(\\d+)\\$([0-9a-fA-F]+)");
    /** Limits on the work an imported hash may ask for (Argon2 memory, PBKDF2 and crypt rounds). */
    private static final int MAX_ARGON2_KIB = 1 << 20;

    private static final int MAX_ROUNDS = 10_000_000;

    private final String scheme;
    private final String encoded;

    private ImportedHash(String scheme, String encoded) {
        this.scheme = scheme;
        this.encoded = encoded;
    }

    /**
     * Parses {@code {SCHEME}encoded} (or a bare crypt string) and checks that the scheme is known
     * and the encoding well formed, so a bad line is refused at import, not at the first login.
     */
    public static ImportedHash parse(String stored) {
        String s = stored.strip();
        Matcher m = BRACED.matcher(s);
        ImportedHash h;
        if (m.matches()) {
            h = new ImportedHash(m.group(1).toUpperCase(Locale.ROOT), m.group(2));
        } else if (s.startsWith("$")) {
            h = new ImportedHash("CRYPT", s);
        } else {
            throw new IllegalArgumentException(
                    "not a password hash: expected {SCHEME}... (such as {SHA512-CRYPT}$6$...)");
        }
        h.check();
        return h;
    }

    public String scheme() {
        return scheme;
    }

    /** The stored form, {SCHEME}encoded. */
    public String stored() {
        return "{" + scheme + "}" + encoded;
    }

    private void check() {
        switch (base()) {
            case "SHA512-CRYPT" -> require(encoded.startsWith("$6$"), "SHA512-CRYPT hashes start with $6$");
            case "SHA256-CRYPT" -> require(encoded.startsWith("$5$"), "SHA256-CRYPT hashes start with $5$");
            case "MD5-CRYPT" -> require(encoded.startsWith("$1$"), "MD5-CRYPT hashes start with $1$");
            case "CRYPT" ->
                require(
                        encoded.matches("\\$(1|5|6|2[aby])\\$.+"),
                        "CRYPT hashes here are $1$, $5$, $6$ or $2y$ strings "
                                + "(DES crypt is too weak to bring along)");
            case "BLF-CRYPT" ->
                require(
                        encoded.matches("\\$2[aby]\\$\\d\\d\\$[./A-Za-z0-9]{53}"),
                        "BLF-CRYPT hashes look like $2y$10$ + 53 characters");
            case "ARGON2I", "ARGON2ID" -> {
                Matcher a = ARGON2.matcher(encoded);
                require(
                        a.matches() && a.group(1).equalsIgnoreCase(base()),
                        base() + " hashes look like $" + base().toLowerCase(Locale.ROOT)
                                + "$v=19$m=...,t=...,p=...$salt$hash");
                require(
                        Long.parseLong(a.group(3)) <= MAX_ARGON2_KIB
                                && Long.parseLong(a.group(4)) <= 1000
                                && Long.parseLong(a.group(5)) <= 64,
                        "Argon2 parameters too large (m <= 1 GiB, t <= 1000, p <= 64)");
            }
            case "PBKDF2" -> {
                Matcher p = PBKDF2.matcher(encoded);
                require(
                        p.matches() && Long.parseLong(p.group(2)) <= MAX_ROUNDS,
                        "PBKDF2 hashes look like $1$salt$rounds$hex");
            }
            case "SSHA", "SSHA256", "SSHA512", "SHA", "SHA1", "SHA256", "SHA512" -> {
                byte[] raw = decodeDigest();
                int size = digestSize();
                require(
                        base().startsWith("SSHA") ? raw.length > size : raw.length == size,
                        base() + " holds "
                                + (base().startsWith("SSHA") ? "a digest and a salt" : "a " + size + "-byte digest"));
            }
            case "PLAIN", "CLEAR", "CLEARTEXT" -> require(!encoded.isEmpty(), "an empty password");
            default ->
                throw new IllegalArgumentException(
                        "unsupported password scheme {" + scheme + "}; supported: SHA512-CRYPT, "
                                + "SHA256-CRYPT, MD5-CRYPT, CRYPT, BLF-CRYPT, ARGON2I, ARGON2ID, PBKDF2, SSHA, SSHA256, SSHA512, SHA, SHA256, "
                                + "SHA512 (.HEX too), PLAIN, CLEAR");
        }
    }

    /** True when {@code password} is the one this hash was made from; compares in constant time. */
    public boolean verify(String password) {
        try {
            return switch (base()) {
                case "SHA512-CRYPT", "SHA256-CRYPT", "MD5-CRYPT" -> same(Crypt.crypt(password, encoded), encoded);
                case "CRYPT" ->
                    encoded.startsWith("$2") ? bcrypt(password) : same(Crypt.crypt(password, encoded), encoded);
                case "BLF-CRYPT" -> bcrypt(password);
                case "ARGON2I", "ARGON2ID" -> argon2(password);
                case "PBKDF2" -> pbkdf2(password);
                case "SSHA", "SSHA256", "SSHA512" -> salted(password);
                case "SHA", "SHA1", "SHA256", "SHA512" ->
                    MessageDigest.isEqual(digest(utf8(password), new byte[0]), decodeDigest());
                case "PLAIN", "CLEAR", "CLEARTEXT" -> same(password, encoded);
                default -> false;
            };
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            return false; // a hash the library cannot use matches nothing
        }
    }

    /** The scheme without an encoding suffix: SHA256.HEX is SHA256. */
    private String base() {
        int dot = scheme.indexOf('.');
        return dot < 0 ? scheme : scheme.substring(0, dot);
    }

    private boolean hex() {
        return scheme.endsWith(".HEX");
    }

    private boolean bcrypt(String password) {
        // Bouncy Castle checks 2a, 2b and 2y alike (they differ only in bugs of old C code).
        return OpenBSDBCrypt.checkPassword(encoded, password.toCharArray());
    }

    private boolean argon2(String password) {
        Matcher a = ARGON2.matcher(encoded);
        if (!a.matches()) {
            return false;
        }
        byte[] salt = Base64.getDecoder().decode(pad(a.group(6)));
        byte[] expected = Base64.getDecoder().decode(pad(a.group(7)));
        Argon2Parameters params = new Argon2Parameters.Builder(
                        base().equals("ARGON2ID") ? Argon2Parameters.ARGON2_id : Argon2Parameters.ARGON2_i)
                .withVersion(Integer.parseInt(a.group(2)))
                .withMemoryAsKB(Integer.parseInt(a.group(3)))
                .withIterations(Integer.parseInt(a.group(4)))
                .withParallelism(Integer.parseInt(a.group(5)))
                .withSalt(salt)
                .build();
        Argon2BytesGenerator g = new Argon2BytesGenerator();
        g.init(params);
        byte[] out = new byte[expected.length];
        g.generateBytes(utf8(password), out);
        return MessageDigest.isEqual(out, expected);
    }

    private boolean pbkdf2(String password) throws GeneralSecurityException {
        Matcher p = PBKDF2.matcher(encoded);
        if (!p.matches()) {
            return false;
        }
        byte[] expected = HexFormat.of().parseHex(p.group(3));
        byte[] got = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA1")
                .generateSecret(new PBEKeySpec(
                        password.toCharArray(),
                        p.group(1).getBytes(StandardCharsets.UTF_8),
                        Integer.parseInt(p.group(2)),
                        expected.length * 8))
                .getEncoded();
        return MessageDigest.isEqual(got, expected);
    }

    private boolean salted(String password) throws GeneralSecurityException {
        byte[] raw = decodeDigest();
        int size = digestSize();
        byte[] salt = Arrays.copyOfRange(raw, size, raw.length);
        return MessageDigest.isEqual(digest(utf8(password), salt), Arrays.copyOf(raw, size));
    }

    private byte[] digest(byte[] password, byte[] salt) throws GeneralSecurityException {
        MessageDigest md = MessageDigest.getInstance(
                switch (base()) {
                    case "SSHA", "SHA", "SHA1" -> "SHA-1";
                    case "SSHA256", "SHA256" -> "SHA-256";
                    default -> "SHA-512";
                });
        md.update(password);
        md.update(salt);
        return md.digest();
    }

    private int digestSize() {
        return switch (base()) {
            case "SSHA", "SHA", "SHA1" -> 20;
            case "SSHA256", "SHA256" -> 32;
            default -> 64;
        };
    }

    private byte[] decodeDigest() {
        try {
            return hex()
                    ? HexFormat.of().parseHex(encoded)
                    : Base64.getDecoder().decode(encoded);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(scheme + " is not valid " + (hex() ? "hex" : "base64"));
        }
    }

    private static String pad(String b64) {
        return b64 + "=".repeat((4 - b64.length() % 4) % 4);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static boolean same(String a, String b) {
        return MessageDigest.isEqual(utf8(a), utf8(b));
    }

    private static void require(boolean ok, String what) {
        if (!ok) {
            throw new IllegalArgumentException(what);
        }
    }

    @Override
    public String toString() {
        return "ImportedHash[" + scheme + "]";
    }
}
