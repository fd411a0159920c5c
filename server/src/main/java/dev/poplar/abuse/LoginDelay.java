package dev.poplar.abuse;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * RFC 2449 section 6.5 LOGIN-DELAY: the least time between two logins of one user. Kept in memory
 * (a restart forgets it, which only ever lets a client in earlier). Entries older than the delay
 * are dropped by a sweep that runs at most once per half delay, so a login costs O(1) however
 * many users logged in recently (a sweep on every login over a map of 100,000 users was O(users)).
 */
public final class LoginDelay {
    private final Duration delay;
    private final LongSupplier clock;
    private final Map<String, Long> lastLogin = new ConcurrentHashMap<>();
    private final AtomicLong nextSweep = new AtomicLong();
    private final AtomicLong sweeps = new AtomicLong();

    public LoginDelay(Duration delay) {
        this(delay, System::currentTimeMillis);
    }

    LoginDelay(Duration delay, LongSupplier clock) {
        this.delay = delay;
        this.clock = clock;
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
        long now = clock.getAsLong();
        boolean[] allowed = {false};
        lastLogin.compute(account, (k, last) -> {
            if (last == null || now - last >= delay.toMillis()) {
                allowed[0] = true;
                return now;
            }
            return last;
        });
        long due = nextSweep.get();
        if (now >= due && nextSweep.compareAndSet(due, now + Math.max(1, delay.toMillis() / 2))) {
            sweeps.incrementAndGet();
            lastLogin.values().removeIf(t -> now - t >= delay.toMillis());
        }
        return allowed[0];
    }

    /** Users remembered now (bounded by the logins of one delay and a half). */
    int remembered() {
        return lastLogin.size();
    }

    long sweeps() {
        return sweeps.get();
    }
}
