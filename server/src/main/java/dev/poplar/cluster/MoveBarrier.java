package dev.poplar.cluster;

import dev.poplar.storage.Delivery;
import dev.poplar.storage.DeliveryOutcome;
import dev.poplar.storage.DeliveryStore;
import dev.poplar.storage.StoreException;
import java.util.List;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Predicate;

/**
 * The LMTP deliveries of a node in a cluster, with the one guarantee a move needs: once a
 * mailbox is marked as moving and {@link #settle} has returned, no delivery to it commits on this
 * node any more. Each delivery holds the read lock of its recipients' stripes while it checks the
 * mark and commits; settle takes the write lock of one stripe once, so it waits for commits in
 * flight and none can start unchecked after it. A delivery that finds a recipient moving (or moved
 * away) stores nothing and fails as a whole, temporarily (451: the MTA retries every recipient,
 * and by then the owner is the new node); this only happens to a transaction whose RCPT was
 * accepted before the mark.
 */
public final class MoveBarrier implements DeliveryStore {
    private static final int STRIPES = 256;

    private final DeliveryStore store;
    private final Predicate<String> moving;
    private final ReentrantReadWriteLock[] stripes = new ReentrantReadWriteLock[STRIPES];

    /**
     * @param moving whether an account's mailbox is being moved, or has been moved, away from this
     *               node (the directory's move marks and owners): true from the mark on, for good
     */
    public MoveBarrier(DeliveryStore store, Predicate<String> moving) {
        this.store = store;
        this.moving = moving;
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new ReentrantReadWriteLock();
        }
    }

    private static int stripe(String account) {
        return Math.floorMod(account.hashCode(), STRIPES);
    }

    @Override
    public List<DeliveryOutcome> deliver(List<Delivery> deliveries) throws StoreException {
        // Sorted, each once: every delivery takes its locks in one order.
        int[] held = deliveries.stream()
                .mapToInt(d -> stripe(d.recipient()))
                .distinct()
                .sorted()
                .toArray();
        int taken = 0;
        try {
            for (int s : held) {
                stripes[s].readLock().lock();
                taken++;
            }
            for (Delivery d : deliveries) {
                if (moving.test(d.recipient())) {
                    throw new StoreException("the mailbox of " + d.recipient() + " is being moved", true, null);
                }
            }
            return store.deliver(deliveries);
        } finally {
            for (int i = 0; i < taken; i++) {
                stripes[held[i]].readLock().unlock();
            }
        }
    }

    /** Returns once no delivery to {@code account} is committing or can commit without seeing its mark. */
    public void settle(String account) {
        ReentrantReadWriteLock.WriteLock w = stripes[stripe(account)].writeLock();
        w.lock();
        w.unlock();
    }
}
