package dev.poplar.metrics;

import java.time.Duration;

/** Histogram buckets shared by the latency timers: a dozen, from 0.5 ms to 10 s. */
public final class Buckets {
    public static final Duration[] LATENCY = {
        Duration.ofMillis(1).dividedBy(2), Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5),
        Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
        Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
        Duration.ofSeconds(5), Duration.ofSeconds(10)
    };

    /** Session durations: seconds to an hour. */
    public static final Duration[] SESSION = {
        Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(30),
        Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(15), Duration.ofHours(1)
    };

    /** Message counts and sizes. */
    public static final double[] MESSAGES = {1, 10, 100, 1_000, 10_000, 100_000};

    public static final double[] BYTES = {1 << 12, 1 << 15, 1 << 17, 1 << 20, 1 << 23, 1 << 26, 1 << 30, 1L << 33};

    private Buckets() {}
}
