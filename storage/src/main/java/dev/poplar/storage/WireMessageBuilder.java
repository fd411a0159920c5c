package dev.poplar.storage;

/**
 * Builds a {@link WireMessage} from lines (LMTP DATA after un-stuffing) or from raw bytes with
 * any line ends (files, mbox, Maildir). Adds CRLF, dot-stuffs, counts the RFC 1939 size and finds
 * the end of the header section, in one pass with no per-message copy beyond the chunks.
 *
 * <p>Beyond {@code maxOctets} it keeps counting but stops storing, so that an LMTP session can
 * read the rest of DATA and answer 552 (RFC 5321 section 4.5.3.1.10) without holding it.
 */
public final class WireMessageBuilder {
    private static final byte[] CRLF = {'\r', '\n'};

    private final long maxOctets;
    private final WireMessage.ChunkSink sink = new WireMessage.ChunkSink();
    private long octets;
    private long wireLength;
    private long headerWireLength = -1;
    private boolean overflowed;
    // Raw mode: a partial line carried between appendRaw calls.
    private byte[] pending = new byte[256];
    private int pendingLength;

    public WireMessageBuilder(long maxOctets) {
        this.maxOctets = maxOctets;
    }

    /** Appends one line given without its line end and without dot-stuffing. */
    public void appendLine(byte[] b, int off, int len) {
        octets += len + 2L;
        if (octets > maxOctets) {
            overflowed = true;
        }
        boolean stuff = len > 0 && b[off] == '.';
        long lineWire = len + 2L + (stuff ? 1 : 0);
        if (!overflowed) {
            if (stuff) {
                sink.write((byte) '.');
            }
            sink.write(b, off, len);
            sink.write(CRLF, 0, 2);
        }
        wireLength += lineWire;
        if (len == 0 && headerWireLength < 0) {
            headerWireLength = wireLength;
        }
    }

    /**
     * Appends raw message bytes. LF and CRLF both end a line; a lone CR is kept as data.
     * Call {@link #build()} at the end; an unterminated last line gets a CRLF.
     */
    public void appendRaw(byte[] b, int off, int len) {
        int end = off + len;
        int start = off;
        for (int i = off; i < end; i++) {
            if (b[i] == '\n') {
                addPending(b, start, i - start);
                int lineLen = pendingLength;
                if (lineLen > 0 && pending[lineLen - 1] == '\r') {
                    lineLen--;
                }
                appendLine(pending, 0, lineLen);
                pendingLength = 0;
                start = i + 1;
            }
        }
        addPending(b, start, end - start);
    }

    private void addPending(byte[] b, int off, int len) {
        if (pendingLength + len > pending.length) {
            pending = java.util.Arrays.copyOf(pending, Math.max(pending.length * 2, pendingLength + len));
        }
        System.arraycopy(b, off, pending, pendingLength, len);
        pendingLength += len;
    }

    public long octets() {
        return octets + pendingLength;
    }

    /** True once the message exceeded {@code maxOctets}; {@link #build()} then fails. */
    public boolean overflowed() {
        return overflowed || octets() > maxOctets;
    }

    public WireMessage build() {
        if (pendingLength > 0) {
            int lineLen = pendingLength;
            if (pending[lineLen - 1] == '\r') {
                lineLen--;
            }
            appendLine(pending, 0, lineLen);
            pendingLength = 0;
        }
        if (overflowed) {
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
