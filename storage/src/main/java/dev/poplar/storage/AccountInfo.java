package dev.poplar.storage;

import java.util.List;

/** An account: its normalised name, its never-reused id, its password verifier and app passwords. */
public record AccountInfo(String name, long id, long createdMillis, PasswordCredentials credentials,
                          List<AppPassword> appPasswords) {
    public AccountInfo {
        appPasswords = List.copyOf(appPasswords);
    }
}
