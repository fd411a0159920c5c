package dev.poplar.auth;

import dev.poplar.storage.PasswordCredentials;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * App passwords: generated, never chosen, in the shape {@code ID-xxxxx-xxxxx-xxxxx} (four groups
 * of five letters or digits without look-alikes). The first group is an identifier that is also
 * written into the stored salt, so a login finds the one app password it could be and checks that
 * one: a wrong password costs the same one hash whether the user exists and however many app
 * passwords it has (no user enumeration by timing). The other 15 characters (about 87 bits) are
 * the secret.
 */
public final class AppPasswords {
    /** What a generated app password looks like; only such a password can be one. */
    public static final Pattern SHAPE = Pattern.compile("[A-Za-z0-9]{5}(-[A-Za-z0-9]{5}){3}");

    private static final char[] ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789".toCharArray();
    /** Salts of app passwords with an identifier start with this, then the identifier. */
    private static final byte[] MARKER = "APPID".getBytes(StandardCharsets.US_ASCII);

    private static final int ID_LENGTH = 5;
    private static final SecureRandom RANDOM = new SecureRandom();

    private AppPasswords() {}

    /** A new app password (shown once) and what is stored for it. */
    public record Generated(String password, PasswordCredentials credentials) {}

    public static Generated generate(PasswordHasher hasher) {
        StringBuilder pw = new StringBuilder(23);
        for (int i = 0; i < 20; i++) {
            if (i > 0 && i % 5 == 0) {
                pw.append('-');
            }
            pw.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
        }
        String password = pw.toString();
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        System.arraycopy(MARKER, 0, salt, 0, MARKER.length);
        System.arraycopy(id(password), 0, salt, MARKER.length, ID_LENGTH);
        return new Generated(password, hasher.hash(password, salt));
    }

    public static boolean hasShape(String password) {
        return SHAPE.matcher(password).matches();
    }

    /** True when the stored app password carries the identifier of {@code password}. */
    static boolean names(PasswordCredentials stored, String password) {
        byte[] salt = stored.salt();
        return salt.length >= MARKER.length + ID_LENGTH
                && Arrays.equals(salt, 0, MARKER.length, MARKER, 0, MARKER.length)
                && Arrays.equals(salt, MARKER.length, MARKER.length + ID_LENGTH, id(password), 0, ID_LENGTH);
    }

    /** True when one of {@code existing} already carries the identifier of {@code password}. */
    public static boolean identifierTaken(java.util.List<dev.poplar.storage.AppPassword> existing, String password) {
        return existing.stream().anyMatch(a -> names(a.credentials(), password));
    }

    /** App passwords made by Poplar 0.1 carry no identifier: each is checked in turn. */
    static boolean legacy(PasswordCredentials stored) {
        byte[] salt = stored.salt();
        return !Arrays.equals(salt, 0, Math.min(salt.length, MARKER.length), MARKER, 0, MARKER.length);
    }

    private static byte[] id(String password) {
        return password.substring(0, ID_LENGTH).getBytes(StandardCharsets.US_ASCII);
    }
}
