package dev.poplar.admin;

/** An admin operation failed; {@link #kind()} decides the HTTP status and the CLI exit code. */
public final class AdminException extends Exception {
    public enum Kind {
        /** Bad input: the message says what to fix. HTTP 400, exit 1. */
        INVALID(400, 1),
        /** The message is larger than the configured limit. HTTP 413, exit 1. */
        TOO_LARGE(413, 1),
        /** No such user. HTTP 404, exit 3. */
        NOT_FOUND(404, 3),
        /** The user already exists. HTTP 409, exit 4. */
        CONFLICT(409, 4),
        /** Try again later (store busy, disk full, server unreachable). HTTP 503, exit 75 (EX_TEMPFAIL). */
        UNAVAILABLE(503, 75),
        /** The store or server failed. HTTP 500, exit 70 (EX_SOFTWARE). */
        FAILED(500, 70);

        public final int httpStatus;
        public final int exitCode;

        Kind(int httpStatus, int exitCode) {
            this.httpStatus = httpStatus;
            this.exitCode = exitCode;
        }

        public static Kind ofHttpStatus(int status) {
            for (Kind k : values()) {
                if (k.httpStatus == status) {
                    return k;
                }
            }
            return status >= 500 ? FAILED : INVALID;
        }
    }

    private final Kind kind;

    public AdminException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
