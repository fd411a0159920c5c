package dev.poplar.bench.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A pipelining LMTP client (RFC 2033) that checks every reply. */
final class LmtpConnection implements AutoCloseable {
    private final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;

    LmtpConnection(String host, int port) throws IOException {
        socket = new Socket(host, port);
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(120_000);
        in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
        out = socket.getOutputStream();
        expect("220");
        out.write("LHLO loadgen\r\n".getBytes(StandardCharsets.US_ASCII));
        String l;
        do {
            l = in.readLine();
            if (l == null || !l.startsWith("250")) {
                throw new IOException("LHLO: " + l);
            }
        } while (l.charAt(3) == '-');
    }

    /** Delivers one message (already CRLF, not yet dot-stuffed) to one recipient; true on 250. */
    void deliver(String recipient, String message) throws IOException {
        String stuffed = message.replace("\r\n.", "\r\n..");
        out.write(("MAIL FROM:<loadgen@bench>\r\nRCPT TO:<" + recipient + ">\r\nDATA\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        expect("250");
        expect("250");
        expect("354");
        out.write(stuffed.getBytes(StandardCharsets.ISO_8859_1));
        out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        expect("250");
    }

    private void expect(String code) throws IOException {
        String l = in.readLine();
        if (l == null || !l.startsWith(code)) {
            throw new IOException("expected " + code + ", got " + l);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            out.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
        } finally {
            socket.close();
        }
    }
}
