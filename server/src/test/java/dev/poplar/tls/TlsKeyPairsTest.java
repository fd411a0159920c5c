package dev.poplar.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.poplar.testing.TestServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An ECDSA certificate with an RSA one beside it (poplar.tls.alt-cert, as Dovecot's
 * ssl_alt_cert), on both providers, against OpenSSL's s_client: a client that can verify ECDSA
 * gets the ECDSA chain, one that offers only RSA signatures (TLS 1.3, RFC 8446 section 4.2.3) or
 * only ECDHE-RSA suites (TLS 1.2) gets the RSA chain. And the pairs that must not load: a key
 * that is not the certificate's, and two pairs of one key type.
 */
@Timeout(120)
class TlsKeyPairsTest {
    @TempDir
    Path dir;

    private Path ecCert;
    private Path ecKey;
    private Path rsaCert;
    private Path rsaKey;

    @BeforeEach
    void certificates() throws Exception {
        ecCert = dir.resolve("ec.crt");
        ecKey = dir.resolve("ec.key");
        SelfSignedCertificate.write(ecCert, ecKey, "ec.test", List.of("ec.test"), Duration.ofDays(30));
        rsaCert = dir.resolve("rsa.crt");
        rsaKey = dir.resolve("rsa.key");
        // made by OpenSSL, not by us; expires first, so the expiry metric must follow it
        openSslCertificate("rsa:2048", rsaCert, rsaKey, "rsa.test", 2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"openssl", "jdk"})
    void eachClientGetsTheCertificateItCanVerify(String provider) throws Exception {
        try (TestServer s = TestServer.start(
                dir.resolve("data-" + provider),
                "POPLAR_TLS_PROVIDER",
                provider,
                "POPLAR_TLS_CERT",
                ecCert.toString(),
                "POPLAR_TLS_KEY",
                ecKey.toString(),
                "POPLAR_TLS_ALT_CERT",
                rsaCert.toString(),
                "POPLAR_TLS_ALT_KEY",
                rsaKey.toString())) {
            int port = s.pop3sPort();
            assertEquals("ec.test", servedName(port, "-tls1_3"));
            assertEquals("ec.test", servedName(port, "-tls1_2"));
            assertEquals("rsa.test", servedName(port, "-tls1_3", "-sigalgs", "rsa_pss_rsae_sha256:rsa_pkcs1_sha256"));
            assertEquals(
                    "rsa.test",
                    servedName(port, "-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256", "-sigalgs", "RSA+SHA256"));
            // a client able to verify ECDSA that offers only RSA suites: the choice must follow the suites too
            assertEquals("rsa.test", servedName(port, "-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256"));
            // the expiry gauge is the earlier of the two: the RSA certificate's, 2 days out
            double expiry = expiryMetric(s);
            double now = Instant.now().getEpochSecond();
            assertTrue(expiry > now + 86_400 && expiry < now + 3 * 86_400, "expiry " + expiry);
        }
    }

    @Test
    void aKeyThatIsNotTheCertificatesIsRefusedAtLoad() throws Exception {
        Path otherCert = dir.resolve("other.crt");
        Path otherKey = dir.resolve("other.key");
        SelfSignedCertificate.write(otherCert, otherKey, "other.test", List.of("other.test"), Duration.ofDays(30));
        String e = refusal(TlsContext.Choice.JDK, new TlsContext.KeyFiles(ecCert, otherKey));
        assertTrue(e.contains("does not belong to the certificate"), e);
        String crossed = refusal(TlsContext.Choice.OPENSSL, new TlsContext.KeyFiles(ecCert, rsaKey));
        assertTrue(crossed.contains("does not belong to the certificate"), crossed);
    }

    /** An Ed25519 certificate (RFC 8446 section 4.2.3) is served as before, and checked like the others. */
    @ParameterizedTest
    @ValueSource(strings = {"openssl", "jdk"})
    void anEd25519PairIsServedAndChecked(String provider) throws Exception {
        Path edCert = dir.resolve("ed.crt");
        Path edKey = dir.resolve("ed.key");
        openSslCertificate("ed25519", edCert, edKey, "ed.test", 2);
        try (TestServer s = TestServer.start(
                dir.resolve("data-ed-" + provider),
                "POPLAR_TLS_PROVIDER",
                provider,
                "POPLAR_TLS_CERT",
                edCert.toString(),
                "POPLAR_TLS_KEY",
                edKey.toString())) {
            assertEquals("ed.test", servedName(s.pop3sPort(), "-tls1_3", "-sigalgs", "ed25519"));
        }
        String e = refusal(TlsContext.Choice.JDK, new TlsContext.KeyFiles(edCert, ecKey));
        assertTrue(e.contains("does not belong to the certificate"), e);
    }

    @Test
    void twoPairsOfOneKeyTypeAreRefused() throws Exception {
        Path otherCert = dir.resolve("other.crt");
        Path otherKey = dir.resolve("other.key");
        SelfSignedCertificate.write(otherCert, otherKey, "other.test", List.of("other.test"), Duration.ofDays(30));
        String e = refusal(
                TlsContext.Choice.OPENSSL,
                new TlsContext.KeyFiles(ecCert, ecKey),
                new TlsContext.KeyFiles(otherCert, otherKey));
        assertTrue(e.contains("must be the other type"), e);
        assertTrue(e.contains(otherCert.toString()), e);
    }

    @Test
    void aRenewedAlternativeCertificateIsPickedUp() throws Exception {
        try (TlsContext tls = TlsContext.load(
                List.of(new TlsContext.KeyFiles(ecCert, ecKey), new TlsContext.KeyFiles(rsaCert, rsaKey)),
                Duration.ofHours(1),
                TlsContext.Choice.OPENSSL)) {
            Instant before = tls.notAfter(); // the RSA one's, 2 days out
            openSslCertificate("rsa:2048", rsaCert, rsaKey, "rsa.test", 10);
            java.nio.file.Files.setLastModifiedTime(
                    rsaCert, java.nio.file.attribute.FileTime.from(Instant.now().plusSeconds(5)));
            tls.checkForChanges();
            assertEquals(1, tls.reloads());
            assertTrue(tls.notAfter().isAfter(before.plus(Duration.ofDays(7))), "now " + tls.notAfter());
        }
    }

    /** Why loading {@code files} fails (it must fail). */
    private static String refusal(TlsContext.Choice provider, TlsContext.KeyFiles... files) {
        return assertThrows(IOException.class, () -> TlsContext.load(List.of(files), Duration.ofHours(1), provider))
                .getMessage();
    }

    /** A self-signed certificate made by OpenSSL (not by our own code) for {@code name}. */
    private static void openSslCertificate(String keySpec, Path cert, Path key, String name, int days)
            throws Exception {
        run(
                "openssl",
                "req",
                "-x509",
                "-newkey",
                keySpec,
                "-nodes",
                "-keyout",
                key.toString(),
                "-out",
                cert.toString(),
                "-subj",
                "/CN=" + name,
                "-days",
                Integer.toString(days));
    }

    /** The common name of the leaf s_client was served. */
    private static String servedName(int port, String... options) throws Exception {
        List<String> cmd = SClient.command(port, List.of("-ign_eof"));
        cmd.addAll(List.of(options));
        String out = run(cmd.toArray(String[]::new), "QUIT\n"); // run() also checks s_client's exit status
        assertTrue(out.contains("+OK"), out);
        Matcher m = Pattern.compile("subject=\\s*CN\\s*=\\s*(\\S+)").matcher(out);
        assertTrue(m.find(), out);
        return m.group(1);
    }

    private static String run(String... cmd) throws Exception {
        return run(cmd, "");
    }

    private static String run(String[] cmd, String input) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(input.getBytes(StandardCharsets.US_ASCII));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "ended: " + String.join(" ", cmd));
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    private static double expiryMetric(TestServer s) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            String body = http.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.httpPort() + "/metrics"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            Matcher m = Pattern.compile("(?m)^poplar_tls_certificate_expiry_timestamp_seconds(?:\\{[^}]*\\})? (\\S+)$")
                    .matcher(body);
            assertTrue(m.find(), body);
            return Double.parseDouble(m.group(1));
        }
    }
}
