package dev.poplar.storage;

/** How many sessions may hold a maildrop at once. */
public enum LockPolicy {
    /** RFC 1939 section 8: one session at a time; a second gets [IN-USE]. */
    EXCLUSIVE,
    /** Several sessions, each on its own snapshot (Dovecot's default behaviour). */
    SHARED
}
