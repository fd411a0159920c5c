package dev.poplar.storage.rocks;

import static dev.poplar.storage.StoreFixture.CREDS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.poplar.storage.Delivery;
import dev.poplar.storage.LockPolicy;
import dev.poplar.storage.Maildrop;
import dev.poplar.storage.WireMessage;
import dev.poplar.storage.WireMessageBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * poplar.store.blob-files changed its default (true to false): a store written with bodies in
 * blob files must stay fully readable after the switch, and the other way round, so operators
 * can upgrade or change the setting without a migration.
 */
class BlobFilesSwitchTest {
    @TempDir
    Path dir;

    @TempDir
    Path checkpoints;

    @Test
    void bodiesWrittenEitherWayStayReadableAfterTheSettingChanges() throws Exception {
        List<byte[]> expected = new ArrayList<>();
        Random random = new Random(7);
        boolean[] settings = {true, false, true};
        for (int step = 0; step < settings.length; step++) {
            try (RocksMailStore store = RocksMailStore.open(dir, new RocksStoreOptions(8L << 20, settings[step]))) {
                if (step == 0) {
                    store.createAccount("switch", CREDS);
                }
                for (int i = 0; i < 3; i++) {
                    byte[] raw = new byte[2 * WireMessage.CHUNK_SIZE + random.nextInt(10_000)];
                    random.nextBytes(raw);
                    WireMessage wire = WireMessageBuilder.fromRaw(raw);
                    store.deliver(List.of(Delivery.of("switch", "", wire)));
                    expected.add(wire.toByteArray());
                }
                // A checkpoint flushes the memtable, so the bodies really land in blob or table files.
                store.checkpoint(checkpoints.resolve("step" + step));
                if (step == 0) {
                    assertTrue(blobFiles(dir) > 0, "the first step must have written blob files");
                }
                try (Maildrop drop = store.openMaildrop("switch", LockPolicy.EXCLUSIVE)) {
                    assertEquals(expected.size(), drop.listing().size());
                    for (int i = 0; i < expected.size(); i++) {
                        assertArrayEquals(
                                expected.get(i),
                                dev.poplar.storage.StoreFixture.readAll(drop, i),
                                "message " + (i + 1) + " at step " + step);
                    }
                }
            }
        }
    }

    private static long blobFiles(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".blob")).count();
        }
    }
}
