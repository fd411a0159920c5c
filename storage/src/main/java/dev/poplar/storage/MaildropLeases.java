package dev.poplar.storage;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Maildrop leases held by this process, for any store implementation. Each mailbox lives on
 * exactly one node and a store admits one process, so an in-memory table is the whole lock
 * (DESIGN, scale-out).
 */
public final class MaildropLeases {
    /** Holders per account id; a negative count marks an exclusive holder. */
    private final ConcurrentHashMap<Long, Integer> holders = new ConcurrentHashMap<>();

    public void acquire(long accountId, String name, LockPolicy policy) throws MaildropInUseException {
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

    public void release(long accountId) {
        holders.computeIfPresent(accountId, (id, count) -> count == -1 || count == 1 ? null : count - 1);
    }
}
