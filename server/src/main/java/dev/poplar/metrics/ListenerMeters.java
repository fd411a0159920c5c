package dev.poplar.metrics;

import dev.poplar.net.Listener;
import dev.poplar.net.ListenerObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/** poplar_connections_{accepted_total,active,limit}{listener}. */
public final class ListenerMeters implements ListenerObserver {
    private final Counter accepted;

    public ListenerMeters(MeterRegistry registry, String listener) {
        accepted = Counter.builder("poplar.connections.accepted").tag("listener", listener)
                .description("Connections accepted").register(registry);
    }

    /** Registers the gauges that read the listener itself. */
    public static void bindGauges(MeterRegistry registry, Listener listener) {
        Gauge.builder("poplar.connections.active", listener, Listener::activeConnections)
                .tag("listener", listener.name()).description("Connections open now").register(registry);
        Gauge.builder("poplar.connections.limit", listener, Listener::maxConnections)
                .tag("listener", listener.name()).description("Configured connection limit").register(registry);
    }

    @Override
    public void accepted() {
        accepted.increment();
    }
}
