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
public final class EtcdClient {
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
        throw new IOException("no etcd endpoint answered " + path + " (" + endpoints + "): " + last.getMessage(), last);
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String unb64(String s) {
        return new String(Base64.getDecoder().decode(s), StandardCharsets.UTF_8);
    }
}
