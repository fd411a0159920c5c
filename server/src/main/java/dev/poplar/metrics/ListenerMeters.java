package dev.poplar.metrics;

import dev.poplar.net.Listener;
import dev.poplar.net.ListenerObserver;
import dev.poplar.net.Rejection;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;

/** poplar_connections_{accepted_total,rejected_total,active,limit}{listener}. */
public final class ListenerMeters implements ListenerObserver {
    private final Counter accepted;
    private final Map<Rejection, Counter> rejected = new EnumMap<>(Rejection.class);

    public ListenerMeters(MeterRegistry registry, String listener) {
        accepted = Counter.builder("poplar.connections.accepted")
                .tag("listener", listener)
                .description("Connections accepted")
                .register(registry);
        for (Rejection r : Rejection.values()) {
            rejected.put(
                    r,
                    Counter.builder("poplar.connections.rejected")
                            .tag("listener", listener)
                            .tag("reason", r.label())
                            .description("Connections refused before their session began")
                            .register(registry));
        }
    }

    @Override
    public void rejected(Rejection why) {
        rejected.get(why).increment();
    }

    /** Registers the gauges that read the listener itself. */
    public static void bindGauges(MeterRegistry registry, Listener listener) {
        Gauge.builder("poplar.connections.active", listener, Listener::activeConnections)
                .tag("listener", listener.name())
                .description("Connections open now")
                .register(registry);
        Gauge.builder("poplar.connections.limit", listener, Listener::maxConnections)
                .tag("listener", listener.name())
                .description("Configured connection limit")
                .register(registry);
    }

    @Override
    public void accepted() {
        accepted.increment();
    }
}
