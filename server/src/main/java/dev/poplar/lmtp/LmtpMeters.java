package dev.poplar.lmtp;

import dev.poplar.metrics.Buckets;
import dev.poplar.net.CloseReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** LMTP meters: per-recipient results, the durable-commit latency, message sizes, session ends. */
public final class LmtpMeters {
    /** The {@code result} label of poplar_lmtp_deliveries_total. */
    public enum Result {
        DELIVERED,
        UNKNOWN_USER,
        TOO_LARGE,
        LINE_TOO_LONG,
        TOO_MANY_RECIPIENTS,
        /** Refused by the mailbox quota (552 5.2.2 or 452 4.2.2). */
        OVER_QUOTA,
        /** A user directory could not answer at RCPT (451 4.4.3). */
        DIRECTORY_UNAVAILABLE,
        /** In a cluster: the mailbox is on another node (451 4.3.0, the MTA should route by owner). */
        ELSEWHERE,
        FAILED;

        final String label = name().toLowerCase(Locale.ROOT);
    }

    private final Map<Result, Counter> deliveries = new EnumMap<>(Result.class);
    private final Map<CloseReason, Counter> closed = new EnumMap<>(CloseReason.class);
    private final Timer commit;
    private final DistributionSummary size;

    public LmtpMeters(MeterRegistry registry) {
        for (Result r : Result.values()) {
            deliveries.put(
                    r,
                    Counter.builder("poplar.lmtp.deliveries")
                            .tag("result", r.label)
                            .description("LMTP recipients by outcome")
                            .register(registry));
        }
        for (CloseReason r : CloseReason.values()) {
            closed.put(
                    r,
                    Counter.builder("poplar.sessions.closed")
                            .tag("listener", "lmtp")
                            .tag("reason", r.label())
                            .description("Sessions ended, by reason")
                            .register(registry));
        }
        commit = Timer.builder("poplar.lmtp.delivery.duration")
                .serviceLevelObjectives(Buckets.LATENCY)
                .description("From the end of DATA to durable (WAL synced) storage")
                .register(registry);
        size = DistributionSummary.builder("poplar.lmtp.message.size")
                .baseUnit("bytes")
                .serviceLevelObjectives(Buckets.BYTES)
                .description("Sizes of messages received")
                .register(registry);
    }

    public static LmtpMeters detached() {
        return new LmtpMeters(new SimpleMeterRegistry());
    }

    public void recipient(Result result) {
        deliveries.get(result).increment();
    }

    public void stored(long octets, long nanos) {
        size.record(octets);
        commit.record(nanos, TimeUnit.NANOSECONDS);
    }

    public void sessionClosed(CloseReason reason) {
        closed.get(reason).increment();
    }
}
