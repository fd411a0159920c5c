package dev.poplar.proxy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.function.Function;

/**
 * The key every caller of the auth_http listener must present (poplar.nginx.auth-key): nginx
 * sends it with auth_http_header, the cluster's nodes with each node-to-node call. Compared in
 * constant time; an empty key matches nothing.
 */
public final class SharedKey {
    /** The request header that carries it. */
    public static final String HEADER = "X-Poplar-Auth-Key";

    private final byte[] key;

    public SharedKey(String key) {
        this.key = key.getBytes(StandardCharsets.UTF_8);
    }

    public boolean matches(Function<String, Optional<String>> header) {
        byte[] presented = header.apply(HEADER).orElse("").getBytes(StandardCharsets.UTF_8);
        return key.length > 0 && MessageDigest.isEqual(key, presented);
    }
}
