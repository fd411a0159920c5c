package dev.poplar.lmtp;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Incremental command-line reader: one line (without its CRLF or LF) per call, null while a line
 * is incomplete. An over-long line is swallowed to its end and returned as {@link LmtpInput.TooLong}.
 */
final class LineReader {
    /** RFC 5321 section 4.5.3.1.4 allows 512 octets; parameters (SIZE, BODY) fit well within this. */
    static final int MAX_LINE = 2048;

    private static final LmtpInput TOO_LONG = new LmtpInput.TooLong();

    private final byte[] line = new byte[MAX_LINE];
    private int length;
    private boolean overlong;

    LmtpInput next(ByteBuffer in) {
        while (in.hasRemaining()) {
            byte b = in.get();
            if (b == '\n') {
                int len = length > 0 && line[length - 1] == '\r' ? length - 1 : length;
                LmtpInput result =
                        overlong ? TOO_LONG : new LmtpInput.Line(new String(line, 0, len, StandardCharsets.UTF_8));
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
