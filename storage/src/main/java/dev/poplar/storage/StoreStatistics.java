package dev.poplar.storage;

/**
 * Store counters for tests and metrics.
 *
 * @param commitsRequested changes committed (each caller's operation counts once)
 * @param walSyncs         WAL syncs RocksDB performed for them
 * @param writeGroups      synced write batches (group commits)
 * @param writeNanos       total time spent in those writes
 * @param writeErrors      write groups that failed
 * @param lastWriteFailed  true while the most recent write group failed
 */
public record StoreStatistics(
        long commitsRequested,
        long walSyncs,
        long writeGroups,
        long writeNanos,
        long writeErrors,
        boolean lastWriteFailed) {}
