package dev.poplar.abuse;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Logged-in sessions per user, against poplar.pop3.max-connections-per-user. One instance serves
 * every POP3 listener (110 and 995 alike), so switching ports does not double the cap.
 */
public final class UserSessions {
    private final int max;
    private final ConcurrentHashMap<String, Integer> counts = new ConcurrentHashMap<>();

    public UserSessions(int max) {
        this.max = max;
    }

    /** Counts one more session of {@code account}; false (and nothing counted) when at the limit. */
    public boolean tryAcquire(String account) {
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

    public void release(String account) {
        counts.computeIfPresent(account, (k, n) -> n == 1 ? null : n - 1);
    }
}
