package dev.poplar.lmtp;

import dev.poplar.storage.WireMessageBuilder;
import java.nio.ByteBuffer;

/**
 * Streams the DATA section (RFC 5321 section 4.5.2) into a {@link WireMessageBuilder}: removes
 * the transparency dot at the start of a line and stops at the "." line. Works on any split of
 * the input and on lines of any length, holding no more than the builder does.
 */
final class DataDecoder {
    private boolean lineStart = true;
    /** 0: normal; 1: a '.' began this line; 2: ".\r" began this line. */
    private int dot;

    /** Feeds input; returns true once the end-of-data line was consumed. */
    boolean feed(ByteBuffer in, WireMessageBuilder out) {
        byte[] a = in.array();
        int pos = in.arrayOffset() + in.position();
        int end = in.arrayOffset() + in.limit();
        int runStart = pos;
        while (pos < end) {
            byte b = a[pos];
            if (dot == 1) {
                if (b == '\r') {
                    dot = 2;
                    pos++;
                    runStart = pos;
                    continue;
                }
                if (b == '\n') {
                    in.position(pos + 1 - in.arrayOffset());
                    return true; // ".\n": a lenient end of data
                }
                dot = 0; // the dot was transparency stuffing: dropped
                runStart = pos;
            } else if (dot == 2) {
                if (b == '\n') {
                    in.position(pos + 1 - in.arrayOffset());
                    return true; // ".\r\n"
                }
                dot = 0;
                out.appendRaw(CR, 0, 1);
                runStart = pos;
            }
            if (lineStart && b == '.') {
                out.appendRaw(a, runStart, pos - runStart);
                dot = 1;
                lineStart = false;
                pos++;
                runStart = pos;
                continue;
            }
            lineStart = b == '\n';
            pos++;
        }
        if (dot == 0) {
            out.appendRaw(a, runStart, end - runStart);
        }
        in.position(end - in.arrayOffset());
        return false;
    }

    private static final byte[] CR = {'\r'};
}
