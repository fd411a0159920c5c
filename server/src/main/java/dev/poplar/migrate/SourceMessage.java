package dev.poplar.migrate;

import java.nio.file.Path;

/**
 * One message as the old server presents it over POP3: its UIDL, its place in the listing (the
 * list is in POP3 order), the file that holds its bytes, and when it was received.
 */
public record SourceMessage(String uidl, Path file, long receivedMillis) {
}
