package dev.poplar.storage.rocks;

import static dev.poplar.storage.StoreFixture.CREDS;
import static dev.poplar.storage.StoreFixture.deliver;
import static dev.poplar.storage.StoreFixture.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.poplar.storage.AccountInfo;
import dev.poplar.storage.AccountLimits;
import dev.poplar.storage.LockPolicy;
import dev.poplar.storage.MailboxStats;
import dev.poplar.storage.Maildrop;
import dev.poplar.storage.PasswordCredentials;
import dev.poplar.storage.StoreException;
import dev.poplar.storage.StoreFixture;
import dev.poplar.storage.Uidl;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
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

    @Test
    void anImportedHashSurvivesAReopenAndANewPasswordReplacesIt() throws StoreException {
        PasswordCredentials other = new PasswordCredentials(7, new byte[] {9}, new byte[] {8}, new byte[] {7});
        store.createAccount("imported", CREDS, "{SHA512-CRYPT}$6$salt$hash");
        store.createAccount("native", CREDS);
        store.close();
        store = RocksMailStore.open(dir, RocksStoreOptions.defaults());
        assertEquals(
                java.util.Optional.of("{SHA512-CRYPT}$6$salt$hash"),
                store.account("imported").orElseThrow().importedHash());
        assertEquals(
                java.util.Optional.empty(),
                store.account("native").orElseThrow().importedHash());
        store.setCredentials("imported", other);
        AccountInfo after = store.account("imported").orElseThrow();
        assertEquals(
                java.util.Optional.empty(), after.importedHash(), "the re-hashed password replaces the imported hash");
        assertEquals(other, after.credentials());
        store.setImportedHash("native", CREDS, "{SSHA}abc");
        assertEquals(
                java.util.Optional.of("{SSHA}abc"),
                store.account("native").orElseThrow().importedHash());
        assertThrows(
                dev.poplar.storage.NoSuchAccountException.class,
                () -> store.setImportedHash("nobody", CREDS, "{SSHA}x"));
    }

    @Test
    void accountLimitsSurviveAReopenAndOnlyAccountsWithOverridesUseTheNewFormat() throws StoreException {
        store.createAccount("plain", CREDS);
        store.createAccount("limited", CREDS);
        store.createAccount("both", CREDS, "{SSHA}abc");
        AccountLimits own = new AccountLimits(1_000_000, 50, dev.poplar.storage.AccountLimits.UNLIMITED);
        store.setLimits("limited", own);
        store.setLimits("both", own);
        store.close();
        store = RocksMailStore.open(dir, RocksStoreOptions.defaults());
        assertEquals(own, store.account("limited").orElseThrow().limits());
        assertEquals(own, store.account("both").orElseThrow().limits());
        assertEquals(
                java.util.Optional.of("{SSHA}abc"),
                store.account("both").orElseThrow().importedHash());
        assertEquals(
                AccountLimits.INHERITED, store.account("plain").orElseThrow().limits());
        RocksHandle h = store.handle();
        try {
            assertEquals(2, h.db().get(h.cf().accounts(), Keys.account("plain"))[0], "0.1.1 format");
            assertEquals(4, h.db().get(h.cf().accounts(), Keys.account("limited"))[0]);
            store.setLimits("limited", AccountLimits.INHERITED);
            assertEquals(2, h.db().get(h.cf().accounts(), Keys.account("limited"))[0], "back to the old format");
        } catch (org.rocksdb.RocksDBException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * A page of mailboxes is whole or an error: a mailbox record missing under an account (damage,
     * or formerly a deletion between reading the account and its record) used to be skipped, so
     * the page came back short and the caller took it for the last one.
     */
    @Test
    void aMissingMailboxRecordFailsThePageInsteadOfShorteningIt() throws Exception {
        store.createAccount("m1", CREDS);
        store.createAccount("m2", CREDS);
        store.createAccount("m3", CREDS);
        assertEquals(2, store.mailboxes("", null, 2).size());
        RocksHandle h = store.handle();
        h.db().delete(
                        h.cf().mailboxes(),
                        Keys.mailbox(store.account("m2").orElseThrow().id()));
        dev.poplar.storage.StoreException e =
                assertThrows(dev.poplar.storage.StoreException.class, () -> store.mailboxes("", null, 2));
        assertTrue(e.getMessage().contains("mailbox record of m2 is missing (run poplar check)"), e.getMessage());
        assertEquals(
                List.of("m3"),
                store.mailboxes("", "m2", 2).stream().map(MailboxStats::name).toList());
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

    /** Upgrade path: account records written by 0.1.0 (format 1, no app passwords) still read. */
    @Test
    void formatOneAccountRecordsStillDecode() {
        java.nio.ByteBuffer v1 = java.nio.ByteBuffer.allocate(1 + 8 + 8 + 4 + 3 + 16 + 32 + 32);
        v1.put((byte) 1).putLong(42).putLong(1000).putInt(4096);
        v1.put((byte) 16)
                .put(new byte[16])
                .put((byte) 32)
                .put(new byte[32])
                .put((byte) 32)
                .put(new byte[32]);
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
        h.db().delete(h.cf().bodies(), Keys.body(id, broken, 0)); // a message loses its body
        h.db().put(h.cf().bodies(), Keys.body(id, 999, 0), new byte[] {1, 2}); // a stray chunk
        h.db().put(h.cf().mailboxes(), Keys.mailbox(id), new Records.Mailbox(2, 7, 9, 9).encode()); // bad counters
        List<String> problems = store.check();
        assertEquals(4, problems.size(), problems.toString()); // missing chunk, stray chunk, counters, next UID
        List<String> actions = store.repair();
        assertEquals(3, actions.size(), actions.toString());
        assertEquals(List.of(), store.check());
        MailboxStats stats = store.stats("rita");
        assertEquals(1, stats.messages());
        assertEquals(1000, stats.nextUid(), "next UID past every UID seen, the damaged and stray ones too");
        try (Maildrop drop = store.openMaildrop("rita", LockPolicy.EXCLUSIVE)) {
            assertEquals(keep, drop.listing().uid(0));
        }
    }

    /** A record written by a newer Poplar is refused with a clear message, never misread. */
    @Test
    void recordsOfAnUnknownFormatAreRefused() {
        byte[] account = new byte[64];
        account[0] = 9;
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Records.Account.decode(account));
        assertTrue(e.getMessage().contains("unknown account record format 9"), e.getMessage());
        byte[] mailbox = new Records.Mailbox(1, 2, 3, 4).encode();
        mailbox[0] = 2;
        assertThrows(IllegalStateException.class, () -> Records.Mailbox.decode(mailbox));
        byte[] index = new Records.Index(1, 2, 3, 4, null).encode();
        index[0] = 2;
        assertThrows(IllegalStateException.class, () -> Records.Index.decode(index));
        assertEquals(new Records.Mailbox(1, 2, 3, 4), Records.Mailbox.decode(new Records.Mailbox(1, 2, 3, 4).encode()));
        assertEquals(
                new Records.Index(1, 2, 3, 4, "u"), Records.Index.decode(new Records.Index(1, 2, 3, 4, "u").encode()));
    }

    /** The engine's gauges and the writer's counters are real numbers, not zeros. */
    @Test
    void gaugesAndCountersReportTheEngine() throws StoreException {
        store.createAccount("gauge", CREDS);
        for (int i = 0; i < 20; i++) {
            deliver(store, "gauge", message(i));
        }
        try (Maildrop drop = store.openMaildrop("gauge", LockPolicy.EXCLUSIVE)) {
            StoreFixture.readAll(drop, 0);
        }
        assertTrue(store.gauge(dev.poplar.storage.StoreGauge.WRITE_BUFFER_BYTES) > 0, "memtables hold the writes");
        assertEquals(0, store.gauge(dev.poplar.storage.StoreGauge.DELAYED_WRITE_RATE), "no stall");
        dev.poplar.storage.StoreStatistics stats = store.statistics();
        assertTrue(stats.writeGroups() >= 1 && stats.writeGroups() <= stats.commitsRequested(), stats.toString());
        assertTrue(stats.writeNanos() > 0, stats.toString());
        assertEquals(0, stats.writeErrors());
        assertTrue(store.writable());
    }
}
