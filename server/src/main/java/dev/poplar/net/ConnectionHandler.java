package dev.poplar.net;

/** Runs a protocol session on a connection; called on the connection's own virtual thread. */
public interface ConnectionHandler {
    void handle(Connection connection);

    /**
     * The line that tells a refused client why, in the protocol's words, with CRLF; empty where
     * the client cannot read clear text (implicit TLS: the connection is just closed, since a
     * handshake per refused connection would hand a flood our CPU).
     */
    String rejection(Rejection why);
}
