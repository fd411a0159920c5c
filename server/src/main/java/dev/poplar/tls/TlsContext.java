package dev.poplar.tls;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * The server's TLS identity, reloaded when the certificate or key file changes (certbot renewals)
 * without a restart: a check every {@code reloadInterval}; a bad new pair is logged and the old
 * one kept. TLS 1.2 and 1.3 only, with forward-secret AEAD suites (Mozilla "intermediate").
 */
public final class TlsContext implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("dev.poplar.tls");
    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    static final String[] CIPHERS = {
        "TLS_AES_128_GCM_SHA256",
        "TLS_AES_256_GCM_SHA384",
        "TLS_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"
    };

    private record Loaded(SSLContext context, Instant notAfter, String subject, FileTime certTime, FileTime keyTime) {}

    private final Path cert;
    private final Path key;
    private final ScheduledExecutorService reloader;
    private final AtomicLong reloads = new AtomicLong();
    private final AtomicLong reloadFailures = new AtomicLong();
    private volatile Loaded current;

    private TlsContext(Path cert, Path key, Loaded first, Duration reloadInterval) {
        this.cert = cert;
        this.key = key;
        this.current = first;
        this.reloader = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("poplar-tls-reload").daemon(true).factory());
        long ms = reloadInterval.toMillis();
        reloader.scheduleWithFixedDelay(this::checkForChanges, ms, ms, TimeUnit.MILLISECONDS);
    }

    /** Loads the pair now; fails with a message naming the file and the problem. */
    public static TlsContext load(Path cert, Path key, Duration reloadInterval) throws IOException {
        TlsContext c = new TlsContext(cert, key, read(cert, key), reloadInterval);
        LOG.log(
                System.Logger.Level.INFO,
                "tls_certificate_loaded cert=" + cert + " subject=\"" + c.current.subject + "\" not_after="
                        + c.current.notAfter);
        return c;
    }

    private static Loaded read(Path cert, Path key) throws IOException {
        try {
            FileTime certTime = Files.getLastModifiedTime(cert);
            FileTime keyTime = Files.getLastModifiedTime(key);
            List<X509Certificate> chain = PemFiles.certificates(cert);
            PrivateKey privateKey = PemFiles.privateKey(key);
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            char[] pw = "poplar".toCharArray();
            ks.setKeyEntry("poplar", privateKey, pw, chain.toArray(X509Certificate[]::new));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, pw);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, null);
            X509Certificate leaf = chain.getFirst();
            return new Loaded(
                    ctx,
                    leaf.getNotAfter().toInstant(),
                    leaf.getSubjectX500Principal().getName(),
                    certTime,
                    keyTime);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot use TLS certificate " + cert + " with key " + key + ": " + e.getMessage(), e);
        }
    }

    /** Picks up renewed files; keeps the current pair when the new one is unusable. */
    public void checkForChanges() {
        try {
            Loaded c = current;
            if (Files.getLastModifiedTime(cert).equals(c.certTime)
                    && Files.getLastModifiedTime(key).equals(c.keyTime)) {
                return;
            }
            Loaded fresh = read(cert, key);
            current = fresh;
            reloads.incrementAndGet();
            LOG.log(
                    System.Logger.Level.INFO,
                    "tls_certificate_reloaded cert=" + cert + " subject=\"" + fresh.subject + "\" not_after="
                            + fresh.notAfter);
        } catch (IOException | RuntimeException e) {
            reloadFailures.incrementAndGet();
            LOG.log(
                    System.Logger.Level.ERROR,
                    "tls_certificate_reload_failed cert=" + cert + " keeping the previous certificate: "
                            + e.getMessage());
        }
    }

    /** Wraps an accepted socket as the server side of a TLS connection; does not handshake yet. */
    public SSLSocket wrap(Socket raw) throws IOException {
        SSLSocket s = (SSLSocket) current.context
                .getSocketFactory()
                .createSocket(raw, raw.getInetAddress().getHostAddress(), raw.getPort(), true);
        s.setUseClientMode(false);
        SSLParameters p = s.getSSLParameters();
        p.setProtocols(PROTOCOLS);
        p.setCipherSuites(supported(s.getSupportedCipherSuites()));
        p.setUseCipherSuitesOrder(true);
        s.setSSLParameters(p);
        return s;
    }

    private static String[] supported(String[] available) {
        List<String> have = List.of(available);
        return java.util.Arrays.stream(CIPHERS).filter(have::contains).toArray(String[]::new);
    }

    public Instant notAfter() {
        return current.notAfter;
    }

    public long reloads() {
        return reloads.get();
    }

    public long reloadFailures() {
        return reloadFailures.get();
    }

    @Override
    public void close() {
        reloader.shutdownNow();
    }
}
