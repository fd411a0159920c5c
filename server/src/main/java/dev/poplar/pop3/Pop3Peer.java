package dev.poplar.pop3;

import java.net.InetAddress;

/**
 * The facts about the other end that POP3 commands depend on: where it connects from, whether
 * the connection is encrypted, and the APOP timestamp of the greeting. Immutable: a switch to
 * TLS makes a new one.
 *
 * @param tls            "none", or how this connection is encrypted ("stls/TLSv1.3", "implicit/TLSv1.3")
 * @param apopTimestamp  the RFC 1939 APOP timestamp sent in the greeting, or null when APOP is off
 * @param viaTrustedProxy the connection came from a trusted proxy (its PROXY header named the client)
 */
public record Pop3Peer(
        String sessionId, InetAddress client, boolean viaTrustedProxy, String tls, String apopTimestamp) {
    public static final String CLEAR = "none";

    public String clientAddress() {
        return client.getHostAddress();
    }

    public boolean loopback() {
        return client.isLoopbackAddress();
    }

    public boolean secure() {
        return !tls.equals(CLEAR);
    }

    public Pop3Peer withTls(String description) {
        return new Pop3Peer(sessionId, client, viaTrustedProxy, description, apopTimestamp);
    }
}
