package dev.poplar.tls;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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

    /** A certificate file and its key file, as configured. */
    public record KeyFiles(Path cert, Path key) {}

    private record Loaded(TlsProvider provider, List<CertifiedKey> pairs, List<FileTime> times) {
        /** The earliest expiry of the served certificates: the one to renew first. */
        Instant notAfter() {
            return pairs.stream()
                    .map(p -> p.leaf().getNotAfter().toInstant())
                    .min(Instant::compareTo)
                    .orElseThrow();
        }
    }

    private final List<KeyFiles> files;
    private final boolean openssl;
    private final ScheduledExecutorService reloader;
    private final AtomicLong reloads = new AtomicLong();
    private final AtomicLong reloadFailures = new AtomicLong();
    private volatile Loaded current;

    private TlsContext(List<KeyFiles> files, boolean openssl, Loaded first, Duration reloadInterval) {
        this.files = files;
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
        return load(List.of(new KeyFiles(cert, key)), reloadInterval, choice);
    }

    /**
     * Loads one pair, or two with different key types (ECDSA and RSA: each client gets the one it
     * can verify, ECDSA when it can do both), with the chosen provider; fails with a message naming
     * the file and the problem.
     */
    public static TlsContext load(List<KeyFiles> files, Duration reloadInterval, Choice choice) throws IOException {
        if (files.isEmpty() || files.size() > 2) {
            throw new IllegalArgumentException("one or two certificate and key pairs, not " + files.size());
        }
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
        TlsContext c = new TlsContext(List.copyOf(files), openssl, read(files, openssl), reloadInterval);
        c.logEach("tls_certificate_loaded", c.current, " provider=" + c.provider());
        return c;
    }

    /** "openssl" (BoringSSL) or "jdk": what serves TLS here. */
    public String provider() {
        return openssl ? "openssl" : "jdk";
    }

    private static Loaded read(List<KeyFiles> files, boolean openssl) throws IOException {
        List<FileTime> times = fileTimes(files); // before reading: a change during the read shows next time
        List<CertifiedKey> pairs = new ArrayList<>();
        for (KeyFiles f : files) {
            try {
                CertifiedKey pair = CertifiedKey.read(f.cert(), f.key());
                for (CertifiedKey other : pairs) {
                    if (other.keyType().equals(pair.keyType())) {
                        throw new GeneralSecurityException("it holds an " + pair.keyType()
                                + " key like the first pair; a second pair must be the other type (RSA beside ECDSA)");
                    }
                }
                pairs.add(pair);
            } catch (GeneralSecurityException | RuntimeException e) {
                throw new IOException(
                        "cannot use TLS certificate " + f.cert() + " with key " + f.key() + ": " + e.getMessage(), e);
            }
        }
        try {
            TlsProvider provider = openssl ? new OpenSslProvider(pairs) : new JdkProvider(pairs);
            return new Loaded(provider, List.copyOf(pairs), times);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IOException(
                    "cannot use TLS certificate " + files.getFirst().cert() + ": " + e.getMessage(), e);
        }
    }

    private void logEach(String event, Loaded loaded, String suffix) {
        for (int i = 0; i < loaded.pairs.size(); i++) {
            X509Certificate leaf = loaded.pairs.get(i).leaf();
            LOG.log(
                    System.Logger.Level.INFO,
                    event + " cert=" + files.get(i).cert() + " key_type="
                            + loaded.pairs.get(i).keyType()
                            + " subject=\"" + leaf.getSubjectX500Principal().getName() + "\" not_after="
                            + leaf.getNotAfter().toInstant() + suffix);
        }
    }

    private static List<FileTime> fileTimes(List<KeyFiles> files) throws IOException {
        List<FileTime> times = new ArrayList<>();
        for (KeyFiles f : files) {
            times.add(Files.getLastModifiedTime(f.cert()));
            times.add(Files.getLastModifiedTime(f.key()));
        }
        return List.copyOf(times);
    }

    /** Picks up renewed files; keeps the current pair when the new one is unusable. */
    public void checkForChanges() {
        try {
            Loaded c = current;
            if (fileTimes(files).equals(c.times)) {
                return;
            }
            Loaded fresh = read(files, openssl);
            current = fresh;
            c.provider.close();
            reloads.incrementAndGet();
            logEach("tls_certificate_reloaded", fresh, "");
        } catch (IOException | RuntimeException e) {
            reloadFailures.incrementAndGet();
            LOG.log(
                    System.Logger.Level.ERROR,
                    "tls_certificate_reload_failed cert=" + files.getFirst().cert()
                            + " keeping the previous certificate: " + e.getMessage());
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

    /** The earliest expiry among the served certificates. */
    public Instant notAfter() {
        return current.notAfter();
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
