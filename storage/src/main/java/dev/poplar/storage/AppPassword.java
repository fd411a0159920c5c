package dev.poplar.storage;

/**
 * An extra, named, revocable password of an account (for a phone, a script): stored like the main
 * password, as PBKDF2-derived SCRAM keys only.
 */
public record AppPassword(String label, long createdMillis, PasswordCredentials credentials) {
    public static final int MAX_PER_ACCOUNT = 10;

    public AppPassword {
        if (label == null || !label.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException("app password label must be 1-64 letters, digits, '.', '_' or '-'");
        }
    }
}
