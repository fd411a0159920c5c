package dev.poplar.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.poplar.testing.LineClient;
import dev.poplar.testing.Messages;
import dev.poplar.testing.TestServer;
import dev.poplar.testing.Tools;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full disk (a small tmpfs the test mounts as root): LMTP answers 452 4.3.1, a QUIT that must
 * delete gets -ERR [SYS/TEMP] and keeps the messages, reads go on, the node reports not ready, and
 * everything resumes once space returns.
 */
class DiskFullTest {
    @TempDir
    Path dir;

    private static String deliver(int lmtp, int size) throws IOException {
        try (LineClient c = new LineClient(lmtp)) {
            c.line();
            c.send("LHLO x\r\nMAIL FROM:<a@b>\r\nRCPT TO:<full>\r\nDATA\r\n");
            for (int i = 0; i < 8; i++) {
                c.line();
            }
            c.send("Subject: filler\r\n\r\n" + ("z".repeat(998) + "\r\n").repeat(size / 1000) + ".\r\n");
            return c.line();
        }
    }

    private static int ready(HttpClient http, int port) throws Exception {
        return http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .statusCode();
    }

    @Test
    void aFullDiskDefersDeliveriesKeepsMessagesAndRecovers() throws Exception {
        Path fs = dir.resolve("fs");
        Files.createDirectories(fs);
        Tools.Result mount =
                Tools.run(List.of("mount", "-t", "tmpfs", "-o", "size=160m", "tmpfs", fs.toString()), null);
        if (mount.exit() != 0) {
            if ("1".equals(System.getenv("POPLAR_REQUIRE_TOOLS"))) {
                throw new AssertionError("cannot mount a tmpfs (needs root): " + mount.output());
            }
            Assumptions.abort("cannot mount a tmpfs here (needs root): " + mount.output());
        }
        try (HttpClient http = HttpClient.newHttpClient();
                TestServer s = TestServer.start(fs.resolve("data"), "POPLAR_LMTP_MAX_MESSAGE_SIZE", "8M")) {
            s.addUser("full", "pw");
            s.deliver("full", Messages.simple(1));
            s.deliver("full", Messages.simple(2));
            Path filler = fs.resolve("filler");
            long free = Files.getFileStore(fs).getUsableSpace();
            try (RandomAccessFile f = new RandomAccessFile(filler.toFile(), "rw")) {
                byte[] block = new byte[1 << 20];
                for (long left = free - (6L << 20); left > 0; left -= block.length) {
                    f.write(block, 0, (int) Math.min(block.length, left));
                }
            }
            String reply = "";
            // The WAL is preallocated, so the disk-full error comes at the first memtable flush (64 MB in).
            for (int i = 0; i < 200 && !reply.startsWith("452"); i++) {
                reply = deliver(s.lmtpPort(), 1 << 20);
            }
            assertTrue(reply.startsWith("452 4.3.1"), "deliveries are deferred when the disk is full: " + reply);
            assertEquals(503, ready(http, s.httpPort()), "not ready while the store refuses writes");
            try (LineClient c = new LineClient(s.pop3Port())) {
                c.line();
                c.send("USER full\r\nPASS pw\r\nRETR 1\r\n");
                c.line();
                assertTrue(c.line().startsWith("+OK Logged in"));
                assertTrue(c.line().startsWith("+OK"), "reads go on");
                c.body();
                c.send("DELE 1\r\nQUIT\r\n");
                c.line();
                assertEquals(
                        "-ERR [SYS/TEMP] Deleted messages were not removed and are kept; try again later", c.line());
            }
            Files.delete(filler);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            String after = "";
            while (!after.startsWith("250") && System.nanoTime() < deadline) {
                Thread.sleep(200); // RocksDB polls for space and resumes: a condition with a deadline
                after = deliver(s.lmtpPort(), 10_000);
            }
            assertTrue(after.startsWith("250"), "deliveries resume once space returns: " + after);
            assertEquals(200, ready(http, s.httpPort()));
            try (LineClient c = new LineClient(s.pop3Port())) {
                c.line();
                c.send("USER full\r\nPASS pw\r\nRETR 1\r\nDELE 1\r\nQUIT\r\n");
                c.line();
                assertTrue(c.line().startsWith("+OK Logged in"), "message 1 was kept");
                c.line();
                c.body();
                c.line();
                assertTrue(c.line().startsWith("+OK Poplar signing off, 1 messages deleted"));
            }
        } finally {
            Tools.run(List.of("umount", "-l", fs.toString()), null);
        }
    }
}
