package dev.poplar.auth;

import dev.poplar.storage.PasswordCredentials;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Salted, slow password hashing in SCRAM-SHA-256 form (RFC 5802 section 3, RFC 7677):
 * SaltedPassword = PBKDF2-HMAC-SHA-256(password, salt, i); StoredKey = H(HMAC(SaltedPassword,
 * "Client Key")); ServerKey = HMAC(SaltedPassword, "Server Key"). One record serves USER/PASS,
 * PLAIN and SCRAM, and the password is never stored (DESIGN invariant 8).
 */
public final class PasswordHasher {
    /** RFC 7677 section 4 asks for at least 4096 iterations. */
    public static final int DEFAULT_ITERATIONS = 4096;

    private static final int SALT_BYTES = 16;

    private final int iterations;
    private final SecureRandom random = new SecureRandom();

    public PasswordHasher(int iterations) {
        if (iterations < 1) {
            throw new IllegalArgumentException("iterations must be positive");
        }
        this.iterations = iterations;
    }

    public int iterations() {
        return iterations;
    }

    /**
     * Keys that match no password: an imported user's until its first login re-hashes it, and a
     * directory user's mailbox account, whose password the directory checks.
     */
    public PasswordCredentials placeholder() {
        byte[][] parts = {new byte[SALT_BYTES], new byte[32], new byte[32]};
        for (byte[] p : parts) {
            random.nextBytes(p);
        }
        return new PasswordCredentials(iterations, parts[0], parts[1], parts[2]);
    }

    public PasswordCredentials hash(String password) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        return derive(password, salt, iterations);
    }

    /** With a given salt (app passwords carry their identifier in it). */
    public PasswordCredentials hash(String password, byte[] salt) {
        return derive(password, salt, iterations);
    }

    /** PBKDF2 iterations run by this process so far (tests prove equal work with it). */
    public static long iterationsRun() {
        return ITERATIONS_RUN.sum();
    }

    private static final java.util.concurrent.atomic.LongAdder ITERATIONS_RUN =
            new java.util.concurrent.atomic.LongAdder();

    /** True when {@code password} matches; compares in constant time. */
    public static boolean verify(PasswordCredentials credentials, String password) {
        PasswordCredentials candidate = derive(password, credentials.salt(), credentials.iterations());
        return MessageDigest.isEqual(candidate.storedKey(), credentials.storedKey());
    }

    static PasswordCredentials derive(String password, byte[] salt, int iterations) {
        ITERATIONS_RUN.add(iterations);
        try {
            SecretKeyFactory f = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256");
            byte[] salted = f.generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, 256))
                    .getEncoded();
            byte[] clientKey = hmac(salted, "Client Key");
            byte[] storedKey = MessageDigest.getInstance("SHA-256").digest(clientKey);
            byte[] serverKey = hmac(salted, "Server Key");
            return new PasswordCredentials(iterations, salt, storedKey, serverKey);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is missing from this JDK", e);
        }
    }

    /** HMAC-SHA-256 of a UTF-8 string (RFC 5802 uses it for every key and signature). */
    public static byte[] hmac(byte[] key, String text) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
    }
}
