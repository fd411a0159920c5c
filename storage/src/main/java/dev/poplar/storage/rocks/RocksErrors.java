package dev.poplar.storage.rocks;

import dev.poplar.storage.StoreException;
import org.rocksdb.RocksDBException;
import org.rocksdb.Status;

/** Maps RocksDB status codes (never message text) to temporary or permanent store errors. */
final class RocksErrors {
    private RocksErrors() {}

    static StoreException map(String operation, RocksDBException e) {
        Status status = e.getStatus();
        if (status == null) {
            return new StoreException(operation + " failed: " + e.getMessage(), true, e);
        }
        if (status.getSubCode() == Status.SubCode.NoSpace) {
            return StoreException.diskFull(operation + " failed: disk full", e);
        }
        boolean temporary = switch (status.getCode()) {
            case IOError, Busy, TryAgain, TimedOut, Aborted, Incomplete, ShutdownInProgress -> true;
            default -> false;
        };
        return new StoreException(operation + " failed: " + status.getCodeString(), temporary, e);
    }
}
