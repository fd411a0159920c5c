package dev.poplar.cache;

import java.util.Iterator;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * How Poplar's bounded caches (verified credentials, directory answers) make room: expired
 * entries first; if that is not enough, arbitrary ones, down to 90% of the bound, so a full cache
 * does not evict on every insertion. Arbitrary rather than least-recently-used: no bookkeeping
 * on the hit path, and a flood of new names cannot pin the old ones either way.
 */
public final class Eviction {
    private Eviction() {}

    /**
     * @param expiresNanos an entry's expiry on the {@code nowNanos} clock
     */
    public static <K, V> void makeRoom(
            Map<K, V> entries, int maxEntries, long nowNanos, ToLongFunction<V> expiresNanos) {
        entries.values().removeIf(e -> nowNanos - expiresNanos.applyAsLong(e) > 0);
        int excess = entries.size() - maxEntries * 9 / 10;
        for (Iterator<K> it = entries.keySet().iterator(); excess > 0 && it.hasNext(); excess--) {
            it.next();
            it.remove();
        }
    }
}
