package dev.poplar.storage;

/**
 * Sequential access to the stored chunks of one message, all read from one consistent
 * point in time (a concurrent removal cannot cut a message in half mid-RETR).
 */
public interface ChunkReader extends AutoCloseable {
    /** The next chunk, or {@code null} at the end; the whole array is message bytes. */
    byte[] next() throws StoreException;

    @Override
    void close();
}
