package dev.poplar.pop3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.poplar.testing.Messages;
import dev.poplar.testing.TestServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.commons.net.pop3.POP3Client;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** 200 clients on 200 mailboxes at once: each retrieves all its mail, deletes it and quits. */
class ConcurrentSessionsTest {
    @TempDir
    Path dir;

    @Test
    void twoHundredConcurrentSessions() throws Exception {
        int users = 200;
        try (TestServer server = TestServer.start(dir)) {
            for (int u = 0; u < users; u++) {
                server.addUser("user" + u, "pw" + u);
                for (int m = 0; m < 3; m++) {
                    server.deliver("user" + u, Messages.simple(u * 10 + m));
                }
            }
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Integer>> results = new ArrayList<>();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int u = 0; u < users; u++) {
                    int user = u;
                    results.add(pool.submit(() -> {
                        go.await();
                        POP3Client c = new POP3Client();
                        c.setDefaultTimeout(60_000);
                        // 200 different clients: each from its own loopback address (the per-address
                        // connection limit is 100 by default).
                        c.connect(
                                java.net.InetAddress.getByName("127.0.0.1"),
                                server.pop3Port(),
                                java.net.InetAddress.getByName("127.0.1." + (user + 1)),
                                0);
                        if (!c.login("user" + user, "pw" + user)) {
                            throw new AssertionError("login " + user + ": " + c.getReplyString());
                        }
                        int n = c.status().number;
                        for (int m = 1; m <= n; m++) {
                            String body = AbstractPop3ContractTest.read(c.retrieveMessage(m));
                            if (!body.contains("Subject: message " + (user * 10 + m - 1) + "\r\n")) {
                                throw new AssertionError("user " + user + " got someone else's mail");
                            }
                            c.deleteMessage(m);
                        }
                        if (!c.logout()) {
                            throw new AssertionError("quit " + user + ": " + c.getReplyString());
                        }
                        c.disconnect();
                        return n;
                    }));
                }
                go.countDown();
                for (Future<Integer> f : results) {
                    assertEquals(3, f.get());
                }
            }
            for (int u = 0; u < users; u++) {
                assertEquals(0, server.admin().stats("user" + u).messages());
            }
            assertTrue(server.server().ready());
        }
    }
}
