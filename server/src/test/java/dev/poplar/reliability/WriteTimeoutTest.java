package dev.poplar.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.poplar.testing.TestServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.commons.net.pop3.POP3Client;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that asks for a 20 MB message and stops reading is cut off after the write timeout;
 * its session releases the maildrop lease and deletes nothing.
 */
class WriteTimeoutTest {
    @TempDir
    Path dir;

    @Test
    void aClientThatStopsReadingMidRetrIsDisconnectedAndReleasesTheLease() throws Exception {
        try (TestServer s =
                TestServer.start(dir, "POPLAR_WRITE_TIMEOUT", "2s", "POPLAR_LMTP_MAX_MESSAGE_SIZE", "64M")) {
            s.addUser("stuck", "pw");
            StringBuilder big = new StringBuilder("Subject: big\r\n\r\n");
            String line = "x".repeat(78) + "\r\n";
            while (big.length() < 20_000_000) {
                big.append(line);
            }
            s.deliver("stuck", big.toString());
            s.deliver("stuck", "Subject: small\r\n\r\nhi\r\n");
            long started;
            try (Socket sock = new Socket()) {
                sock.setReceiveBufferSize(4096); // fill the pipe fast
                sock.connect(new InetSocketAddress("127.0.0.1", s.pop3Port()));
                BufferedReader in =
                        new BufferedReader(new InputStreamReader(sock.getInputStream(), StandardCharsets.US_ASCII));
                in.readLine();
                sock.getOutputStream()
                        .write("USER stuck\r\nPASS pw\r\nDELE 2\r\nRETR 1\r\n".getBytes(StandardCharsets.US_ASCII));
                started = System.nanoTime();
                // Never read again: the server's write blocks until the watchdog cuts it.
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                boolean freed = false;
                while (!freed && System.nanoTime() < deadline) {
                    Thread.sleep(200); // polling a condition with a deadline
                    POP3Client c = new POP3Client();
                    c.setDefaultTimeout(10_000);
                    c.connect("127.0.0.1", s.pop3Port());
                    if (c.login("stuck", "pw")) {
                        freed = true;
                        assertEquals(2, c.status().number, "the DELE of the stuck session was not applied");
                        c.logout();
                    }
                    c.disconnect();
                }
                assertTrue(freed, "the lease was released");
            }
            long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();
            assertTrue(seconds >= 2 && seconds < 15, "cut after about the write timeout: " + seconds + "s");
            assertTrue(s.server()
                    .metrics()
                    .scrapeText()
                    .contains("poplar_sessions_closed_total{listener=\"pop3\",reason=\"write_timeout\"} 1.0"));
        }
    }
}
