package dev.poplar.auth;

import java.util.concurrent.Semaphore;

/**
 * Bounds how many slow password hashes run at once. Sessions are virtual threads sharing one
 * carrier per core; a login storm would otherwise put a PBKDF2 on every carrier and leave RETR
 * and LMTP waiting behind it. Waiting logins park (they hold no carrier), so with the default of
 * one core less than the machine has, the other sessions always have a core.
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

    /** One core less than this machine has, at least one. */
    public static int defaultSize() {
        return Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
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
