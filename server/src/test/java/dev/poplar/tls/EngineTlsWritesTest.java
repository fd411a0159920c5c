package dev.poplar.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.poplar.storage.BufferPool;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server's records leave several to a socket write: a 64 KiB chunk of a message (what
 * ReplyWriter hands over) is one write of four records, not four writes, since on loopback and
 * LAN the kernel's cost is per write as much as per byte (docs/benchmarks.md, "Records per
 * socket write"). BoringSSL on both sides, over a real loopback connection; the server's socket
 * counts the writes it is given.
 */
@Timeout(60)
class EngineTlsWritesTest {
    @TempDir
    Path dir;

    /** After the greeting (which takes the session tickets along), a chunk and a 1 MiB message. */
    @Test
    void aChunkOfFourRecordsIsOneSocketWrite() throws Exception {
        byte[] greeting = "+OK ready\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] chunk = random(64 * 1024, 1);
        byte[] message = random(1024 * 1024, 2);
        AtomicInteger writes = new AtomicInteger();
        int[] counts = new int[2];
        byte[] received = exchange(writes, greeting.length + chunk.length + message.length, out -> {
            out.write(greeting);
            out.flush();
            int before = writes.get();
            out.write(chunk);
            counts[0] = writes.get() - before;
            out.write(message);
            counts[1] = writes.get() - before - counts[0];
        });
        assertArrayEquals(concat(greeting, concat(chunk, message)), received);
        assertEquals(1, counts[0], "socket writes for a 64 KiB chunk (four records)");
        assertEquals(16, counts[1], "socket writes for 1 MiB (64 records)");
    }

    /**
     * A full record as the first write after the handshake: the engine first hands over the
     * TLS 1.3 session tickets it still holds, with no room left for the record in that call. That
     * is progress, not an engine that "took no data".
     */
    @Test
    void aFullRecordRightAfterTheHandshakeGoesOutAfterTheTickets() throws Exception {
        byte[] record = random(16 * 1024, 3);
        byte[] received = exchange(new AtomicInteger(), record.length, out -> out.write(record));
        assertArrayEquals(record, received);
    }

    private interface Script {
        void run(OutputStream out) throws IOException;
    }

    /** A BoringSSL server (Poplar's) runs {@code script} after its handshake; returns what a client read. */
    private byte[] exchange(AtomicInteger writes, int length, Script script) throws Exception {
        Path cert = dir.resolve("c.crt");
        Path key = dir.resolve("c.key");
        SelfSignedCertificate.write(cert, key, "localhost", List.of("localhost"), Duration.ofDays(1));
        try (OpenSslProvider provider = new OpenSslProvider(List.of(CertifiedKey.read(cert, key)));
                ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> server = CompletableFuture.runAsync(() -> {
                try (Socket accepted = listener.accept()) {
                    TlsSocket tls = provider.wrap(new CountingSocket(accepted, writes));
                    try {
                        tls.handshake();
                        script.run(tls.output());
                        tls.output().flush();
                    } finally {
                        tls.close();
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            try {
                return receive(listener.getLocalPort(), length);
            } finally {
                server.get(30, TimeUnit.SECONDS); // the server's failure, if any, is the one to see
            }
        }
    }

    /** A BoringSSL client (the load generator's) reading {@code length} bytes of plaintext. */
    private static byte[] receive(int port, int length) throws Exception {
        SslContext context = SslContextBuilder.forClient()
                .sslProvider(SslProvider.OPENSSL_REFCNT)
                .trustManager(InsecureTrustManagerFactory.INSTANCE)
                .endpointIdentificationAlgorithm(null)
                .build();
        try (Socket raw = new Socket(InetAddress.getLoopbackAddress(), port)) {
            raw.setSoTimeout(20_000);
            SSLEngine engine = context.newEngine(UnpooledByteBufAllocator.DEFAULT);
            EngineTls tls = EngineTls.client(
                    raw, engine, () -> ReferenceCountUtil.release(engine), new BufferPool(32 * 1024, 2));
            try {
                tls.handshake();
                byte[] got = tls.input().readNBytes(length);
                assertEquals(length, got.length, "plaintext received");
                return got;
            } finally {
                tls.close();
            }
        } finally {
            ReferenceCountUtil.release(context);
        }
    }

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    /** The accepted socket, with every write to its output counted. */
    private static final class CountingSocket extends Socket {
        private final Socket socket;
        private final AtomicInteger writes;

        CountingSocket(Socket socket, AtomicInteger writes) {
            this.socket = socket;
            this.writes = writes;
        }

        @Override
        public InputStream getInputStream() throws IOException {
            return socket.getInputStream();
        }

        @Override
        public OutputStream getOutputStream() throws IOException {
            OutputStream out = socket.getOutputStream();
            return new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    writes.incrementAndGet();
                    out.write(b, off, len);
                }
            };
        }

        @Override
        public void setSoTimeout(int timeout) throws SocketException {
            socket.setSoTimeout(timeout);
        }

        @Override
        public boolean isClosed() {
            return socket.isClosed();
        }

        @Override
        public boolean isOutputShutdown() {
            return socket.isOutputShutdown();
        }
    }
}
