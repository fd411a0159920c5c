package dev.poplar.bench.load;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A minimal, strict POP3 client for load: it checks every status line, the multi-line terminator
 * and, for RETR, that the octets received (dot-stuffing undone) equal the size the server listed.
 * Independent of the server's code on purpose.
 */
final class Pop3Connection implements AutoCloseable {
    /** What closing the connection closes: the socket, or the TLS layer and then the socket. */
    private Closeable socket;

    private InputStream in;
    private OutputStream out;
    /** Our own read buffer, scanned in a tight loop: a synchronized read() per byte made the client the bottleneck. */
    private final byte[] buf = new byte[1 << 16];

    private int pos;
    private int lim;

    /** Over a connected socket's streams (TlsMode.connect, tests); reads the greeting. */
    Pop3Connection(Closeable socket, InputStream in, OutputStream out) throws IOException {
        this.socket = socket;
        this.in = in;
        this.out = new BufferedOutputStream(out, 8192);
        expectOk(readLine(), "greeting");
    }

    /**
     * After {@code +OK} to STLS and before the handshake: bytes already read past the +OK came in
     * plaintext and must not be taken for the TLS session's (RFC 2595 section 4; the STARTTLS
     * command-injection flaw, CVE-2011-0411 and kin).
     */
    void requireNothingBuffered() throws IOException {
        if (pos != lim) {
            throw new IOException("the server sent " + (lim - pos) + " plaintext bytes after +OK to STLS");
        }
    }

    /** The same session over TLS, once the handshake is done. */
    void upgrade(Closeable tls, InputStream tlsIn, OutputStream tlsOut) {
        this.socket = tls;
        this.in = tlsIn;
        this.out = new BufferedOutputStream(tlsOut, 8192);
    }

    void send(String command) throws IOException {
        out.write(command.getBytes(StandardCharsets.US_ASCII));
        out.write('\r');
        out.write('\n');
        out.flush();
    }

    String command(String command) throws IOException {
        send(command);
        String reply = readLine();
        expectOk(reply, command.startsWith("PASS") ? "PASS" : command);
        return reply;
    }

    void login(String user, String password) throws IOException {
        login(user, password, true);
    }

    /**
     * USER and PASS in one round trip (RFC 2449 PIPELINING, which Poplar and Dovecot announce), or
     * one after the other as a client does when the server does not announce it (nginx's mail
     * proxy does not, and answers a pipelined PASS only ~40 ms later).
     */
    void login(String user, String password, boolean pipelined) throws IOException {
        send("USER " + user);
        if (!pipelined) {
            expectOk(readLine(), "USER");
        }
        send("PASS " + password);
        if (pipelined) {
            expectOk(readLine(), "USER");
        }
        expectOk(readLine(), "PASS");
    }

    /** Sends a multi-line command; returns the octets of its body with dot-stuffing undone. */
    long multiLine(String command) throws IOException {
        command(command);
        return body();
    }

    /**
     * Reads a multi-line body to the terminator; returns its octets (CRLF included, stuffing
     * undone). Line-oriented: only a line's first byte needs a look, and the line ends are found
     * eight bytes at a time, so the client stays cheap next to the server it measures (a
     * byte-at-a-time state machine here used as much CPU as the server under test).
     */
    long body() throws IOException {
        long octets = 0;
        boolean lineStart = true;
        while (true) {
            if (pos == lim) {
                fill();
            }
            if (lineStart && buf[pos] == '.') {
                ensure(3);
                if (buf[pos + 1] == '\r' && buf[pos + 2] == '\n') {
                    pos += 3;
                    return octets; // ".CRLF" (RFC 1939 section 3)
                }
                pos++; // the first '.' was stuffing
                if (pos == lim) {
                    fill();
                }
            }
            int nl = indexOfLf(buf, pos, lim);
            if (nl < 0) {
                octets += lim - pos;
                pos = lim;
                lineStart = false;
            } else {
                octets += nl + 1 - pos;
                pos = nl + 1;
                lineStart = true;
            }
        }
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long LFS = 0x0A0A0A0A0A0A0A0AL;
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    /** The index of the first '\n' in {@code b[from, to)}, or -1; eight bytes per step (SWAR). */
    static int indexOfLf(byte[] b, int from, int to) {
        int i = from;
        for (; i + 8 <= to; i += 8) {
            long w = (long) LONGS.get(b, i) ^ LFS;
            long zero = (w - ONES) & ~w & HIGHS; // the lowest set high bit marks the first zero byte
            if (zero != 0) {
                return i + (Long.numberOfTrailingZeros(zero) >>> 3);
            }
        }
        for (; i < to; i++) {
            if (b[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** Makes at least {@code n} unread bytes available (moving the unread tail to the front). */
    private void ensure(int n) throws IOException {
        while (lim - pos < n) {
            System.arraycopy(buf, pos, buf, 0, lim - pos);
            lim -= pos;
            pos = 0;
            int got = in.read(buf, lim, buf.length - lim);
            if (got < 0) {
                throw new IOException("connection closed by the server");
            }
            lim += got;
        }
    }

    String readLine() throws IOException {
        StringBuilder sb = new StringBuilder(64);
        while (true) {
            if (pos == lim) {
                fill();
            }
            byte b = buf[pos++];
            if (b == '\n') {
                int len = sb.length();
                if (len == 0 || sb.charAt(len - 1) != '\r') {
                    throw new IOException("reply without CRLF");
                }
                sb.setLength(len - 1);
                return sb.toString();
            }
            sb.append((char) (b & 0xff));
        }
    }

    private void fill() throws IOException {
        int n = in.read(buf, 0, buf.length);
        if (n < 0) {
            throw new IOException("connection closed by the server");
        }
        pos = 0;
        lim = n;
    }

    static void expectOk(String reply, String what) throws IOException {
        if (!reply.startsWith("+OK")) {
            throw new IOException(what + ": " + reply);
        }
    }

    @Override
    public void close() throws IOException {
        if (socket != null) {
            socket.close();
        }
    }
}
