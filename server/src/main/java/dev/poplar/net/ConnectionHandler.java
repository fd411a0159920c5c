package dev.poplar.net;

/** Runs a protocol session on a connection; called on the connection's own virtual thread. */
@FunctionalInterface
public interface ConnectionHandler {
    void handle(Connection connection);
}
