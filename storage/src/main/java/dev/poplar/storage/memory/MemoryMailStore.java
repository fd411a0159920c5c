package dev.poplar.storage.memory;

import dev.poplar.storage.AccountExistsException;
import dev.poplar.storage.AccountInfo;
import dev.poplar.storage.AccountLimits;
import dev.poplar.storage.AccountNames;
import dev.poplar.storage.AppPassword;
import dev.poplar.storage.ChunkReader;
import dev.poplar.storage.Delivery;
import dev.poplar.storage.DeliveryOutcome;
import dev.poplar.storage.ExpungeCriteria;
import dev.poplar.storage.LockPolicy;
import dev.poplar.storage.MailStore;
import dev.poplar.storage.MailboxStats;
import dev.poplar.storage.Maildrop;
import dev.poplar.storage.MaildropLeases;
import dev.poplar.storage.MessageGoneException;
import dev.poplar.storage.MessageListing;
import dev.poplar.storage.NoSuchAccountException;
import dev.poplar.storage.PasswordCredentials;
import dev.poplar.storage.StoreException;
import dev.poplar.storage.StoreGauge;
import dev.poplar.storage.StoreStatistics;
import dev.poplar.storage.Uidl;
import dev.poplar.storage.WireMessage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A mail store in memory, for protocol tests: the same contract as the RocksDB store
 * (MailStoreContract runs against both) without a disk, so a POP3 or LMTP behaviour can be
 * checked in microseconds. Nothing survives {@link #close()}. One lock guards everything: it is
 * a test double, not a cache.
 *
 * <p>{@link #failWrites} makes every change fail, as a full or broken disk does, so the
 * protocols' answers to store failures can be tested too.
 */
public final class MemoryMailStore implements MailStore {
    private final TreeMap<String, Account> accounts = new TreeMap<>();
    private final MaildropLeases leases = new MaildropLeases();
    private long nextAccountId = 1;
    private long lastEpoch;
    private long commits;
    private long writeErrors;
    private StoreException writeFailure;

    /** From now on every change fails with {@code failure}; null makes writes work again. */
    public synchronized void failWrites(StoreException failure) {
        this.writeFailure = failure;
    }

    private static final class Account {
        final String name;
        final long id;
        final long createdMillis;
        PasswordCredentials credentials;
        List<AppPassword> appPasswords = List.of();
        String importedHash;
        AccountLimits limits = AccountLimits.INHERITED;
        byte[] apopSecret;
        final long epoch;
        long nextUid = 1;
        final TreeMap<Long, Stored> messages = new TreeMap<>();
        long octets;
        boolean deleted;

        Account(
                String name,
                long id,
                long createdMillis,
                PasswordCredentials credentials,
                String importedHash,
                long epoch) {
            this.name = name;
            this.id = id;
            this.createdMillis = createdMillis;
            this.credentials = credentials;
            this.importedHash = importedHash;
            this.epoch = epoch;
        }

        AccountInfo info() {
            return new AccountInfo(
                    name, id, createdMillis, credentials, appPasswords, Optional.ofNullable(importedHash), limits);
        }
    }

    /** A stored message: its wire form cut into chunks of exactly the stored lengths. */
    private record Stored(
            List<byte[]> chunks,
            long octets,
            long wireLength,
            long headerWireLength,
            long receivedMillis,
            String uidl) {}

    /** Every change starts here: the injected failure, or one more commit. */
    private void write() throws StoreException {
        if (writeFailure != null) {
            writeErrors++;
            throw writeFailure;
        }
        commits++;
    }

    private Account existing(String name) throws NoSuchAccountException {
        String key = AccountNames.normalize(name);
        Account a = accounts.get(key);
        if (a == null) {
            throw new NoSuchAccountException("no such user: " + key);
        }
        return a;
    }

    @Override
    public synchronized AccountInfo createAccount(String name, PasswordCredentials credentials, String importedHash)
            throws StoreException {
        String key = AccountNames.normalize(name);
        if (accounts.containsKey(key)) {
            throw new AccountExistsException("user " + key + " already exists");
        }
        write();
        long now = System.currentTimeMillis();
        lastEpoch = Math.max(now, lastEpoch + 1);
        Account a = new Account(key, nextAccountId++, now, credentials, importedHash, lastEpoch);
        accounts.put(key, a);
        return a.info();
    }

    @Override
    public synchronized List<Boolean> createAccounts(List<NewAccount> batch) throws StoreException {
        for (NewAccount n : batch) {
            AccountNames.normalize(n.name()); // a bad name fails the batch before anything changes
        }
        write();
        List<Boolean> created = new ArrayList<>(batch.size());
        long now = System.currentTimeMillis();
        for (NewAccount n : batch) {
            String key = AccountNames.normalize(n.name());
            if (accounts.containsKey(key)) {
                created.add(false);
                continue;
            }
            lastEpoch = Math.max(now, lastEpoch + 1);
            accounts.put(key, new Account(key, nextAccountId++, now, n.credentials(), n.importedHash(), lastEpoch));
            created.add(true);
        }
        return created;
    }

    @Override
    public synchronized void setCredentials(String name, PasswordCredentials credentials) throws StoreException {
        Account a = existing(name);
        write();
        a.credentials = credentials;
        a.importedHash = null;
    }

    @Override
    public synchronized void setImportedHash(String name, PasswordCredentials placeholder, String importedHash)
            throws StoreException {
        Account a = existing(name);
        write();
        a.credentials = placeholder;
        a.importedHash = importedHash;
    }

    @Override
    public synchronized void addAppPassword(String name, AppPassword password) throws StoreException {
        Account a = existing(name);
        if (a.appPasswords.stream().anyMatch(p -> p.label().equals(password.label()))) {
            throw new AccountExistsException(
                    "user " + a.name + " already has an app password labelled " + password.label());
        }
        if (a.appPasswords.size() >= AppPassword.MAX_PER_ACCOUNT) {
            throw new StoreException(
                    "user " + a.name + " already has " + AppPassword.MAX_PER_ACCOUNT
                            + " app passwords; revoke one first",
                    false);
        }
        write();
        List<AppPassword> list = new ArrayList<>(a.appPasswords);
        list.add(password);
        a.appPasswords = List.copyOf(list);
    }

    @Override
    public synchronized boolean revokeAppPassword(String name, String label) throws StoreException {
        Account a = existing(name);
        List<AppPassword> list = new ArrayList<>(a.appPasswords);
        if (!list.removeIf(p -> p.label().equals(label))) {
            return false;
        }
        write();
        a.appPasswords = List.copyOf(list);
        return true;
    }

    @Override
    public synchronized void setApopSecret(String name, byte[] sealedSecret) throws StoreException {
        Account a = existing(name);
        write();
        a.apopSecret = sealedSecret == null ? null : sealedSecret.clone();
    }

    @Override
    public synchronized Optional<byte[]> apopSecret(String name) {
        Account a = accounts.get(AccountNames.normalize(name));
        return a == null || a.apopSecret == null ? Optional.empty() : Optional.of(a.apopSecret.clone());
    }

    @Override
    public synchronized boolean deleteAccount(String name) throws StoreException {
        Account a = accounts.get(AccountNames.normalize(name));
        if (a == null) {
            return false;
        }
        write();
        accounts.remove(a.name);
        a.deleted = true;
        return true;
    }

    @Override
    public synchronized Optional<AccountInfo> account(String name) {
        Account a = accounts.get(AccountNames.normalize(name));
        return a == null ? Optional.empty() : Optional.of(a.info());
    }

    @Override
    public synchronized void setLimits(String name, AccountLimits limits) throws StoreException {
        Account a = existing(name);
        write();
        a.limits = limits;
    }

    @Override
    public synchronized List<String> accountNames() {
        return List.copyOf(accounts.keySet());
    }

    @Override
    public synchronized List<String> accountNames(String prefix, String after, int limit) {
        return page(prefix, after, limit).stream().map(a -> a.name).toList();
    }

    @Override
    public synchronized List<MailboxStats> mailboxes(String prefix, String after, int limit) {
        return page(prefix, after, limit).stream()
                .map(a -> new MailboxStats(a.name, a.messages.size(), a.octets, a.nextUid, a.epoch, a.limits))
                .toList();
    }

    private List<Account> page(String prefix, String after, int limit) {
        var tail = after == null || after.compareTo(prefix) < 0
                ? accounts.tailMap(prefix, true)
                : accounts.tailMap(after, false);
        return tail.values().stream()
                .takeWhile(a -> a.name.startsWith(prefix))
                .limit(Math.max(0, limit))
                .toList();
    }

    @Override
    public synchronized MailboxStats stats(String name) throws StoreException {
        Account a = existing(name);
        return new MailboxStats(a.name, a.messages.size(), a.octets, a.nextUid, a.epoch, a.limits);
    }

    @Override
    public synchronized List<DeliveryOutcome> deliver(List<Delivery> deliveries) throws StoreException {
        List<String> keys = new ArrayList<>(deliveries.size());
        for (Delivery d : deliveries) {
            keys.add(AccountNames.normalize(d.recipient()));
        }
        write(); // all recipients in one change, as the RocksDB store's one batch
        long now = System.currentTimeMillis();
        List<DeliveryOutcome> outcomes = new ArrayList<>(deliveries.size());
        for (int i = 0; i < deliveries.size(); i++) {
            Account a = accounts.get(keys.get(i));
            if (a == null) {
                outcomes.add(new DeliveryOutcome.UnknownRecipient(keys.get(i)));
                continue;
            }
            Delivery d = deliveries.get(i);
            WireMessage msg = d.message().withPrefix(d.prefixHeaders());
            if (d.quota() != null) {
                AccountLimits limits = a.limits.over(d.quota());
                if (!limits.admits(a.messages.size(), a.octets, msg.octets())) {
                    outcomes.add(new DeliveryOutcome.OverQuota(a.name, limits));
                    continue;
                }
            }
            long uid = a.nextUid;
            if (d.uidl() != null) {
                uid = Math.max(uid, Uidl.uidAfterOwn(a.epoch, d.uidl()));
            }
            List<byte[]> chunks = new ArrayList<>(msg.chunkCount());
            for (int c = 0; c < msg.chunkCount(); c++) {
                chunks.add(java.util.Arrays.copyOf(msg.chunks().get(c), msg.chunkLength(c)));
            }
            a.messages.put(
                    uid,
                    new Stored(
                            List.copyOf(chunks),
                            msg.octets(),
                            msg.wireLength(),
                            msg.headerWireLength(),
                            d.receivedMillis() > 0 ? d.receivedMillis() : now,
                            d.uidl()));
            a.octets += msg.octets();
            a.nextUid = uid + 1;
            outcomes.add(new DeliveryOutcome.Delivered(uid));
        }
        return outcomes;
    }

    @Override
    public synchronized MessageListing listing(String name) throws StoreException {
        return listingOf(existing(name));
    }

    private static MessageListing listingOf(Account a) {
        int n = a.messages.size();
        long[] uids = new long[n];
        long[] octets = new long[n];
        long[] wire = new long[n];
        long[] header = new long[n];
        Map<Long, String> overrides = new HashMap<>();
        int i = 0;
        for (Map.Entry<Long, Stored> e : a.messages.entrySet()) {
            Stored s = e.getValue();
            uids[i] = e.getKey();
            octets[i] = s.octets();
            wire[i] = s.wireLength();
            header[i] = s.headerWireLength();
            if (s.uidl() != null) {
                overrides.put(e.getKey(), s.uidl());
            }
            i++;
        }
        return new MessageListing(a.epoch, uids, octets, wire, header, overrides);
    }

    @Override
    public synchronized Maildrop openMaildrop(String name, LockPolicy policy) throws StoreException {
        Account a = existing(name);
        leases.acquire(a.id, a.name, policy);
        return new MemoryMaildrop(a, listingOf(a));
    }

    private synchronized ChunkReader read(Account a, long uid, int number) throws MessageGoneException {
        Stored s = a.deleted ? null : a.messages.get(uid);
        if (s == null) {
            throw new MessageGoneException("message " + number + " was removed by another session");
        }
        return ChunkReader.of(s.chunks());
    }

    /** Removes the listed UIDs still present in one change; returns what it removed. */
    private synchronized ExpungeCriteria.Result remove(Account a, long[] uids) throws StoreException {
        if (a.deleted) {
            return new ExpungeCriteria.Result(0, 0);
        }
        int present = 0;
        for (long uid : uids) {
            present += a.messages.containsKey(uid) ? 1 : 0;
        }
        if (present == 0) {
            return new ExpungeCriteria.Result(0, 0);
        }
        write();
        long removed = 0;
        long octets = 0;
        for (long uid : uids) {
            Stored s = a.messages.remove(uid);
            if (s != null) {
                removed++;
                octets += s.octets();
            }
        }
        a.octets -= octets;
        return new ExpungeCriteria.Result(removed, octets);
    }

    @Override
    public synchronized Map<Long, Long> receivedTimes(String name) throws StoreException {
        Map<Long, Long> out = new java.util.TreeMap<>();
        existing(name).messages.forEach((uid, m) -> out.put(uid, m.receivedMillis()));
        return out;
    }

    @Override
    public synchronized ExpungeCriteria.Result expunge(String name, ExpungeCriteria criteria) throws StoreException {
        Account a = existing(name);
        long[] uids = a.messages.entrySet().stream()
                .filter(e -> criteria.matches(
                        e.getKey(), e.getValue().receivedMillis(), e.getValue().octets()))
                .mapToLong(Map.Entry::getKey)
                .toArray();
        return remove(a, uids);
    }

    @Override
    public synchronized Optional<ExpungeCriteria.Result> expungeUnlessInUse(String name, ExpungeCriteria criteria)
            throws StoreException {
        Account a = existing(name);
        try {
            leases.acquire(a.id, a.name, LockPolicy.EXCLUSIVE);
        } catch (dev.poplar.storage.MaildropInUseException e) {
            return Optional.empty();
        }
        try {
            return Optional.of(expunge(name, criteria));
        } finally {
            leases.release(a.id);
        }
    }

    /** A memory store has nothing on disk to copy. */
    @Override
    public void checkpoint(Path target) throws StoreException {
        throw new StoreException("the in-memory store keeps nothing on disk and cannot write a backup", false);
    }

    @Override
    public synchronized StoreStatistics statistics() {
        return new StoreStatistics(commits, 0, commits, 0, writeErrors, writeFailure != null);
    }

    @Override
    public long gauge(StoreGauge gauge) {
        return 0;
    }

    @Override
    public synchronized boolean writable() {
        return writeFailure == null;
    }

    /** Consistent by construction: every change is applied whole under one lock. */
    @Override
    public List<String> check() {
        return List.of();
    }

    @Override
    public List<String> repair() {
        return List.of();
    }

    @Override
    public synchronized void close() {
        accounts.clear();
    }

    /** One session's snapshot listing over the live mailbox. */
    private final class MemoryMaildrop implements Maildrop {
        private final Account account;
        private final MessageListing listing;
        private final AtomicBoolean closed = new AtomicBoolean();

        MemoryMaildrop(Account account, MessageListing listing) {
            this.account = account;
            this.listing = listing;
        }

        @Override
        public String user() {
            return account.name;
        }

        @Override
        public AccountLimits limits() {
            synchronized (MemoryMailStore.this) {
                return account.limits;
            }
        }

        @Override
        public MessageListing listing() {
            return listing;
        }

        @Override
        public ChunkReader read(int index) throws StoreException {
            return MemoryMailStore.this.read(account, listing.uid(index), index + 1);
        }

        @Override
        public int commitDeletions(BitSet indexes) throws StoreException {
            long[] uids = indexes.stream().mapToLong(listing::uid).toArray();
            return uids.length == 0 ? 0 : Math.toIntExact(remove(account, uids).messages());
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                leases.release(account.id);
            }
        }
    }
}
