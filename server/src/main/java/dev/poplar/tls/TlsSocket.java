package dev.poplar.tls;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The server side of one TLS connection over an accepted socket, whichever provider makes it
 * (the JDK's {@code SSLSocket}, or an {@code SSLEngine} driven by {@link EngineTls}). The session
 * reads and writes it with blocking calls on its own thread; closing it sends close_notify and
 * frees the provider's state, but leaves the accepted socket to the listener.
 */
public interface TlsSocket extends Closeable {
    /** Runs the handshake; each wait for the client is bounded by the read timeout in force. */
    void handshake() throws IOException;

    InputStream input() throws IOException;

    OutputStream output() throws IOException;

    /** The read timeout (SO_TIMEOUT) for the handshake and every later read. */
    void setReadTimeout(int millis) throws IOException;

    /** The negotiated protocol ("TLSv1.3"), once the handshake is done. */
    String protocol();

    /**
     * True when the client completed the handshake and was already gone when it returned (a
     * probe that only checks the certificate): nothing more to send it.
     */
    default boolean clientLeft() {
        return false;
    }
}
