package dev.poplar.storage;

import java.util.Iterator;

/**
 * Sequential access to the stored chunks of one message, all read from one consistent
 * point in time (a concurrent removal cannot cut a message in half mid-RETR).
 *
 * <p>Chunks are read into one reused buffer, so sending a message allocates nothing per chunk:
 * at tens of thousands of RETRs per second a fresh array per 64 KiB chunk was over a gigabyte of
 * garbage per second.
 */
public interface ChunkReader extends AutoCloseable {
    /**
     * Reads the next chunk and returns its length, or -1 at the end. Its bytes are
     * {@code buffer()[0, length)}, valid until the next call or {@link #close()}.
     */
    int next() throws StoreException;

    /** The array holding the chunk that {@link #next()} returned last. */
    byte[] buffer();

    @Override
    void close();

    /** A reader over chunks already in memory (each array is one whole chunk). */
    static ChunkReader of(Iterable<byte[]> chunks) {
        Iterator<byte[]> it = chunks.iterator();
        return new ChunkReader() {
            private byte[] current = new byte[0];

            @Override
            public int next() {
                if (!it.hasNext()) {
                    return -1;
                }
                current = it.next();
                return current.length;
            }

            @Override
            public byte[] buffer() {
                return current;
            }

            @Override
            public void close() {}
        };
    }
}
