package dev.poplar.storage;

/**
 * A store operation failed. {@link #temporary()} tells the protocols which response code to
 * give: RFC 3206 [SYS/TEMP] (retry later, e.g. disk full) or [SYS/PERM].
 */
public class StoreException extends Exception {
    private final boolean temporary;

    public StoreException(String message, boolean temporary, Throwable cause) {
        super(message, cause);
        this.temporary = temporary;
    }

    public StoreException(String message, boolean temporary) {
        this(message, temporary, null);
    }

    public boolean temporary() {
        return temporary;
    }
}
