package dev.poplar.cluster;

import java.util.Optional;

/** A "host:port" of a node's entry ("[v6]:port" for an IPv6 literal). */
public record HostPort(String host, int port) {
    public static Optional<HostPort> parse(String s) {
        int colon = s.lastIndexOf(':');
        if (colon <= 0) {
            return Optional.empty();
        }
        try {
            int port = Integer.parseInt(s.substring(colon + 1));
            String host = s.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            return port > 0 && port < 65536 ? Optional.of(new HostPort(host, port)) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
