package dev.poplar.cli;

import dev.poplar.admin.AdminException;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * A user file read one line at a time, each line bounded: a file of a million users is never in
 * memory whole, and a "line" of a gigabyte without a newline is refused at its first 64 KiB.
 */
final class UserFileLines implements AutoCloseable {
    /** Longer than any name and password, or passwd-file line, that makes sense. */
    static final int MAX_LINE = 64 * 1024;

    private final InputStream in;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
    private int number;

    UserFileLines(InputStream in) {
        this.in = new BufferedInputStream(in, 1 << 16);
    }

    /** The next line without its end (LF or CRLF), or null at the end of the file. */
    String next() throws AdminException {
        line.reset();
        try {
            int b;
            while ((b = in.read()) >= 0 && b != '\n') {
                if (line.size() == MAX_LINE) {
                    throw new AdminException(
                            AdminException.Kind.INVALID,
                            "user file line " + (number + 1) + " is longer than " + MAX_LINE
                                    + " bytes; nothing more was read");
                }
                line.write(b);
            }
            if (b < 0 && line.size() == 0) {
                return null;
            }
        } catch (IOException e) {
            throw new AdminException(
                    AdminException.Kind.INVALID, "cannot read the user file: " + dev.poplar.io.IoErrors.describe(e));
        }
        number++;
        return line.toString(StandardCharsets.UTF_8);
    }

    /** The number of the line {@link #next} returned last, from 1. */
    int number() {
        return number;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
