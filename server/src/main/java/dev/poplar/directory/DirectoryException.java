package dev.poplar.directory;

import dev.poplar.storage.StoreException;

/**
 * A directory could not answer: unreachable, too slow, or it answered something unusable. Always
 * temporary for the client (RFC 3206 [SYS/TEMP], RFC 3463 4.4.3 "directory server failure"): the
 * user's password or existence is unknown, not wrong. A {@link StoreException} so that every
 * caller that already turns store failures into "try again later" does the same for this.
 */
public final class DirectoryException extends StoreException {
    private final String directory;

    public DirectoryException(String directory, String message, Throwable cause) {
        super(directory + " directory: " + message, true, cause);
        this.directory = directory;
    }

    public DirectoryException(String directory, String message) {
        this(directory, message, null);
    }

    /** The directory's name (poplar.directory.chain). */
    public String directory() {
        return directory;
    }
}
