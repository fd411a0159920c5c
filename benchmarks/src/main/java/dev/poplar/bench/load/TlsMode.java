package dev.poplar.bench.load;

import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * How the generator's POP3 connections are secured: {@code none}, {@code implicit} (POP3S, RFC
 * 8314: TLS from the first byte) or {@code stls} (RFC 2595: plaintext greeting, STLS, then TLS).
 * TLS 1.3 by default, 1.2 selectable; with resumption on, the JDK's client session cache offers
 * the server its last session (TLS 1.3 PSK from a ticket, or a 1.2 session id), as a mail client
 * reconnecting to the same server does; off, every connection does a full handshake.
 *
 * <p>The certificate is not verified: both servers under test use the same self-signed one, and a
 * client's verification cost (one signature check) is the same whichever server it talks to.
 */
final class TlsMode {
    enum Kind {
        NONE,
        IMPLICIT,
        STLS
    }

    final Kind kind;
    private final String version;
    private final boolean resume;
    private final SSLSocketFactory shared;
    /** Handshakes that resumed an earlier session (the client was offered and accepted it). */
    final AtomicLong resumed = new AtomicLong();

    TlsMode(String kind, String version, boolean resume) {
        this.kind = switch (kind) {
            case "none" -> Kind.NONE;
            case "implicit" -> Kind.IMPLICIT;
            case "stls" -> Kind.STLS;
            default -> throw new IllegalArgumentException("--tls must be none, implicit or stls, not " + kind);
        };
        this.version = switch (version) {
            case "1.3" -> "TLSv1.3";
            case "1.2" -> "TLSv1.2";
            default -> throw new IllegalArgumentException("--tls-version must be 1.3 or 1.2, not " + version);
        };
        this.resume = resume;
        this.shared = resume ? newFactory() : null;
    }

    String describe() {
        return kind == Kind.NONE ? "none" : kind.name().toLowerCase() + " " + version + (resume ? " resume" : "");
    }

    /** A connection as the mode wants it, greeting read. */
    Pop3Connection connect(String host, int port) throws IOException {
        Socket plain = new Socket(host, port);
        plain.setTcpNoDelay(true);
        plain.setSoTimeout(60_000);
        try {
            return switch (kind) {
                case NONE -> new Pop3Connection(plain, plain.getInputStream(), plain.getOutputStream());
                case IMPLICIT -> {
                    SSLSocket tls = handshake(plain, host, port);
                    yield new Pop3Connection(tls, tls.getInputStream(), tls.getOutputStream());
                }
                case STLS -> {
                    Pop3Connection c = new Pop3Connection(plain, plain.getInputStream(), plain.getOutputStream());
                    c.command("STLS");
                    c.requireNothingBuffered();
                    SSLSocket tls = handshake(plain, host, port);
                    c.upgrade(tls, tls.getInputStream(), tls.getOutputStream());
                    yield c;
                }
            };
        } catch (IOException | RuntimeException e) {
            plain.close(); // a failed greeting or handshake must not leave the connection open
            throw e;
        }
    }

    private SSLSocket handshake(Socket plain, String host, int port) throws IOException {
        SSLSocketFactory factory = shared != null ? shared : newFactory();
        SSLSocket tls = (SSLSocket) factory.createSocket(plain, host, port, true);
        tls.setEnabledProtocols(new String[] {version});
        long before = System.currentTimeMillis();
        tls.startHandshake();
        // A resumed session keeps the creation time of the one it resumes.
        if (tls.getSession().getCreationTime() < before) {
            resumed.incrementAndGet();
        }
        return tls;
    }

    private SSLSocketFactory newFactory() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new TrustAll()}, null);
            return context.getSocketFactory();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final class TrustAll implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
