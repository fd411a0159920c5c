package dev.poplar.pop3;

import dev.poplar.net.CloseReason;

/** The mutable part of one POP3 session that handlers may change: its state and its tallies. */
final class SessionContext {
    final String sessionId;
    final String clientAddress;
    final java.net.InetAddress clientInet;
    final boolean loopback;
    /** The connection came from a trusted proxy (its PROXY header named the client). */
    final boolean viaTrustedProxy;
    /** "none", "stls" or "implicit": how this connection is encrypted. */
    String tls = "none";
    /** The RFC 1939 APOP timestamp sent in the greeting, or null when APOP is off. */
    String apopTimestamp;
    /** Set by STLS: after its +OK is flushed, the session switches to TLS. */
    boolean startTls;
    SessionState state = SessionState.Authorization.start();
    /** Set by QUIT (or too many errors): write the reply, flush, close. */
    boolean closeAfterReply;
    CloseReason closeReason = CloseReason.CLIENT_CLOSED;
    int consecutiveBadCommands;
    /** The account whose per-user session count this session holds, once logged in. */
    String countedAsSessionOf;
    int commands;
    int retrievedCount;
    long retrievedBytes;
    int deletedCount;
    long deletedBytes;

    SessionContext(String sessionId, java.net.InetAddress client, boolean viaTrustedProxy) {
        this.sessionId = sessionId;
        this.viaTrustedProxy = viaTrustedProxy;
        this.clientInet = client;
        this.clientAddress = client.getHostAddress();
        this.loopback = client.isLoopbackAddress();
    }

    boolean secure() {
        return !tls.equals("none");
    }

    String user() {
        return switch (state) {
            case SessionState.Authorization a -> a.user().orElse("-");
            case SessionState.Sasl s -> "-";
            case Transaction t -> t.maildrop().user();
        };
    }

    void close(CloseReason reason) {
        closeAfterReply = true;
        closeReason = reason;
    }
}
