package dev.poplar.storage;

/**
 * Builds a {@link WireMessage} from raw bytes with any line ends (LMTP DATA after un-stuffing,
 * files, mbox, Maildir). Adds CRLF, dot-stuffs, counts the RFC 1939 size and finds the end of the
 * header section, in one streaming pass: no line is ever held whole, so a line of any length
 * (1 GiB without a newline) costs no memory beyond the stored chunks, and those stop at
 * {@code maxOctets} (DESIGN invariant 9).
 *
 * <p>Beyond {@code maxOctets} it keeps counting but stops storing, so that an LMTP session can
 * read the rest of DATA and answer 552 (RFC 5321 section 4.5.3.1.10) without holding it.
 */
public final class WireMessageBuilder {
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] CR = {'\r'};
    private static final byte[] DOT = {'.'};

    private final long maxOctets;
    private final WireMessage.ChunkSink sink = new WireMessage.ChunkSink();
    /** RFC 1939 size so far: content octets plus two per ended line. */
    private long octets;

    private long wireLength;
    private long headerWireLength = -1;
    private boolean overflowed;
    /** Content octets of the current, not yet ended line. */
    private long lineLength;
    /** A CR at the end of the last input, whose meaning (line end or data) the next byte decides. */
    private boolean pendingCr;

    public WireMessageBuilder(long maxOctets) {
        this.maxOctets = maxOctets;
    }

    /**
     * Appends raw message bytes. LF and CRLF both end a line; a lone CR is kept as data (callers
     * that must not keep it, LMTP, normalise it first). Call {@link #build()} at the end; an
     * unterminated last line gets a CRLF.
     */
    public void appendRaw(byte[] b, int off, int len) {
        int end = off + len;
        int run = off;
        for (int i = off; i < end; i++) {
            byte c = b[i];
            if (pendingCr) {
                pendingCr = false;
                if (c == '\n') {
                    endLine();
                    run = i + 1;
                    continue;
                }
                content(CR, 0, 1); // a lone CR: data
            }
            if (c == '\r') {
                content(b, run, i - run);
                pendingCr = true;
                run = i + 1;
            } else if (c == '\n') {
                content(b, run, i - run);
                endLine();
                run = i + 1;
            }
        }
        content(b, run, end - run);
    }

    /** Ends the current line: appends CRLF (the stored form's only line end). */
    public void endLine() {
        if (pendingCr) {
            pendingCr = false;
            content(CR, 0, 1);
        }
        octets += 2;
        wireLength += 2;
        store(CRLF, 0, 2);
        if (lineLength == 0 && headerWireLength < 0) {
            headerWireLength = wireLength; // the empty line that ends the header section
        }
        lineLength = 0;
    }

    /**
     * Appends line content that holds no CR or LF (the caller found the line ends, as the LMTP
     * decoder does): no second scan. Lines end with {@link #endLine()}.
     */
    public void appendContent(byte[] b, int off, int len) {
        if (pendingCr) {
            pendingCr = false;
            content(CR, 0, 1);
        }
        content(b, off, len);
    }

    /** Line content (no CR or LF in it): dot-stuffed at the start of a line (RFC 1939 section 3). */
    private void content(byte[] b, int off, int len) {
        if (len == 0) {
            return;
        }
        if (lineLength == 0 && b[off] == '.') {
            wireLength++;
            store(DOT, 0, 1);
        }
        lineLength += len;
        octets += len;
        wireLength += len;
        store(b, off, len);
    }

    private void store(byte[] b, int off, int len) {
        if (octets > maxOctets) {
            overflowed = true;
        }
        if (!overflowed) {
            sink.write(b, off, len);
        }
    }

    /** The RFC 1939 size of what was appended so far (a partial last line counted as ended). */
    public long octets() {
        return octets + (pendingCr ? 1 : 0);
    }

    /** True once the message exceeded {@code maxOctets}; {@link #build()} then fails. */
    public boolean overflowed() {
        return overflowed || octets() > maxOctets;
    }

    public WireMessage build() {
        if (pendingCr) {
            pendingCr = false;
            endLine(); // a CR at the very end ends the last line
        } else if (lineLength > 0) {
            endLine();
        }
        if (overflowed()) {
            throw new IllegalStateException("message exceeds " + maxOctets + " octets");
        }
        long header = headerWireLength < 0 ? wireLength : headerWireLength;
        return new WireMessage(sink.finish(), wireLength, octets, header);
    }

    /** Convenience: the wire form of a whole raw message. */
    public static WireMessage fromRaw(byte[] raw) {
        WireMessageBuilder b = new WireMessageBuilder(Long.MAX_VALUE);
        b.appendRaw(raw, 0, raw.length);
        return b.build();
    }
}
