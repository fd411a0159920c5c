package dev.poplar.storage;

import java.util.Arrays;

/**
 * A salted, slow password verifier in the form SCRAM-SHA-256 needs (RFC 5802 section 3,
 * RFC 7677): PBKDF2-HMAC-SHA-256 with {@code iterations} over {@code salt}, kept only as
 * StoredKey and ServerKey. The password itself is never stored (DESIGN invariant 8).
 */
public record PasswordCredentials(int iterations, byte[] salt, byte[] storedKey, byte[] serverKey) {
    public PasswordCredentials {
        if (iterations < 1) {
            throw new IllegalArgumentException("iterations must be positive");
        }
        salt = salt.clone();
        storedKey = storedKey.clone();
        serverKey = serverKey.clone();
    }

    @Override
    public byte[] salt() {
        return salt.clone();
    }

    @Override
    public byte[] storedKey() {
        return storedKey.clone();
    }

    @Override
    public byte[] serverKey() {
        return serverKey.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PasswordCredentials p
                && p.iterations == iterations
                && Arrays.equals(p.salt, salt)
                && Arrays.equals(p.storedKey, storedKey)
                && Arrays.equals(p.serverKey, serverKey);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(storedKey);
    }

    @Override
    public String toString() {
        return "PasswordCredentials[iterations=" + iterations + ", secrets hidden]";
    }
}
