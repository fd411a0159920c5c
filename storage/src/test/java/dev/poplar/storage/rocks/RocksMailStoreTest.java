package dev.poplar.storage.rocks;

import dev.poplar.storage.AccountInfo;
import dev.poplar.storage.PasswordCredentials;

import static dev.poplar.storage.rocks.StoreFixture.CREDS;
import static dev.poplar.storage.rocks.StoreFixture.deliver;
import static dev.poplar.storage.rocks.StoreFixture.message;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.poplar.storage.AccountExistsException;
import dev.poplar.storage.ChunkReader;
import dev.poplar.storage.Delivery;
import dev.poplar.storage.DeliveryOutcome;
import dev.poplar.storage.LockPolicy;
import dev.poplar.storage.MailboxStats;
import dev.poplar.storage.Maildrop;
import dev.poplar.storage.MaildropInUseException;
import dev.poplar.storage.MessageListing;
import dev.poplar.storage.NoSuchAccountException;
import dev.poplar.storage.StoreException;
import dev.poplar.storage.Uidl;
import dev.poplar.storage.WireMessage;
import dev.poplar.storage.WireMessageBuilder;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RocksMailStoreTest {
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

    static byte[] readAll(Maildrop drop, int index) throws StoreException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ChunkReader r = drop.read(index)) {
            for (int n; (n = r.next()) >= 0; ) {
                out.write(r.buffer(), 0, n);
            }
        }
        return out.toByteArray();
    }

    @Test
    void aMigratedMessageKeepsItsUidlAndDateAndNoLaterUidlCollidesWithIt() throws StoreException {
        store.createAccount("mig", CREDS);
        long epoch = store.listing("mig").epoch();
        WireMessage m = WireMessageBuilder.fromRaw("Subject: old\r\n\r\nx\r\n".getBytes(StandardCharsets.US_ASCII));
        long in2023 = java.time.Instant.parse("2023-05-01T10:00:00Z").toEpochMilli();
        String ownForm = dev.poplar.storage.Uidl.of(epoch, 5); // as if moved from another Poplar node
        store.deliver(List.of(dev.poplar.storage.Delivery.migrated("mig", m, "000000016b0d1e15", in2023),
                dev.poplar.storage.Delivery.migrated("mig", m, ownForm, in2023)));
        store.deliver(List.of(dev.poplar.storage.Delivery.of("mig", "", m)));
        dev.poplar.storage.MessageListing l = store.listing("mig");
        List<String> uidls = new java.util.ArrayList<>();
        for (int i = 0; i < l.size(); i++) {
            uidls.add(l.uidl(i));
        }
        assertEquals("000000016b0d1e15", uidls.get(0));
        assertEquals(ownForm, uidls.get(1));
        assertEquals(3, java.util.Set.copyOf(uidls).size(), "the next UIDL Poplar assigns is new: " + uidls);
        assertEquals(m.octets(), l.octets(0), "no header added");
        // Retention and expunge count from the source date.
        var removed = store.expunge("mig", new dev.poplar.storage.ExpungeCriteria(false, java.util.OptionalLong.empty(),
                java.util.Optional.of(java.time.Instant.parse("2024-01-01T00:00:00Z")), java.util.OptionalLong.empty()));
        assertEquals(2, removed.messages(), "both 2023 messages, not today's");
        assertThrows(IllegalArgumentException.class, () -> dev.poplar.storage.Delivery.migrated("mig", m, "has space", 0));
        assertThrows(IllegalArgumentException.class, () -> dev.poplar.storage.Delivery.migrated("mig", m, "x".repeat(71), 0));
    }

    @Test
    void anImportedHashSurvivesAReopenAndANewPasswordReplacesIt() throws StoreException {
        PasswordCredentials other = new PasswordCredentials(7, new byte[] {9}, new byte[] {8}, new byte[] {7});
        store.createAccount("imported", CREDS, "{SHA512-CRYPT}$6$salt$hash");
        store.createAccount("native", CREDS);
        store.close();
        store = RocksMailStore.open(dir, RocksStoreOptions.defaults());
        assertEquals(java.util.Optional.of("{SHA512-CRYPT}$6$salt$hash"), store.account("imported").orElseThrow().importedHash());
        assertEquals(java.util.Optional.empty(), store.account("native").orElseThrow().importedHash());
        store.setCredentials("imported", other);
        AccountInfo after = store.account("imported").orElseThrow();
        assertEquals(java.util.Optional.empty(), after.importedHash(), "the re-hashed password replaces the imported hash");
        assertEquals(other, after.credentials());
        store.setImportedHash("native", CREDS, "{SSHA}abc");
        assertEquals(java.util.Optional.of("{SSHA}abc"), store.account("native").orElseThrow().importedHash());
        assertThrows(dev.poplar.storage.NoSuchAccountException.class, () -> store.setImportedHash("nobody", CREDS, "{SSHA}x"));
    }

    @Test
    void accountsAreCreatedOnceAndNamesNormalised() throws StoreException {
        store.createAccount("Alice@Example.org", CREDS);
        assertThrows(AccountExistsException.class, () -> store.createAccount("alice@example.org", CREDS));
        assertTrue(store.account("ALICE@example.org").isPresent());
        assertEquals(List.of("alice@example.org"), store.accountNames());
        assertThrows(IllegalArgumentException.class, () -> store.createAccount("bad name", CREDS));
    }

    @Test
    void deliveredMessageReadsBackInWireFormWithExactSizes() throws StoreException {
        store.createAccount("bob", CREDS);
        byte[] raw = "Subject: hi\n\n.leading dot\nend\n".getBytes(StandardCharsets.UTF_8);
        WireMessage wire = WireMessageBuilder.fromRaw(raw);
        List<DeliveryOutcome> out = store.deliver(List.of(Delivery.of("bob", "Delivered-To: bob\r\n", wire)));
        assertInstanceOf(DeliveryOutcome.Delivered.class, out.getFirst());
        try (Maildrop drop = store.openMaildrop("bob", LockPolicy.EXCLUSIVE)) {
            MessageListing l = drop.listing();
            assertEquals(1, l.size());
            String body = new String(readAll(drop, 0), StandardCharsets.UTF_8);
            assertEquals("Delivered-To: bob\r\nSubject: hi\r\n\r\n..leading dot\r\nend\r\n", body);
            // Invariant 6: LIST size = bytes of the message before dot-stuffing.
            assertEquals(body.length() - 1, l.octets(0));
            assertEquals(body.length(), l.wireLength(0));
            assertEquals("Delivered-To: bob\r\nSubject: hi\r\n\r\n".length(), l.headerWireLength(0));
        }
        MailboxStats stats = store.stats("bob");
        assertEquals(1, stats.messages());
        assertEquals(wire.octets() + 19, stats.octets());
    }

    @Test
    void unknownRecipientIsReportedPerDelivery() throws StoreException {
        store.createAccount("bob", CREDS);
        WireMessage wire = WireMessageBuilder.fromRaw("A: b\r\n\r\nc\r\n".getBytes(StandardCharsets.UTF_8));
        List<DeliveryOutcome> out = store.deliver(List.of(Delivery.of("nobody", "", wire), Delivery.of("bob", "", wire)));
        assertInstanceOf(DeliveryOutcome.UnknownRecipient.class, out.get(0));
        assertInstanceOf(DeliveryOutcome.Delivered.class, out.get(1));
    }

    @Test
    void largeMessageIsChunkedAndReadBackWhole() throws StoreException {
        store.createAccount("big", CREDS);
        byte[] raw = new byte[5 * WireMessage.CHUNK_SIZE + 123];
        new Random(1).nextBytes(raw);
        WireMessage wire = WireMessageBuilder.fromRaw(raw);
        store.deliver(List.of(Delivery.of("big", "", wire)));
        try (Maildrop drop = store.openMaildrop("big", LockPolicy.EXCLUSIVE)) {
            assertArrayEquals(wire.toByteArray(), readAll(drop, 0));
        }
    }

    // Invariant 4: UIDs are never reused, UIDL strings are valid and stable.
    @Test
    void uidsAreNeverReusedAndUidlsAreStable() throws StoreException {
        store.createAccount("carol", CREDS);
        long first = deliver(store, "carol", message(1));
        long second = deliver(store, "carol", message(2));
        String uidlOfSecond;
        try (Maildrop drop = store.openMaildrop("carol", LockPolicy.EXCLUSIVE)) {
            uidlOfSecond = drop.listing().uidl(1);
            BitSet all = new BitSet();
            all.set(0, 2);
            assertEquals(2, drop.commitDeletions(all));
        }
        long third = deliver(store, "carol", message(3));
        assertTrue(first < second && second < third, "UIDs only grow");
        store.close();
        store = RocksMailStore.open(dir, RocksStoreOptions.defaults());
        long fourth = deliver(store, "carol", message(4));
        assertTrue(fourth > third, "UIDs only grow across restarts");
        try (Maildrop drop = store.openMaildrop("carol", LockPolicy.EXCLUSIVE)) {
            Set<String> uidls = new HashSet<>();
            for (int i = 0; i < drop.listing().size(); i++) {
                String u = drop.listing().uidl(i);
                assertTrue(Uidl.isValid(u), u);
                uidls.add(u);
            }
            assertEquals(2, uidls.size());
            assertFalse(uidls.contains(uidlOfSecond));
        }
    }

    @Test
    void uidlIsUnchangedAcrossRestart() throws StoreException {
        store.createAccount("dave", CREDS);
        deliver(store, "dave", message(1));
        String before;
        try (Maildrop drop = store.openMaildrop("dave", LockPolicy.EXCLUSIVE)) {
            before = drop.listing().uidl(0);
        }
        store.close();
        store = RocksMailStore.open(dir, RocksStoreOptions.defaults());
        try (Maildrop drop = store.openMaildrop("dave", LockPolicy.EXCLUSIVE)) {
            assertEquals(before, drop.listing().uidl(0));
        }
    }

    @Test
    void recreatedAccountGetsNewEpochSoOldUidlsNeverMatch() throws StoreException {
        store.createAccount("erin", CREDS);
        deliver(store, "erin", message(1));
        String old;
        try (Maildrop drop = store.openMaildrop("erin", LockPolicy.EXCLUSIVE)) {
            old = drop.listing().uidl(0);
        }
        assertTrue(store.deleteAccount("erin"));
        store.createAccount("erin", CREDS);
        deliver(store, "erin", message(1));
        try (Maildrop drop = store.openMaildrop("erin", LockPolicy.EXCLUSIVE)) {
            assertNotEquals(old, drop.listing().uidl(0));
        }
    }

    // Invariant 5: the lease.
    @Test
    void exclusiveLeaseRefusesSecondSessionUntilClosed() throws StoreException {
        store.createAccount("frank", CREDS);
        Maildrop first = store.openMaildrop("frank", LockPolicy.EXCLUSIVE);
        assertThrows(MaildropInUseException.class, () -> store.openMaildrop("frank", LockPolicy.EXCLUSIVE));
        first.close();
        first.close(); // idempotent: must not release someone else's lease
        try (Maildrop again = store.openMaildrop("frank", LockPolicy.EXCLUSIVE)) {
            assertThrows(MaildropInUseException.class, () -> store.openMaildrop("frank", LockPolicy.EXCLUSIVE));
        }
    }

    @Test
    void sharedLeaseAllowsSeveralSessions() throws StoreException {
        store.createAccount("gina", CREDS);
        try (Maildrop a = store.openMaildrop("gina", LockPolicy.SHARED);
             Maildrop b = store.openMaildrop("gina", LockPolicy.SHARED)) {
            assertEquals(0, a.listing().size());
            assertEquals(0, b.listing().size());
        }
    }

    @Test
    void deliveriesContinueWhileLeasedAndTheSnapshotStaysFixed() throws StoreException {
        store.createAccount("hank", CREDS);
        deliver(store, "hank", message(1));
        try (Maildrop drop = store.openMaildrop("hank", LockPolicy.EXCLUSIVE)) {
            deliver(store, "hank", message(2));
            assertEquals(1, drop.listing().size(), "message numbers stay fixed for the session");
            BitSet first = new BitSet();
            first.set(0);
            drop.commitDeletions(first);
        }
        try (Maildrop drop = store.openMaildrop("hank", LockPolicy.EXCLUSIVE)) {
            assertEquals(1, drop.listing().size());
            assertTrue(new String(readAll(drop, 0), StandardCharsets.UTF_8).contains("message 2"));
        }
        assertEquals(1, store.stats("hank").messages());
    }

    @Test
    void sharedSessionsDeletingTheSameMessageCountItOnce() throws StoreException {
        store.createAccount("ivy", CREDS);
        deliver(store, "ivy", message(1));
        deliver(store, "ivy", message(2));
        Maildrop a = store.openMaildrop("ivy", LockPolicy.SHARED);
        Maildrop b = store.openMaildrop("ivy", LockPolicy.SHARED);
        BitSet first = new BitSet();
        first.set(0);
        assertEquals(1, a.commitDeletions(first));
        assertEquals(0, b.commitDeletions(first), "already removed by the other session");
        assertThrows(dev.poplar.storage.MessageGoneException.class, () -> readAll(b, 0));
        a.close();
        b.close();
        MailboxStats s = store.stats("ivy");
        assertEquals(1, s.messages());
        assertEquals(message(2).length(), s.octets());
    }

    @Test
    void commitDeletionsUpdatesCountersAndRemovesBodies() throws StoreException {
        store.createAccount("jack", CREDS);
        for (int i = 0; i < 5; i++) {
            deliver(store, "jack", message(i));
        }
        try (Maildrop drop = store.openMaildrop("jack", LockPolicy.EXCLUSIVE)) {
            BitSet marked = new BitSet();
            marked.set(1);
            marked.set(3);
            assertEquals(2, drop.commitDeletions(marked));
        }
        try (Maildrop drop = store.openMaildrop("jack", LockPolicy.EXCLUSIVE)) {
            assertEquals(3, drop.listing().size());
            assertEquals(drop.listing().totalOctets(), store.stats("jack").octets());
        }
        assertEquals(0, StoreChecker.check(store).size(), "no orphan bodies, counters match");
    }

    @Test
    void missingAccountsGiveClearErrors() {
        assertThrows(NoSuchAccountException.class, () -> store.openMaildrop("nobody", LockPolicy.EXCLUSIVE));
        assertThrows(NoSuchAccountException.class, () -> store.stats("nobody"));
        assertThrows(NoSuchAccountException.class, () -> store.setCredentials("nobody", CREDS));
    }

    // Invariant 1: concurrent deliveries share WAL syncs, and each is durable when it returns.
    @Test
    void concurrentDeliveriesShareWalSyncs() throws Exception {
        int users = 8;
        int perUser = 25;
        for (int u = 0; u < users; u++) {
            store.createAccount("user" + u, CREDS);
        }
        long syncsBefore = store.statistics().walSyncs();
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Long>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int u = 0; u < users; u++) {
                for (int i = 0; i < perUser; i++) {
                    String user = "user" + u;
                    int n = i;
                    futures.add(pool.submit(() -> {
                        start.await();
                        return deliver(store, user, message(n));
                    }));
                }
            }
            start.countDown();
            for (Future<Long> f : futures) {
                f.get();
            }
        }
        long syncs = store.statistics().walSyncs() - syncsBefore;
        int total = users * perUser;
        assertTrue(syncs >= 1, "deliveries were synced");
        assertTrue(syncs < total, "group commit: " + syncs + " syncs for " + total + " deliveries");
        for (int u = 0; u < users; u++) {
            try (Maildrop drop = store.openMaildrop("user" + u, LockPolicy.EXCLUSIVE)) {
                assertEquals(perUser, drop.listing().size());
                Set<Long> uids = new HashSet<>();
                for (int i = 0; i < perUser; i++) {
                    uids.add(drop.listing().uid(i));
                }
                assertEquals(perUser, uids.size(), "no UID handed out twice");
            }
        }
    }

    @Test
    void appPasswordsAreAddedAndRevoked() throws StoreException {
        store.createAccount("quinn", CREDS);
        store.addAppPassword("quinn", new dev.poplar.storage.AppPassword("phone", 1, CREDS));
        assertThrows(AccountExistsException.class,
                () -> store.addAppPassword("quinn", new dev.poplar.storage.AppPassword("phone", 2, CREDS)));
        assertEquals(List.of("phone"), store.account("quinn").orElseThrow().appPasswords().stream()
                .map(dev.poplar.storage.AppPassword::label).toList());
        store.setCredentials("quinn", CREDS);
        assertEquals(1, store.account("quinn").orElseThrow().appPasswords().size(), "a new password keeps app passwords");
        assertTrue(store.revokeAppPassword("quinn", "phone"));
        assertFalse(store.revokeAppPassword("quinn", "phone"));
    }

    /** Upgrade path: account records written by 0.1.0 (format 1, no app passwords) still read. */
    @Test
    void formatOneAccountRecordsStillDecode() {
        java.nio.ByteBuffer v1 = java.nio.ByteBuffer.allocate(1 + 8 + 8 + 4 + 3 + 16 + 32 + 32);
        v1.put((byte) 1).putLong(42).putLong(1000).putInt(4096);
        v1.put((byte) 16).put(new byte[16]).put((byte) 32).put(new byte[32]).put((byte) 32).put(new byte[32]);
        Records.Account a = Records.Account.decode(v1.array());
        assertEquals(42, a.id());
        assertEquals(4096, a.credentials().iterations());
        assertTrue(a.appPasswords().isEmpty());
        Records.Account again = Records.Account.decode(a.encode());
        assertEquals(a.id(), again.id());
    }

    @Test
    void checkerFindsDamageAndRepairFixesIt() throws Exception {
        store.createAccount("rita", CREDS);
        long keep = deliver(store, "rita", message(1));
        long broken = deliver(store, "rita", message(2));
        long id = store.account("rita").orElseThrow().id();
        RocksHandle h = store.handle();
        h.db().delete(h.cf().bodies(), Keys.body(id, broken, 0));               // a message loses its body
        h.db().put(h.cf().bodies(), Keys.body(id, 999, 0), new byte[] {1, 2}); // a stray chunk
        h.db().put(h.cf().mailboxes(), Keys.mailbox(id), new Records.Mailbox(2, 7, 9, 9).encode()); // bad counters
        List<String> problems = StoreChecker.check(store);
        assertEquals(4, problems.size(), problems.toString()); // missing chunk, stray chunk, counters, next UID
        List<String> actions = StoreChecker.repair(store);
        assertEquals(3, actions.size(), actions.toString());
        assertEquals(List.of(), StoreChecker.check(store));
        MailboxStats stats = store.stats("rita");
        assertEquals(1, stats.messages());
        assertEquals(1000, stats.nextUid(), "next UID past every UID seen, the damaged and stray ones too");
        try (Maildrop drop = store.openMaildrop("rita", LockPolicy.EXCLUSIVE)) {
            assertEquals(keep, drop.listing().uid(0));
        }
    }
}
