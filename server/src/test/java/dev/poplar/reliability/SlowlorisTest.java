package dev.poplar.reliability;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.poplar.testing.Messages;
import dev.poplar.testing.TestServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.commons.net.pop3.POP3Client;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Slowloris: 2,000 connections that trickle a byte at a time or never read their replies must not
 * keep a real client from logging in and retrieving its mail within a second.
 */
class SlowlorisTest {
    @TempDir
    Path dir;

    @Test
    void aRealClientGetsInWithinASecondDuringASlowloris() throws Exception {
        int slow = Integer.getInteger("poplar.slowloris.connections", 2000);
        try (TestServer s = TestServer.start(dir, "POPLAR_POP3_MAX_CONNECTIONS", "5000")) {
            s.addUser("real", "real-pw");
            s.deliver("real", Messages.simple(1));
            AtomicBoolean stop = new AtomicBoolean();
            List<Socket> sockets = new ArrayList<>();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < slow; i++) {
                    // Many source addresses, so the per-address limit (100) is not what saves us.
                    Socket sock = new Socket(
                            InetAddress.getByName("127.0.0.1"),
                            s.pop3Port(),
                            InetAddress.getByName("127.0.2." + (1 + i % 250)),
                            0);
                    sock.setReceiveBufferSize(1024);
                    sockets.add(sock);
                    boolean trickle = i % 2 == 0;
                    pool.submit(() -> {
                        try {
                            OutputStream out = sock.getOutputStream();
                            while (!stop.get()) {
                                if (trickle) {
                                    out.write('U'); // an endless line, one byte at a time
                                } else {
                                    // many commands, replies never read
                                    out.write("CAPA\r\nCAPA\r\nCAPA\r\nCAPA\r\n".getBytes(StandardCharsets.US_ASCII));
                                }
                                Thread.sleep(100);
                            }
                        } catch (IOException | InterruptedException ignored) {
                            // cut by the server
                        }
                        return null;
                    });
                }
                List<Long> millis = new ArrayList<>();
                for (int round = 0; round < 5; round++) {
                    long t0 = System.nanoTime();
                    POP3Client c = new POP3Client();
                    c.setDefaultTimeout(10_000);
                    c.connect("127.0.0.1", s.pop3Port());
                    assertTrue(c.login("real", "real-pw"));
                    try (java.io.Reader r = c.retrieveMessage(1)) {
                        StringBuilder body = new StringBuilder();
                        char[] buf = new char[4096];
                        for (int k; (k = r.read(buf)) > 0; ) {
                            body.append(buf, 0, k);
                        }
                        assertTrue(body.toString().contains("Subject: message 1"));
                    }
                    c.logout();
                    c.disconnect();
                    millis.add((System.nanoTime() - t0) / 1_000_000);
                }
                System.out.println("slowloris: " + slow
                        + " slow connections open; a real client's login+RETR+QUIT took " + millis + " ms");
                assertTrue(millis.stream().allMatch(ms -> ms < 1000), "within a second: " + millis);
                stop.set(true);
            } finally {
                for (Socket sock : sockets) {
                    sock.close();
                }
            }
        }
    }
}
