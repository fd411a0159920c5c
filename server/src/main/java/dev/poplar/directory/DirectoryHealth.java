package dev.poplar.directory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Whether each remote directory answers, for /health/ready and poplar_directory_up: a probe (an
 * LDAP root DSE read, an SQL connection check) at most every {@code interval}, so frequent health
 * checks and scrapes do not load the directory. The last failure's message is kept for the log
 * and the health body.
 */
public final class DirectoryHealth {
    private static final System.Logger LOG = System.getLogger("dev.poplar.directory");

    private record Status(boolean up, String detail, long checkedNanos) {}

    private final List<UserDirectory> directories;
    private final long intervalNanos;
    private final LongSupplier clock;
    private final Map<String, Status> last = new ConcurrentHashMap<>();

    public DirectoryHealth(List<UserDirectory> directories, java.time.Duration interval, LongSupplier nanoClock) {
        this.directories = List.copyOf(directories);
        this.intervalNanos = interval.toNanos();
        this.clock = nanoClock;
    }

    /** True when every directory answered its last probe. */
    public boolean allUp() {
        return directories.stream().allMatch(d -> status(d).up());
    }

    /** 1 when the directory answered its last probe (a gauge). */
    public double up(UserDirectory d) {
        return status(d).up() ? 1 : 0;
    }

    /** Name to "UP" or "DOWN: why", in chain order. */
    public Map<String, String> describe() {
        Map<String, String> out = new LinkedHashMap<>();
        for (UserDirectory d : directories) {
            Status s = status(d);
            out.put(d.name(), s.up() ? "UP" : "DOWN: " + s.detail());
        }
        return out;
    }

    private synchronized Status status(UserDirectory d) {
        Status s = last.get(d.name());
        long now = clock.getAsLong();
        if (s != null && now - s.checkedNanos() < intervalNanos) {
            return s;
        }
        Status fresh;
        try {
            d.probe();
            fresh = new Status(true, "", now);
        } catch (dev.poplar.storage.StoreException e) {
            fresh = new Status(false, e.getMessage(), now);
        }
        if (s == null || s.up() != fresh.up()) {
            LOG.log(
                    fresh.up() ? System.Logger.Level.INFO : System.Logger.Level.WARNING,
                    dev.poplar.log.SessionLog.event(fresh.up() ? "directory_up" : "directory_down")
                            .with("directory", d.name())
                            .with("reason", fresh.detail())
                            .toString());
        }
        last.put(d.name(), fresh);
        return fresh;
    }
}
