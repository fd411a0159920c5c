package dev.poplar.auth;

import java.util.concurrent.Semaphore;

/**
 * Bounds how many slow password hashes run at once. Sessions are virtual threads sharing one
 * carrier per core, scheduled first come first served: without a bound, a storm of 500 logins
 * puts 500 runnable PBKDF2 runs (about 1 ms each) in the queue ahead of every RETR and LMTP
 * command, which then wait a quarter of a second on two cores. With the bound, waiting logins
 * park (they hold no carrier and are not in that queue), so other sessions wait at most for the
 * hashes running now. The default is one per core; one less reserves a core for the others.
 */
public final class HashingGate {
    private final Semaphore permits;
    private final int size;

    public HashingGate(int concurrent) {
        if (concurrent < 1) {
            throw new IllegalArgumentException("at least one hash at a time");
        }
        this.size = concurrent;
        this.permits = new Semaphore(concurrent, true);
    }

    /** One per core. */
    public static int defaultSize() {
        return Runtime.getRuntime().availableProcessors();
    }

    public int size() {
        return size;
    }

    /** Logins waiting for a hashing slot now. */
    public int waiting() {
        return permits.getQueueLength();
    }

    @FunctionalInterface
    public interface Work<T, E extends Exception> {
        T run() throws E;
    }

    public <T, E extends Exception> T run(Work<T, E> work) throws E {
        permits.acquireUninterruptibly();
        try {
            return work.run();
        } finally {
            permits.release();
        }
    }
}
