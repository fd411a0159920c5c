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
    /** Multi-line replies and messages go out in segments of up to this size (one write each). */
    static final int LARGE_BUFFER_SIZE = 64 * 1024;

    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] TERMINATOR = {'.', '\r', '\n'};

    /**
     * Write buffers are borrowed at the first write of a batch and returned at flush, so an idle
     * session (most of them, most of the time) holds none: 8 KiB less per idle connection, and
     * still no allocation per reply.
     */
    private static final BufferPool POOL = new BufferPool(BUFFER_SIZE, 4096);
    /**
     * A LIST or UIDL of 10,000 messages is about 300 KB: written from an 8 KiB buffer that was 40
     * writes, each a system call and a wake-up of the reader; 64 KiB segments cut that eightfold.
     */
    private static final BufferPool LARGE_POOL = new BufferPool(LARGE_BUFFER_SIZE, 256);

    private final OutputStream out;
    private byte[] buf;
    private int count;
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
                useLargeBuffer();
                statusLine("+OK", ResponseCode.NONE, ml.text());
                ml.lines().writeTo(sink);
                raw(TERMINATOR, 0, TERMINATOR.length);
            }
            case Reply.Message m -> {
                useLargeBuffer();
                statusLine("+OK", ResponseCode.NONE, m.text());
                long sent = message(m);
                raw(TERMINATOR, 0, TERMINATOR.length);
                return sent;
            }
        }
        return 0;
    }

    /** Moves what is buffered into a large buffer, for a reply that is likely long. */
    private void useLargeBuffer() {
        if (buf != null && buf.length == LARGE_BUFFER_SIZE) {
            return;
        }
        byte[] large = LARGE_POOL.borrow();
        if (buf != null) {
            System.arraycopy(buf, 0, large, 0, count);
            POOL.release(buf);
        }
        buf = large;
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
        drain();
        if (buf != null) {
            (buf.length == LARGE_BUFFER_SIZE ? LARGE_POOL : POOL).release(buf);
            buf = null;
        }
        out.flush();
    }

    private void raw(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return;
        }
        if (len >= buffer().length) {
            drain();
            out.write(b, off, len);
            return;
        }
        room(len);
        System.arraycopy(b, off, buf, count, len);
        count += len;
    }

    /** Makes room for {@code n} (at most the buffer's size) more bytes in the buffer. */
    private void room(int n) throws IOException {
        if (count + n > buffer().length) {
            drain();
        }
    }

    /** The write buffer, borrowed at the first write of a batch. */
    private byte[] buffer() {
        if (buf == null) {
            buf = POOL.borrow();
        }
        return buf;
    }

    /** Writes out what is buffered, keeping the buffer. */
    private void drain() throws IOException {
        if (count > 0) {
            out.write(buf, 0, count);
            count = 0;
        }
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
            room(2 * MAX_DIGITS + 3);
            int n = decimal(a, buf, count);
            buf[n++] = ' ';
            n = decimal(b, buf, n);
            buf[n++] = '\r';
            buf[n++] = '\n';
            count = n;
        }

        @Override
        public void line(long a, byte[] prefix, long b) throws IOException {
            room(2 * MAX_DIGITS + 3 + prefix.length);
            int n = decimal(a, buf, count);
            buf[n++] = ' ';
            for (byte p : prefix) {
                buf[n++] = p;
            }
            n = decimal(b, buf, n);
            buf[n++] = '\r';
            buf[n++] = '\n';
            count = n;
        }

        @Override
        public void line(long a, String b) throws IOException {
            room(MAX_DIGITS + 1);
            count = decimal(a, buf, count);
            buf[count++] = ' ';
            ascii(b);
            raw(CRLF, 0, 2);
        }
    }

    private static final int MAX_DIGITS = 19; // Long.MAX_VALUE
    private static final byte[] TENS = new byte[100];
    private static final byte[] ONES = new byte[100];

    static {
        for (int i = 0; i < 100; i++) {
            TENS[i] = (byte) ('0' + i / 10);
            ONES[i] = (byte) ('0' + i % 10);
        }
    }

    /** Writes a non-negative decimal into {@code out} at {@code pos}; returns the new position. */
    static int decimal(long v, byte[] out, int pos) {
        int end = pos + digits(v);
        int i = end;
        while (v >= 100) { // two digits per division
            int r = (int) (v % 100);
            v /= 100;
            out[--i] = ONES[r];
            out[--i] = TENS[r];
        }
        if (v >= 10) {
            out[--i] = ONES[(int) v];
            out[--i] = TENS[(int) v];
        } else {
            out[--i] = (byte) ('0' + v);
        }
        return end;
    }

    private static int digits(long v) {
        long limit = 10;
        for (int d = 1; d < MAX_DIGITS; d++) {
            if (v < limit) {
                return d;
            }
            limit *= 10;
        }
        return MAX_DIGITS;
    }
}
