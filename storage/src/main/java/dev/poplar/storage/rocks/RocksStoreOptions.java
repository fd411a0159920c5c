package dev.poplar.storage.rocks;

/**
 * Tuning of the RocksDB store.
 *
 * @param blockCacheBytes shared LRU block cache for all column families
 * @param blobFiles       keep message bodies in blob files (BlobDB) so compaction does not
 *                        rewrite message bytes. Off by default: blob records are verified with
 *                        CRC32C, which the RocksDB JNI build computes in software (a third of the
 *                        server's CPU under RETR load), while table blocks use XXH3; measured in
 *                        docs/benchmarks.md ("Where the RETR time went").
 */
public record RocksStoreOptions(long blockCacheBytes, boolean blobFiles) {
    public static RocksStoreOptions defaults() {
        return new RocksStoreOptions(64L * 1024 * 1024, false);
    }
}
