package dev.poplar.session;

import dev.poplar.storage.BufferPool;
import dev.poplar.tls.TlsContext;
import java.time.Duration;
import java.util.Optional;

/**
 * What the runtime needs to know of a listener's protocol.
 *
 * @param logEvent         the summary line's event name: "pop3_session", "lmtp_session"
 * @param logger           the logger the summary and errors go to
 * @param tls              the certificate for STLS and implicit TLS, if any
 * @param implicitTls      TLS from the first byte (POP3S, RFC 8314)
 * @param handshakeTimeout how long a TLS handshake may take
 * @param inputBuffers     the pool input buffers are borrowed from while there is input
 */
public record SessionSettings(
        String logEvent,
        System.Logger logger,
        Optional<TlsContext> tls,
        boolean implicitTls,
        Duration handshakeTimeout,
        BufferPool inputBuffers) {
    public SessionSettings {
        if (implicitTls && tls.isEmpty()) {
            throw new IllegalArgumentException("implicit TLS needs a certificate");
        }
    }
}
