package dev.poplar.storage.rocks;

import dev.poplar.storage.StoreException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.Cache;
import org.rocksdb.ChecksumType;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.LRUCache;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.Statistics;
import org.rocksdb.StatsLevel;

/** The open database, its column families and every native object that must be closed with it. */
final class RocksHandle implements AutoCloseable {
    static {
        RocksDB.loadLibrary();
    }

    private final RocksDB db;
    private final ColumnFamilies cf;
    private final Statistics statistics;
    private final List<AutoCloseable> resources;

    private RocksHandle(RocksDB db, ColumnFamilies cf, Statistics statistics, List<AutoCloseable> resources) {
        this.db = db;
        this.cf = cf;
        this.statistics = statistics;
        this.resources = resources;
    }

    static RocksHandle open(Path dir, RocksStoreOptions options) throws StoreException {
        List<AutoCloseable> resources = new ArrayList<>();
        try {
            Cache cache = track(resources, new LRUCache(options.blockCacheBytes()));
            Statistics statistics = track(resources, new Statistics());
            // With an SstFileManager, RocksDB recovers by itself from "no space" errors once space
            // returns (its error handler polls for it), instead of staying read-only until reopened.
            org.rocksdb.SstFileManager files =
                    track(resources, new org.rocksdb.SstFileManager(org.rocksdb.Env.getDefault()));
            statistics.setStatsLevel(StatsLevel.EXCEPT_DETAILED_TIMERS);
            DBOptions dbOptions = track(
                    resources,
                    new DBOptions()
                            .setCreateIfMissing(true)
                            .setCreateMissingColumnFamilies(true)
                            .setMaxBackgroundJobs(2)
                            .setKeepLogFileNum(5)
                            .setInfoLogLevel(InfoLogLevel.WARN_LEVEL)
                            .setStatistics(statistics)
                            .setSstFileManager(files));

            ColumnFamilyOptions small = track(resources, family(resources, cache, false));
            ColumnFamilyOptions keyed = track(resources, family(resources, cache, true));
            ColumnFamilyOptions bodies = track(resources, family(resources, cache, true));
            // Bodies are read far more often than written and stored once in wire form: no block
            // compression, so a RETR is a checksum (XXH3) and a copy, not a decompression.
            bodies.setCompressionType(CompressionType.NO_COMPRESSION);
            if (options.blobFiles()) {
                // BlobDB: chunk values go to blob files, so compaction moves keys, not message bytes.
                bodies.setEnableBlobFiles(true).setMinBlobSize(4096).setEnableBlobGarbageCollection(true);
            }
            List<ColumnFamilyDescriptor> descriptors = List.of(
                    new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, small),
                    new ColumnFamilyDescriptor(ColumnFamilies.ACCOUNTS.getBytes(), small),
                    new ColumnFamilyDescriptor(ColumnFamilies.MAILBOXES.getBytes(), small),
                    new ColumnFamilyDescriptor(ColumnFamilies.INDEX.getBytes(), keyed),
                    new ColumnFamilyDescriptor(ColumnFamilies.BODIES.getBytes(), bodies));
            List<ColumnFamilyHandle> handles = new ArrayList<>();
            RocksDB db = RocksDB.open(dbOptions, dir.toString(), descriptors, handles);
            ColumnFamilies cf =
                    new ColumnFamilies(handles.get(0), handles.get(1), handles.get(2), handles.get(3), handles.get(4));
            // Close order: handles, then the db, then options and caches.
            List<AutoCloseable> ordered = new ArrayList<>(handles);
            ordered.add(db);
            ordered.addAll(resources.reversed());
            return new RocksHandle(db, cf, statistics, ordered);
        } catch (RocksDBException e) {
            closeAll(resources.reversed());
            throw RocksErrors.map("open " + dir, e);
        }
    }

    private static ColumnFamilyOptions family(List<AutoCloseable> resources, Cache cache, boolean prefixed) {
        BlockBasedTableConfig table = new BlockBasedTableConfig()
                .setBlockCache(cache)
                .setChecksumType(ChecksumType.kXXH3) // fast in the portable JNI build; CRC32C is not
                .setFilterPolicy(track(resources, new BloomFilter(10)))
                .setCacheIndexAndFilterBlocks(true)
                .setPinL0FilterAndIndexBlocksInCache(true);
        ColumnFamilyOptions o = new ColumnFamilyOptions().setTableFormatConfig(table);
        if (prefixed) {
            o.useFixedLengthPrefixExtractor(Keys.PREFIX_LENGTH);
        }
        return o;
    }

    private static <T extends AutoCloseable> T track(List<AutoCloseable> resources, T resource) {
        resources.add(resource);
        return resource;
    }

    RocksDB db() {
        return db;
    }

    ColumnFamilies cf() {
        return cf;
    }

    Statistics statistics() {
        return statistics;
    }

    long longProperty(String property) {
        long sum = 0;
        for (ColumnFamilyHandle h : List.of(cf.meta(), cf.accounts(), cf.mailboxes(), cf.index(), cf.bodies())) {
            try {
                sum += db.getLongProperty(h, property);
            } catch (RocksDBException e) {
                return -1;
            }
        }
        return sum;
    }

    long dbProperty(String property) {
        try {
            return db.getLongProperty(cf.meta(), property);
        } catch (RocksDBException e) {
            return -1;
        }
    }

    /**
     * Flushes every memtable to SST files before closing, so the next start replays no WAL (after
     * 300,000 writes that replay cost 1.3-1.6 s and 95 MB at start-up). Everything is durable in
     * the WAL already; a failed flush only means the next start replays, as after a crash.
     */
    @Override
    public void close() {
        try (org.rocksdb.FlushOptions flush = new org.rocksdb.FlushOptions().setWaitForFlush(true)) {
            db.flush(flush, List.of(cf.meta(), cf.accounts(), cf.mailboxes(), cf.index(), cf.bodies()));
        } catch (RocksDBException | RuntimeException e) {
            // the WAL holds it all; the next open replays it
        }
        closeAll(resources);
    }

    private static void closeAll(List<AutoCloseable> resources) {
        for (AutoCloseable r : resources) {
            try {
                if (r instanceof RocksDB db) {
                    db.closeE();
                } else {
                    r.close();
                }
            } catch (Exception e) {
                // Closing is best effort; the WAL makes an unclean close safe.
            }
        }
    }
}
