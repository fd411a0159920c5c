package dev.poplar.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * etcd's v3 API through its HTTP/JSON gateway (etcd 3.4+: /v3/kv/range, /v3/kv/put,
 * /v3/lease/grant, /v3/lease/keepalive, /v3/lease/revoke), with the JDK's HTTP client: keys and
 * values are base64 in JSON, 64-bit numbers are strings. The endpoints are tried in order until
 * one answers, so a cluster of etcd members is used as etcdctl would.
 */
public final class EtcdClient implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<URI> endpoints;
    private final HttpClient http;
    private final Duration timeout;

    /** @param endpoints etcd client URLs, http://host:2379 */
    public EtcdClient(List<URI> endpoints, Duration timeout) {
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("no etcd endpoint");
        }
        this.endpoints = List.copyOf(endpoints);
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /** A lease that expires after {@code ttlSeconds} unless kept alive; its id. */
    public long grantLease(long ttlSeconds) throws IOException {
        ObjectNode body = JSON.createObjectNode().put("TTL", ttlSeconds);
        return call("/v3/lease/grant", body).path("ID").asLong();
    }

    /** Renews the lease; false when etcd no longer has it (expired or revoked). */
    public boolean keepAlive(long lease) throws IOException {
        JsonNode r = call("/v3/lease/keepalive", JSON.createObjectNode().put("ID", Long.toString(lease)));
        return r.path("result").path("TTL").asLong(0) > 0;
    }

    /** Ends the lease now: every key it holds goes. */
    public void revoke(long lease) throws IOException {
        call("/v3/lease/revoke", JSON.createObjectNode().put("ID", Long.toString(lease)));
    }

    /** Writes a key, held by {@code lease} (0 for none). */
    public void put(String key, String value, long lease) throws IOException {
        ObjectNode body = JSON.createObjectNode().put("key", b64(key)).put("value", b64(value));
        if (lease != 0) {
            body.put("lease", Long.toString(lease));
        }
        call("/v3/kv/put", body);
    }

    /** Every key under {@code prefix}, in key order, with its value. */
    public Map<String, String> prefix(String prefix) throws IOException {
        ObjectNode body = JSON.createObjectNode()
                .put("key", b64(prefix))
                .put("range_end", Base64.getEncoder().encodeToString(rangeEnd(prefix)));
        Map<String, String> out = new LinkedHashMap<>();
        for (JsonNode kv : call("/v3/kv/range", body).path("kvs")) {
            out.put(unb64(kv.path("key").asText()), unb64(kv.path("value").asText()));
        }
        return out;
    }

    /** Writes a key only if it does not exist; false (and nothing written) when it does. */
    public boolean createIfAbsent(String key, String value) throws IOException {
        ObjectNode compare = JSON.createObjectNode()
                .put("key", b64(key))
                .put("target", "CREATE")
                .put("create_revision", "0");
        return txn(compare, putOp(key, value));
    }

    /** Replaces a key's value only if it is {@code expected} now; false (nothing written) otherwise. */
    public boolean compareAndSet(String key, String expected, String value) throws IOException {
        return txn(valueIs(key, expected), putOp(key, value));
    }

    /** Deletes a key only if its value is {@code expected} now; false (nothing deleted) otherwise. */
    public boolean deleteIf(String key, String expected) throws IOException {
        ObjectNode delete = JSON.createObjectNode();
        delete.putObject("request_delete_range").put("key", b64(key));
        return txn(valueIs(key, expected), delete);
    }

    /** One compare, one operation if it holds (etcd's /v3/kv/txn); whether it held. */
    private boolean txn(ObjectNode compare, ObjectNode success) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        body.putArray("compare").add(compare);
        body.putArray("success").add(success);
        return call("/v3/kv/txn", body).path("succeeded").asBoolean(false);
    }

    private static ObjectNode valueIs(String key, String expected) {
        return JSON.createObjectNode()
                .put("key", b64(key))
                .put("target", "VALUE")
                .put("value", b64(expected));
    }

    private static ObjectNode putOp(String key, String value) {
        ObjectNode op = JSON.createObjectNode();
        op.putObject("request_put").put("key", b64(key)).put("value", b64(value));
        return op;
    }

    /** One key's value, if it exists. */
    public java.util.Optional<String> get(String key) throws IOException {
        JsonNode kvs = call("/v3/kv/range", JSON.createObjectNode().put("key", b64(key)))
                .path("kvs");
        return kvs.isEmpty()
                ? java.util.Optional.empty()
                : java.util.Optional.of(unb64(kvs.get(0).path("value").asText()));
    }

    /** One page of a prefix read at a fixed revision (0: the newest), from {@code fromKey} on. */
    public record Page(Map<String, String> entries, long revision, boolean more) {}

    public Page page(String prefix, String fromKey, int limit, long revision) throws IOException {
        ObjectNode body = JSON.createObjectNode()
                .put("key", b64(fromKey))
                .put("range_end", Base64.getEncoder().encodeToString(rangeEnd(prefix)))
                .put("limit", Integer.toString(limit));
        if (revision > 0) {
            body.put("revision", Long.toString(revision));
        }
        JsonNode r = call("/v3/kv/range", body);
        Map<String, String> out = new LinkedHashMap<>();
        for (JsonNode kv : r.path("kvs")) {
            out.put(unb64(kv.path("key").asText()), unb64(kv.path("value").asText()));
        }
        return new Page(
                out, r.path("header").path("revision").asLong(), r.path("more").asBoolean(false));
    }

    /** A change seen by a watch: a key written (value) or deleted (value null). */
    public record Event(String key, String value, long revision) {}

    /** The watched revision was compacted away: the watcher must read everything again. */
    public static final class Compacted extends IOException {
        public Compacted(long revision) {
            super("etcd compacted the history up to revision " + revision);
        }
    }

    /**
     * Watches every key under {@code prefix} from {@code startRevision}, handing each change to
     * {@code events} in order, until the stream ends or fails (then it throws; the caller
     * reconnects from the revision after the last event it saw). One endpoint is used: the first
     * that accepts the watch.
     */
    public void watch(String prefix, long startRevision, java.util.function.Consumer<Event> events) throws IOException {
        ObjectNode create = JSON.createObjectNode();
        create.putObject("create_request")
                .put("key", b64(prefix))
                .put("range_end", Base64.getEncoder().encodeToString(rangeEnd(prefix)))
                .put("start_revision", Long.toString(startRevision));
        IOException last = null;
        for (URI endpoint : endpoints) {
            HttpRequest request = HttpRequest.newBuilder(endpoint.resolve("/v3/watch"))
                    .POST(HttpRequest.BodyPublishers.ofString(create.toString()))
                    .build();
            HttpResponse<java.util.stream.Stream<String>> r;
            try {
                r = http.send(request, HttpResponse.BodyHandlers.ofLines());
            } catch (IOException e) {
                last = e;
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while watching etcd", e);
            }
            try (java.util.stream.Stream<String> lines = r.body()) {
                if (r.statusCode() != 200) {
                    throw new IOException("etcd at " + endpoint + " answered " + r.statusCode() + " to a watch");
                }
                java.util.Iterator<String> it = lines.iterator();
                while (it.hasNext()) {
                    JsonNode result = JSON.readTree(it.next()).path("result");
                    long compacted = result.path("compact_revision").asLong(0);
                    if (compacted > 0) {
                        throw new Compacted(compacted);
                    }
                    if (result.path("canceled").asBoolean(false)) {
                        throw new IOException("etcd canceled the watch: "
                                + result.path("cancel_reason").asText());
                    }
                    for (JsonNode e : result.path("events")) {
                        JsonNode kv = e.path("kv");
                        boolean deleted = e.path("type").asText().equals("DELETE");
                        events.accept(new Event(
                                unb64(kv.path("key").asText()),
                                deleted ? null : unb64(kv.path("value").asText()),
                                kv.path("mod_revision").asLong()));
                    }
                }
            } catch (java.io.UncheckedIOException e) {
                throw e.getCause();
            }
            throw new IOException("etcd at " + endpoint + " ended the watch");
        }
        throw new IOException("no etcd endpoint accepted a watch (" + endpoints + "): " + describe(last), last);
    }

    /** The key just after every key with this prefix (etcd's range_end for a prefix). */
    static byte[] rangeEnd(String prefix) {
        byte[] b = prefix.getBytes(StandardCharsets.UTF_8);
        for (int i = b.length - 1; i >= 0; i--) {
            if (b[i] != (byte) 0xff) {
                b[i]++;
                return java.util.Arrays.copyOf(b, i + 1);
            }
        }
        return new byte[] {0}; // every key
    }

    private JsonNode call(String path, ObjectNode body) throws IOException {
        IOException last = null;
        for (URI endpoint : endpoints) {
            HttpRequest request = HttpRequest.newBuilder(endpoint.resolve(path))
                    .timeout(timeout)
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                    .build();
            try {
                HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) {
                    throw new IOException("etcd at " + endpoint + " answered " + r.statusCode() + " to " + path + ": "
                            + r.body().strip());
                }
                return JSON.readTree(r.body());
            } catch (IOException e) {
                last = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while asking etcd", e);
            }
        }
        throw new IOException("no etcd endpoint answered " + path + " (" + endpoints + "): " + describe(last), last);
    }

    /** An I/O failure in words; a refused connection has no message of its own. */
    private static String describe(IOException e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    /** Ends every call in flight (a watch included). */
    @Override
    public void close() {
        http.shutdownNow();
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String unb64(String s) {
        return new String(Base64.getDecoder().decode(s), StandardCharsets.UTF_8);
    }
}
