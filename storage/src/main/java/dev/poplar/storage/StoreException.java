package dev.poplar.storage;

/**
 * A store operation failed. {@link #temporary()} tells the protocols which response code to
 * give: RFC 3206 [SYS/TEMP] (retry later, e.g. disk full) or [SYS/PERM].
 */
public class StoreException extends Exception {
    private final boolean temporary;
    private final boolean diskFull;

    public StoreException(String message, boolean temporary, Throwable cause) {
        this(message, temporary, false, cause);
    }

    /** A failure because the disk is full: temporary, and LMTP answers 452 4.3.1 for it. */
    public static StoreException diskFull(String message, Throwable cause) {
        return new StoreException(message, true, true, cause);
    }

    private StoreException(String message, boolean temporary, boolean diskFull, Throwable cause) {
        super(message, cause);
        this.temporary = temporary;
        this.diskFull = diskFull;
    }

    public StoreException(String message, boolean temporary) {
        this(message, temporary, null);
    }

    public boolean temporary() {
        return temporary;
    }

    public boolean diskFull() {
        return diskFull;
    }
}
