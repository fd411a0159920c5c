package dev.poplar.storage.rocks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.poplar.storage.LockPolicy;
import dev.poplar.storage.Maildrop;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DESIGN invariants 1 and 2 against a real crash: a child JVM writes until SIGKILL; after reopening,
 * every acknowledged delivery is present and whole, every acknowledged deletion is gone, and the
 * counters match the index.
 */
class CrashConsistencyTest {
    @TempDir
    Path dir;

    @Test
    void acknowledgedWritesSurviveSigkill() throws Exception {
        Map<Long, Integer> acked = new HashMap<>();
        Set<Long> deleted = new HashSet<>();
        Set<Long> deleting = new HashSet<>();
        for (int round = 0; round < 3; round++) {
            runChildUntilKilled(80 + round * 37, acked, deleted, deleting);
            try (RocksMailStore store = RocksMailStore.open(dir, RocksStoreOptions.defaults())) {
                assertEquals(List.of(), StoreChecker.check(store), "consistent after kill " + round);
                try (Maildrop drop = store.openMaildrop("victim", LockPolicy.EXCLUSIVE)) {
                    // Quota usage is the mailbox's counters: after the kill they equal the sum of
                    // the messages that are there (issue 13), so a quota is never off by a crash.
                    long octets = 0;
                    for (int i = 0; i < drop.listing().size(); i++) {
                        octets += drop.listing().octets(i);
                    }
                    dev.poplar.storage.MailboxStats usage = store.stats("victim");
                    assertEquals(drop.listing().size(), usage.messages(), "message count after kill " + round);
                    assertEquals(octets, usage.octets(), "octets after kill " + round);
                    Map<Long, Integer> present = new HashMap<>();
                    for (int i = 0; i < drop.listing().size(); i++) {
                        present.put(drop.listing().uid(i), i);
                    }
                    for (Map.Entry<Long, Integer> e : acked.entrySet()) {
                        if (deleted.contains(e.getKey())) {
                            assertTrue(
                                    !present.containsKey(e.getKey()),
                                    "acknowledged deletion " + e.getKey() + " undone");
                            continue;
                        }
                        if (deleting.contains(e.getKey())) {
                            continue; // deletion under way at the kill: present or gone are both correct
                        }
                        Integer index = present.get(e.getKey());
                        assertTrue(index != null, "acknowledged delivery uid " + e.getKey() + " lost");
                        String body = new String(
                                dev.poplar.storage.StoreFixture.readAll(drop, index), StandardCharsets.UTF_8);
                        assertTrue(body.contains("body of message " + e.getValue() + "\r\n"), "uid " + e.getKey());
                    }
                }
            }
        }
        assertTrue(acked.size() >= 80, "the child made progress");
    }

    private void runChildUntilKilled(int acks, Map<Long, Integer> acked, Set<Long> deleted, Set<Long> deleting)
            throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process child = new ProcessBuilder(
                        java,
                        "--enable-native-access=ALL-UNNAMED",
                        "-cp",
                        System.getProperty("java.class.path"),
                        CrashChild.class.getName(),
                        dir.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            int seen = 0;
            for (String line; seen < acks && (line = out.readLine()) != null; ) {
                String[] f = line.split(" ");
                switch (f[0]) {
                    case "ACK" -> {
                        acked.put(Long.parseLong(f[1]), Integer.parseInt(f[2]));
                        seen++;
                    }
                    case "DELETED" -> deleted.add(Long.parseLong(f[1]));
                    case "DELETING" -> deleting.add(Long.parseLong(f[1]));
                    default -> {}
                }
            }
            // SIGKILL mid-write; through the handle, which (unlike Process) leaves the pipe readable.
            child.toHandle().destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
            // Lines the child printed before dying were acknowledged too.
            for (String line; (line = out.readLine()) != null; ) {
                String[] f = line.split(" ");
                if (f[0].equals("ACK") && f.length == 3) {
                    acked.put(Long.parseLong(f[1]), Integer.parseInt(f[2]));
                } else if (f[0].equals("DELETED") && f.length == 2) {
                    deleted.add(Long.parseLong(f[1]));
                } else if (f[0].equals("DELETING") && f.length == 2) {
                    deleting.add(Long.parseLong(f[1]));
                }
            }
        } finally {
            child.destroyForcibly();
        }
    }
}
