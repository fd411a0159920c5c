package dev.poplar.server;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.poplar.testing.TestServer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A server that cannot open one of its listeners does not start half-way. */
class StartUpTest {
    @TempDir
    Path dir;

    /**
     * Found by the scale benchmark: with the HTTP port taken, Poplar logged Helidon's failure and
     * went on serving POP3 and LMTP, announcing "http://127.0.0.1:-1" and never reporting ready.
     */
    @Test
    void aTakenHttpPortStopsTheStartWithAClearMessage() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", TestServer.freePort()));
            Exception e = assertThrows(
                    Exception.class,
                    () -> TestServer.start(dir, "POPLAR_HTTP_PORT", Integer.toString(taken.getLocalPort()))
                            .close());
            assertTrue(
                    e.getMessage().contains("cannot listen for http on 127.0.0.1:" + taken.getLocalPort()),
                    e.toString());
        }
        // And the data directory is free again: a second start with a free port works.
        TestServer.start(dir).close();
    }
}
