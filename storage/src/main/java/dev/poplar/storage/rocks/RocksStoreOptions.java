package dev.poplar.storage.rocks;

/**
 * Tuning of the RocksDB store.
 *
 * @param blockCacheBytes shared LRU block cache for all column families
 * @param blobFiles       keep message bodies in blob files (BlobDB) so compaction does not
 *                        rewrite message bytes
 */
public record RocksStoreOptions(long blockCacheBytes, boolean blobFiles) {
    public static RocksStoreOptions defaults() {
        return new RocksStoreOptions(64L * 1024 * 1024, true);
    }
}
