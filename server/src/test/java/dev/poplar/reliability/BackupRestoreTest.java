package dev.poplar.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.poplar.admin.HttpAdminClient;
import dev.poplar.cli.PoplarCli;
import dev.poplar.server.DataDirectory;
import dev.poplar.storage.LockPolicy;
import dev.poplar.storage.Maildrop;
import dev.poplar.storage.rocks.RocksMailStore;
import dev.poplar.storage.rocks.StoreChecker;
import dev.poplar.testing.Messages;
import dev.poplar.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An online backup taken during deliveries restores to a consistent store with everything acknowledged before it. */
class BackupRestoreTest {
    @TempDir
    Path dir;

    /** Waits, with a deadline, until {@code n} deliveries were acknowledged. */
    private static void awaitAcked(List<Long> acked, int n) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (acked.size() < n) {
            assertTrue(System.nanoTime() < deadline, "deliveries stalled at " + acked.size());
            Thread.sleep(5); // polling a condition with a deadline
        }
    }

    @Test
    void backupDuringDeliveriesRestoresConsistently() throws Exception {
        Path data = dir.resolve("data");
        Path backup = dir.resolve("backup-1");
        Set<Long> ackedBeforeBackup = new HashSet<>();
        Set<Long> ackedBeforeBackupEnded = new HashSet<>();
        try (TestServer s = TestServer.start(data)) {
            s.addUser("busy", "pw");
            List<Long> acked = java.util.Collections.synchronizedList(new ArrayList<>());
            AtomicBoolean stop = new AtomicBoolean();
            Thread writer = Thread.ofVirtual().start(() -> {
                for (int i = 0; !stop.get(); i++) {
                    try {
                        acked.add(s.deliver("busy", Messages.simple(i)));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            });
            awaitAcked(acked, 200);
            try (HttpAdminClient admin = new HttpAdminClient(
                    "http://127.0.0.1:" + s.httpPort(),
                    Files.readString(data.resolve(DataDirectory.TOKEN_FILE)).trim())) {
                ackedBeforeBackup.addAll(List.copyOf(acked));
                assertEquals(1, admin.backup(backup.toString()));
                ackedBeforeBackupEnded.addAll(List.copyOf(acked));
            }
            awaitAcked(acked, acked.size() + 100);
            stop.set(true);
            writer.join();
        }
        assertTrue(Files.readString(backup.resolve("BACKUP")).startsWith("poplar-backup 1"));

        // Restore with the real CLI, as an operator would, on the stopped node.
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(
                java,
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                PoplarCli.class.getName(),
                "restore",
                backup.toString());
        pb.environment().put("POPLAR_DATA_DIR", data.toString());
        Process p = pb.redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("restored 1 accounts"), out);

        try (TestServer s = TestServer.start(data)) {
            RocksMailStore store = (RocksMailStore) s.server().store();
            assertEquals(List.of(), StoreChecker.check(store));
            Set<Long> restored = new HashSet<>();
            try (Maildrop drop = store.openMaildrop("busy", LockPolicy.EXCLUSIVE)) {
                for (int i = 0; i < drop.listing().size(); i++) {
                    restored.add(drop.listing().uid(i));
                }
            }
            assertTrue(restored.containsAll(ackedBeforeBackup), "everything acknowledged before the backup began");
            assertTrue(ackedBeforeBackupEnded.containsAll(restored), "nothing acknowledged after it ended");
            System.out.println("backup: " + ackedBeforeBackup.size() + " messages acknowledged before the backup, "
                    + restored.size() + " restored");
        }
    }
}
