package dev.poplar.pop3;

import dev.poplar.storage.StoreException;

/**
 * Store failures as RFC 3206 replies: [SYS/TEMP] when a retry may work, else [SYS/PERM]. A user
 * directory that cannot answer is always [SYS/TEMP], never "wrong password".
 */
final class StoreErrors {
    private StoreErrors() {}

    static Reply.Err reply(StoreException e) {
        if (e instanceof dev.poplar.directory.DirectoryException) {
            return new Reply.Err(ResponseCode.SYS_TEMP, "User directory unavailable, try again later");
        }
        return e.temporary()
                ? new Reply.Err(ResponseCode.SYS_TEMP, "Mail store unavailable, try again later")
                : new Reply.Err(ResponseCode.SYS_PERM, "Mail store error: " + e.getMessage());
    }
}
