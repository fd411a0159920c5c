package dev.poplar.storage;

import java.util.ArrayList;
import java.util.List;

/**
 * A message in POP3 wire form: CRLF line ends, lines starting with '.' doubled (RFC 1939
 * section 3), held in chunks of at most {@link #CHUNK_SIZE} bytes, without the final ".CRLF".
 * {@code octets} is the RFC 1939 size (CRLF octets before dot-stuffing), so LIST and STAT never
 * read a body and RETR copies chunks to the socket untouched.
 */
public final class WireMessage {
    /** Body chunk size: bounds the memory a RETR needs whatever the message size. */
    public static final int CHUNK_SIZE = 64 * 1024;

    private final List<byte[]> chunks;
    private final long wireLength;
    private final long octets;
    private final long headerWireLength;

    WireMessage(List<byte[]> chunks, long wireLength, long octets, long headerWireLength) {
        this.chunks = List.copyOf(chunks);
        this.wireLength = wireLength;
        this.octets = octets;
        this.headerWireLength = headerWireLength;
    }

    /** Chunks in order; each is full ({@link #CHUNK_SIZE}) except possibly the last. */
    public List<byte[]> chunks() {
        return chunks;
    }

    public long wireLength() {
        return wireLength;
    }

    public long octets() {
        return octets;
    }

    public long headerWireLength() {
        return headerWireLength;
    }

    public int chunkCount() {
        return chunks.size();
    }

    /** Chunk {@code i} trimmed to its used length. */
    public int chunkLength(int i) {
        return (int) Math.min(CHUNK_SIZE, wireLength - (long) i * CHUNK_SIZE);
    }

    /**
     * This message with CRLF-terminated header lines in front (e.g. Return-Path, Delivered-To).
     * The lines must not start with '.', as header field names cannot.
     */
    public WireMessage withPrefix(byte[] headerLines) {
        if (headerLines.length == 0) {
            return this;
        }
        if (headerLines[0] == '.' || headerLines[headerLines.length - 1] != '\n') {
            throw new IllegalArgumentException("prefix must be whole header lines");
        }
        ChunkSink sink = new ChunkSink();
        sink.write(headerLines, 0, headerLines.length);
        for (int i = 0; i < chunks.size(); i++) {
            sink.write(chunks.get(i), 0, chunkLength(i));
        }
        return new WireMessage(
                sink.finish(),
                wireLength + headerLines.length,
                octets + headerLines.length,
                headerWireLength + headerLines.length);
    }

    /** The wire bytes as one array (tests and small messages only). */
    public byte[] toByteArray() {
        byte[] out = new byte[Math.toIntExact(wireLength)];
        for (int i = 0; i < chunks.size(); i++) {
            System.arraycopy(chunks.get(i), 0, out, i * CHUNK_SIZE, chunkLength(i));
        }
        return out;
    }

    /** Collects bytes into fixed-size chunks. */
    static final class ChunkSink {
        private final List<byte[]> chunks = new ArrayList<>();
        private byte[] current;
        private int used;

        void write(byte[] b, int off, int len) {
            while (len > 0) {
                if (current == null) {
                    current = new byte[Math.min(CHUNK_SIZE, Math.max(256, len))];
                    used = 0;
                } else if (used == current.length) {
                    if (current.length < CHUNK_SIZE) {
                        grow(used + len);
                    } else {
                        chunks.add(current);
                        current = new byte[Math.min(CHUNK_SIZE, Math.max(256, len))];
                        used = 0;
                    }
                }
                if (used + len > current.length && current.length < CHUNK_SIZE) {
                    grow(used + len);
                }
                int n = Math.min(len, current.length - used);
                System.arraycopy(b, off, current, used, n);
                used += n;
                off += n;
                len -= n;
            }
        }

        private final byte[] one = new byte[1];

        void write(byte b) {
            one[0] = b;
            write(one, 0, 1);
        }

        private void grow(int needed) {
            int size = Math.min(CHUNK_SIZE, Math.max(needed, current.length * 2));
            current = java.util.Arrays.copyOf(current, size);
        }

        List<byte[]> finish() {
            if (current != null && used > 0) {
                chunks.add(used == current.length ? current : java.util.Arrays.copyOf(current, used));
            }
            current = null;
            return chunks;
        }
    }
}
