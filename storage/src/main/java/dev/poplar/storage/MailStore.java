package dev.poplar.storage;

import java.util.List;
import java.util.Optional;

/**
 * The mail store as the protocols see it: accounts, durable delivery, and leased maildrops.
 *
 * <p>Every method that changes state returns only once the change is durable (WAL synced);
 * concurrent writers share syncs (group commit). Every method is safe to call from many
 * threads, virtual or not.
 */
public interface MailStore extends AutoCloseable {

    /** Creates an account with an empty mailbox; fails with {@link AccountExistsException}. */
    default AccountInfo createAccount(String name, PasswordCredentials credentials) throws StoreException {
        return createAccount(name, credentials, null);
    }

    /**
     * Creates an account whose password is, until its first login, checked against
     * {@code importedHash} (a hash from another server; null for none). {@code credentials} then
     * holds keys that match no password.
     */
    AccountInfo createAccount(String name, PasswordCredentials credentials, String importedHash) throws StoreException;

    /** Replaces the password of an existing account (and drops an imported hash). */
    void setCredentials(String name, PasswordCredentials credentials) throws StoreException;

    /** Replaces the password of an existing account by an imported hash (a re-import). */
    void setImportedHash(String name, PasswordCredentials placeholder, String importedHash) throws StoreException;

    /** Adds an app password; fails with {@link AccountExistsException} when the label is taken. */
    void addAppPassword(String name, AppPassword password) throws StoreException;

    /** Removes an app password; false when there was none with that label. */
    boolean revokeAppPassword(String name, String label) throws StoreException;

    /**
     * Sets (or, with null, removes) the account's APOP secret, sealed by the caller: APOP needs the
     * secret itself, so it cannot be a one-way hash like the password.
     */
    void setApopSecret(String name, byte[] sealedSecret) throws StoreException;

    /** The sealed APOP secret, if the account has one. */
    Optional<byte[]> apopSecret(String name) throws StoreException;

    /** Removes an account with all its messages. Returns false when there was no such account. */
    boolean deleteAccount(String name) throws StoreException;

    /** The account, if it exists (name is normalised with {@link AccountNames#normalize}). */
    Optional<AccountInfo> account(String name) throws StoreException;

    /** All account names, sorted. */
    List<String> accountNames() throws StoreException;

    /** Message count, octets and UID state of one mailbox. */
    MailboxStats stats(String name) throws StoreException;

    /**
     * Delivers one message to several mailboxes in one atomic, synced write; each recipient
     * gets its own copy with its own prefix header lines (e.g. Delivered-To).
     * Outcomes are in the order of {@code deliveries}.
     */
    List<DeliveryOutcome> deliver(List<Delivery> deliveries) throws StoreException;

    /**
     * The mailbox's messages as a snapshot listing (UIDs, sizes, UIDLs), without taking the
     * maildrop lease: what a migration compares its source with.
     */
    MessageListing listing(String name) throws StoreException;

    /**
     * Takes the maildrop lease and a snapshot of the mailbox (RFC 1939 section 8: the maildrop
     * is locked from PASS until QUIT). Under {@link LockPolicy#EXCLUSIVE} a second open fails
     * with {@link MaildropInUseException}; deliveries go on while the lease is held.
     */
    Maildrop openMaildrop(String name, LockPolicy policy) throws StoreException;

    /**
     * Removes the messages of a mailbox that match, in one synced write, whether or not a session
     * holds its maildrop (such a session then sees them as removed by another session).
     */
    ExpungeCriteria.Result expunge(String name, ExpungeCriteria criteria) throws StoreException;

    /**
     * Writes a consistent copy of the whole store to {@code target} (which must not exist) while it
     * stays in use: the online backup.
     */
    void checkpoint(java.nio.file.Path target) throws StoreException;

    /** Counters for tests and metrics. */
    StoreStatistics statistics();

    /** False while the store cannot take writes (RocksDB write stop, or the last write failed). */
    boolean writable();

    @Override
    void close();
}
