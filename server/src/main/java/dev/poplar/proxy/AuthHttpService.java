package dev.poplar.proxy;

import dev.poplar.net.Connection;
import dev.poplar.net.ConnectionHandler;
import dev.poplar.net.ListenerObserver;
import dev.poplar.net.Rejection;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The HTTP/1.0 side of nginx's auth_http: one request per connection, a GET with headers and no
 * body, answered with headers and closed. In a cluster the same listener takes the node-to-node
 * calls (paths under /peer/, the same shared key), which have the same shape. Its own listener because the admin HTTP server
 * (Helidon 4) answers HTTP/1.0 with 505. Bounded like every input: 8 KiB of request head, 64
 * header lines, 5 seconds to send them; anything else gets 400 and the connection closes.
 */
public final class AuthHttpService implements ConnectionHandler {
    static final int MAX_HEAD = 8 * 1024;
    static final int MAX_HEADERS = 64;
    private static final int READ_TIMEOUT_MILLIS = 5_000;
    private static final int PEER_IDLE_MILLIS = 60_000;

    /** The auth listener reports nothing to the POP3/LMTP listener metrics. */
    public static final ListenerObserver OBSERVER = new ListenerObserver() {
        @Override
        public void accepted() {}

        @Override
        public void rejected(Rejection why) {}
    };

    /** What answers one kind of request: the response headers, or empty for 403 (a wrong key). */
    @FunctionalInterface
    public interface Endpoint {
        Optional<Map<String, String>> answer(String path, Function<String, Optional<String>> header);
    }

    /** A node-to-node call's answer: headers, and a body (empty for most). */
    public record Reply(Map<String, String> headers, byte[] body) {
        public static Reply of(Map<String, String> headers) {
            return new Reply(headers, new byte[0]);
        }
    }

    /** What answers the node-to-node calls, once the shared key matched. */
    @FunctionalInterface
    public interface PeerCalls {
        Reply answer(String path, Function<String, Optional<String>> header, byte[] body);
    }

    /** The path prefix of node-to-node calls in a cluster. */
    public static final String PEER_PATH = "/peer/";

    private final Endpoint nginx;
    private final SharedKey key;
    private final PeerCalls peer;
    private final long maxBody;

    /** nginx's questions only. */
    public AuthHttpService(NginxAuth nginx) {
        this(nginx, null, null, 0);
    }

    /**
     * @param peer    node-to-node calls (paths under /peer/, with the shared {@code key}); null
     *                outside a cluster (404)
     * @param maxBody the largest request body a call may carry (a message being moved)
     */
    public AuthHttpService(NginxAuth nginx, SharedKey key, PeerCalls peer, long maxBody) {
        this.nginx = (path, header) -> nginx.answer(header);
        this.key = key;
        this.peer = peer;
        this.maxBody = Math.min(maxBody, Integer.MAX_VALUE - 8);
    }

    @Override
    public void handle(Connection connection) {
        Socket socket = connection.socket();
        try (socket) {
            socket.setSoTimeout(READ_TIMEOUT_MILLIS);
            OutputStream out = socket.getOutputStream();
            InputStream in = new java.io.BufferedInputStream(socket.getInputStream(), 8192);
            Optional<Request> request = readHead(in);
            if (request.isEmpty()) {
                write(out, "400 Bad Request", Map.of());
                return;
            }
            Request r = request.get();
            boolean toPeer = r.path().startsWith(PEER_PATH);
            if (toPeer && peer == null) {
                write(out, "404 Not Found", Map.of());
                return;
            }
            Function<String, Optional<String>> header =
                    name -> Optional.ofNullable(r.headers().get(name.toLowerCase(Locale.ROOT)));
            if (toPeer) {
                peerCalls(socket, in, out, r);
                return;
            }
            Optional<Map<String, String>> answer = nginx.answer(r.path(), header);
            if (answer.isEmpty()) {
                write(out, "403 Forbidden", Map.of());
            } else {
                write(out, "200 OK", answer.get());
            }
        } catch (IOException e) {
            // nginx went away or was too slow: it retries the login or tells its client.
        }
    }

    /**
     * Node-to-node calls on one connection: HTTP/1.1 keep-alive (a login through another node
     * costs one check, not one TCP connection per check), until the caller closes, asks for
     * close, or stays idle past PEER_IDLE_MILLIS (longer than the JDK client's own 30 s, so the
     * client, not this side, ends an idle connection).
     */
    private void peerCalls(Socket socket, InputStream in, OutputStream out, Request first) throws IOException {
        Request r = first;
        while (peerCall(socket, in, out, r)) {
            socket.setSoTimeout(PEER_IDLE_MILLIS);
            Optional<Request> next = readHead(in);
            if (next.isEmpty() || !next.get().path().startsWith(PEER_PATH)) {
                return;
            }
            socket.setSoTimeout(READ_TIMEOUT_MILLIS);
            r = next.get();
        }
    }

    /** One call: the key first (nothing is read from a caller without it), then the body; true to keep the connection. */
    private boolean peerCall(Socket socket, InputStream in, OutputStream out, Request r) throws IOException {
        Function<String, Optional<String>> header =
                name -> Optional.ofNullable(r.headers().get(name.toLowerCase(Locale.ROOT)));
        if (!key.matches(header)) {
            write(out, "403 Forbidden", Map.of());
            return false;
        }
        long length;
        try {
            length = Long.parseLong(header.apply("Content-Length").orElse("0").strip());
        } catch (NumberFormatException e) {
            length = -1;
        }
        if (length < 0 || length > maxBody) {
            write(out, length < 0 ? "400 Bad Request" : "413 Content Too Large", Map.of());
            return false;
        }
        byte[] body = in.readNBytes((int) length);
        if (body.length != length) {
            return false; // the caller went away
        }
        socket.setSoTimeout(0); // a move answers when it is done
        Reply reply = peer.answer(r.path(), header, body);
        boolean keep = r.http11() && !header.apply("Connection").orElse("").equalsIgnoreCase("close");
        StringBuilder head = new StringBuilder(keep ? "HTTP/1.1 200 OK\r\n" : "HTTP/1.0 200 OK\r\n");
        reply.headers().forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        head.append("Content-Length: ").append(reply.body().length).append("\r\n");
        head.append(keep ? "\r\n" : "Connection: close\r\n\r\n");
        out.write(head.toString().getBytes(StandardCharsets.UTF_8));
        out.write(reply.body());
        out.flush();
        return keep;
    }

    /** A request's path and headers (names in lower case, first value kept). */
    public record Request(String path, Map<String, String> headers, boolean http11) {}

    /**
     * The head of a {@code GET} or {@code POST ... HTTP/1.x} request without a body, or empty when
     * it is malformed, too large or another method.
     */
    static Optional<Request> readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream(512);
        int last4 = 0;
        while (true) {
            int b = in.read();
            if (b < 0 || head.size() >= MAX_HEAD) {
                return Optional.empty();
            }
            head.write(b);
            last4 = last4 << 8 | b;
            // CRLF CRLF ends the head; so does LF LF (tolerated, though nginx never sends it).
            if (last4 == 0x0D0A0D0A || (last4 & 0xFFFF) == 0x0A0A) {
                break;
            }
        }
        String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r?\n");
        if (lines.length == 0
                || !lines[0].matches("(GET|POST) /\\S* HTTP/1\\.[01]")
                || lines.length > MAX_HEADERS + 1) {
            return Optional.empty();
        }
        Map<String, String> headers = new TreeMap<>();
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].isEmpty()) {
                continue;
            }
            int colon = lines[i].indexOf(':');
            if (colon <= 0) {
                return Optional.empty();
            }
            headers.putIfAbsent(
                    lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT),
                    lines[i].substring(colon + 1).strip());
        }
        return Optional.of(new Request(lines[0].split(" ")[1], headers, lines[0].endsWith("HTTP/1.1")));
    }

    private static void write(OutputStream out, String status, Map<String, String> headers) throws IOException {
        StringBuilder r = new StringBuilder("HTTP/1.0 ").append(status).append("\r\n");
        headers.forEach((k, v) -> r.append(k).append(": ").append(v).append("\r\n"));
        r.append("Content-Length: 0\r\nConnection: close\r\n\r\n");
        out.write(r.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Override
    public String rejection(Rejection why) {
        return "HTTP/1.0 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    }
}
