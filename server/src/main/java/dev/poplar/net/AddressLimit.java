package dev.poplar.net;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Connections per client address, against poplar.pop3.max-connections-per-ip. One instance is
 * shared by the POP3 and POP3S listeners, so alternating ports does not double the cap. Exempt
 * addresses (this host by default, trusted proxies when they speak for themselves, the ban
 * allow-list) are never refused: a load test, a local webmail or nginx must not trip it; behind a
 * proxy the PROXY header's client is the one counted.
 */
public final class AddressLimit {
    private final int max;
    private final List<Cidr> exempt;
    private final ConcurrentHashMap<String, Integer> counts = new ConcurrentHashMap<>();

    public AddressLimit(int max, List<Cidr> exempt) {
        this.max = max;
        this.exempt = List.copyOf(exempt);
    }

    public static AddressLimit none() {
        return new AddressLimit(Integer.MAX_VALUE, List.of());
    }

    private boolean exempt(InetAddress client) {
        return Cidr.anyContains(exempt, client);
    }

    /** Counts one more connection; false (counted all the same: release it) when over the cap. */
    boolean acquire(InetAddress client) {
        int n = counts.merge(client.getHostAddress(), 1, Integer::sum);
        return n <= max || exempt(client);
    }

    void release(InetAddress client) {
        counts.computeIfPresent(client.getHostAddress(), (k, n) -> n == 1 ? null : n - 1);
    }
}
