package dev.poplar.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A raw line-protocol client for the tests that need bytes an ordinary client will not send
 * (garbage, over-long lines, pipelined batches). Reads with a timeout so no test can hang.
 */
public final class LineClient implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    public LineClient(int port) throws IOException {
        this(port, "127.0.0.1");
    }

    /** Connects from a chosen loopback source address (127.0.0.2 ...) to act as another client. */
    public LineClient(int port, String from) throws IOException {
        this(new Socket(java.net.InetAddress.getByName("127.0.0.1"), port, java.net.InetAddress.getByName(from), 0));
    }

    private LineClient(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(20_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /** Implicit TLS (POP3S) from {@code from}, trusting exactly the server's development certificate. */
    public static LineClient implicitTls(int port, String from, java.nio.file.Path dataDir) throws Exception {
        Socket plain =
                new Socket(java.net.InetAddress.getByName("127.0.0.1"), port, java.net.InetAddress.getByName(from), 0);
        javax.net.ssl.SSLSocket tls = (javax.net.ssl.SSLSocket) TestTls.context(TestTls.devCertificate(dataDir))
                .getSocketFactory()
                .createSocket(plain, "localhost", port, true);
        tls.startHandshake();
        return new LineClient(tls);
    }

    public void send(String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    public void send(byte[] b) throws IOException {
        out.write(b);
        out.flush();
    }

    /** One line without its CRLF; null at end of stream. */
    public String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                byte[] l = b.toByteArray();
                int len = l.length > 0 && l[l.length - 1] == '\r' ? l.length - 1 : l.length;
                return new String(l, 0, len, StandardCharsets.UTF_8);
            }
            b.write(c);
        }
        return b.size() == 0 ? null : b.toString(StandardCharsets.UTF_8);
    }

    /** Lines of a multi-line body up to (not including) the "." terminator, still dot-stuffed. */
    public java.util.List<String> body() throws IOException {
        java.util.List<String> lines = new java.util.ArrayList<>();
        for (String l; (l = line()) != null && !l.equals("."); ) {
            lines.add(l);
        }
        return lines;
    }

    /** Reads raw bytes up to and including the multi-line terminator CRLF.CRLF. */
    public byte[] rawUntilTerminator() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            b.write(c);
            int n = b.size();
            if (n >= 5) {
                byte[] a = b.toByteArray();
                if (a[n - 5] == '\r' && a[n - 4] == '\n' && a[n - 3] == '.' && a[n - 2] == '\r' && a[n - 1] == '\n') {
                    return a;
                }
            }
        }
        throw new IOException("stream ended before the terminator");
    }

    /** A whole USER/PASS login and QUIT on {@code port}; returns the PASS reply. */
    public static String userPassReply(int port, String user, String password) throws IOException {
        try (LineClient c = new LineClient(port)) {
            c.line();
            c.send("USER " + user + "\r\nPASS " + password + "\r\nQUIT\r\n");
            c.line();
            String reply = c.line();
            c.line();
            return reply;
        }
    }

    /** True when the server closed the connection (reads end of stream). */
    public boolean closedByServer() throws IOException {
        try {
            return in.read() < 0;
        } catch (java.net.SocketException e) {
            return true;
        }
    }

    public Socket socket() {
        return socket;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
