package dev.poplar.net;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * A socket output stream that tells the listener's watchdog when a write started, so a client
 * that stops reading (a blocked write never times out on its own in Java) can be cut off. It also
 * counts the bytes written, for the session summary.
 */
public final class WatchedOutputStream extends FilterOutputStream {
    private final Connection connection;
    private long written;

    public WatchedOutputStream(OutputStream out, Connection connection) {
        super(out);
        this.connection = connection;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        connection.writeStarted(System.nanoTime());
        try {
            out.write(b, off, len);
            written += len;
        } finally {
            connection.writeStarted(0);
        }
    }

    /** Bytes handed to the socket so far. */
    public long written() {
        return written;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void flush() throws IOException {
        connection.writeStarted(System.nanoTime());
        try {
            out.flush();
        } finally {
            connection.writeStarted(0);
        }
    }
}
