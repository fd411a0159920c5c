package dev.poplar.storage.rocks;

import dev.poplar.storage.StoreException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The store's only writer: one platform thread that takes every queued change, stages them into
 * one WriteBatch and writes it with a single WAL sync (group commit, DESIGN invariants 1 and 2).
 *
 * <p>Why one platform thread: a synced RocksDB write blocks in JNI and would pin a virtual
 * thread's carrier for the length of an fsync; and a single writer allocates UIDs and updates
 * counters with no locks and no lost updates. Callers (virtual threads) park on a future.
 */
final class GroupCommitter implements AutoCloseable {
    /** Caps one group so a burst of large messages does not build a huge batch. */
    private static final long MAX_GROUP_BYTES = 32L * 1024 * 1024;

    private static final int MAX_GROUP_OPS = 512;

    /**
     * A change. {@link #stage} first reads and validates (it may throw), and only after its last
     * possible failure writes to the batch and the context overlays; so a failed op leaves both
     * untouched and needs no rollback.
     */
    interface Op<R> {
        R stage(WriteContext ctx) throws StoreException, RocksDBException;

        default long weight() {
            return 256;
        }
    }

    private record Pending<R>(Op<R> op, CompletableFuture<R> future) {}

    private record Staged<R>(CompletableFuture<R> future, R result) {
        void complete() {
            future.complete(result);
        }
    }

    private final RocksDB db;
    private final ColumnFamilies cf;
    private final WriteContext.Meta meta;
    private final LinkedBlockingQueue<Pending<?>> queue = new LinkedBlockingQueue<>();
    private final WriteOptions syncWrite = new WriteOptions().setSync(true);
    private final Thread thread;
    private final AtomicLong commits = new AtomicLong();
    private final AtomicLong groups = new AtomicLong();
    private final AtomicLong writeNanos = new AtomicLong();
    private final AtomicLong writeErrors = new AtomicLong();
    private volatile boolean lastWriteFailed;
    private volatile boolean closed;

    GroupCommitter(RocksDB db, ColumnFamilies cf, WriteContext.Meta meta) {
        this.db = db;
        this.cf = cf;
        this.meta = meta;
        this.thread =
                Thread.ofPlatform().name("poplar-store-writer").daemon(true).start(this::run);
    }

    /** Runs {@code op} in the next group and waits until it is durable. */
    <R> R execute(Op<R> op) throws StoreException {
        if (closed) {
            throw new StoreException("store is closed", true);
        }
        CompletableFuture<R> future = new CompletableFuture<>();
        queue.add(new Pending<>(op, future));
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while waiting for a store write", true, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof StoreException se) {
                throw se;
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new StoreException("store write failed: " + cause, false, cause);
        }
    }

    long commits() {
        return commits.get();
    }

    long groups() {
        return groups.get();
    }

    long writeNanos() {
        return writeNanos.get();
    }

    long writeErrors() {
        return writeErrors.get();
    }

    boolean lastWriteFailed() {
        return lastWriteFailed;
    }

    private void run() {
        List<Pending<?>> group = new ArrayList<>();
        while (true) {
            try {
                Pending<?> first = queue.take();
                if (first.op == null) {
                    return; // close marker
                }
                group.add(first);
                long weight = first.op.weight();
                Pending<?> next;
                while (group.size() < MAX_GROUP_OPS
                        && weight < MAX_GROUP_BYTES
                        && (next = queue.peek()) != null
                        && next.op != null) {
                    group.add(queue.poll());
                    weight += next.op.weight();
                }
                commitGroup(group);
            } catch (InterruptedException e) {
                return;
            } catch (Throwable t) {
                for (Pending<?> p : group) {
                    p.future.completeExceptionally(t);
                }
            } finally {
                group.clear();
            }
        }
    }

    private void commitGroup(List<Pending<?>> group) {
        WriteContext.Meta metaCopy = meta.copy();
        List<Staged<?>> staged = new ArrayList<>(group.size());
        try (WriteBatch batch = new WriteBatch()) {
            WriteContext ctx = new WriteContext(db, cf, batch, metaCopy);
            for (Pending<?> p : group) {
                stage(p, ctx, staged);
            }
            if (batch.count() > 0) {
                long started = System.nanoTime();
                db.write(syncWrite, batch);
                writeNanos.addAndGet(System.nanoTime() - started);
                groups.incrementAndGet();
                lastWriteFailed = false;
            }
            meta.set(metaCopy);
            commits.addAndGet(staged.size());
            staged.forEach(Staged::complete);
        } catch (RocksDBException e) {
            writeErrors.incrementAndGet();
            lastWriteFailed = true;
            StoreException failure = RocksErrors.map("write", e);
            for (Staged<?> s : staged) {
                s.future.completeExceptionally(failure);
            }
        }
    }

    private static <R> void stage(Pending<R> p, WriteContext ctx, List<Staged<?>> staged) {
        try {
            staged.add(new Staged<>(p.future, p.op.stage(ctx)));
        } catch (StoreException e) {
            p.future.completeExceptionally(e);
        } catch (RocksDBException e) {
            p.future.completeExceptionally(RocksErrors.map("read before write", e));
        } catch (RuntimeException e) {
            p.future.completeExceptionally(e);
        }
    }

    @Override
    public void close() {
        closed = true;
        queue.add(new Pending<>(null, null));
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Pending<?> p; (p = queue.poll()) != null; ) {
            if (p.future != null) {
                p.future.completeExceptionally(new StoreException("store is closed", true));
            }
        }
        syncWrite.close();
    }
}
