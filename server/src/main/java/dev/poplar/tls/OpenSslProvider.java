package dev.poplar.tls;

import dev.poplar.storage.BufferPool;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslCertificateCompressionConfig;
import io.netty.handler.ssl.OpenSslContextOption;
import io.netty.handler.ssl.OpenSslCredential;
import io.netty.handler.ssl.OpenSslCredentialBuilder;
import io.netty.handler.ssl.OpenSslX509KeyManagerFactory;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;

/**
 * BoringSSL through netty-tcnative (the statically linked build in the package; no system
 * OpenSSL needed): its handshakes cost a third to a half of the JDK's in CPU (X25519 and P-256
 * in assembly; docs/benchmarks.md, "TLS providers"). Only its engine is used, driven by
 * {@link EngineTls}; nothing of netty's event loop runs.
 */
public final class OpenSslProvider implements TlsProvider {
    /** Idle pooled record buffers across all connections (18 KiB each): 4.5 MiB at most. */
    private static final int POOLED_BUFFERS = 256;
    /**
     * Records gathered into one socket write: four carry a 64 KiB chunk of a message (what
     * ReplyWriter hands over) in one write instead of four, 14-15% less server CPU per RETR over
     * TLS in an A/B (docs/benchmarks.md, "Records per socket write").
     */
    private static final int RECORDS_PER_WRITE = 4;
    /** Idle pooled write buffers (four records, ~72 KiB each): under 5 MiB at most. */
    private static final int POOLED_WRITE_BUFFERS = 64;
    /**
     * No certificate compression (RFC 8879). netty offers zlib with BoringSSL and compresses the
     * chain again on every handshake, with a new Deflater each time: ~7% of a full handshake's
     * CPU in the profile (docs/benchmarks.md, "A BoringSSL client, and where the CPU goes"), to save well
     * under a kilobyte of a chain that TCP's first window carries anyway. Only clients on OpenSSL
     * 3.2+ or BoringSSL ask for it; others never saw it.
     */
    private static final OpenSslCertificateCompressionConfig NO_CERTIFICATE_COMPRESSION =
            OpenSslCertificateCompressionConfig.newBuilder().build();

    private final SslContext context;
    private final BufferPool buffers;
    private final BufferPool writeBuffers;

    OpenSslProvider(List<CertifiedKey> pairs) throws IOException, GeneralSecurityException {
        if (!OpenSsl.isAvailable()) {
            throw new IOException("the native TLS provider cannot load: " + unavailableReason());
        }
        context = serverContext(pairs);
        SSLEngine probe = newEngine();
        try {
            int size = Math.max(
                    probe.getSession().getPacketBufferSize(), probe.getSession().getApplicationBufferSize());
            buffers = new BufferPool(size, POOLED_BUFFERS);
            writeBuffers = new BufferPool(RECORDS_PER_WRITE * size, POOLED_WRITE_BUFFERS);
        } finally {
            ReferenceCountUtil.release(probe);
        }
    }

    /**
     * The server's BoringSSL context: its protocols, cipher order and options. Public for the
     * benchmarks (TlsBenchmark measures this context, not a copy of it).
     */
    public static SslContext serverContext(PrivateKey key, List<X509Certificate> chain)
            throws GeneralSecurityException, SSLException {
        return serverContext(List.of(new CertifiedKey(key, chain)));
    }

    /**
     * One pair: netty's own key manager factory, which encodes the pair for BoringSSL once, here,
     * not per handshake. Two pairs (ECDSA and RSA): both go to BoringSSL as credentials, and
     * BoringSSL picks one per handshake, as OpenSSL does for Dovecot's ssl_alt_cert: by the
     * client's signature algorithms and, in TLS 1.2, its cipher suites too. netty's own choice
     * would not do: in TLS 1.2 it takes key types in the server's cipher order and sets the
     * first, so a client offering only ECDHE-RSA suites got the ECDSA chain and a failed
     * handshake (TlsKeyPairsTest).
     */
    static SslContext serverContext(List<CertifiedKey> pairs) throws GeneralSecurityException, SSLException {
        List<OpenSslCredential> credentials = new ArrayList<>();
        try {
            SslContextBuilder builder;
            if (pairs.size() == 1) {
                KeyManagerFactory keys = new OpenSslX509KeyManagerFactory();
                keys.init(CertifiedKey.keyStore(pairs), CertifiedKey.storePassword());
                builder = SslContextBuilder.forServer(keys);
            } else {
                builder = SslContextBuilder.forServer(new CredentialsOnlyKeyManager());
                for (CertifiedKey pair : pairs) {
                    credentials.add(OpenSslCredentialBuilder.forX509(
                                    pair.key(), pair.chain().toArray(X509Certificate[]::new))
                            .build());
                }
                builder.addCredentials(credentials);
            }
            return builder.sslProvider(SslProvider.OPENSSL_REFCNT)
                    .protocols(TlsContext.PROTOCOLS)
                    .ciphers(List.of(TlsContext.CIPHERS), SupportedCipherSuiteFilter.INSTANCE)
                    .option(OpenSslContextOption.CERTIFICATE_COMPRESSION_ALGORITHMS, NO_CERTIFICATE_COMPRESSION)
                    .build();
        } finally {
            credentials.forEach(ReferenceCountUtil::release); // the context holds its own references
        }
    }

    /** True when the native library loads on this machine. */
    static boolean available() {
        return OpenSsl.isAvailable();
    }

    static String unavailableReason() {
        Throwable cause = OpenSsl.unavailabilityCause();
        return cause == null ? "unknown" : cause.toString();
    }

    private SSLEngine newEngine() {
        // Unpooled scratch buffers (the engine's copies between our heap buffers and native
        // memory, one call long). A pooled allocator won 18% per record in TlsBenchmark.record16k
        // but lost 5% of RETR/s over TLS with 50 sessions (docs/benchmarks.md, "TLS providers");
        // netty's default pool would also keep a cache per virtual thread.
        return context.newEngine(UnpooledByteBufAllocator.DEFAULT);
    }

    @Override
    public TlsSocket wrap(Socket raw) throws IOException {
        SSLEngine engine = newEngine();
        try {
            return new EngineTls(raw, engine, () -> ReferenceCountUtil.release(engine), buffers, writeBuffers);
        } catch (IOException | RuntimeException e) {
            ReferenceCountUtil.release(engine);
            throw e;
        }
    }

    @Override
    public void close() {
        ReferenceCountUtil.release(context); // engines hold their own reference until closed
    }
}
