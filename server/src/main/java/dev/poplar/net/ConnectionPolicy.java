package dev.poplar.net;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

/**
 * Who may connect, and how long a write may block: the per-address limit (shared by listeners
 * that pass the same instance), the proxies whose PROXY protocol header names the real client, a
 * ban check, and the write timeout.
 */
public record ConnectionPolicy(
        AddressLimit perAddress,
        List<Cidr> trustedProxies,
        Predicate<InetAddress> banned,
        Duration proxyHeaderTimeout,
        Duration writeTimeout) {
    public static ConnectionPolicy open(Duration writeTimeout) {
        return new ConnectionPolicy(AddressLimit.none(), List.of(), a -> false, Duration.ofSeconds(10), writeTimeout);
    }
}
