package dev.poplar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.poplar.admin.AdminException;
import dev.poplar.cli.PoplarCli;
import dev.poplar.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DESIGN invariant 8: the data directory and backups hold every message and credential, so they
 * are private whatever the umask; and backups go only under poplar.backup-root.
 */
class DataPermissionsTest {
    @TempDir
    Path dir;

    /** The CLI in a child process started with umask 022 (as `./poplar serve` under a default shell). */
    private String poplarUnderUmask022(String stdin, String... args) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        StringBuilder cmd = new StringBuilder("umask 022; exec '" + java + "' --enable-native-access=ALL-UNNAMED -cp '"
                + System.getProperty("java.class.path") + "' " + PoplarCli.class.getName());
        for (String a : args) {
            cmd.append(" '").append(a).append("'");
        }
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", cmd.toString()).redirectErrorStream(true);
        pb.environment().put("POPLAR_DATA_DIR", dir.resolve("data").toString());
        pb.environment().put("POPLAR_AUTH_PBKDF2_ITERATIONS", "1000");
        Process p = pb.start();
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    private static List<String> notPrivate(Path root) throws Exception {
        List<String> loose = new ArrayList<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
                String expected = Files.isDirectory(p) ? "rwx------" : "rw-------";
                if (!mode.equals(expected)) {
                    loose.add(root.relativize(p) + " " + mode);
                }
            }
        }
        return loose;
    }

    @Test
    void aNewDataDirectoryIsPrivateWhateverTheUmask() throws Exception {
        poplarUnderUmask022("secret-pass\n", "user", "add", "alice", "--password-stdin");
        poplarUnderUmask022("Subject: s\n\nbody\n", "deliver", "alice");
        Path data = dir.resolve("data");
        assertTrue(Files.exists(data.resolve("store")), "the store was created");
        assertEquals(List.of(), notPrivate(data), "mode of every path in the data directory");
    }

    @Test
    void aLooseDirectoryIsTightenedAndCheckSaysWhat() throws Exception {
        poplarUnderUmask022("secret-pass\n", "user", "add", "alice", "--password-stdin");
        Path data = dir.resolve("data");
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path current = data.resolve("store/CURRENT");
        Files.setPosixFilePermissions(current, PosixFilePermissions.fromString("rw-r--r--"));
        String out = poplarUnderUmask022("", "check");
        assertTrue(
                out.contains("warning: permissions were looser than poplar.data-dir-mode, tightened: " + data
                        + " rwxr-xr-x -> rwx------"),
                out);
        assertTrue(out.contains(current + " rw-r--r-- -> rw-------"), out);
        assertEquals(List.of(), notPrivate(data));
    }

    @Test
    void backupsArePrivateAndOnlyUnderTheBackupRoot() throws Exception {
        Path root = dir.resolve("backups");
        try (TestServer s = TestServer.start(dir.resolve("data"), "POPLAR_BACKUP_ROOT", root.toString())) {
            s.addUser("bob", "bob-pass");
            s.deliver("bob", "Subject: x\r\n\r\ny\r\n");
            assertEquals(1, s.admin().backup("nightly-1"));
            assertTrue(Files.exists(root.resolve("nightly-1/BACKUP")));
            assertEquals(List.of(), notPrivate(root.resolve("nightly-1")));
            assertEquals(1, s.admin().backup(root.resolve("nightly-2").toString()), "an absolute path inside the root");
            for (String outside :
                    List.of(dir.resolve("elsewhere").toString(), "../escape", "/tmp/poplar-backup-outside")) {
                AdminException e =
                        assertThrows(AdminException.class, () -> s.admin().backup(outside));
                assertEquals(AdminException.Kind.INVALID, e.kind());
                assertTrue(e.getMessage().contains("outside"), e.getMessage());
            }
            Files.createSymbolicLink(root.resolve("link"), dir);
            AdminException viaLink =
                    assertThrows(AdminException.class, () -> s.admin().backup("link/evil"));
            assertTrue(viaLink.getMessage().contains("symbolic link"), viaLink.getMessage());
            assertTrue(Files.notExists(dir.resolve("elsewhere")) && Files.notExists(dir.resolve("evil")));
        }
    }
}
