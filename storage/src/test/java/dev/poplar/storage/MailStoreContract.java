package dev.poplar.storage;

import static dev.poplar.storage.StoreFixture.CREDS;
import static dev.poplar.storage.StoreFixture.deliver;
import static dev.poplar.storage.StoreFixture.message;
import static dev.poplar.storage.StoreFixture.readAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@link MailStore} contract (DESIGN invariants 4 to 6 and the SPI's javadoc), run against
 * every implementation: RocksMailStoreContractTest and MemoryMailStoreContractTest. A protocol
 * test on the memory store is only worth something while both pass the same suite.
 */
public abstract class MailStoreContract {
    @TempDir
    protected Path dir;

    protected MailStore store;

    /** A new, empty store (in {@code dir} where it needs a disk). */
    protected abstract MailStore open() throws StoreException;

    @BeforeEach
    void openStore() throws StoreException {
        store = open();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    @Test
    void aMigratedMessageKeepsItsUidlAndDateAndNoLaterUidlCollidesWithIt() throws StoreException {
        store.createAccount("mig", CREDS);
        long epoch = store.listing("mig").epoch();
        WireMessage m = WireMessageBuilder.fromRaw("Subject: old\r\n\r\nx\r\n".getBytes(StandardCharsets.US_ASCII));
        long in2023 = java.time.Instant.parse("2023-05-01T10:00:00Z").toEpochMilli();
        String ownForm = Uidl.of(
                epoch, 3); // as if moved from another Poplar node: without the skip, the third delivery would get UID 3
        store.deliver(List.of(
                Delivery.migrated("mig", m, "000000016b0d1e15", in2023), Delivery.migrated("mig", m, ownForm, in2023)));
        store.deliver(List.of(Delivery.of("mig", "", m)));
        MessageListing l = store.listing("mig");
        List<String> uidls = new java.util.ArrayList<>();
        for (int i = 0; i < l.size(); i++) {
            uidls.add(l.uidl(i));
        }
        assertEquals("000000016b0d1e15", uidls.get(0));
        assertEquals(ownForm, uidls.get(1));
        assertEquals(3, java.util.Set.copyOf(uidls).size(), "the next UIDL Poplar assigns is new: " + uidls);
        assertEquals(m.octets(), l.octets(0), "no header added");
        java.util.Map<Long, Long> received = store.receivedTimes("mig");
        assertEquals(List.of(l.uid(0), l.uid(1), l.uid(2)), List.copyOf(received.keySet()));
        assertEquals(in2023, received.get(l.uid(0)), "a copy keeps the source date");
        assertEquals(in2023, received.get(l.uid(1)));
        assertTrue(received.get(l.uid(2)) > in2023, "a new delivery is received now");
        // Retention and expunge count from the source date.
        var removed = store.expunge(
                "mig",
                new ExpungeCriteria(
                        false,
                        java.util.OptionalLong.empty(),
                        java.util.Optional.of(java.time.Instant.parse("2024-01-01T00:00:00Z")),
                        java.util.OptionalLong.empty()));
        assertEquals(2, removed.messages(), "both 2023 messages, not today's");
        assertThrows(IllegalArgumentException.class, () -> Delivery.migrated("mig", m, "has space", 0));
        assertThrows(IllegalArgumentException.class, () -> Delivery.migrated("mig", m, "x".repeat(71), 0));
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
        List<DeliveryOutcome> out =
                store.deliver(List.of(Delivery.of("nobody", "", wire), Delivery.of("bob", "", wire)));
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
        assertThrows(MessageGoneException.class, () -> readAll(b, 0));
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
        assertEquals(List.of(), store.check(), "no orphan bodies, counters match");
    }

    @Test
    void missingAccountsGiveClearErrors() {
        assertThrows(NoSuchAccountException.class, () -> store.openMaildrop("nobody", LockPolicy.EXCLUSIVE));
        assertThrows(NoSuchAccountException.class, () -> store.stats("nobody"));
        assertThrows(NoSuchAccountException.class, () -> store.setCredentials("nobody", CREDS));
    }

    @Test
    void appPasswordsAreAddedAndRevoked() throws StoreException {
        store.createAccount("quinn", CREDS);
        store.addAppPassword("quinn", new AppPassword("phone", 1, CREDS));
        assertThrows(
                AccountExistsException.class, () -> store.addAppPassword("quinn", new AppPassword("phone", 2, CREDS)));
        assertEquals(
                List.of("phone"),
                store.account("quinn").orElseThrow().appPasswords().stream()
                        .map(AppPassword::label)
                        .toList());
        store.setCredentials("quinn", CREDS);
        assertEquals(
                1, store.account("quinn").orElseThrow().appPasswords().size(), "a new password keeps app passwords");
        assertTrue(store.revokeAppPassword("quinn", "phone"));
        assertFalse(store.revokeAppPassword("quinn", "phone"));
    }

    @Test
    void expungeRemovesWhatMatchesAnyCriterionAndCountsIt() throws StoreException {
        store.createAccount("kim", CREDS);
        long small = deliver(store, "kim", message(1));
        long big = deliver(store, "kim", message(2) + "x".repeat(500) + "\r\n");
        long other = deliver(store, "kim", message(3));
        var bySize = store.expunge(
                "kim", new ExpungeCriteria(false, OptionalLong.empty(), Optional.empty(), OptionalLong.of(300)));
        assertEquals(1, bySize.messages());
        assertEquals(message(2).length() + 502, bySize.octets());
        var byUid = store.expunge(
                "kim", new ExpungeCriteria(false, OptionalLong.of(small), Optional.empty(), OptionalLong.empty()));
        assertEquals(new ExpungeCriteria.Result(1, message(1).length()), byUid);
        assertEquals(
                new ExpungeCriteria.Result(0, 0),
                store.expunge(
                        "kim",
                        new ExpungeCriteria(false, OptionalLong.of(big), Optional.empty(), OptionalLong.empty())),
                "already gone");
        assertEquals(1, store.stats("kim").messages());
        assertEquals(other, store.listing("kim").uid(0));
        assertEquals(
                new ExpungeCriteria.Result(1, message(3).length()), store.expunge("kim", ExpungeCriteria.everything()));
        assertEquals(0, store.stats("kim").octets());
        assertThrows(NoSuchAccountException.class, () -> store.expunge("nobody", ExpungeCriteria.everything()));
    }

    @Test
    void anExpungeUnderAnOpenSessionShowsAsRemovedByAnotherSession() throws StoreException {
        store.createAccount("lee", CREDS);
        deliver(store, "lee", message(1));
        try (Maildrop drop = store.openMaildrop("lee", LockPolicy.EXCLUSIVE)) {
            store.expunge("lee", ExpungeCriteria.everything());
            assertEquals(1, drop.listing().size(), "the session's listing stays fixed");
            assertThrows(MessageGoneException.class, () -> readAll(drop, 0));
            BitSet all = new BitSet();
            all.set(0);
            assertEquals(0, drop.commitDeletions(all));
        }
    }

    @Test
    void apopSecretsAreSetReplacedAndRemoved() throws StoreException {
        store.createAccount("mo", CREDS);
        assertTrue(store.apopSecret("mo").isEmpty());
        store.setApopSecret("mo", new byte[] {1, 2, 3});
        assertArrayEquals(new byte[] {1, 2, 3}, store.apopSecret("MO").orElseThrow());
        store.setApopSecret("mo", new byte[] {4});
        assertArrayEquals(new byte[] {4}, store.apopSecret("mo").orElseThrow());
        store.setApopSecret("mo", null);
        assertTrue(store.apopSecret("mo").isEmpty());
        assertTrue(store.apopSecret("nobody").isEmpty());
        assertThrows(NoSuchAccountException.class, () -> store.setApopSecret("nobody", new byte[] {1}));
    }

    @Test
    void importedHashesAreKeptUntilANewPasswordReplacesThem() throws StoreException {
        PasswordCredentials other = new PasswordCredentials(7, new byte[] {9}, new byte[] {8}, new byte[] {7});
        store.createAccount("imported", CREDS, "{SHA512-CRYPT}$6$salt$hash");
        assertEquals(
                Optional.of("{SHA512-CRYPT}$6$salt$hash"),
                store.account("imported").orElseThrow().importedHash());
        store.setCredentials("imported", other);
        AccountInfo after = store.account("imported").orElseThrow();
        assertEquals(Optional.empty(), after.importedHash());
        assertEquals(other, after.credentials());
        store.setImportedHash("imported", CREDS, "{SSHA}abc");
        assertEquals(
                Optional.of("{SSHA}abc"),
                store.account("imported").orElseThrow().importedHash());
        assertEquals(CREDS, store.account("imported").orElseThrow().credentials());
        assertThrows(NoSuchAccountException.class, () -> store.setImportedHash("nobody", CREDS, "{SSHA}x"));
    }

    @Test
    void appPasswordsStopAtTheLimit() throws StoreException {
        store.createAccount("pat", CREDS);
        for (int i = 0; i < AppPassword.MAX_PER_ACCOUNT; i++) {
            store.addAppPassword("pat", new AppPassword("p" + i, i, CREDS));
        }
        StoreException e = assertThrows(
                StoreException.class, () -> store.addAppPassword("pat", new AppPassword("one-more", 1, CREDS)));
        assertFalse(e.temporary());
        assertFalse(e instanceof AccountExistsException);
        assertEquals(
                AppPassword.MAX_PER_ACCOUNT,
                store.account("pat").orElseThrow().appPasswords().size());
    }

    @Test
    void aDeletedAccountTakesItsMessagesAndItsSessionCommitsNothing() throws StoreException {
        store.createAccount("sam", CREDS);
        deliver(store, "sam", message(1));
        Maildrop drop = store.openMaildrop("sam", LockPolicy.EXCLUSIVE);
        assertTrue(store.deleteAccount("sam"));
        assertFalse(store.deleteAccount("sam"));
        BitSet all = new BitSet();
        all.set(0);
        assertEquals(0, drop.commitDeletions(all));
        drop.close();
        assertTrue(store.account("sam").isEmpty());
        assertEquals(List.of(), store.accountNames());
        assertThrows(NoSuchAccountException.class, () -> store.listing("sam"));
        List<DeliveryOutcome> out = store.deliver(List.of(
                Delivery.of("sam", "", WireMessageBuilder.fromRaw(message(2).getBytes(StandardCharsets.US_ASCII)))));
        assertInstanceOf(DeliveryOutcome.UnknownRecipient.class, out.getFirst());
    }

    @Test
    void accountIdsAreNeverReused() throws StoreException {
        long first = store.createAccount("tom", CREDS).id();
        store.deleteAccount("tom");
        long second = store.createAccount("tom", CREDS).id();
        assertTrue(second > first);
    }

    @Test
    void everyChangeIsCountedAsACommit() throws StoreException {
        long before = store.statistics().commitsRequested();
        store.createAccount("una", CREDS);
        deliver(store, "una", message(1));
        assertTrue(store.statistics().commitsRequested() >= before + 2);
        assertTrue(store.writable());
    }

    @Test
    void revokingOneAppPasswordKeepsTheOthers() throws StoreException {
        store.createAccount("rex", CREDS);
        store.addAppPassword("rex", new AppPassword("phone", 1, CREDS));
        store.addAppPassword("rex", new AppPassword("laptop", 2, CREDS));
        assertTrue(store.revokeAppPassword("rex", "laptop"));
        assertEquals(
                List.of("phone"),
                store.account("rex").orElseThrow().appPasswords().stream()
                        .map(AppPassword::label)
                        .toList());
        assertFalse(store.revokeAppPassword("rex", "tablet"));
        assertEquals(1, store.account("rex").orElseThrow().appPasswords().size());
    }

    private static Delivery quoted(String user, String raw, AccountLimits defaults) {
        return Delivery.of(user, "", WireMessageBuilder.fromRaw(raw.getBytes(StandardCharsets.US_ASCII)))
                .withQuota(defaults);
    }

    @Test
    void racingDeliveriesNeverTakeAMailboxOverItsQuota() throws Exception {
        store.createAccount("full", CREDS);
        String raw = "Subject: q\r\n\r\n" + "x".repeat(80) + "\r\n";
        long size = WireMessageBuilder.fromRaw(raw.getBytes(StandardCharsets.US_ASCII))
                .octets();
        // Room for exactly 7 messages by octets; 40 copies race for it from 8 threads.
        AccountLimits defaults = new AccountLimits(7 * size + size / 2, AccountLimits.UNLIMITED, 0);
        java.util.concurrent.atomic.AtomicInteger delivered = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger refused = new java.util.concurrent.atomic.AtomicInteger();
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(8)) {
            List<java.util.concurrent.Future<?>> all = new java.util.ArrayList<>();
            for (int i = 0; i < 40; i++) {
                all.add(pool.submit(() -> {
                    for (DeliveryOutcome o : store.deliver(List.of(quoted("full", raw, defaults)))) {
                        (o instanceof DeliveryOutcome.Delivered ? delivered : refused).incrementAndGet();
                    }
                    return null;
                }));
            }
            for (var f : all) {
                f.get();
            }
        }
        assertEquals(7, delivered.get());
        assertEquals(33, refused.get());
        MailboxStats s = store.stats("full");
        assertEquals(7, s.messages());
        assertEquals(7 * size, s.octets());
    }

    @Test
    void oneRecipientOverQuotaDoesNotStopTheOthersInOneDelivery() throws StoreException {
        store.createAccount("small", CREDS);
        store.createAccount("big", CREDS);
        store.setLimits("small", new AccountLimits(AccountLimits.INHERIT, 1, AccountLimits.INHERIT));
        AccountLimits defaults = new AccountLimits(0, 100, 0);
        String raw = "Subject: m\r\n\r\nbody\r\n";
        store.deliver(List.of(quoted("small", raw, defaults)));
        List<DeliveryOutcome> out =
                store.deliver(List.of(quoted("small", raw, defaults), quoted("big", raw, defaults)));
        DeliveryOutcome.OverQuota over = assertInstanceOf(DeliveryOutcome.OverQuota.class, out.get(0));
        assertEquals(1, over.limits().maxMessages(), "the account's own limit beats the default");
        assertInstanceOf(DeliveryOutcome.Delivered.class, out.get(1));
        assertEquals(1, store.stats("small").messages());
        assertEquals(1, store.stats("big").messages());
        // Two copies to one mailbox in one write count each other.
        store.setLimits("big", new AccountLimits(AccountLimits.INHERIT, 2, AccountLimits.INHERIT));
        out = store.deliver(List.of(quoted("big", raw, defaults), quoted("big", raw, defaults)));
        assertInstanceOf(DeliveryOutcome.Delivered.class, out.get(0));
        assertInstanceOf(DeliveryOutcome.OverQuota.class, out.get(1));
        // Without a quota (migration, restores) the limit is not applied; clearing the override
        // brings back the default.
        store.deliver(List.of(Delivery.of("small", "", WireMessageBuilder.fromRaw(raw.getBytes()))));
        assertEquals(2, store.stats("small").messages());
        store.setLimits("small", AccountLimits.INHERITED);
        assertEquals(
                AccountLimits.INHERITED, store.account("small").orElseThrow().limits());
        assertInstanceOf(
                DeliveryOutcome.Delivered.class,
                store.deliver(List.of(quoted("small", raw, defaults))).get(0));
        assertThrows(NoSuchAccountException.class, () -> store.setLimits("nobody", AccountLimits.NONE));
    }

    @Test
    void accountLimitsSurviveOtherChangesToTheAccount() throws StoreException {
        store.createAccount("lim", CREDS, "{SSHA}abc");
        AccountLimits own = new AccountLimits(5_000_000, AccountLimits.INHERIT, 90L * 86_400_000);
        store.setLimits("lim", own);
        store.setCredentials("lim", CREDS);
        store.addAppPassword("lim", new AppPassword("phone", 1, CREDS));
        AccountInfo info = store.account("lim").orElseThrow();
        assertEquals(own, info.limits());
        assertEquals(Optional.empty(), info.importedHash());
        assertEquals(1, info.appPasswords().size());
    }

    @Test
    void namesAndMailboxesComeInPagesFilteredByPrefix() throws StoreException {
        List<String> names = new java.util.ArrayList<>();
        for (int i = 0; i < 23; i++) {
            names.add(String.format("user%02d@a.example", i));
        }
        names.add("other@b.example");
        names.add("user@b.example");
        for (String n : names) {
            store.createAccount(n, CREDS);
        }
        deliver(store, "user05@a.example", message(1));
        List<String> paged = new java.util.ArrayList<>();
        String after = null;
        int pages = 0;
        while (true) {
            List<String> page = store.accountNames("user", after, 10);
            if (page.isEmpty()) {
                break;
            }
            pages++;
            assertTrue(page.size() <= 10);
            paged.addAll(page);
            after = page.getLast();
        }
        assertEquals(names.stream().filter(n -> n.startsWith("user")).sorted().toList(), paged);
        assertEquals(3, pages);
        assertEquals(List.of("other@b.example"), store.accountNames("o", null, 10));
        assertEquals(List.of(), store.accountNames("zz", null, 10));
        assertEquals(List.of(), store.accountNames("", null, 0));
        assertEquals(
                List.of("user05@a.example", "user06@a.example"), store.accountNames("user", "user04@a.example", 2));
        // An `after` before the prefix starts at the prefix.
        assertEquals(List.of("user00@a.example"), store.accountNames("user", "a", 1));
        List<MailboxStats> boxes = store.mailboxes("user05", null, 5);
        assertEquals(1, boxes.size());
        assertEquals("user05@a.example", boxes.getFirst().name());
        assertEquals(1, boxes.getFirst().messages());
        assertEquals(store.stats("user05@a.example"), boxes.getFirst());
    }

    @Test
    void expungeUnlessInUseLeavesAHeldMaildropAlone() throws StoreException {
        store.createAccount("held", CREDS);
        deliver(store, "held", message(1));
        ExpungeCriteria everything =
                new ExpungeCriteria(true, OptionalLong.empty(), Optional.empty(), OptionalLong.empty());
        try (Maildrop drop = store.openMaildrop("held", LockPolicy.SHARED)) {
            assertEquals(Optional.empty(), store.expungeUnlessInUse("held", everything));
            assertEquals(1, drop.listing().size());
        }
        assertEquals(1, store.stats("held").messages());
        assertEquals(
                1, store.expungeUnlessInUse("held", everything).orElseThrow().messages());
        assertEquals(0, store.stats("held").messages());
        // The sweep's lease is gone again: a session can open the maildrop.
        store.openMaildrop("held", LockPolicy.EXCLUSIVE).close();
    }

    @Test
    void aBulkCreationMakesTheNewAccountsAndLeavesExistingOnesAlone() throws StoreException {
        store.createAccount("old", CREDS);
        deliver(store, "old", message(1));
        PasswordCredentials other = new PasswordCredentials(9, new byte[] {1}, new byte[] {2}, new byte[] {3});
        List<Boolean> created = store.createAccounts(List.of(
                new AccountStore.NewAccount("new1", other, null),
                new AccountStore.NewAccount("OLD", other, null),
                new AccountStore.NewAccount("new2", CREDS, "{SSHA}abc"),
                new AccountStore.NewAccount("new1", CREDS, null)));
        assertEquals(List.of(true, false, true, false), created, "a name twice in one batch: the first wins");
        assertEquals(CREDS, store.account("old").orElseThrow().credentials(), "untouched");
        assertEquals(1, store.stats("old").messages());
        assertEquals(other, store.account("new1").orElseThrow().credentials());
        assertEquals(
                Optional.of("{SSHA}abc"), store.account("new2").orElseThrow().importedHash());
        assertNotEquals(
                store.account("new1").orElseThrow().id(),
                store.account("new2").orElseThrow().id());
        assertNotEquals(store.stats("new1").epoch(), store.stats("new2").epoch(), "each its own epoch");
        deliver(store, "new2", message(2));
        assertEquals(1, store.stats("new2").messages());
        assertThrows(
                IllegalArgumentException.class,
                () -> store.createAccounts(List.of(
                        new AccountStore.NewAccount("fine", CREDS, null),
                        new AccountStore.NewAccount("bad name", CREDS, null))));
        assertFalse(store.account("fine").isPresent(), "a bad name fails the whole batch");
    }
}
