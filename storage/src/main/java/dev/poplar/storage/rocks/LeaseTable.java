package dev.poplar.storage.rocks;

import dev.poplar.storage.LockPolicy;
import dev.poplar.storage.MaildropInUseException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Maildrop leases held by this process. Each mailbox lives on exactly one node and RocksDB
 * admits one process per store, so an in-memory table is the whole lock (DESIGN, scale-out).
 */
final class LeaseTable {
    /** Holders per account id; a negative count marks an exclusive holder. */
    private final ConcurrentHashMap<Long, Integer> holders = new ConcurrentHashMap<>();

    void acquire(long accountId, String name, LockPolicy policy) throws MaildropInUseException {
        boolean[] refused = {false};
        holders.compute(accountId, (id, count) -> {
            if (count == null) {
                return policy == LockPolicy.EXCLUSIVE ? -1 : 1;
            }
            if (count < 0 || policy == LockPolicy.EXCLUSIVE) {
                refused[0] = true;
                return count;
            }
            return count + 1;
        });
        if (refused[0]) {
            throw new MaildropInUseException("maildrop of " + name + " is in use by another session");
        }
    }

    void release(long accountId) {
        holders.computeIfPresent(accountId, (id, count) -> count == -1 || count == 1 ? null : count - 1);
    }
}
