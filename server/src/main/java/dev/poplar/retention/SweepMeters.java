package dev.poplar.retention;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicLong;

/** The sweep's metrics (docs/operations.md, "Retention"): what it removed, what it skipped, and the quota gauges. */
public final class SweepMeters {
    private final Counter sweeps;
    private final Counter expungedMessages;
    private final Counter expungedBytes;
    private final Counter inUse;
    private final AtomicLong nearlyFull = new AtomicLong();
    private final AtomicLong full = new AtomicLong();
    private final AtomicLong lastEndSeconds = new AtomicLong();
    private final AtomicLong lastMillis = new AtomicLong();

    /** No metrics: the CLI on a stopped node (a meter registry there would only log noise). */
    public static final SweepMeters NONE = new SweepMeters();

    private SweepMeters() {
        sweeps = null;
        expungedMessages = null;
        expungedBytes = null;
        inUse = null;
    }

    public SweepMeters(MeterRegistry registry) {
        sweeps = Counter.builder("poplar.retention.sweeps")
                .description("Completed sweeps over all mailboxes")
                .register(registry);
        expungedMessages = Counter.builder("poplar.retention.expunged.messages")
                .description("Messages removed because they were older than their mailbox's retention")
                .register(registry);
        expungedBytes = Counter.builder("poplar.retention.expunged")
                .baseUnit("bytes")
                .description("RFC 1939 octets removed by retention")
                .register(registry);
        inUse = Counter.builder("poplar.retention.skipped.in.use")
                .description("Mailboxes with expired mail left for the next sweep because a session held them")
                .register(registry);
        Gauge.builder("poplar.quota.warning.mailboxes", nearlyFull, AtomicLong::get)
                .description(
                        "Mailboxes at or above poplar.quota.warning-ratio of a limit but not full, as of the last sweep")
                .register(registry);
        Gauge.builder("poplar.quota.full.mailboxes", full, AtomicLong::get)
                .description("Mailboxes at a limit (a delivery needing room is refused), as of the last sweep")
                .register(registry);
        Gauge.builder("poplar.retention.last.sweep.end", lastEndSeconds, AtomicLong::get)
                .baseUnit("seconds")
                .description("When the last complete sweep ended (Unix time); 0 before the first")
                .register(registry);
        Gauge.builder("poplar.retention.last.sweep.duration", lastMillis, v -> v.get() / 1000.0)
                .baseUnit("seconds")
                .description("How long the last complete sweep took")
                .register(registry);
    }

    void expunged(long messages, long octets) {
        if (this != NONE) {
            expungedMessages.increment(messages);
            expungedBytes.increment(octets);
        }
    }

    void skippedInUse() {
        if (this != NONE) {
            inUse.increment();
        }
    }

    void finished(MailboxSweep.Result r, long endMillis) {
        if (this == NONE) {
            return;
        }
        sweeps.increment();
        nearlyFull.set(r.nearlyFull());
        full.set(r.full());
        lastEndSeconds.set(endMillis / 1000);
        lastMillis.set(r.tookMillis());
    }
}
