package dev.poplar.migrate;

import java.io.IOException;

/**
 * One message as the old server presents it over POP3: its UIDL (its place is its place in the
 * listing, which is in POP3 order), where it comes from (for reports), and a way to read its bytes
 * and when it was received.
 */
public interface SourceMessage {
    String uidl();

    /** A file path, or "message 3 on pop3s://old.example": what a report names. */
    String where();

    /** The raw message and its received time (milliseconds). */
    Fetched fetch() throws IOException;

    record Fetched(byte[] raw, long receivedMillis) {}

    /** This message cannot be migrated at all (a rerun would not help), for the reason given. */
    final class Unusable extends IOException {
        public Unusable(String reason) {
            super(reason);
        }
    }
}
