package dev.poplar.storage;

import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Byte arrays of one size, borrowed for the length of one I/O operation (a reply batch, a RETR)
 * and given back, so hot paths allocate nothing and idle sessions hold nothing. Bounded: beyond
 * {@code maxPooled} returned arrays are left to the garbage collector.
 */
public final class BufferPool {
    private final int size;
    private final int maxPooled;
    private final ConcurrentLinkedDeque<byte[]> free = new ConcurrentLinkedDeque<>();
    private final AtomicInteger pooled = new AtomicInteger();

    public BufferPool(int size, int maxPooled) {
        this.size = size;
        this.maxPooled = maxPooled;
    }

    public int size() {
        return size;
    }

    /** A buffer of {@link #size()} bytes; contents unspecified. */
    public byte[] borrow() {
        byte[] b = free.pollFirst(); // LIFO: the most recently used array is the likeliest in cache
        if (b == null) {
            return new byte[size];
        }
        pooled.decrementAndGet();
        return b;
    }

    /** Gives back a buffer from {@link #borrow()}; the caller must not touch it afterwards. */
    public void release(byte[] b) {
        if (b.length != size) {
            throw new IllegalArgumentException("buffer of " + b.length + " bytes returned to a pool of " + size);
        }
        if (pooled.incrementAndGet() <= maxPooled) {
            free.offerFirst(b);
        } else {
            pooled.decrementAndGet();
        }
    }
}
