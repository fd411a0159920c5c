package dev.poplar.bench.load;

import dev.poplar.storage.BufferPool;
import dev.poplar.tls.EngineTls;
import dev.poplar.tls.JdkTls;
import dev.poplar.tls.TlsSocket;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.internal.tcnative.SSL;
import io.netty.util.ReferenceCountUtil;
import java.io.Closeable;
import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
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
 * <p>The client's TLS: the JDK's ({@code --tls-client jdk}, the default) or BoringSSL
 * ({@code openssl}: netty's engine driven by the server's own {@link EngineTls}), which costs a
 * third of the JDK's per handshake and so leaves more of a shared machine to the servers.
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
    /** Null: the JDK's TLS. */
    private final Boring boring;
    /** Handshakes that resumed an earlier session (the client was offered and accepted it). */
    final AtomicLong resumed = new AtomicLong();

    TlsMode(String kind, String version, boolean resume) {
        this(kind, version, resume, "jdk");
    }

    TlsMode(String kind, String version, boolean resume, String client) {
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
        this.boring = switch (client) {
            case "jdk" -> null;
            case "openssl" -> new Boring(this.version);
            default -> throw new IllegalArgumentException("--tls-client must be jdk or openssl, not " + client);
        };
        this.shared = resume && boring == null ? newFactory() : null;
    }

    String describe() {
        return kind == Kind.NONE
                ? "none"
                : kind.name().toLowerCase() + " " + version + (resume ? " resume" : "")
                        + (boring != null ? " openssl-client" : "");
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
                    TlsSocket tls = secure(plain, host, port);
                    yield new Pop3Connection(closing(tls, plain), tls.input(), tls.output());
                }
                case STLS -> {
                    Pop3Connection c = new Pop3Connection(plain, plain.getInputStream(), plain.getOutputStream());
                    c.command("STLS");
                    c.requireNothingBuffered();
                    TlsSocket tls = secure(plain, host, port);
                    c.upgrade(closing(tls, plain), tls.input(), tls.output());
                    yield c;
                }
            };
        } catch (IOException | RuntimeException e) {
            plain.close(); // a failed greeting or handshake must not leave the connection open
            throw e;
        }
    }

    /** The TLS layer, once its handshake is done. */
    private TlsSocket secure(Socket plain, String host, int port) throws IOException {
        if (boring == null) {
            return new JdkTls(handshake(plain, host, port));
        }
        SSLEngine engine =
                resume ? boring.context.newEngine(ALLOCATOR, host, port) : boring.context.newEngine(ALLOCATOR);
        EngineTls tls = EngineTls.client(plain, engine, () -> ReferenceCountUtil.release(engine), boring.buffers);
        try {
            tls.handshake();
        } catch (IOException | RuntimeException e) {
            tls.close();
            throw e;
        }
        // BoringSSL's session times are in whole seconds: ask it directly.
        if (SSL.isSessionReused(((ReferenceCountedOpenSslEngine) engine).sslPointer())) {
            resumed.incrementAndGet();
        }
        return tls;
    }

    /** Closing the connection closes the TLS layer (close_notify, the engine freed), then the socket. */
    private static Closeable closing(TlsSocket tls, Socket plain) {
        return () -> {
            try {
                tls.close();
            } finally {
                plain.close();
            }
        };
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

    private static final ByteBufAllocator ALLOCATOR = UnpooledByteBufAllocator.DEFAULT;

    /** BoringSSL's client context (its session cache offers resumption) and record buffers. */
    private static final class Boring {
        final SslContext context;
        final BufferPool buffers;

        Boring(String version) {
            try {
                context = SslContextBuilder.forClient()
                        .sslProvider(SslProvider.OPENSSL_REFCNT)
                        .trustManager(new TrustAll())
                        .endpointIdentificationAlgorithm(null) // not verified (see the class comment)
                        .protocols(version)
                        .build();
            } catch (IOException e) {
                throw new IllegalStateException("BoringSSL client: " + e.getMessage(), e);
            }
            SSLEngine probe = context.newEngine(ALLOCATOR);
            try {
                buffers = new BufferPool(
                        Math.max(
                                probe.getSession().getPacketBufferSize(),
                                probe.getSession().getApplicationBufferSize()),
                        1024);
            } finally {
                ReferenceCountUtil.release(probe);
            }
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
