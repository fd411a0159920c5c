package dev.poplar.storage;

import java.util.BitSet;

/**
 * One session's leased view of a mailbox: the message list fixed at open (RFC 1939 message
 * numbers stay stable for the session) and streaming access to message bodies.
 * Closing releases the lease and deletes nothing.
 */
public interface Maildrop extends AutoCloseable {

    String user();

    /** The account's own quota and retention as at open (CAPA EXPIRE after login shows the retention). */
    AccountLimits limits();

    /** The snapshot taken at open; message number n is {@code listing().get(n - 1)}. */
    MessageListing listing();

    /**
     * Opens the wire form (CRLF, dot-stuffed) of a message of the listing, streamed in chunks.
     * Fails with {@link MessageGoneException} when another session removed it meanwhile.
     */
    ChunkReader read(int index) throws StoreException;

    /**
     * Removes the messages whose listing indexes are set, in one synced write (RFC 1939 UPDATE
     * state). Messages already removed by another session are skipped. Returns how many this
     * call removed.
     */
    int commitDeletions(BitSet indexes) throws StoreException;

    /** Releases the lease; deletes nothing. */
    @Override
    void close();
}
