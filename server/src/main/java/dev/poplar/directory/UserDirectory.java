package dev.poplar.directory;

import dev.poplar.storage.StoreException;
import java.util.Optional;

/**
 * Where users are known: Poplar's own store, an LDAP server or an SQL database. A directory only
 * answers "does this user exist, is it enabled, is this password right, what are its limits"; the
 * mailbox always lives in Poplar's store (docs/directories.md).
 *
 * <p>A directory that cannot answer (down, slow, misconfigured) throws {@link DirectoryException}
 * (the internal directory: the store's own {@link StoreException}):
 * the protocols answer "try again later" ({@code -ERR [SYS/TEMP]}, LMTP {@code 451 4.4.3}), never
 * "wrong password" or "user unknown".
 */
public interface UserDirectory extends AutoCloseable {
    /** A short name for logs, metrics and the account marker ("internal", "ldap", "sql"). */
    String name();

    /** The user a login name or a recipient address names, if this directory has it. */
    Optional<DirectoryUser> find(String login) throws StoreException;

    /** Whether {@code password} is this user's. */
    Verdict verify(String login, String password) throws StoreException;

    /**
     * True when the directory holds SCRAM keys for its users, so that SCRAM-SHA-256 can succeed
     * (RFC 7677 needs the server's stored and server keys, which a bind or a crypt hash cannot give).
     */
    default boolean storesScramKeys() {
        return false;
    }

    /** A cheap round trip to the directory (/health/ready); throws when it cannot answer. */
    default void probe() throws DirectoryException {}

    @Override
    default void close() {}
}
