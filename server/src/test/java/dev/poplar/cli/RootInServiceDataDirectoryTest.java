package dev.poplar.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.poplar.testing.CliProcess;
import dev.poplar.testing.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An operator types {@code sudo poplar user add alice} on a packaged install while the service is
 * stopped: the command would open the service's store as root, and every file RocksDB writes
 * then (log, tables, options) would be root's, mode 0600, so the service (user poplar) could no
 * longer start. Root is refused offline with the fix; through a running server it is welcome.
 */
class RootInServiceDataDirectoryTest {
    @TempDir
    Path dir;

    private Path data;
    private UserPrincipal service;

    @BeforeEach
    void asRootWithAServiceUser() throws Exception {
        boolean root = "root".equals(System.getProperty("user.name"));
        if (!root && "1".equals(System.getenv("POPLAR_REQUIRE_TOOLS"))) {
            throw new AssertionError("this test needs root (POPLAR_REQUIRE_TOOLS=1)");
        }
        Assumptions.assumeTrue(root, "needs root");
        data = dir.resolve("data");
        service = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        Files.setOwner(dir, service); // nobody must reach the data directory, as poplar reaches /var/lib
    }

    @Test
    void rootIsRefusedOfflineInADataDirectoryThatBelongsToTheServiceUser() throws Exception {
        assertEquals(
                0,
                poplar("secret-pass\n", "user", "add", "alice", "--password-stdin")
                        .exit());
        chownAll(data, service);

        CliProcess.Result r = poplar(null, "user", "list");

        assertEquals(75, r.exit(), r.err());
        assertTrue(
                r.err().contains(data + " belongs to nobody")
                        && r.err().contains("sudo -u nobody poplar")
                        && r.err().contains("start the server"),
                r.err());
        assertEquals(List.of(), ownedByRoot(data), "nothing in the service's directory became root's");
    }

    @Test
    void rootGoesThroughTheRunningServerWhenOneHoldsTheDirectory() throws Exception {
        try (TestServer server = TestServer.start(data)) {
            server.admin().addUser("alice", "secret-pass");
            chownAll(data, service);
            CliProcess.Result r = poplar(null, "user", "list");
            assertEquals(0, r.exit(), r.err());
            assertTrue(r.out().contains("alice"), r.out());
        }
    }

    private CliProcess.Result poplar(String stdin, String... args) throws IOException, InterruptedException {
        return CliProcess.run(data, Map.of(), stdin, args);
    }

    private static void chownAll(Path root, UserPrincipal owner) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Files.setOwner(p, owner);
            }
        }
    }

    private static List<Path> ownedByRoot(Path root) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            return all.filter(p -> {
                        try {
                            return Files.getOwner(p).getName().equals("root");
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    })
                    .toList();
        }
    }
}
