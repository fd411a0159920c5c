package dev.poplar.server;

import dev.poplar.storage.StoreAdministration;
import dev.poplar.storage.StoreGauge;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.ToDoubleFunction;

/** Store gauges and counters, read from the engine's gauges and the writer's counters at scrape time. */
final class StoreMetrics {
    private StoreMetrics() {}

    static void bind(MeterRegistry r, StoreAdministration store) {
        engine(
                r,
                store,
                "poplar.store.pending.compaction",
                "bytes",
                StoreGauge.PENDING_COMPACTION_BYTES,
                "Bytes compaction still has to rewrite");
        engine(r, store, "poplar.store.live.data", "bytes", StoreGauge.LIVE_DATA_BYTES, "Estimated live data");
        engine(r, store, "poplar.store.sst.files", "bytes", StoreGauge.TABLE_FILE_BYTES, "Size of all SST files");
        engine(
                r,
                store,
                "poplar.store.blob.files",
                "bytes",
                StoreGauge.BLOB_FILE_BYTES,
                "Size of all blob files (bodies)");
        engine(r, store, "poplar.store.memtables", "bytes", StoreGauge.WRITE_BUFFER_BYTES, "Memtable memory");
        engine(
                r,
                store,
                "poplar.store.block.cache.usage",
                "bytes",
                StoreGauge.BLOCK_CACHE_BYTES,
                "Block cache memory in use");
        engine(
                r,
                store,
                "poplar.store.running.compactions",
                null,
                StoreGauge.RUNNING_COMPACTIONS,
                "Compactions running now");
        gauge(
                r,
                store,
                "poplar.store.write.stopped",
                null,
                s -> s.writable() ? 0 : 1,
                "1 while the store refuses writes (RocksDB write stop or a failed write)");
        engine(
                r,
                store,
                "poplar.store.delayed.write.rate",
                "bytes",
                StoreGauge.DELAYED_WRITE_RATE,
                "Write rate RocksDB slows writers to while stalling, per second (0: no stall)");
        counter(
                r,
                store,
                "poplar.store.commits",
                null,
                s -> s.statistics().commitsRequested(),
                "Store changes committed durably");
        counter(
                r,
                store,
                "poplar.store.write.groups",
                null,
                s -> s.statistics().writeGroups(),
                "Synced write batches (one group commit each)");
        counter(r, store, "poplar.store.wal.syncs", null, s -> s.statistics().walSyncs(), "WAL fsyncs");
        counter(
                r,
                store,
                "poplar.store.write",
                "seconds",
                s -> s.statistics().writeNanos() / 1e9,
                "Time spent in synced writes; divide by write groups for the mean");
        counter(r, store, "poplar.store.errors", null, s -> s.statistics().writeErrors(), "Failed store writes");
    }

    private static void engine(
            MeterRegistry r, StoreAdministration store, String name, String unit, StoreGauge g, String help) {
        gauge(r, store, name, unit, s -> s.gauge(g), help);
    }

    private static void gauge(
            MeterRegistry r,
            StoreAdministration store,
            String name,
            String unit,
            ToDoubleFunction<StoreAdministration> f,
            String help) {
        Gauge.Builder<StoreAdministration> b = Gauge.builder(name, store, f).description(help);
        if (unit != null) {
            b.baseUnit(unit);
        }
        b.register(r);
    }

    private static void counter(
            MeterRegistry r,
            StoreAdministration store,
            String name,
            String unit,
            ToDoubleFunction<StoreAdministration> f,
            String help) {
        FunctionCounter.Builder<StoreAdministration> b =
                FunctionCounter.builder(name, store, f).description(help);
        if (unit != null) {
            b.baseUnit(unit);
        }
        b.register(r);
    }
}
