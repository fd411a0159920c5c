package dev.poplar.abuse;

import dev.poplar.net.Cidr;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Makes password guessing expensive for the guesser. Each failed login, counted per client
 * address and per user name within a window, earns a growing delay before the -ERR (the session's
 * virtual thread parks: no platform thread is held). An address with too many failures is banned
 * for a while: its new connections are refused at once. Successful logins are never delayed, so a
 * user whose name is under attack still logs in promptly from elsewhere; user names are never
 * banned (that would hand the attacker a lock-out). Allow-listed addresses are exempt.
 */
public final class LoginGuard {
    /** The guard's knobs; a zero delay or ban threshold turns that part off. */
    public record Settings(
            Duration failureDelay,
            Duration maxFailureDelay,
            int banAfter,
            Duration banWindow,
            Duration banDuration,
            List<Cidr> allowList) {
        public static Settings off() {
            return new Settings(
                    Duration.ZERO, Duration.ZERO, 0, Duration.ofMinutes(10), Duration.ofMinutes(15), List.of());
        }
    }

    private static final int MAX_TRACKED = 100_000;

    /** Failures in the current window, and until when a ban holds. */
    private static final class Record {
        long windowStart;
        int failures;
        long bannedUntil;
    }

    private final Settings settings;
    private final LongSupplier clock;
    private final Map<String, Record> addresses = new ConcurrentHashMap<>();
    private final Map<String, Record> users = new ConcurrentHashMap<>();
    private final AtomicLong bans = new AtomicLong();

    public LoginGuard(Settings settings) {
        this(settings, System::currentTimeMillis);
    }

    LoginGuard(Settings settings, LongSupplier clock) {
        this.settings = settings;
        this.clock = clock;
    }

    public boolean exempt(InetAddress address) {
        return Cidr.anyContains(settings.allowList, address);
    }

    /** True while {@code address} is banned. */
    public boolean banned(InetAddress address) {
        if (settings.banAfter == 0 || exempt(address)) {
            return false;
        }
        Record r = addresses.get(address.getHostAddress());
        if (r == null) {
            return false;
        }
        synchronized (r) {
            return r.bannedUntil > clock.getAsLong();
        }
    }

    /** Records a failure; returns how long to wait before answering it. */
    public Duration failed(InetAddress address, String user) {
        if (exempt(address)) {
            return Duration.ZERO;
        }
        prune();
        long now = clock.getAsLong();
        int byAddress = count(addresses, address.getHostAddress(), now, true);
        int byUser = user == null || user.isEmpty() || user.equals("-")
                ? 0
                : count(users, user.toLowerCase(java.util.Locale.ROOT), now, false);
        int failures = Math.max(byAddress, byUser);
        if (settings.failureDelay.isZero() || failures == 0) {
            return Duration.ZERO;
        }
        long millis = settings.failureDelay.toMillis() << Math.min(20, failures - 1);
        return Duration.ofMillis(Math.min(millis, settings.maxFailureDelay.toMillis()));
    }

    /** A success clears the address's failures (the user's stay: they may come from the attacker). */
    public void succeeded(InetAddress address) {
        Record r = addresses.get(address.getHostAddress());
        if (r != null) {
            synchronized (r) {
                if (r.bannedUntil <= clock.getAsLong()) {
                    r.failures = 0;
                }
            }
        }
    }

    private int count(Map<String, Record> map, String key, long now, boolean mayBan) {
        Record r = map.computeIfAbsent(key, k -> new Record());
        synchronized (r) {
            if (now - r.windowStart > settings.banWindow.toMillis()) {
                r.windowStart = now;
                r.failures = 0;
            }
            r.failures++;
            if (mayBan && settings.banAfter > 0 && r.failures >= settings.banAfter && r.bannedUntil <= now) {
                r.bannedUntil = now + settings.banDuration.toMillis();
                bans.incrementAndGet();
                System.getLogger("dev.poplar.auth")
                        .log(
                                System.Logger.Level.WARNING,
                                "auth_ban ip=" + key + " failures=" + r.failures + " duration_s="
                                        + settings.banDuration.toSeconds());
            }
            return r.failures;
        }
    }

    /** Keeps memory bounded under a flood of distinct addresses or names. */
    private void prune() {
        if (addresses.size() + users.size() < MAX_TRACKED) {
            return;
        }
        long cutoff = clock.getAsLong() - settings.banWindow.toMillis();
        addresses.values().removeIf(r -> r.windowStart < cutoff && r.bannedUntil < clock.getAsLong());
        users.values().removeIf(r -> r.windowStart < cutoff);
    }

    public long bansTotal() {
        return bans.get();
    }

    public long bannedNow() {
        long now = clock.getAsLong();
        return addresses.values().stream().filter(r -> r.bannedUntil > now).count();
    }
}
