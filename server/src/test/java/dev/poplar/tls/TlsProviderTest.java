package dev.poplar.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.poplar.storage.BufferPool;
import dev.poplar.testing.Await;
import dev.poplar.testing.TestServer;
import dev.poplar.testing.TestTls;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.handler.ssl.OpenSslCertificateCompressionAlgorithm;
import io.netty.handler.ssl.OpenSslCertificateCompressionConfig;
import io.netty.handler.ssl.OpenSslContextOption;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.ReferenceCountUtil;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import javax.net.ssl.SSLEngine;
import org.apache.commons.net.pop3.POP3SClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Both TLS providers (poplar.tls.provider: openssl = BoringSSL through {@link EngineTls}, and
 * jdk) against independent clients: OpenSSL's s_client (TLS 1.2 and 1.3, resumption, KeyUpdate)
 * and commons-net; and against hostile input: a client that is not speaking TLS, a record header
 * announcing more than a record may hold, a client gone mid-handshake. After each, the server
 * serves the next client and holds no connection.
 */
@Timeout(120)
class TlsProviderTest {
    @TempDir
    Path dir;

    private TestServer start(String provider) throws Exception {
        TestServer s = TestServer.start(dir.resolve("data"), "POPLAR_TLS_PROVIDER", provider);
        s.addUser("alice", "wonderland");
        assertTrue(scrape(s).contains("poplar_tls_provider_info{provider=\"" + provider + "\"} 1"), "provider metric");
        return s;
    }

    @ParameterizedTest
    @ValueSource(strings = {"openssl", "jdk"})
    void openSslClientsNegotiateTls12And13AndResume(String provider) throws Exception {
        try (TestServer s = start(provider)) {
            for (String version : List.of("-tls1_2", "-tls1_3")) {
                Path session = dir.resolve("session" + version);
                String first =
                        SClient.run(s.pop3sPort(), List.of(version, "-sess_out", session.toString()), "CAPA\nQUIT\n");
                assertTrue(first.contains("+OK Poplar POP3 server ready"), first);
                assertTrue(first.contains("SASL PLAIN"), first);
                assertTrue(first.contains(version.equals("-tls1_2") ? "TLSv1.2" : "TLSv1.3"), first);
                String second = SClient.run(s.pop3sPort(), List.of(version, "-sess_in", session.toString()), "QUIT\n");
                assertTrue(second.contains("Reused, TLSv1."), "resumed " + version + ": " + second);
            }
        }
    }

    /**
     * A client that completes the handshake and leaves at once (a certificate-expiry probe such as
     * the Prometheus blackbox exporter, or s_client with nothing to say) completed a handshake: it
     * must count as one, not as a failure an operator would be alerted to. In TLS 1.3 it leaves
     * while the server still sends its session tickets (RFC 8446 section 4.6.1).
     */
    @ParameterizedTest
    @ValueSource(strings = {"openssl", "jdk"})
    void aClientLeavingRightAfterTheHandshakeIsNoHandshakeFailure(String provider) throws Exception {
        try (TestServer s = start(provider)) {
            for (String version : List.of("-tls1_3", "-tls1_2", "-tls1_3", "-tls1_3", "-tls1_3", "-tls1_3")) {
                String out = SClient.leaving(s.pop3sPort(), version, "-brief");
                assertTrue(out.contains("CONNECTION ESTABLISHED"), out);
            }
            Await.until("the probes gone", Duration.ofSeconds(10), () -> activeTls(scrape(s)) == 0);
            String scrape = scrape(s);
            assertEquals(0, failures(scrape), "handshake failures counted");
            assertEquals(6, (long) sum(
                    scrape,
                    "poplar_tls_handshakes_total\\{listener=\"pop3s\",mode=\"implicit\",result=\"success\"\\} (\\S+)"));
            assertEquals(
                    6,
                    (long) sum(
                            scrape,
                            "poplar_sessions_closed_total\\{listener=\"pop3s\",reason=\"client_closed\"\\} (\\S+)"),
                    scrape.lines()
                            .filter(l -> l.startsWith("poplar_sessions_closed_total"))
                            .toList()
                            .toString());
            // a client that refuses our (self-signed) certificate is a failed handshake still
            SClient.leaving(s.pop3sPort(), "-tls1_3", "-verify_return_error");
            Await.until("the refusal counted", Duration.ofSeconds(10), () -> failures(scrape(s)) == 1);
        }
    }

    /** RFC 8446 section 4.6.3: a KeyUpdate mid-session, with and without update_requested. */
    @ParameterizedTest
    @ValueSource(strings = {"openssl", "jdk"})
    void keyUpdatesMidSessionKeepTheConversationGoing(String provider) throws Exception {
        try (TestServer s = start(provider)) {
            Process p = SClient.interactive(s.pop3sPort(), "-tls1_3");
            try (BufferedReader out =
                            new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                    OutputStream in = p.getOutputStream()) {
                waitFor(out, "+OK Poplar POP3 server ready");
                for (String update : List.of("k", "K", "k")) {
                    // s_client's KeyUpdate commands (K: update_requested); a line of its own each
                    in.write((update + "\n").getBytes(StandardCharsets.US_ASCII));
                    in.flush();
                    waitFor(out, "KEYUPDATE");
                    in.write("CAPA\n".getBytes(StandardCharsets.US_ASCII));
                    in.flush();
                    waitFor(out, "+OK");
                }
                in.write("USER alice\nPASS wonderland\nSTAT\nQUIT\n".getBytes(StandardCharsets.US_ASCII));
                in.flush();
                waitFor(out, "+OK 0 0");
            } finally {
                p.destroy();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * A TLS 1.2 client may ask to renegotiate, a full handshake on the server's CPU each time, as
     * often as it likes: refused, as nginx and Dovecot (OpenSSL) refuse it, and the session ends.
     */
    @ParameterizedTest
    @ValueSource(strings = {"openssl", "jdk"})
    void clientInitiatedRenegotiationIsRefused(String provider) throws Exception {
        try (TestServer s = start(provider)) {
            Process p = SClient.interactive(s.pop3sPort(), "-tls1_2");
            StringBuilder after = new StringBuilder();
            try (BufferedReader out =
                            new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                    OutputStream in = p.getOutputStream()) {
                waitFor(out, "+OK Poplar POP3 server ready");
                in.write("R\n".getBytes(StandardCharsets.US_ASCII)); // s_client's renegotiate command
                in.flush();
                waitFor(out, "RENEGOTIATING");
                try {
                    in.write("CAPA\n".getBytes(StandardCharsets.US_ASCII));
                    in.flush();
                } catch (IOException gone) {
                    // s_client has already ended: the server said no
                }
                Thread reader = Thread.ofVirtual().start(() -> {
                    try {
                        for (String line = out.readLine(); line != null; line = out.readLine()) {
                            synchronized (after) {
                                after.append(line).append('\n');
                            }
                        }
                    } catch (IOException ignored) {
                        // the process went away
                    }
                });
                boolean ended = p.waitFor(20, TimeUnit.SECONDS); // the server ends the session
                p.destroy();
                reader.join(5_000);
                synchronized (after) {
                    assertTrue(ended, "the session went on after a renegotiation: " + after);
                    assertFalse(after.toString().contains("+OK Capability"), after.toString());
                }
            } finally {
                p.destroy();
                p.waitFor(10, TimeUnit.SECONDS);
            }
            String next = SClient.run(s.pop3sPort(), List.of("-tls1_2"), "QUIT\n");
            assertTrue(next.contains("+OK Poplar POP3 server ready"), next);
        }
    }

    /**
     * The chain goes out uncompressed even to a client that offers zlib (RFC 8879): netty would
     * compress it again on every handshake, CPU spent to save a few hundred bytes.
     */
    @Test
    void theCertificateIsNotCompressedPerHandshake() throws Exception {
        try (TestServer s = start("openssl")) {
            AtomicInteger decompressed = new AtomicInteger();
            OpenSslCertificateCompressionAlgorithm zlib = new OpenSslCertificateCompressionAlgorithm() {
                @Override
                public byte[] compress(SSLEngine engine, byte[] chain) {
                    throw new UnsupportedOperationException("a client does not compress");
                }

                @Override
                public byte[] decompress(SSLEngine engine, int length, byte[] compressed) throws Exception {
                    decompressed.incrementAndGet();
                    Inflater inflater = new Inflater();
                    try {
                        inflater.setInput(compressed);
                        byte[] chain = new byte[length];
                        if (inflater.inflate(chain) != length || !inflater.finished()) {
                            throw new DataFormatException("not " + length + " bytes");
                        }
                        return chain;
                    } finally {
                        inflater.end();
                    }
                }

                @Override
                public int algorithmId() {
                    return 1; // zlib, RFC 8879 section 3
                }
            };
            SslContext client = SslContextBuilder.forClient()
                    .sslProvider(SslProvider.OPENSSL_REFCNT)
                    .trustManager(InsecureTrustManagerFactory.INSTANCE)
                    .endpointIdentificationAlgorithm(null)
                    .option(
                            OpenSslContextOption.CERTIFICATE_COMPRESSION_ALGORITHMS,
                            OpenSslCertificateCompressionConfig.newBuilder()
                                    .addAlgorithm(zlib, OpenSslCertificateCompressionConfig.AlgorithmMode.Decompress)
                                    .build())
                    .build();
            try (Socket raw = new Socket("127.0.0.1", s.pop3sPort())) {
                SSLEngine engine = client.newEngine(UnpooledByteBufAllocator.DEFAULT);
                EngineTls tls = EngineTls.client(
                        raw, engine, () -> ReferenceCountUtil.release(engine), new BufferPool(32 * 1024, 2));
                try {
                    tls.handshake();
                    ByteArrayOutputStream greeting = new ByteArrayOutputStream();
                    for (int b = tls.input().read();
                            b >= 0 && b != '\n';
                            b = tls.input().read()) {
                        greeting.write(b);
                    }
                    assertTrue(greeting.toString(StandardCharsets.US_ASCII).startsWith("+OK"), greeting.toString());
                } finally {
                    tls.close();
                }
            } finally {
                ReferenceCountUtil.release(client);
            }
            assertEquals(0, decompressed.get(), "the server sent a compressed certificate");
        }
    }

    /** Record after record: a 3 MB message comes back exactly. */
    @ParameterizedTest
    @ValueSource(strings = {"openssl", "jdk"})
    void aLargeMessageCrossesManyRecordsIntact(String provider) throws Exception {
        try (TestServer s = start(provider)) {
            byte[] body = new byte[78 * 40_000]; // whole lines
            new Random(7).nextBytes(body);
            for (int i = 0; i < body.length; i++) { // lines of printable bytes, CRLF-ended, no lone dots
                body[i] = (byte) ((i % 78 == 76) ? '\r' : (i % 78 == 77) ? '\n' : 'A' + (body[i] & 15));
            }
            byte[] message = concat("Subject: big\r\n\r\n".getBytes(StandardCharsets.US_ASCII), body);
            s.deliver("alice", message);
            POP3SClient c = new POP3SClient(true);
            c.setTrustManager(TestTls.trusting(TestTls.devCertificate(s.dataDir())));
            c.setDefaultTimeout(20_000);
            c.connect("127.0.0.1", s.pop3sPort());
            try {
                assertTrue(c.login("alice", "wonderland"), c.getReplyString());
                ByteArrayOutputStream got = new ByteArrayOutputStream();
                try (var r = c.retrieveMessage(1)) {
                    char[] buf = new char[65536];
                    for (int n; (n = r.read(buf)) > 0; ) {
                        got.write(new String(buf, 0, n).getBytes(StandardCharsets.ISO_8859_1));
                    }
                }
                byte[] expected = concat("Delivered-To: alice\r\n".getBytes(StandardCharsets.US_ASCII), message);
                assertEquals(expected.length, got.size());
                assertArrayEquals(sha256(expected), sha256(got.toByteArray()));
                assertTrue(c.logout());
            } finally {
                c.disconnect();
            }
        }
    }

    /**
     * Plain text on the POP3S port, a record header announcing 18,432 bytes (over the 16 KiB +
     * 256 that RFC 8446 section 5.2 allows), half a ClientHello and a vanished client: each is
     * a failed handshake that closes the connection, and the next client is served.
     */
    @ParameterizedTest
    @ValueSource(strings = {"openssl", "jdk"})
    void hostileHandshakesCloseTheConnectionAndTheServerGoesOn(String provider) throws Exception {
        try (TestServer s = start(provider)) {
            byte[] http = "GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
            assertClosedAfter(s, http);
            byte[] oversized = new byte[5 + 18_432];
            oversized[0] = 0x16; // handshake
            oversized[1] = 0x03;
            oversized[2] = 0x03;
            oversized[3] = (byte) 0x48; // 0x4800 = 18,432
            oversized[4] = 0x00;
            assertClosedAfter(s, oversized);
            byte[] partial = {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, (byte) 0xfc, 0x03, 0x03};
            try (Socket gone = new Socket("127.0.0.1", s.pop3sPort())) {
                gone.getOutputStream().write(partial); // and goes away mid-ClientHello
            }
            Await.until("three failed handshakes counted and no connection held", Duration.ofSeconds(20), () -> {
                String now = scrape(s);
                return failures(now) >= 3 && activeTls(now) == 0;
            });
            String ok = SClient.run(s.pop3sPort(), List.of(), "QUIT\n");
            assertTrue(ok.contains("+OK Poplar POP3 server ready"), ok);
        }
    }

    private static void assertClosedAfter(TestServer s, byte[] sent) throws IOException {
        try (Socket c = new Socket("127.0.0.1", s.pop3sPort())) {
            c.setSoTimeout(20_000);
            try {
                c.getOutputStream().write(sent);
            } catch (IOException closedWhileWriting) {
                return; // the server closed first: that is the answer
            }
            InputStream in = c.getInputStream();
            byte[] buf = new byte[4096];
            try {
                while (in.read(buf) >= 0) { // an alert at most, then the end
                    assertTrue(buf[0] == 0x15 || buf[0] == 0x16, "only TLS records come back");
                }
            } catch (java.net.SocketException reset) {
                // closed with unread input: a reset is the end too
            }
        }
    }

    private static long failures(String scrape) {
        return (long) sum(
                scrape,
                "poplar_tls_handshakes_total\\{listener=\"pop3s\",mode=\"implicit\",result=\"failure\"\\} (\\S+)");
    }

    private static long activeTls(String scrape) {
        return (long) sum(scrape, "poplar_connections_active\\{listener=\"pop3s\"\\} (\\S+)");
    }

    private static double sum(String scrape, String regex) {
        Matcher m = Pattern.compile(regex).matcher(scrape);
        double total = 0;
        while (m.find()) {
            total += Double.parseDouble(m.group(1));
        }
        return total;
    }

    private static String scrape(TestServer s) {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.httpPort() + "/metrics"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void waitFor(BufferedReader out, String prefix) throws IOException {
        List<String> seen = new ArrayList<>();
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            if (line.startsWith(prefix)) {
                return;
            }
            seen.add(line);
            if (line.startsWith("-ERR")) {
                break;
            }
        }
        throw new AssertionError("no line starting " + prefix + " in " + seen);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = new byte[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    private static byte[] sha256(byte[] b) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(b);
    }
}
