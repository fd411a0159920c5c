package dev.poplar.abuse;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * RFC 2449 section 6.5 LOGIN-DELAY: the least time between two logins of one user. Kept in memory
 * (a restart forgets it, which only ever lets a client in earlier).
 */
public final class LoginDelay {
    private final Duration delay;
    private final Map<String, Long> lastLogin = new ConcurrentHashMap<>();

    public LoginDelay(Duration delay) {
        this.delay = delay;
    }

    public boolean enabled() {
        return !delay.isZero();
    }

    public long seconds() {
        return delay.toSeconds();
    }

    /** Records a login now unless the previous one was too recent; true when allowed. */
    public boolean tryLogin(String account) {
        if (!enabled()) {
            return true;
        }
        long now = System.currentTimeMillis();
        boolean[] allowed = {false};
        lastLogin.compute(account, (k, last) -> {
            if (last == null || now - last >= delay.toMillis()) {
                allowed[0] = true;
                return now;
            }
            return last;
        });
        if (lastLogin.size() > 100_000) {
            lastLogin.values().removeIf(t -> now - t >= delay.toMillis());
        }
        return allowed[0];
    }
}
