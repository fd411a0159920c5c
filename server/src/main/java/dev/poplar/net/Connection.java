package dev.poplar.net;

import java.net.Socket;

/** An accepted connection as a protocol session sees it. */
public interface Connection {
    /** A short id for logs, unique in this process. */
    String id();

    Socket socket();

    /** The client's address as text (no port). */
    String clientAddress();

    /** True once the server is shutting down: end of input means "stop", not "client left". */
    boolean draining();
}
