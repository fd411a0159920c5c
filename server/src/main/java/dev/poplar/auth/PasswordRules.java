package dev.poplar.auth;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a new password must be (user add, passwd, import, APOP secrets): at least
 * poplar.auth.min-password-length characters, at most 1,024, no control characters, and never a
 * string that looks like a stored hash ({@code {SHA512-CRYPT}$6$...}, {@code $2y$...}): taking
 * one as a password would let the hash log in and lock the real password out (DESIGN invariant 8).
 */
public record PasswordRules(int minLength) {
    public static final int MAX_LENGTH = 1024;
    /** Dovecot's {SCHEME} prefix, or a bare crypt(3) string ($1$, $2y$, $5$, $6$, $argon2id$, ...). */
    private static final Pattern HASH_LIKE =
            Pattern.compile("\\{[A-Za-z0-9._-]+}.*|\\$(1|2[abxy]?|5|6|7|y|gy|argon2(i|d|id))\\$.*");

    public PasswordRules {
        if (minLength < 1) {
            throw new IllegalArgumentException("minimum password length must be positive");
        }
    }

    /** What is wrong with {@code password}, in words that never repeat it; empty when it is fine. */
    public Optional<String> problem(String password) {
        if (password == null || password.isEmpty()) {
            return Optional.of("the password is empty");
        }
        if (password.codePointCount(0, password.length()) < minLength) {
            return Optional.of(
                    "the password is shorter than " + minLength + " characters (poplar.auth.min-password-length)");
        }
        if (password.length() > MAX_LENGTH) {
            return Optional.of("the password is longer than " + MAX_LENGTH + " characters");
        }
        if (password.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            return Optional.of("the password contains control characters");
        }
        if (HASH_LIKE.matcher(password).matches()) {
            return Optional.of("the password looks like a password hash ({SCHEME}... or $id$...); a hash is never "
                    + "taken as a password. Set the real password, or import hashes as hashes");
        }
        return Optional.empty();
    }
}
