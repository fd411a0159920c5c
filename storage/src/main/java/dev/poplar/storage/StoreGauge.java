package dev.poplar.storage;

/** Resource gauges of the storage engine, exported as metrics (docs/operations.md). */
public enum StoreGauge {
    /** Bytes compaction still has to rewrite. */
    PENDING_COMPACTION_BYTES,
    /** Estimated live data, bytes. */
    LIVE_DATA_BYTES,
    /** Size of all sorted-table files, bytes. */
    TABLE_FILE_BYTES,
    /** Size of all blob files (message bodies), bytes. */
    BLOB_FILE_BYTES,
    /** Memory held by write buffers (memtables), bytes. */
    WRITE_BUFFER_BYTES,
    /** Block cache memory in use, bytes. */
    BLOCK_CACHE_BYTES,
    /** Compactions running now. */
    RUNNING_COMPACTIONS,
    /** The rate writers are slowed to while the engine stalls, bytes per second (0: no stall). */
    DELAYED_WRITE_RATE
}
