package dev.poplar.pop3;

import java.util.concurrent.ConcurrentHashMap;

/** Logged-in sessions per user, against poplar.pop3.max-connections-per-user. */
final class UserSessions {
    private final int max;
    private final ConcurrentHashMap<String, Integer> counts = new ConcurrentHashMap<>();

    UserSessions(int max) {
        this.max = max;
    }

    /** Counts one more session of {@code account}; false (and nothing counted) when at the limit. */
    boolean tryAcquire(String account) {
        boolean[] ok = {false};
        counts.compute(account, (k, n) -> {
            int current = n == null ? 0 : n;
            if (current >= max) {
                return n;
            }
            ok[0] = true;
            return current + 1;
        });
        return ok[0];
    }

    void release(String account) {
        counts.computeIfPresent(account, (k, n) -> n == 1 ? null : n - 1);
    }
}
