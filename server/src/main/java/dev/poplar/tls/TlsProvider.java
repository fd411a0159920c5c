package dev.poplar.tls;

import java.io.IOException;
import java.net.Socket;

/**
 * Makes the server side of TLS connections with one certificate and key, from one TLS
 * implementation. A certificate renewal makes a new provider; the old one is closed, and frees
 * what is native once the connections made from it are gone.
 */
interface TlsProvider extends AutoCloseable {
    /** Wraps an accepted socket; does not handshake yet. Once closed it may throw IllegalStateException. */
    TlsSocket wrap(Socket raw) throws IOException;

    @Override
    void close();
}
