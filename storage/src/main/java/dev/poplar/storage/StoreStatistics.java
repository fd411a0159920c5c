package dev.poplar.storage;

/** Store counters: how many durable commits were requested and how many WAL syncs served them. */
public record StoreStatistics(long commitsRequested, long walSyncs, long writeGroups) {
}
