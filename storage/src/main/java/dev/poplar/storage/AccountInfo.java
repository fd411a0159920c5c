package dev.poplar.storage;

import java.util.List;
import java.util.Optional;

/**
 * An account: its normalised name, its never-reused id, its password verifier and app passwords,
 * and, for a user brought from another server, the password hash imported from there
 * ({@code {SHA512-CRYPT}$6$...}), checked until the first login re-hashes the password into
 * {@code credentials}; and its own quota and retention where they differ from the node's.
 */
public record AccountInfo(
        String name,
        long id,
        long createdMillis,
        PasswordCredentials credentials,
        List<AppPassword> appPasswords,
        Optional<String> importedHash,
        AccountLimits limits) {
    public AccountInfo {
        appPasswords = List.copyOf(appPasswords);
    }

    public AccountInfo(
            String name, long id, long createdMillis, PasswordCredentials credentials, List<AppPassword> appPasswords) {
        this(name, id, createdMillis, credentials, appPasswords, Optional.empty(), AccountLimits.INHERITED);
    }
}
