package dev.poplar.pop3;

import dev.poplar.storage.BufferPool;
import dev.poplar.storage.ChunkReader;
import dev.poplar.storage.StoreException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Serialises replies (RFC 1939 section 3): a status line ending in CRLF, multi-line bodies with
 * lines starting with '.' doubled and a final ".CRLF". Output is buffered and flushed only when
 * asked, so a pipelined batch (RFC 2449 section 6.6) leaves in as few segments as possible.
 */
public final class ReplyWriter {
    static final int BUFFER_SIZE = 8192;
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] TERMINATOR = {'.', '\r', '\n'};

    /**
     * Write buffers are borrowed at the first write of a batch and returned at flush, so an idle
     * session (most of them, most of the time) holds none: 8 KiB less per idle connection, and
     * still no allocation per reply.
     */
    private static final BufferPool POOL = new BufferPool(BUFFER_SIZE, 4096);

    private final OutputStream out;
    private byte[] buf;
    private int count;
    private long bytesWritten;
    private final Sink sink = new Sink();

    public ReplyWriter(OutputStream out) {
        this.out = out;
    }

    /** Writes {@code reply}; for a Message reply, returns the message bytes sent. */
    public long write(Reply reply) throws IOException, StoreException {
        switch (reply) {
            case Reply.Ok ok -> statusLine("+OK", ResponseCode.NONE, ok.text());
            case Reply.Err err -> statusLine("-ERR", err.code(), err.text());
            case Reply.Continue c -> {
                ascii(c.base64().isEmpty() ? "+ " : "+ " + c.base64());
                raw(CRLF, 0, 2);
            }
            case Reply.MultiLine ml -> {
                statusLine("+OK", ResponseCode.NONE, ml.text());
                ml.lines().writeTo(sink);
                raw(TERMINATOR, 0, TERMINATOR.length);
            }
            case Reply.Message m -> {
                statusLine("+OK", ResponseCode.NONE, m.text());
                long sent = message(m);
                raw(TERMINATOR, 0, TERMINATOR.length);
                return sent;
            }
        }
        return 0;
    }

    private void statusLine(String status, ResponseCode code, String text) throws IOException {
        ascii(status);
        if (code.text() != null) {
            ascii(" [");
            ascii(code.text());
            ascii("]");
        }
        if (text != null && !text.isEmpty()) {
            ascii(" ");
            utf8(text);
        }
        raw(CRLF, 0, 2);
    }

    /**
     * Copies stored wire-form chunks (already CRLF and dot-stuffed, ending in CRLF). For TOP,
     * stops after the header section and {@code bodyLines} more lines (RFC 1939 section 7).
     */
    private long message(Reply.Message m) throws IOException, StoreException {
        long header = m.headerWireLength();
        int linesLeft = m.bodyLines().orElse(-1);
        long position = 0;
        try (ChunkReader reader = m.reader()) {
            for (int length; (length = reader.next()) >= 0; ) {
                byte[] chunk = reader.buffer();
                int end = length;
                boolean done = false;
                if (linesLeft >= 0 && header - position <= end) {
                    int i = (int) Math.max(0, header - position);
                    while (linesLeft > 0 && i < end) {
                        if (chunk[i++] == '\n') {
                            linesLeft--;
                        }
                    }
                    if (linesLeft == 0) {
                        end = i;
                        done = true;
                    }
                }
                raw(chunk, 0, end);
                position += end;
                if (done) {
                    break;
                }
            }
        }
        return position;
    }

    public void flush() throws IOException {
        if (count > 0) {
            out.write(buf, 0, count);
            bytesWritten += count;
            count = 0;
        }
        if (buf != null) {
            POOL.release(buf);
            buf = null;
        }
        out.flush();
    }

    /** Bytes handed to the socket so far. */
    public long bytesWritten() {
        return bytesWritten + count;
    }

    private void raw(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return;
        }
        if (buf == null) {
            buf = POOL.borrow();
        }
        if (len >= BUFFER_SIZE) {
            if (count > 0) {
                out.write(buf, 0, count);
                bytesWritten += count;
                count = 0;
            }
            out.write(b, off, len);
            bytesWritten += len;
            return;
        }
        if (count + len > BUFFER_SIZE) {
            out.write(buf, 0, count);
            bytesWritten += count;
            count = 0;
        }
        System.arraycopy(b, off, buf, count, len);
        count += len;
    }

    private void ascii(String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        raw(b, 0, b.length);
    }

    private void utf8(String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        raw(b, 0, b.length);
    }

    private final class Sink implements Reply.LineSink {
        private final byte[] scratch = new byte[48];

        @Override
        public void line(String line) throws IOException {
            if (line.startsWith(".")) {
                raw(TERMINATOR, 0, 1); // dot-stuffing, RFC 1939 section 3
            }
            utf8(line);
            raw(CRLF, 0, 2);
        }

        @Override
        public void line(long a, long b) throws IOException {
            int n = decimal(a, scratch, 0);
            scratch[n++] = ' ';
            n = decimal(b, scratch, n);
            scratch[n++] = '\r';
            scratch[n++] = '\n';
            raw(scratch, 0, n);
        }

        @Override
        public void line(long a, byte[] prefix, long b) throws IOException {
            int n = decimal(a, scratch, 0);
            scratch[n++] = ' ';
            raw(scratch, 0, n);
            raw(prefix, 0, prefix.length);
            n = decimal(b, scratch, 0);
            scratch[n++] = '\r';
            scratch[n++] = '\n';
            raw(scratch, 0, n);
        }

        @Override
        public void line(long a, String b) throws IOException {
            int n = decimal(a, scratch, 0);
            scratch[n++] = ' ';
            raw(scratch, 0, n);
            ascii(b);
            raw(CRLF, 0, 2);
        }
    }

    /** Writes a non-negative decimal into {@code out} at {@code pos}; returns the new position. */
    static int decimal(long v, byte[] out, int pos) {
        if (v == 0) {
            out[pos] = '0';
            return pos + 1;
        }
        int digits = 0;
        for (long t = v; t > 0; t /= 10) {
            digits++;
        }
        for (int i = pos + digits - 1; i >= pos; i--) {
            out[i] = (byte) ('0' + v % 10);
            v /= 10;
        }
        return pos + digits;
    }
}
