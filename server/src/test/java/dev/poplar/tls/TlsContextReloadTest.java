package dev.poplar.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A certificate renewal closes the old provider while sessions are starting TLS: a session that
 * read the old provider just before must still get a working TLS layer (from the new one), not
 * an error. With BoringSSL a closed provider refuses new engines, so this is where it would show.
 */
@Timeout(60)
class TlsContextReloadTest {
    @TempDir
    Path dir;

    @Test
    void sessionsStartingTlsDuringRenewalsAllGetATlsLayer() throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        SelfSignedCertificate.write(cert, key, "localhost", List.of("localhost"), Duration.ofDays(2));
        try (TlsContext tls = TlsContext.load(cert, key, Duration.ofHours(1), TlsContext.Choice.OPENSSL);
                ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Socket client = new Socket(listener.getInetAddress(), listener.getLocalPort());
                Socket accepted = listener.accept()) {
            Thread.ofVirtual()
                    .start(
                            () -> { // takes the close_notify each closed TLS layer sends
                                try {
                                    client.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
                                } catch (java.io.IOException ignored) {
                                    // the test is over
                                }
                            });
            AtomicBoolean running = new AtomicBoolean(true);
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            AtomicLong wraps = new AtomicLong();
            Thread renewals = Thread.ofPlatform().start(() -> {
                for (long t = 1; running.get(); t++) { // a "renewal" as certbot's: the files change
                    try {
                        Files.setLastModifiedTime(cert, FileTime.fromMillis(t * 1000));
                    } catch (Exception e) {
                        failures.add(e);
                    }
                    tls.checkForChanges();
                }
            });
            List<Thread> sessions = java.util.stream.IntStream.range(0, 2)
                    .mapToObj(i -> Thread.ofPlatform().start(() -> {
                        while (running.get()) {
                            try {
                                tls.wrap(accepted).close();
                                wraps.incrementAndGet();
                            } catch (Throwable e) {
                                failures.add(e);
                                return;
                            }
                        }
                    }))
                    .toList();
            long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            while (System.nanoTime() < until && failures.isEmpty()) {
                Thread.onSpinWait();
            }
            running.set(false);
            renewals.join();
            for (Thread t : sessions) {
                t.join();
            }
            assertEquals(List.of(), List.copyOf(failures), "a session starting TLS during a renewal failed");
            assertTrue(tls.reloads() >= 5, "renewals: " + tls.reloads());
            assertTrue(wraps.get() >= 1000, "TLS layers made: " + wraps.get());
        }
    }
}
