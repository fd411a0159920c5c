package dev.poplar.lmtp;

import dev.poplar.storage.WireMessageBuilder;
import java.nio.ByteBuffer;

/**
 * Streams the DATA section (RFC 5321 section 4.5.2) into a {@link WireMessageBuilder}: removes
 * the transparency dot at the start of a line and stops at the end-of-data line. Works on any
 * split of the input and on lines of any length, holding no line itself.
 *
 * <p>Only {@code <CR><LF>.<CR><LF>} ends the data (RFC 5321 section 4.1.1.4; DESIGN invariant
 * 10), so no bare LF or CR can end a message early and smuggle what follows in as commands. A
 * bare LF or a bare CR in the content is normalised to CRLF (what Postfix 3.9's
 * {@code smtpd_forbid_bare_newline = normalize} does for LF): the stored message has CRLF line
 * ends only, so no POP3 client that splits lines on a lone CR can be fooled by it either. A dot
 * after such a bare line end is data, not transparency: the sender only stuffs after CRLF.
 *
 * <p>It also measures each line against {@code maxLine} (RFC 5321 section 4.5.3.1.6 allows 1,000
 * octets with the CRLF; the limit is a tolerant multiple) and the whole input against
 * {@code maxInput}, beyond which the session stops reading and closes.
 */
final class DataDecoder {
    private enum State {
        /** After CRLF (or at the start): a '.' here is transparency or the end. */
        LINE_START,
        /** Inside a line (or after a bare line end). */
        MID,
        /** After a CR whose meaning the next byte decides. */
        CR,
        /** After a '.' at a line start. */
        DOT,
        /** After ".CR" at a line start. */
        DOT_CR
    }

    private final long maxLine;
    private final long maxInput;
    private State state = State.LINE_START;
    private long lineLength;
    private long longestLine;
    private long inputOctets;

    DataDecoder(long maxLine, long maxInput) {
        this.maxLine = maxLine;
        this.maxInput = maxInput;
    }

    /** A decoder without limits (tests). */
    DataDecoder() {
        this(Long.MAX_VALUE, Long.MAX_VALUE);
    }

    /**
     * Feeds input; returns true once the end-of-data line was consumed ({@code in} is then left
     * at the first byte after it) or once more than {@code maxInput} octets were read (see
     * {@link #inputExceeded()}).
     */
    boolean feed(ByteBuffer in, WireMessageBuilder out) {
        byte[] a = in.array();
        int base = in.arrayOffset();
        int pos = base + in.position();
        int end = base + in.limit();
        int run = pos; // start of content not yet handed to the builder
        while (pos < end) {
            if (state == State.MID) {
                // The common case, most bytes of a message: skip to the next CR or LF.
                while (pos < end && a[pos] != '\r' && a[pos] != '\n') {
                    pos++;
                }
                if (pos == end) {
                    break;
                }
            }
            byte b = a[pos];
            switch (state) {
                case LINE_START, MID -> {
                    if (b == '\r') {
                        emit(out, a, run, pos);
                        state = State.CR;
                        run = pos + 1;
                    } else if (b == '\n') {
                        emit(out, a, run, pos);
                        lineEnd(out, State.MID); // bare LF: a line end, not an SMTP line start
                        run = pos + 1;
                    } else if (b == '.' && state == State.LINE_START) {
                        state = State.DOT;
                        run = pos + 1;
                    } else {
                        state = State.MID;
                    }
                }
                case CR -> {
                    if (b == '\n') {
                        lineEnd(out, State.LINE_START);
                        run = pos + 1;
                    } else {
                        lineEnd(out, State.MID); // bare CR: normalised to a line end
                        run = pos;
                        continue; // this byte starts the next line
                    }
                }
                case DOT -> {
                    if (b == '\r') {
                        state = State.DOT_CR;
                        run = pos + 1;
                    } else {
                        state = State.MID; // the dot was transparency: dropped
                        run = pos;
                        continue;
                    }
                }
                case DOT_CR -> {
                    if (b == '\n') {
                        in.position(pos + 1 - base);
                        return true; // CRLF "." CRLF
                    }
                    state = State.CR; // ".CR" then not LF: dot dropped, the CR is a bare one
                    run = pos;
                    continue;
                }
            }
            pos++;
        }
        if (state == State.LINE_START || state == State.MID) {
            emit(out, a, run, end);
        }
        inputOctets += end - (base + in.position());
        in.position(end - base);
        return inputExceeded();
    }

    private void emit(WireMessageBuilder out, byte[] a, int from, int to) {
        if (to > from) {
            out.appendContent(a, from, to - from);
            lineLength += to - from;
            longestLine = Math.max(longestLine, lineLength);
        }
    }

    private void lineEnd(WireMessageBuilder out, State next) {
        out.endLine();
        lineLength = 0;
        state = next;
    }

    /** True once more than {@code maxInput} octets of DATA were read without an end. */
    boolean inputExceeded() {
        return inputOctets > maxInput;
    }

    /** True when some line of the content was longer than {@code maxLine} octets (without its end). */
    boolean lineTooLong() {
        return longestLine > maxLine;
    }
}
