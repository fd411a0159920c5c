package dev.poplar.tls;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The server's TLS identity, reloaded when the certificate or key file changes (certbot renewals)
 * without a restart: a check every {@code reloadInterval}; a bad new pair is logged and the old
 * one kept. TLS 1.2 and 1.3 only, with forward-secret AEAD suites (Mozilla "intermediate").
 */
public final class TlsContext implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("dev.poplar.tls");

    static {
        // TLS 1.2 renegotiation asked for by the client: a full handshake on the server's CPU as
        // often as a client likes (a denial-of-service lever), and no POP3 client needs it. The
        // JDK allows it unless told here, before its first server handshake (BoringSSL refuses it
        // always). An operator's own -D setting wins.
        if (System.getProperty("jdk.tls.rejectClientInitiatedRenegotiation") == null) {
            System.setProperty("jdk.tls.rejectClientInitiatedRenegotiation", "true");
        }
    }

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

    /** Which TLS implementation serves connections (poplar.tls.provider). */
    public enum Choice {
        /** BoringSSL when its native library loads here, else the JDK's. */
        AUTO,
        JDK,
        /** BoringSSL or nothing: the server does not start without it. */
        OPENSSL;

        /** Parses the configured value; null when it is none of auto, jdk, openssl. */
        public static Choice parse(String value) {
            return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
                case "auto" -> AUTO;
                case "jdk" -> JDK;
                case "openssl", "boringssl" -> OPENSSL;
                default -> null;
            };
        }
    }

    private record Loaded(
            TlsProvider provider, Instant notAfter, String subject, FileTime certTime, FileTime keyTime) {}

    private final Path cert;
    private final Path key;
    private final boolean openssl;
    private final ScheduledExecutorService reloader;
    private final AtomicLong reloads = new AtomicLong();
    private final AtomicLong reloadFailures = new AtomicLong();
    private volatile Loaded current;

    private TlsContext(Path cert, Path key, boolean openssl, Loaded first, Duration reloadInterval) {
        this.cert = cert;
        this.key = key;
        this.openssl = openssl;
        this.current = first;
        this.reloader = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("poplar-tls-reload").daemon(true).factory());
        long ms = reloadInterval.toMillis();
        reloader.scheduleWithFixedDelay(this::checkForChanges, ms, ms, TimeUnit.MILLISECONDS);
    }

    /** Loads the pair now with the JDK's TLS; fails with a message naming the file and the problem. */
    public static TlsContext load(Path cert, Path key, Duration reloadInterval) throws IOException {
        return load(cert, key, reloadInterval, Choice.JDK);
    }

    /** Loads the pair now with the chosen provider; fails with a message naming the file and the problem. */
    public static TlsContext load(Path cert, Path key, Duration reloadInterval, Choice choice) throws IOException {
        boolean openssl = switch (choice) {
            case JDK -> false;
            case OPENSSL -> true;
            case AUTO -> {
                boolean there = OpenSslProvider.available();
                if (!there) {
                    LOG.log(
                            System.Logger.Level.WARNING,
                            "tls_provider_fallback provider=jdk reason=\"native TLS library unavailable: "
                                    + OpenSslProvider.unavailableReason() + "\"");
                }
                yield there;
            }
        };
        TlsContext c = new TlsContext(cert, key, openssl, read(cert, key, openssl), reloadInterval);
        LOG.log(
                System.Logger.Level.INFO,
                "tls_certificate_loaded cert=" + cert + " subject=\"" + c.current.subject + "\" not_after="
                        + c.current.notAfter + " provider=" + c.provider());
        return c;
    }

    /** "openssl" (BoringSSL) or "jdk": what serves TLS here. */
    public String provider() {
        return openssl ? "openssl" : "jdk";
    }

    private static Loaded read(Path cert, Path key, boolean openssl) throws IOException {
        try {
            FileTime certTime = Files.getLastModifiedTime(cert);
            FileTime keyTime = Files.getLastModifiedTime(key);
            List<X509Certificate> chain = PemFiles.certificates(cert);
            PrivateKey privateKey = PemFiles.privateKey(key);
            TlsProvider provider =
                    openssl ? new OpenSslProvider(privateKey, chain) : new JdkProvider(privateKey, chain);
            X509Certificate leaf = chain.getFirst();
            return new Loaded(
                    provider,
                    leaf.getNotAfter().toInstant(),
                    leaf.getSubjectX500Principal().getName(),
                    certTime,
                    keyTime);
        } catch (GeneralSecurityException | RuntimeException e) {
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
            Loaded fresh = read(cert, key, openssl);
            current = fresh;
            c.provider.close();
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
    public TlsSocket wrap(Socket raw) throws IOException {
        while (true) {
            Loaded c = current;
            try {
                return c.provider.wrap(raw);
            } catch (IllegalStateException closed) {
                // A renewal closed this provider after it was read here (BoringSSL's context then
                // refuses new engines): the new one serves. The same provider still current means
                // a real failure.
                if (current == c) {
                    throw closed;
                }
            }
        }
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
        current.provider.close();
    }
}
