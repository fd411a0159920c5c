package dev.poplar.storage.rocks;

import static dev.poplar.storage.StoreFixture.CREDS;
import static dev.poplar.storage.StoreFixture.deliver;
import static dev.poplar.storage.StoreFixture.message;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.poplar.storage.LockPolicy;
import dev.poplar.storage.Maildrop;
import dev.poplar.storage.MaildropInUseException;
import dev.poplar.storage.NoSuchAccountException;
import dev.poplar.storage.PasswordCredentials;
import dev.poplar.storage.StoreException;
import dev.poplar.storage.WireMessage;
import dev.poplar.storage.WireMessageBuilder;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Behaviour that mutation testing showed no test checked (issue: tests that catch bugs): what
 * deleting an account removes, that a password change persists, that account ids and epochs only
 * grow across a reopen and within one millisecond, shared-lease counting, and messages past 256
 * chunks (over 16 MiB); and (a million-mailbox concern) that a clean close leaves no WAL to replay.
 */
class StoreSurvivorsTest {
    @TempDir
    Path dir;

    RocksMailStore store;

    @BeforeEach
    void open() throws StoreException {
        store = RocksMailStore.open(dir, RocksStoreOptions.defaults());
    }

    @AfterEach
    void close() {
        store.close();
    }

    private void reopen() throws StoreException {
        store.close();
        store = RocksMailStore.open(dir, RocksStoreOptions.defaults());
    }

    @Test
    void deletingAnAccountRemovesItsMailboxIndexBodiesAndApopSecret() throws Exception {
        store.createAccount("gone", CREDS);
        store.createAccount("stays", CREDS);
        deliver(store, "gone", message(1));
        deliver(store, "gone", message(2));
        deliver(store, "stays", message(3));
        store.setApopSecret("gone", new byte[] {1, 2, 3});
        long id = store.account("gone").orElseThrow().id();
        assertTrue(store.deleteAccount("GONE"));
        assertFalse(store.deleteAccount("gone"), "deleting an unknown user answers false");
        assertFalse(store.deleteAccount("never-was"));
        assertTrue(store.account("gone").isEmpty());
        assertThrows(NoSuchAccountException.class, () -> store.stats("gone"));
        RocksHandle h = store.handle();
        assertEquals(null, h.db().get(h.cf().mailboxes(), Keys.mailbox(id)), "mailbox record");
        assertEquals(null, h.db().get(h.cf().meta(), Keys.apop(id)), "APOP secret");
        for (var cf : List.of(h.cf().index(), h.cf().bodies())) {
            try (var it = h.db().newIterator(cf)) {
                it.seek(Keys.rangeStart(id));
                assertFalse(
                        it.isValid() && java.util.Arrays.compareUnsigned(it.key(), Keys.rangeEnd(id)) < 0,
                        "no index entry or body chunk of the deleted account is left");
            }
        }
        assertEquals(1, store.stats("stays").messages(), "the other account is untouched");
        assertEquals(List.of(), StoreChecker.check(store));
    }

    @Test
    void aPasswordChangePersistsAcrossAReopen() throws Exception {
        store.createAccount("pat", CREDS);
        PasswordCredentials changed = new PasswordCredentials(2, new byte[] {5}, new byte[] {6}, new byte[] {7});
        store.setCredentials("pat", changed);
        reopen();
        assertEquals(changed, store.account("pat").orElseThrow().credentials());
        assertThrows(NoSuchAccountException.class, () -> store.setCredentials("nobody", changed));
    }

    @Test
    void accountIdsAndEpochsOnlyGrowAcrossReopensAndWithinAMillisecond() throws Exception {
        long lastId = -1;
        long lastEpoch = -1;
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 20; i++) { // 20 creations: several share a millisecond
                String name = "u" + i;
                store.createAccount(name, CREDS);
                long id = store.account(name).orElseThrow().id();
                long epoch = store.stats(name).epoch();
                assertTrue(id > lastId, "id " + id + " after " + lastId);
                assertTrue(epoch > lastEpoch, "epoch " + epoch + " after " + lastEpoch);
                lastId = id;
                lastEpoch = epoch;
                assertTrue(store.deleteAccount(name), "deleted, so the next round creates the same name again");
            }
            reopen();
        }
    }

    @Test
    void sharedLeasesAreCountedSoExclusiveWaitsForTheLast() throws Exception {
        store.createAccount("sam", CREDS);
        Maildrop first = store.openMaildrop("sam", LockPolicy.SHARED);
        Maildrop second = store.openMaildrop("sam", LockPolicy.SHARED);
        first.close();
        assertThrows(
                MaildropInUseException.class,
                () -> store.openMaildrop("sam", LockPolicy.EXCLUSIVE),
                "one shared holder is left");
        second.close();
        try (Maildrop exclusive = store.openMaildrop("sam", LockPolicy.EXCLUSIVE)) {
            assertThrows(MaildropInUseException.class, () -> store.openMaildrop("sam", LockPolicy.SHARED));
        }
        store.openMaildrop("sam", LockPolicy.SHARED).close();
    }

    @Test
    void aCleanCloseLeavesNothingToReplay() throws Exception {
        for (int i = 0; i < 200; i++) {
            store.createAccount("r" + i, CREDS);
            deliver(store, "r" + i, message(i));
        }
        store.close();
        // The close flushed the memtables: the write-ahead log holds nothing a start must replay.
        long walBytes = 0;
        try (var files = java.nio.file.Files.list(dir)) {
            for (Path f : (Iterable<Path>)
                    files.filter(p -> p.getFileName().toString().endsWith(".log"))::iterator) {
                walBytes += java.nio.file.Files.size(f);
            }
        }
        assertEquals(0, walBytes, "WAL bytes left for the next start to replay");
        store = RocksMailStore.open(dir, RocksStoreOptions.defaults());
        assertEquals(200, store.accountNames().size());
        assertEquals(1, store.stats("r199").messages());
    }

    @Test
    void aMessageOfMoreThan256ChunksReadsBackWhole() throws Exception {
        store.createAccount("big", CREDS);
        byte[] raw = new byte[17 << 20]; // 17 MiB: 272 chunks of 64 KiB
        Random r = new Random(3);
        for (int i = 0; i < raw.length; i++) {
            raw[i] = i % 100 == 99 ? (byte) '\n' : (byte) ('a' + r.nextInt(26));
        }
        WireMessage wire = WireMessageBuilder.fromRaw(raw);
        assertTrue(wire.chunkCount() > 256, "chunks: " + wire.chunkCount());
        store.deliver(List.of(dev.poplar.storage.Delivery.of("big", "", wire)));
        try (Maildrop drop = store.openMaildrop("big", LockPolicy.EXCLUSIVE)) {
            ByteArrayOutputStream out =
                    new ByteArrayOutputStream(wire.wireLength() > Integer.MAX_VALUE ? 0 : (int) wire.wireLength());
            try (var reader = drop.read(0)) {
                for (int n; (n = reader.next()) >= 0; ) {
                    out.write(reader.buffer(), 0, n);
                }
            }
            assertArrayEquals(wire.toByteArray(), out.toByteArray());
        }
    }
}
