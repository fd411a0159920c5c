package dev.poplar.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.java21.instrument.binder.jdk.VirtualThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;

/**
 * The process's meter registry, exposed at /metrics in the format the scraper asks for
 * (Prometheus text, OpenMetrics or protobuf). Names follow docs/operations.md: prefix poplar_,
 * base units, counters named without _total (the exporter adds it), closed label sets only.
 */
public final class PoplarMetrics implements AutoCloseable {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ExpositionFormats formats = ExpositionFormats.init();
    private final VirtualThreadMetrics virtualThreads = new VirtualThreadMetrics();
    private final JvmGcMetrics gc = new JvmGcMetrics();

    public PoplarMetrics(String version) {
        // Two stock binders break `promtool check metrics`: process.cpu.time is in nanoseconds and
        // system.cpu.count ends in the reserved _count. We export seconds and a plain gauge instead.
        registry.config()
                .meterFilter(MeterFilter.deny(id ->
                        id.getName().equals("process.cpu.time") || id.getName().equals("system.cpu.count")));
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        virtualThreads.bindTo(registry);
        bindProcessCpu(registry);
        Info.builder()
                .name("poplar_build_info")
                .help("Poplar version and Java runtime (value 1)")
                .labelNames("version", "java")
                .register(registry.getPrometheusRegistry())
                .setLabelValues(version, Runtime.version().toString());
    }

    private static void bindProcessCpu(MeterRegistry registry) {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            FunctionCounter.builder("process.cpu", os, o -> o.getProcessCpuTime() / 1e9)
                    .baseUnit("seconds")
                    .description("CPU time used by the process")
                    .register(registry);
        }
        Gauge.builder("system.cpus", Runtime.getRuntime(), Runtime::availableProcessors)
                .description("Processors available to the JVM")
                .register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** The content type chosen for this Accept header. */
    public String contentType(String accept) {
        return formats.findWriter(accept).getContentType();
    }

    /** Writes a scrape in the format the Accept header asks for. */
    public void scrape(String accept, OutputStream out) throws IOException {
        ExpositionFormatWriter writer = formats.findWriter(accept);
        writer.write(out, registry.getPrometheusRegistry().scrape());
    }

    /** The Prometheus text format (tests). */
    public String scrapeText() {
        return registry.scrape();
    }

    @Override
    public void close() {
        virtualThreads.close();
        gc.close();
        registry.close();
    }
}
