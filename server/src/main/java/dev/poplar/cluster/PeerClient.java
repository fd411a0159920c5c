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
                    "GET",
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
                "POST",
                "X-Poplar-User",
                AuthEscaping.escape(user),
                "X-Poplar-Password",
                AuthEscaping.escape(password));
    }

    /** Deletes {@code user} on the node at {@code peer}: "deleted", "absent" or "unavailable REASON". */
    public String delete(String peer, String user) throws IOException {
        return call(peer, DELETE, "POST", "X-Poplar-User", AuthEscaping.escape(user));
    }

    private String call(String peer, String path, String method, String... headers) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + peer + path))
                .timeout(timeout)
                .method(method, HttpRequest.BodyPublishers.noBody())
                .header(SharedKey.HEADER, key);
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        try {
            HttpResponse<Void> r = http.send(b.build(), HttpResponse.BodyHandlers.discarding());
            if (r.statusCode() == 403) {
                LOG.log(
                        System.Logger.Level.ERROR,
                        "node at " + peer + " refused the cluster's key: poplar.nginx.auth-key"
                                + " must be the same on every node");
            }
            if (r.statusCode() != 200) {
                throw new IOException("node at " + peer + " answered HTTP " + r.statusCode());
            }
            return r.headers().firstValue(RESULT).orElse("unavailable no answer");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
