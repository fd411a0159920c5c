package dev.poplar.storage;

/** An account: its normalised name, its never-reused id, and its password verifier. */
public record AccountInfo(String name, long id, long createdMillis, PasswordCredentials credentials) {
}
