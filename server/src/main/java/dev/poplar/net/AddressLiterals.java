package dev.poplar.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * IP address literals from untrusted or configured text. {@link InetAddress#getByName} would look
 * a name up in DNS: a PROXY header or a trusted-proxy list must never make the server resolve
 * names (an attacker's name, or a trust that changes when DNS does), so only digits, hex, ':' and
 * '.' get that far.
 */
public final class AddressLiterals {
    private AddressLiterals() {}

    /** The address {@code text} spells, or empty when it is not an IPv4 or IPv6 literal. */
    public static Optional<InetAddress> parse(String text) {
        if (text.isEmpty() || !text.matches("[0-9A-Fa-f:.]+")) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(text));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }
}
