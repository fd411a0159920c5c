package dev.poplar.net;

/** Runs a protocol session on a connection; called on the connection's own virtual thread. */
public interface ConnectionHandler {
    void handle(Connection connection);

    /** The line that tells a refused client why, in the protocol's words, with CRLF. */
    String rejection(Rejection why);
}
