package dev.poplar.storage;

import java.util.List;
import java.util.Optional;

/** What operators and their tools see of the store: counters, listings, expunge, backup, health. */
public interface StoreAdministration {

    /** Message count, octets and UID state of one mailbox. */
    MailboxStats stats(String name) throws StoreException;

    /**
     * The counters of one page of mailboxes, by name, as {@link AccountStore#accountNames(String,
     * String, int)} pages: what node-wide statistics and the retention sweep walk without holding
     * every name in memory.
     */
    List<MailboxStats> mailboxes(String prefix, String after, int limit) throws StoreException;

    /**
     * The mailbox's messages as a snapshot listing (UIDs, sizes, UIDLs), without taking the
     * maildrop lease: what a migration compares its source with.
     */
    MessageListing listing(String name) throws StoreException;

    /**
     * When each message of the mailbox was received, by UID (epoch milliseconds): what a copy to
     * another node keeps, so retention counts from the original delivery.
     */
    java.util.Map<Long, Long> receivedTimes(String name) throws StoreException;

    /**
     * Removes the messages of a mailbox that match, in one synced write, whether or not a session
     * holds its maildrop (such a session then sees them as removed by another session).
     */
    ExpungeCriteria.Result expunge(String name, ExpungeCriteria criteria) throws StoreException;

    /**
     * As {@link #expunge}, but only while no session holds the maildrop: it takes the maildrop's
     * exclusive lease for the removal, so a session never loses a message it has listed (the
     * retention sweep). Empty when the maildrop was in use, nothing removed.
     */
    Optional<ExpungeCriteria.Result> expungeUnlessInUse(String name, ExpungeCriteria criteria) throws StoreException;

    /**
     * Writes a consistent copy of the whole store to {@code target} (which must not exist) while it
     * stays in use: the online backup.
     */
    void checkpoint(java.nio.file.Path target) throws StoreException;

    /** Counters for tests and metrics. */
    StoreStatistics statistics();

    /** One resource gauge of the storage engine, read now (0 where the engine has no such thing). */
    long gauge(StoreGauge gauge);

    /** False while the store cannot take writes (RocksDB write stop, or the last write failed). */
    boolean writable();

    /**
     * Verifies the store (every message whole, no stray data, counters equal to the index) and
     * returns the problems found, none when consistent. For a stopped node ({@code poplar check}).
     */
    List<String> check() throws StoreException;

    /** Fixes what {@link #check} finds and returns what it did. */
    List<String> repair() throws StoreException;
}
