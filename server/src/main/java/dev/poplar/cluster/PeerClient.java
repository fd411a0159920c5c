package dev.poplar.cluster;

import dev.poplar.proxy.AuthEscaping;
import dev.poplar.proxy.OwnerRouting;
import dev.poplar.proxy.SharedKey;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Node-to-node calls, to another node's auth_http listener (paths under /peer/, with the shared
 * key): "verify these credentials of your user" and "create this user on your store". The
 * password travels as it does from nginx to the auth_http listener and to the POP3 node: on the
 * cluster's private network (docs/scale-out.md).
 */
public final class PeerClient {
    private static final System.Logger LOG = System.getLogger("dev.poplar.cluster");
    static final String VERIFY = "/peer/verify";
    static final String CREATE = "/peer/create";
    static final String DELETE = "/peer/delete";
    static final String COPY_ACCOUNT = "/peer/copy-account";
    static final String APPEND = "/peer/append";
    static final String DIGESTS = "/peer/digests";
    static final String MOVE = "/peer/move";
    /** How long a whole move may take before the caller stops waiting (the move goes on). */
    private static final Duration MOVE_TIMEOUT = Duration.ofHours(6);
    /** The answer header of every peer call. */
    static final String RESULT = "X-Poplar-Result";

    private final String key;
    private final HttpClient http;
    private final Duration timeout;

    public PeerClient(String key, Duration timeout) {
        this.key = key;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .build();
    }

    /** The owner's verdict on a login; UNAVAILABLE when it cannot be asked. */
    public OwnerRouting.Verdict verify(String peer, String user, String password, InetAddress client) {
        try {
            String result = call(
                    peer,
                    VERIFY,
                    "Auth-User",
                    AuthEscaping.escape(user),
                    "Auth-Pass",
                    AuthEscaping.escape(password),
                    "Client-IP",
                    client.getHostAddress());
            return switch (result) {
                case "accepted" -> OwnerRouting.Verdict.ACCEPTED;
                case "rejected" -> OwnerRouting.Verdict.REJECTED;
                default -> OwnerRouting.Verdict.UNAVAILABLE;
            };
        } catch (IOException e) {
            return OwnerRouting.Verdict.UNAVAILABLE;
        }
    }

    /**
     * Creates {@code user} on the node at {@code peer}: "created", "exists", "invalid REASON" or
     * "unavailable REASON".
     */
    public String create(String peer, String user, String password) throws IOException {
        return call(
                peer,
                CREATE,
                "X-Poplar-User",
                AuthEscaping.escape(user),
                "X-Poplar-Password",
                AuthEscaping.escape(password));
    }

    /** Deletes {@code user} on the node at {@code peer}: "deleted", "absent" or "unavailable REASON". */
    public String delete(String peer, String user) throws IOException {
        return call(peer, DELETE, "X-Poplar-User", AuthEscaping.escape(user));
    }

    /** Creates a moved user's account on the node at {@code peer}: "created", "exists", or why not. */
    public String createCopy(String peer, String user, dev.poplar.admin.UserPlacement.AccountCopy copy)
            throws IOException {
        var c = copy.credentials();
        java.util.Base64.Encoder b64 = java.util.Base64.getEncoder();
        var l = copy.limits();
        List<String> headers = new ArrayList<>(List.of(
                "X-Poplar-User",
                AuthEscaping.escape(user),
                "X-Poplar-Credentials",
                c.iterations() + ":" + b64.encodeToString(c.salt()) + ":" + b64.encodeToString(c.storedKey()) + ":"
                        + b64.encodeToString(c.serverKey()),
                "X-Poplar-Limits",
                l.maxOctets() + ":" + l.maxMessages() + ":" + l.retentionMillis()));
        if (copy.importedHash() != null) {
            headers.addAll(List.of("X-Poplar-Imported-Hash", AuthEscaping.escape(copy.importedHash())));
        }
        return call(peer, COPY_ACCOUNT, headers.toArray(String[]::new));
    }

    /** Stores one moved message on the node at {@code peer}: "stored" or "present" (its UIDL was there). */
    public String append(String peer, String user, String uidl, long receivedMillis, byte[] raw) throws IOException {
        String result = send(
                        peer,
                        APPEND,
                        raw,
                        timeout,
                        "X-Poplar-User",
                        AuthEscaping.escape(user),
                        "X-Poplar-Uidl",
                        uidl,
                        "X-Poplar-Received",
                        Long.toString(receivedMillis))
                .headers()
                .firstValue(RESULT)
                .orElse("unavailable no answer");
        if (!result.equals("stored") && !result.equals("present")) {
            throw new IOException("storing " + uidl + " failed: " + result);
        }
        return result;
    }

    /** The UIDL, size and SHA-256 of every message of {@code user} on the node at {@code peer}, in order. */
    public List<dev.poplar.admin.AdminOperations.MessageSummary> digests(String peer, String user) throws IOException {
        HttpResponse<byte[]> r = send(peer, DIGESTS, null, timeout, "X-Poplar-User", AuthEscaping.escape(user));
        String result = r.headers().firstValue(RESULT).orElse("");
        if (!result.equals("ok")) {
            throw new IOException("listing " + user + " failed: " + result);
        }
        List<dev.poplar.admin.AdminOperations.MessageSummary> out = new ArrayList<>();
        for (String line : new String(r.body(), java.nio.charset.StandardCharsets.US_ASCII).split("\n")) {
            String[] f = line.split(" ");
            if (f.length == 3) {
                out.add(new dev.poplar.admin.AdminOperations.MessageSummary(f[0], Long.parseLong(f[1]), f[2]));
            }
        }
        return out;
    }

    /** Asks the owner at {@code peer} to move {@code user} to node {@code target}: "moved N OCTETS" or why not. */
    public String move(String peer, String user, String target) throws IOException {
        return send(
                        peer,
                        MOVE,
                        null,
                        MOVE_TIMEOUT,
                        "X-Poplar-User",
                        AuthEscaping.escape(user),
                        "X-Poplar-Target",
                        AuthEscaping.escape(target))
                .headers()
                .firstValue(RESULT)
                .orElse("unavailable no answer");
    }

    private String call(String peer, String path, String... headers) throws IOException {
        return send(peer, path, null, timeout, headers)
                .headers()
                .firstValue(RESULT)
                .orElse("unavailable no answer");
    }

    private HttpResponse<byte[]> send(String peer, String path, byte[] body, Duration limit, String... headers)
            throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + peer + path))
                .timeout(limit)
                .method(
                        body == null ? "GET" : "POST",
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body))
                .header(SharedKey.HEADER, key);
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        try {
            HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() == 403) {
                LOG.log(
                        System.Logger.Level.ERROR,
                        "node at " + peer + " refused the cluster's key: poplar.nginx.auth-key"
                                + " must be the same on every node");
            }
            if (r.statusCode() != 200) {
                throw new IOException("node at " + peer + " answered HTTP " + r.statusCode());
            }
            return r;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
