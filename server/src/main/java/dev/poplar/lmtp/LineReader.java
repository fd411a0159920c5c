package dev.poplar.lmtp;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Incremental command-line reader: one line (without its CRLF or LF) per call, null while a line
 * is incomplete. An over-long line is swallowed to its end and returned as {@link #TOO_LONG}.
 */
final class LineReader {
    /** RFC 5321 section 4.5.3.1.4 allows 512 octets; parameters (SIZE, BODY) fit well within this. */
    static final int MAX_LINE = 2048;
    static final String TOO_LONG = "\u0000too long";

    private final byte[] line = new byte[MAX_LINE];
    private int length;
    private boolean overlong;

    String next(ByteBuffer in) {
        while (in.hasRemaining()) {
            byte b = in.get();
            if (b == '\n') {
                int len = length > 0 && line[length - 1] == '\r' ? length - 1 : length;
                String result = overlong ? TOO_LONG : new String(line, 0, len, StandardCharsets.UTF_8);
                length = 0;
                overlong = false;
                return result;
            }
            if (overlong) {
                continue;
            }
            if (length == line.length) {
                overlong = true;
                continue;
            }
            line[length++] = b;
        }
        return null;
    }
}
