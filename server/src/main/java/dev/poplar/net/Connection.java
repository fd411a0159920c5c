package dev.poplar.net;

import java.net.Socket;

/** An accepted connection as a protocol session sees it. */
public interface Connection {
    /** Why the server ended a session from outside (seen by the session as end of input). */
    enum Interruption {
        NONE,
        /** The server is shutting down. */
        SHUTDOWN,
        /** An administrator kicked the session. */
        KICKED,
        /** The client stopped reading and a write blocked past the write timeout. */
        WRITE_TIMEOUT
    }

    /** A short id for logs, unique in this process. */
    String id();

    /** The listener's name: "pop3", "lmtp". */
    String listener();

    Socket socket();

    /** The client's address as text (no port): the PROXY header's source when a trusted proxy sent one. */
    String clientAddress();

    /** The same as an address. */
    java.net.InetAddress clientInetAddress();

    /** True when the connection came from a trusted proxy (poplar.pop3.trusted-proxies). */
    default boolean viaTrustedProxy() {
        return false;
    }

    /** Set before the server shuts the session's input: end of input then means "stop", not "client left". */
    Interruption interruption();

    /** Marks a socket write as started at {@code nanoTime}, or finished with 0 (see WatchedOutputStream). */
    void writeStarted(long nanoTime);

    /** Publishes what {@code who} shows: the user once known, the protocol state, byte counts. */
    void publish(String user, String state, long bytesIn, long bytesOut);
}
