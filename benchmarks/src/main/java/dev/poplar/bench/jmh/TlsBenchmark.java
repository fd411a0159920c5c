package dev.poplar.bench.jmh;

import dev.poplar.tls.OpenSslProvider;
import dev.poplar.tls.PemFiles;
import dev.poplar.tls.SelfSignedCertificate;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.ReferenceCountUtil;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The two TLS providers of poplar.tls.provider, in memory (no sockets): a full TLS 1.3 handshake
 * (X25519 key exchange, the certificate's signature) and one 16 KiB record encrypted by the server
 * and decrypted by the client. The client is BoringSSL in every case, so the difference between
 * the rows is the server's cost (docs/benchmarks.md, "TLS providers").
 *
 * <pre>./poplar bench jmh TlsBenchmark -f 1 -wi 3 -i 5 -w 1s -r 1s</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED"})
public class TlsBenchmark {
    private static final ByteBuffer NOTHING = ByteBuffer.allocate(0);
    /** The engines' scratch buffers: unpooled as in OpenSslProvider, or pooled (the A/B that lost there). */
    @Param({"unpooled"})
    String scratch;

    private ByteBufAllocator allocator;

    /** The server's provider: jdk (SunJSSE) or openssl (BoringSSL through netty-tcnative). */
    @Param({"jdk", "openssl"})
    String provider;

    /** The certificate's key: ecdsa (P-256) or rsa (2048 bits, made by the openssl command). */
    @Param({"ecdsa", "rsa"})
    String key;

    private SslContext server;
    private SslContext client;
    private SSLEngine serverEngine;
    private SSLEngine clientEngine;
    private final ByteBuffer c2s = ByteBuffer.allocate(1 << 16);
    private final ByteBuffer s2c = ByteBuffer.allocate(1 << 16);
    private final ByteBuffer clientPlain = ByteBuffer.allocate(1 << 16);
    private final ByteBuffer serverPlain = ByteBuffer.allocate(1 << 16);
    private final ByteBuffer record = ByteBuffer.allocate(16 * 1024);

    @Setup(Level.Trial)
    public void contexts() throws Exception {
        Path dir = Files.createTempDirectory("poplar-tls-bench");
        Path cert = dir.resolve("cert.pem");
        Path pem = dir.resolve("key.pem");
        if (key.equals("rsa")) {
            Process p = new ProcessBuilder(
                            "openssl",
                            "req",
                            "-x509",
                            "-newkey",
                            "rsa:2048",
                            "-nodes",
                            "-days",
                            "2",
                            "-subj",
                            "/CN=localhost",
                            "-keyout",
                            pem.toString(),
                            "-out",
                            cert.toString())
                    .redirectErrorStream(true)
                    .start();
            p.getInputStream().readAllBytes();
            if (p.waitFor() != 0) {
                throw new IllegalStateException("openssl req failed");
            }
        } else {
            SelfSignedCertificate.write(cert, pem, "localhost", List.of("localhost"), Duration.ofDays(2));
        }
        allocator = scratch.equals("pooled")
                ? new PooledByteBufAllocator(true, 0, 2, 8192, 7, 0, 0, false) // small arenas, no thread caches
                : UnpooledByteBufAllocator.DEFAULT;
        List<X509Certificate> chain = PemFiles.certificates(cert);
        PrivateKey privateKey = PemFiles.privateKey(pem);
        server = provider.equals("jdk")
                ? SslContextBuilder.forServer(privateKey, chain.toArray(X509Certificate[]::new))
                        .sslProvider(SslProvider.JDK)
                        .build()
                : OpenSslProvider.serverContext(privateKey, chain); // exactly what the server runs
        client = SslContextBuilder.forClient()
                .sslProvider(SslProvider.OPENSSL_REFCNT)
                .trustManager(InsecureTrustManagerFactory.INSTANCE)
                .protocols("TLSv1.3")
                .build();
        for (Path f : List.of(cert, pem, dir)) {
            Files.delete(f);
        }
    }

    /** A connected pair for the record benchmark. */
    @Setup(Level.Iteration)
    public void pair() throws SSLException {
        serverEngine = server.newEngine(allocator);
        clientEngine = client.newEngine(UnpooledByteBufAllocator.DEFAULT);
        handshake(clientEngine, serverEngine);
    }

    @TearDown(Level.Iteration)
    public void unpair() {
        ReferenceCountUtil.release(serverEngine);
        ReferenceCountUtil.release(clientEngine);
    }

    @TearDown(Level.Trial)
    public void release() {
        ReferenceCountUtil.release(server);
        ReferenceCountUtil.release(client);
    }

    /** A new connection's full handshake (no resumption), both sides. */
    @Benchmark
    public SSLEngine fullHandshake() throws SSLException {
        SSLEngine s = server.newEngine(allocator);
        SSLEngine c = client.newEngine(UnpooledByteBufAllocator.DEFAULT);
        try {
            handshake(c, s);
            return s;
        } finally {
            ReferenceCountUtil.release(s);
            ReferenceCountUtil.release(c);
        }
    }

    /** One full record of a RETR: encrypted by the server, decrypted by the client. */
    @Benchmark
    public int record16k() throws SSLException {
        record.clear();
        s2c.clear();
        serverEngine.wrap(record, s2c);
        s2c.flip();
        clientPlain.clear();
        clientEngine.unwrap(s2c, clientPlain);
        return clientPlain.position();
    }

    /** Runs both engines in memory until neither has anything left to do. */
    private void handshake(SSLEngine c, SSLEngine s) throws SSLException {
        c.setUseClientMode(true);
        c.beginHandshake();
        s.beginHandshake();
        c2s.clear();
        s2c.clear();
        for (int round = 0; round < 50; round++) {
            step(c, s2c, c2s, clientPlain);
            step(s, c2s, s2c, serverPlain);
            if (idle(c) && idle(s) && c2s.position() == 0 && s2c.position() == 0) {
                return;
            }
        }
        throw new SSLException("no handshake: client " + c.getHandshakeStatus() + ", server " + s.getHandshakeStatus());
    }

    /** Lets {@code e} consume what {@code in} holds and write what it wants to send into {@code out}. */
    private static void step(SSLEngine e, ByteBuffer in, ByteBuffer out, ByteBuffer plain) throws SSLException {
        in.flip();
        while (in.hasRemaining()) {
            plain.clear();
            var r = e.unwrap(in, plain);
            runTasks(e);
            if (r.bytesConsumed() == 0) {
                break;
            }
        }
        in.compact();
        plain.clear();
        e.unwrap(NOTHING, plain); // lets an engine notice a finished handshake (netty's does it late)
        while (e.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
            var r = e.wrap(NOTHING, out);
            runTasks(e);
            if (r.bytesProduced() == 0) {
                break;
            }
        }
        e.wrap(NOTHING, out); // session tickets after the handshake
    }

    private static boolean idle(SSLEngine e) {
        HandshakeStatus h = e.getHandshakeStatus();
        return h == HandshakeStatus.NOT_HANDSHAKING || h == HandshakeStatus.FINISHED;
    }

    private static void runTasks(SSLEngine e) {
        Runnable task;
        while ((task = e.getDelegatedTask()) != null) {
            task.run();
        }
    }
}
