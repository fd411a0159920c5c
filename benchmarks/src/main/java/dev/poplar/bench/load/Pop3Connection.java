package dev.poplar.bench.load;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A minimal, strict POP3 client for load: it checks every status line, the multi-line terminator
 * and, for RETR, that the octets received (dot-stuffing undone) equal the size the server listed.
 * Independent of the server's code on purpose.
 */
final class Pop3Connection implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    /** Our own read buffer, scanned in a tight loop: a synchronized read() per byte made the client the bottleneck. */
    private final byte[] buf = new byte[1 << 16];
    private int pos;
    private int lim;

    Pop3Connection(String host, int port) throws IOException {
        socket = new Socket(host, port);
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(60_000);
        in = socket.getInputStream();
        out = new BufferedOutputStream(socket.getOutputStream(), 8192);
        expectOk(readLine(), "greeting");
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
        send("USER " + user);
        send("PASS " + password);
        expectOk(readLine(), "USER");
        expectOk(readLine(), "PASS");
    }

    /** Sends a multi-line command; returns the octets of its body with dot-stuffing undone. */
    long multiLine(String command) throws IOException {
        command(command);
        return body();
    }

    /** Reads a multi-line body to the terminator; returns its octets (CRLF included, stuffing undone). */
    long body() throws IOException {
        long octets = 0;
        int state = 0; // 0: line start, 1: '.' at line start, 2: ".\r" at line start, 3: inside a line
        while (true) {
            if (pos == lim) {
                fill();
            }
            byte b = buf[pos++];
            switch (state) {
                case 0 -> {
                    if (b == '.') {
                        state = 1;
                    } else {
                        octets++;
                        state = b == '\n' ? 0 : 3;
                    }
                }
                case 1 -> {
                    if (b == '\r') {
                        state = 2;
                    } else {
                        octets++; // the first '.' was stuffing
                        state = b == '\n' ? 0 : 3;
                    }
                }
                case 2 -> {
                    if (b == '\n') {
                        return octets; // ".CRLF"
                    }
                    octets += 2;
                    state = 3;
                }
                default -> {
                    octets++;
                    if (b == '\n') {
                        state = 0;
                    }
                }
            }
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
        socket.close();
    }
}
