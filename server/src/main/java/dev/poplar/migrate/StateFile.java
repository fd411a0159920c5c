package dev.poplar.migrate;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The old server's POP3 state file of one mailbox (Dovecot's dovecot-uidlist, Courier's
 * courierpop3dsizelist), read with a bound: a line is ~60 bytes per message, so a mailbox of a
 * million messages needs ~60 MB; a larger file is not a state file and is refused, mailbox named,
 * rather than read whole into memory. Latin-1, so any byte reads as one character.
 */
final class StateFile {
    static final long MAX_BYTES = 256L << 20;

    private StateFile() {}

    static List<String> lines(Path file) throws IOException {
        long size = Files.size(file);
        if (size > MAX_BYTES) {
            throw new IOException(file + " is " + (size >> 20) + " MiB, over the " + (MAX_BYTES >> 20)
                    + " MiB a POP3 state file of even a million messages needs; not migrated");
        }
        return Files.readAllLines(file, StandardCharsets.ISO_8859_1);
    }
}
