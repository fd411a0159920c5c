package dev.poplar.cluster;

import dev.poplar.net.Connection;
import dev.poplar.net.ConnectionHandler;
import dev.poplar.net.Rejection;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Postfix's socketmap protocol (socketmap_table(5)): requests and replies are netstrings
 * ("LEN:DATA,"), a request is "MAPNAME KEY", a reply "OK VALUE", "NOTFOUND ", "TEMP REASON" or
 * "PERM REASON"; Postfix keeps the connection for many lookups. Bounded: a request is at most
 * 1,024 bytes (an address is at most 254), an idle connection closes after two minutes (Postfix
 * reconnects); anything malformed closes the connection.
 */
public final class SocketmapService implements ConnectionHandler {
    static final int MAX_REQUEST = 1024;
    private static final int IDLE_MILLIS = 120_000;

    private final TransportMap map;

    public SocketmapService(TransportMap map) {
        this.map = map;
    }

    @Override
    public void handle(Connection connection) {
        Socket socket = connection.socket();
        try (socket) {
            socket.setSoTimeout(IDLE_MILLIS);
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = new BufferedOutputStream(socket.getOutputStream());
            while (true) {
                Optional<String> request = readNetstring(in);
                if (request.isEmpty()) {
                    return;
                }
                String r = request.get();
                int space = r.indexOf(' ');
                String reply = space <= 0
                        ? "PERM request is not 'NAME KEY'"
                        : map.lookup(r.substring(space + 1)).payload();
                byte[] b = reply.getBytes(StandardCharsets.UTF_8);
                out.write((b.length + ":").getBytes(StandardCharsets.US_ASCII));
                out.write(b);
                out.write(',');
                out.flush();
            }
        } catch (IOException e) {
            // Postfix closed or went quiet: it reconnects for its next lookup.
        }
    }

    /** One netstring's data; empty at the end of the stream or for anything malformed or too long. */
    static Optional<String> readNetstring(InputStream in) throws IOException {
        int length = 0;
        int digits = 0;
        int c;
        while ((c = in.read()) >= '0' && c <= '9') {
            length = length * 10 + (c - '0');
            if (++digits > 4 || length > MAX_REQUEST) {
                return Optional.empty();
            }
        }
        if (c != ':' || digits == 0) {
            return Optional.empty();
        }
        byte[] data = in.readNBytes(length);
        if (data.length != length || in.read() != ',') {
            return Optional.empty();
        }
        return Optional.of(new String(data, StandardCharsets.UTF_8));
    }

    @Override
    public String rejection(Rejection why) {
        return "";
    }
}
