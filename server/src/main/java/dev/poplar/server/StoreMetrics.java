package dev.poplar.server;

import dev.poplar.storage.rocks.RocksMailStore;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.ToDoubleFunction;

/** Store gauges and counters, read from RocksDB properties and the writer's counters at scrape time. */
final class StoreMetrics {
    private StoreMetrics() {
    }

    static void bind(MeterRegistry r, RocksMailStore store) {
        perFamily(r, store, "poplar.store.pending.compaction", "rocksdb.estimate-pending-compaction-bytes",
                "Bytes compaction still has to rewrite");
        perFamily(r, store, "poplar.store.live.data", "rocksdb.estimate-live-data-size", "Estimated live data");
        perFamily(r, store, "poplar.store.sst.files", "rocksdb.total-sst-files-size", "Size of all SST files");
        perFamily(r, store, "poplar.store.blob.files", "rocksdb.total-blob-file-size", "Size of all blob files (bodies)");
        perFamily(r, store, "poplar.store.memtables", "rocksdb.cur-size-all-mem-tables", "Memtable memory");
        gauge(r, store, "poplar.store.block.cache.usage", "bytes", s -> s.dbProperty("rocksdb.block-cache-usage"),
                "Block cache memory in use");
        gauge(r, store, "poplar.store.running.compactions", null, s -> s.dbProperty("rocksdb.num-running-compactions"),
                "Compactions running now");
        gauge(r, store, "poplar.store.write.stopped", null, s -> s.writable() ? 0 : 1,
                "1 while the store refuses writes (RocksDB write stop or a failed write)");
        gauge(r, store, "poplar.store.delayed.write.rate", "bytes", s -> s.dbProperty("rocksdb.actual-delayed-write-rate"),
                "Write rate RocksDB slows writers to while stalling, per second (0: no stall)");
        counter(r, store, "poplar.store.commits", null, s -> s.statistics().commitsRequested(),
                "Store changes committed durably");
        counter(r, store, "poplar.store.write.groups", null, s -> s.statistics().writeGroups(),
                "Synced write batches (one group commit each)");
        counter(r, store, "poplar.store.wal.syncs", null, s -> s.statistics().walSyncs(), "WAL fsyncs");
        counter(r, store, "poplar.store.write", "seconds", s -> s.statistics().writeNanos() / 1e9,
                "Time spent in synced writes; divide by write groups for the mean");
        counter(r, store, "poplar.store.errors", null, s -> s.statistics().writeErrors(), "Failed store writes");
    }

    private static void perFamily(MeterRegistry r, RocksMailStore store, String name, String property, String help) {
        gauge(r, store, name, "bytes", s -> s.longProperty(property), help);
    }

    private static void gauge(MeterRegistry r, RocksMailStore store, String name, String unit,
                              ToDoubleFunction<RocksMailStore> f, String help) {
        Gauge.Builder<RocksMailStore> b = Gauge.builder(name, store, f).description(help);
        if (unit != null) {
            b.baseUnit(unit);
        }
        b.register(r);
    }

    private static void counter(MeterRegistry r, RocksMailStore store, String name, String unit,
                                ToDoubleFunction<RocksMailStore> f, String help) {
        FunctionCounter.Builder<RocksMailStore> b = FunctionCounter.builder(name, store, f).description(help);
        if (unit != null) {
            b.baseUnit(unit);
        }
        b.register(r);
    }
}
