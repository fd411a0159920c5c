package dev.poplar.admin;

import dev.poplar.net.SessionView;
import dev.poplar.storage.ExpungeCriteria;
import dev.poplar.storage.MailboxStats;
import java.util.List;

/**
 * What an operator can do to a node. {@link LocalAdmin} does it on the store (server stopped, or
 * inside the server behind the HTTP API); {@link HttpAdminClient} asks a running server.
 */
public interface AdminOperations extends AutoCloseable {
    void addUser(String name, String password) throws AdminException;

    void setPassword(String name, String password) throws AdminException;

    void deleteUser(String name) throws AdminException;

    /** Every user name, sorted, fetched a page at a time (tests and small nodes; tools stream pages). */
    default List<String> listUsers() throws AdminException {
        List<String> all = new java.util.ArrayList<>();
        String after = null;
        do {
            Page<String> page = listUsers("", after, 10_000);
            all.addAll(page.items());
            after = page.next();
        } while (after != null);
        return all;
    }

    /**
     * One page of a sorted listing. {@code next} is what to pass as {@code after} for the next page,
     * null after the last one.
     */
    record Page<T>(List<T> items, String next) {}

    /**
     * User names starting with {@code prefix} (null or "" for all) that sort after {@code after}
     * (null: from the first), at most {@code limit} (1 to 10,000).
     */
    Page<String> listUsers(String prefix, String after, int limit) throws AdminException;

    /** As {@link #listUsers(String, String, int)}, with each mailbox's counters and limits. */
    Page<MailboxStats> mailboxes(String prefix, String after, int limit) throws AdminException;

    /**
     * The whole node: mailboxes, messages, octets, how many mailboxes are nearly full (at or above
     * poplar.quota.warning-ratio of a limit) or full, and the {@code top} largest mailboxes. One
     * walk over the mailboxes, a page at a time: memory does not grow with the node.
     */
    NodeSummary summary(int top) throws AdminException;

    record NodeSummary(
            long mailboxes, long messages, long octets, long nearlyFull, long full, List<MailboxStats> largest) {}

    /**
     * A change to a user's own quota and retention: each field as the operator writes it ("2G",
     * "10000", "90d", "none", "never", "default"), or null to leave it as it is.
     */
    record LimitChange(String quotaSize, String quotaMessages, String retention) {}

    /**
     * Runs the retention sweep now over every mailbox (as the server does every
     * poplar.retention.sweep-interval), at poplar.retention.sweep-rate; returns what it did.
     */
    dev.poplar.retention.MailboxSweep.Result sweep() throws AdminException;

    /** Sets a user's own quota and retention (see {@link LimitChange}); "default" returns to the node's. */
    void setLimits(String name, LimitChange change) throws AdminException;

    /** Creates or updates users from "name password" lines; idempotent. */
    default ImportResult importUsers(String fileContent) throws AdminException {
        return importUsers(fileContent, false);
    }

    /**
     * As {@link #importUsers(String)}; with {@code hashed}, lines carry password hashes from another
     * server ("name {SCHEME}hash" or passwd-file lines), stored as they are and checked at login.
     */
    default ImportResult importUsers(String fileContent, boolean hashed) throws AdminException {
        return importUsers(fileContent, hashed, false);
    }

    /**
     * As {@link #importUsers(String, boolean)}; with {@code skipExisting}, users that exist are
     * left as they are without comparing (resuming an interrupted import, cheaply).
     */
    ImportResult importUsers(String fileContent, boolean hashed, boolean skipExisting) throws AdminException;

    /**
     * Delivers one raw message (any line ends) read from {@code message} to a mailbox; returns its
     * UID. An empty message, or one over poplar.lmtp.max-message-size, is refused (the latter as
     * soon as the limit is crossed, without reading the rest).
     */
    long deliver(String name, java.io.InputStream message) throws AdminException;

    /** {@link #deliver(String, java.io.InputStream)} for a message in memory. */
    default long deliver(String name, byte[] rawMessage) throws AdminException {
        return deliver(name, new java.io.ByteArrayInputStream(rawMessage));
    }

    /** Delivers several raw messages to one mailbox, in order; returns their UIDs. */
    default List<Long> deliverAll(String name, List<byte[]> rawMessages) throws AdminException {
        List<Long> uids = new java.util.ArrayList<>(rawMessages.size());
        for (byte[] m : rawMessages) {
            uids.add(deliver(name, m));
        }
        return uids;
    }

    MailboxStats stats(String name) throws AdminException;

    /** A message brought from another server: its raw bytes, the UIDL and received time it had there. */
    record MigratedMessage(String uidl, long receivedMillis, byte[] raw) {}

    /** What one migration batch did: messages stored, and messages whose UIDL the mailbox already had. */
    record MigrationBatch(int stored, int alreadyThere) {}

    /**
     * Stores migrated messages in one synced write, byte for byte (no header added), with their
     * UIDLs and received times; a message whose UIDL the mailbox already holds is skipped, so a
     * rerun never duplicates (DESIGN invariant 12).
     */
    MigrationBatch migrate(String name, List<MigratedMessage> messages) throws AdminException;

    /** One message as a migration check sees it; {@code sha256} of its wire form, or null when not read. */
    record MessageSummary(String uidl, long octets, String sha256) {}

    /** The mailbox's messages in POP3 order, with SHA-256 digests when asked and the mailbox is not in use. */
    List<MessageSummary> messages(String name, boolean digests) throws AdminException;

    /** Creates an app password labelled {@code label}; returns the generated password (shown once). */
    String addAppPassword(String name, String label) throws AdminException;

    /** The labels and creation times of a user's app passwords (never the passwords). */
    List<AppPasswordInfo> appPasswords(String name) throws AdminException;

    void revokeAppPassword(String name, String label) throws AdminException;

    record AppPasswordInfo(String label, java.time.Instant created) {}

    /**
     * Writes a consistent online backup of the store (and the APOP key) to {@code dir}, which
     * must not exist; the path is on the server's machine. Returns the number of accounts in it.
     */
    long backup(String dir) throws AdminException;

    /** Sets a user's APOP secret, or removes it when {@code secret} is null. */
    void setApopSecret(String name, String secret) throws AdminException;

    /** Removes the messages of a mailbox that match; returns what was removed. */
    ExpungeCriteria.Result expunge(String name, ExpungeCriteria criteria) throws AdminException;

    /** Live sessions (a running server only). */
    List<SessionView> who() throws AdminException;

    /** Ends one session by id, or all sessions of a user; returns how many ended. */
    int kick(String user, String sessionId) throws AdminException;

    /**
     * Forgets the directory caches' entries for one user, or all with a null user (a running
     * server only); returns how many went. For a password or account changed in LDAP or SQL that
     * must take effect before poplar.directory.cache-ttl.
     */
    int flushDirectoryCache(String user) throws AdminException;

    /** Stops accepting connections and reports not ready (a running server only). */
    ServerControl.DrainStatus drain() throws AdminException;

    @Override
    void close();

    /** Counts of a user import. */
    record ImportResult(int created, int updated, int unchanged) {}
}
