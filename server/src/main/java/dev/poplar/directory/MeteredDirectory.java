package dev.poplar.directory;

import dev.poplar.metrics.Buckets;
import dev.poplar.storage.StoreException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The round trips to a directory, timed (poplar_directory_lookup_seconds{directory, operation,
 * result}): what the directory itself costs, below any cache. {@code result} is found, unknown,
 * accepted, rejected or error; errors are the outages /health/ready and alerts look at.
 */
public final class MeteredDirectory extends ForwardingDirectory {
    private final MeterRegistry registry;
    private final ConcurrentHashMap<String, Timer> timers = new ConcurrentHashMap<>();

    public MeteredDirectory(UserDirectory inner, MeterRegistry registry) {
        super(inner);
        this.registry = registry;
        for (String op : new String[] {"find", "verify"}) {
            for (String result : new String[] {"found", "unknown", "accepted", "rejected", "error"}) {
                timer(op, result); // every series exists from the start, so rate() and alerts see zeros
            }
        }
    }

    @Override
    public Optional<DirectoryUser> find(String login) throws StoreException {
        long start = System.nanoTime();
        try {
            Optional<DirectoryUser> user = inner.find(login);
            record("find", user.isPresent() ? "found" : "unknown", start);
            return user;
        } catch (StoreException e) {
            record("find", "error", start);
            throw e;
        }
    }

    @Override
    public Verdict verify(String login, String password) throws StoreException {
        long start = System.nanoTime();
        try {
            Verdict v = inner.verify(login, password);
            record(
                    "verify",
                    switch (v) {
                        case Verdict.Accepted a -> "accepted";
                        case Verdict.Rejected r -> "rejected";
                        case Verdict.Unknown u -> "unknown";
                    },
                    start);
            return v;
        } catch (StoreException e) {
            record("verify", "error", start);
            throw e;
        }
    }

    private void record(String operation, String result, long startNanos) {
        timer(operation, result).record(System.nanoTime() - startNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    private Timer timer(String operation, String result) {
        return timers.computeIfAbsent(
                operation + "/" + result,
                k -> Timer.builder("poplar.directory.lookup")
                        .tag("directory", inner.name())
                        .tag("operation", operation)
                        .tag("result", result)
                        .serviceLevelObjectives(Buckets.LATENCY)
                        .description("Round trips to a user directory (below its cache), by operation and result")
                        .register(registry));
    }
}
