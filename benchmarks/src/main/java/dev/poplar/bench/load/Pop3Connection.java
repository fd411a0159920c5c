package dev.poplar.bench.load;

import java.io.BufferedInputStream;
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
    private final byte[] line = new byte[65536];

    Pop3Connection(String host, int port) throws IOException {
        socket = new Socket(host, port);
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(60_000);
        in = new BufferedInputStream(socket.getInputStream(), 65536);
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
        while (true) {
            int n = readRaw();
            if (n == 3 && line[0] == '.' && line[1] == '\r' && line[2] == '\n') {
                return octets;
            }
            if (n < 2 || line[n - 2] != '\r' || line[n - 1] != '\n') {
                throw new IOException("body line without CRLF");
            }
            octets += line[0] == '.' ? n - 1 : n;
        }
    }

    String readLine() throws IOException {
        int n = readRaw();
        if (n < 2 || line[n - 2] != '\r') {
            throw new IOException("reply without CRLF");
        }
        return new String(line, 0, n - 2, StandardCharsets.US_ASCII);
    }

    /** One line including its CRLF; long lines are counted in pieces. */
    private int readRaw() throws IOException {
        int n = 0;
        while (n < line.length) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed by the server");
            }
            line[n++] = (byte) b;
            if (b == '\n') {
                return n;
            }
        }
        return n;
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
