package dev.poplar.net;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

/**
 * Who may connect: the per-address limit, the proxies whose PROXY protocol header names the real
 * client, and a ban check.
 */
public record ConnectionPolicy(int maxPerAddress, List<Cidr> trustedProxies, Predicate<InetAddress> banned,
                               Duration proxyHeaderTimeout) {
    public static ConnectionPolicy open() {
        return new ConnectionPolicy(Integer.MAX_VALUE, List.of(), a -> false, Duration.ofSeconds(10));
    }
}
