package dev.poplar.storage.rocks;

import dev.poplar.storage.AccountExistsException;
import dev.poplar.storage.AccountInfo;
import dev.poplar.storage.AccountLimits;
import dev.poplar.storage.AccountNames;
import dev.poplar.storage.AppPassword;
import dev.poplar.storage.Delivery;
import dev.poplar.storage.DeliveryOutcome;
import dev.poplar.storage.ExpungeCriteria;
import dev.poplar.storage.LockPolicy;
import dev.poplar.storage.MailStore;
import dev.poplar.storage.MailboxStats;
import dev.poplar.storage.Maildrop;
import dev.poplar.storage.MaildropLeases;
import dev.poplar.storage.MessageListing;
import dev.poplar.storage.NoSuchAccountException;
import dev.poplar.storage.PasswordCredentials;
import dev.poplar.storage.StoreException;
import dev.poplar.storage.StoreGauge;
import dev.poplar.storage.StoreStatistics;
import dev.poplar.storage.Uidl;
import dev.poplar.storage.WireMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Snapshot;
import org.rocksdb.TickerType;

/**
 * The RocksDB mail store. Reads run on the caller's thread (short gets and scans); every change
 * goes through the {@link GroupCommitter}. See DESIGN.md, storage model, for the layout.
 */
public final class RocksMailStore implements MailStore {
    private final RocksHandle handle;
    private final GroupCommitter writer;
    private final MaildropLeases leases = new MaildropLeases();

    private RocksMailStore(RocksHandle handle, GroupCommitter writer) {
        this.handle = handle;
        this.writer = writer;
    }

    /**
     * Opens (creating if needed) the store in {@code dir}. Fails with a clear message when
     * another process holds it.
     */
    public static RocksMailStore open(Path dir, RocksStoreOptions options) throws StoreException {
        try {
            Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new StoreException("cannot create data directory " + dir + ": " + e.getMessage(), false, e);
        }
        RocksHandle handle = RocksHandle.open(dir, options);
        try {
            WriteContext.Meta meta = new WriteContext.Meta(
                    readLong(handle, WriteContext.Meta.NEXT_ACCOUNT_ID, 1),
                    readLong(handle, WriteContext.Meta.LAST_EPOCH, 0));
            return new RocksMailStore(handle, new GroupCommitter(handle.db(), handle.cf(), meta));
        } catch (RocksDBException e) {
            handle.close();
            throw RocksErrors.map("open", e);
        }
    }

    private static long readLong(RocksHandle h, byte[] key, long dflt) throws RocksDBException {
        byte[] v = h.db().get(h.cf().meta(), key);
        return v == null ? dflt : Records.decodeLong(v);
    }

    @Override
    public AccountInfo createAccount(String name, PasswordCredentials credentials, String importedHash)
            throws StoreException {
        String key = AccountNames.normalize(name);
        return writer.execute(ctx -> {
            if (ctx.account(key).isPresent()) {
                throw new AccountExistsException("user " + key + " already exists");
            }
            long now = System.currentTimeMillis();
            long id = ctx.nextAccountId();
            Records.Account account =
                    new Records.Account(id, now, credentials, List.of(), importedHash, AccountLimits.INHERITED);
            ctx.putAccount(key, account);
            ctx.putMailbox(id, new Records.Mailbox(1, ctx.nextEpoch(now), 0, 0));
            return new AccountInfo(
                    key, id, now, credentials, List.of(), Optional.ofNullable(importedHash), AccountLimits.INHERITED);
        });
    }

    @Override
    public List<Boolean> createAccounts(List<NewAccount> accounts) throws StoreException {
        List<String> keys = new ArrayList<>(accounts.size());
        for (NewAccount a : accounts) {
            keys.add(AccountNames.normalize(a.name()));
        }
        return writer.execute(new GroupCommitter.Op<>() {
            @Override
            public List<Boolean> stage(WriteContext ctx) throws RocksDBException {
                long now = System.currentTimeMillis();
                List<Boolean> created = new ArrayList<>(keys.size());
                for (int i = 0; i < keys.size(); i++) {
                    if (ctx.account(keys.get(i)).isPresent()) {
                        created.add(false);
                        continue;
                    }
                    NewAccount a = accounts.get(i);
                    long id = ctx.nextAccountId();
                    ctx.putAccount(
                            keys.get(i),
                            new Records.Account(
                                    id, now, a.credentials(), List.of(), a.importedHash(), AccountLimits.INHERITED));
                    ctx.putMailbox(id, new Records.Mailbox(1, ctx.nextEpoch(now), 0, 0));
                    created.add(true);
                }
                return created;
            }

            @Override
            public long weight() {
                return 256L * keys.size();
            }
        });
    }

    @Override
    public void setCredentials(String name, PasswordCredentials credentials) throws StoreException {
        String key = AccountNames.normalize(name);
        writer.execute(ctx -> {
            Records.Account old =
                    ctx.account(key).orElseThrow(() -> new NoSuchAccountException("no such user: " + key));
            ctx.putAccount(key, old.withCredentials(credentials));
            return null;
        });
    }

    @Override
    public void setImportedHash(String name, PasswordCredentials placeholder, String importedHash)
            throws StoreException {
        String key = AccountNames.normalize(name);
        writer.execute(ctx -> {
            Records.Account old =
                    ctx.account(key).orElseThrow(() -> new NoSuchAccountException("no such user: " + key));
            ctx.putAccount(key, old.withImportedHash(placeholder, importedHash));
            return null;
        });
    }

    @Override
    public void addAppPassword(String name, AppPassword password) throws StoreException {
        String key = AccountNames.normalize(name);
        writer.execute(ctx -> {
            Records.Account old =
                    ctx.account(key).orElseThrow(() -> new NoSuchAccountException("no such user: " + key));
            if (old.appPasswords().stream().anyMatch(p -> p.label().equals(password.label()))) {
                throw new AccountExistsException(
                        "user " + key + " already has an app password labelled " + password.label());
            }
            if (old.appPasswords().size() >= AppPassword.MAX_PER_ACCOUNT) {
                throw new StoreException(
                        "user " + key + " already has " + AppPassword.MAX_PER_ACCOUNT
                                + " app passwords; revoke one first",
                        false);
            }
            List<AppPassword> list = new ArrayList<>(old.appPasswords());
            list.add(password);
            ctx.putAccount(key, old.withAppPasswords(list));
            return null;
        });
    }

    @Override
    public boolean revokeAppPassword(String name, String label) throws StoreException {
        String key = AccountNames.normalize(name);
        return writer.execute(ctx -> {
            Records.Account old =
                    ctx.account(key).orElseThrow(() -> new NoSuchAccountException("no such user: " + key));
            List<AppPassword> list = new ArrayList<>(old.appPasswords());
            if (!list.removeIf(p -> p.label().equals(label))) {
                return false;
            }
            ctx.putAccount(key, old.withAppPasswords(list));
            return true;
        });
    }

    @Override
    public void setApopSecret(String name, byte[] sealedSecret) throws StoreException {
        String key = AccountNames.normalize(name);
        writer.execute(ctx -> {
            Records.Account a = ctx.account(key).orElseThrow(() -> new NoSuchAccountException("no such user: " + key));
            if (sealedSecret == null) {
                ctx.batch.delete(ctx.cf.meta(), Keys.apop(a.id()));
            } else {
                ctx.batch.put(ctx.cf.meta(), Keys.apop(a.id()), sealedSecret);
            }
            return null;
        });
    }

    @Override
    public Optional<byte[]> apopSecret(String name) throws StoreException {
        Optional<Records.Account> a = accountRecord(AccountNames.normalize(name));
        if (a.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(
                    handle.db().get(handle.cf().meta(), Keys.apop(a.get().id())));
        } catch (RocksDBException e) {
            throw RocksErrors.map("apop secret lookup", e);
        }
    }

    @Override
    public boolean deleteAccount(String name) throws StoreException {
        String key = AccountNames.normalize(name);
        return writer.execute(ctx -> {
            Optional<Records.Account> old = ctx.account(key);
            if (old.isEmpty()) {
                return false;
            }
            ctx.deleteAccount(key, old.get().id());
            return true;
        });
    }

    @Override
    public Optional<AccountInfo> account(String name) throws StoreException {
        String key = AccountNames.normalize(name);
        return accountRecord(key)
                .map(a -> new AccountInfo(
                        key,
                        a.id(),
                        a.createdMillis(),
                        a.credentials(),
                        a.appPasswords(),
                        Optional.ofNullable(a.importedHash()),
                        a.limits()));
    }

    @Override
    public void setLimits(String name, AccountLimits limits) throws StoreException {
        String key = AccountNames.normalize(name);
        writer.execute(ctx -> {
            Records.Account old =
                    ctx.account(key).orElseThrow(() -> new NoSuchAccountException("no such user: " + key));
            ctx.putAccount(key, old.withLimits(limits));
            return null;
        });
    }

    Optional<Records.Account> accountRecord(String normalizedName) throws StoreException {
        try {
            byte[] v = handle.db().get(handle.cf().accounts(), Keys.account(normalizedName));
            return v == null ? Optional.empty() : Optional.of(Records.Account.decode(v));
        } catch (RocksDBException e) {
            throw RocksErrors.map("account lookup", e);
        }
    }

    @Override
    public List<String> accountNames() {
        List<String> names = new ArrayList<>();
        try (RocksIterator it = handle.db().newIterator(handle.cf().accounts())) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                names.add(new String(it.key(), StandardCharsets.UTF_8));
            }
        }
        return names;
    }

    @Override
    public List<String> accountNames(String prefix, String after, int limit) {
        List<String> names = new ArrayList<>(Math.min(limit, 1024));
        try (ReadOptions ro = new ReadOptions()) {
            pageOfAccounts(ro, prefix, after, limit, (name, value) -> names.add(name));
        }
        return names;
    }

    /**
     * Accounts and their mailbox records are read from one snapshot: an account deleted during the
     * page is either whole in it or absent, so a page never comes back short while more follow.
     */
    @Override
    public List<MailboxStats> mailboxes(String prefix, String after, int limit) throws StoreException {
        List<Records.Account> accounts = new ArrayList<>();
        List<String> names = new ArrayList<>();
        Snapshot snapshot = handle.db().getSnapshot();
        try (ReadOptions ro = new ReadOptions().setSnapshot(snapshot)) {
            pageOfAccounts(ro, prefix, after, limit, (name, value) -> {
                names.add(name);
                accounts.add(Records.Account.decode(value));
            });
            List<MailboxStats> page = new ArrayList<>(names.size());
            for (int i = 0; i < names.size(); i++) {
                byte[] v = handle.db()
                        .get(
                                handle.cf().mailboxes(),
                                ro,
                                Keys.mailbox(accounts.get(i).id()));
                if (v == null) {
                    throw new StoreException(
                            "mailbox record of " + names.get(i) + " is missing (run poplar check)", false);
                }
                Records.Mailbox m = Records.Mailbox.decode(v);
                page.add(new MailboxStats(
                        names.get(i),
                        m.messages(),
                        m.octets(),
                        m.nextUid(),
                        m.epoch(),
                        accounts.get(i).limits()));
            }
            return page;
        } catch (RocksDBException e) {
            throw RocksErrors.map("mailbox listing", e);
        } finally {
            handle.db().releaseSnapshot(snapshot);
        }
    }

    /**
     * Walks the account keys (UTF-8 bytes sort as the names do for this purpose: both are compared
     * byte-wise by RocksDB and by callers paging with {@code after}) from just past {@code after}.
     */
    private void pageOfAccounts(
            ReadOptions ro,
            String prefix,
            String after,
            int limit,
            java.util.function.BiConsumer<String, byte[]> visit) {
        if (limit <= 0) {
            return;
        }
        byte[] start = prefix.getBytes(StandardCharsets.UTF_8);
        if (after != null) {
            byte[] a = after.getBytes(StandardCharsets.UTF_8);
            if (java.util.Arrays.compareUnsigned(a, start) >= 0) {
                start = java.util.Arrays.copyOf(a, a.length + 1); // the smallest key after `after`
            }
        }
        byte[] wanted = prefix.getBytes(StandardCharsets.UTF_8);
        int seen = 0;
        try (RocksIterator it = handle.db().newIterator(handle.cf().accounts(), ro)) {
            for (it.seek(start); it.isValid() && seen < limit; it.next()) {
                byte[] key = it.key();
                if (!startsWith(key, wanted)) {
                    break;
                }
                visit.accept(new String(key, StandardCharsets.UTF_8), it.value());
                seen++;
            }
        }
    }

    private static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length && java.util.Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }

    @Override
    public MailboxStats stats(String name) throws StoreException {
        String key = AccountNames.normalize(name);
        Records.Account account =
                accountRecord(key).orElseThrow(() -> new NoSuchAccountException("no such user: " + key));
        try {
            byte[] v = handle.db().get(handle.cf().mailboxes(), Keys.mailbox(account.id()));
            if (v == null) {
                throw new StoreException("mailbox record of " + key + " is missing (run poplar check)", false);
            }
            Records.Mailbox m = Records.Mailbox.decode(v);
            return new MailboxStats(key, m.messages(), m.octets(), m.nextUid(), m.epoch(), account.limits());
        } catch (RocksDBException e) {
            throw RocksErrors.map("mailbox stats", e);
        }
    }

    @Override
    public List<DeliveryOutcome> deliver(List<Delivery> deliveries) throws StoreException {
        long now = System.currentTimeMillis();
        List<String> keys = new ArrayList<>(deliveries.size());
        for (Delivery d : deliveries) {
            keys.add(AccountNames.normalize(d.recipient()));
        }
        long weight = 0;
        for (Delivery d : deliveries) {
            weight += d.message().wireLength() + d.prefixHeaders().length;
        }
        long totalWeight = weight;
        return writer.execute(new GroupCommitter.Op<>() {
            @Override
            public List<DeliveryOutcome> stage(WriteContext ctx) throws RocksDBException {
                List<DeliveryOutcome> outcomes = new ArrayList<>(deliveries.size());
                for (int i = 0; i < deliveries.size(); i++) {
                    outcomes.add(stageOne(ctx, keys.get(i), deliveries.get(i), now));
                }
                return outcomes;
            }

            @Override
            public long weight() {
                return totalWeight;
            }
        });
    }

    private static DeliveryOutcome stageOne(WriteContext ctx, String key, Delivery d, long now)
            throws RocksDBException {
        Optional<Records.Account> account = ctx.account(key);
        if (account.isEmpty()) {
            return new DeliveryOutcome.UnknownRecipient(key);
        }
        long id = account.get().id();
        Records.Mailbox box = ctx.mailbox(id)
                .orElseThrow(() -> new IllegalStateException("mailbox record of " + key + " is missing"));
        WireMessage msg = d.message().withPrefix(d.prefixHeaders());
        if (d.quota() != null) {
            // Checked against the counters as this group has already changed them: the single
            // writer makes the check and the write one step, so racing copies never pass together.
            AccountLimits limits = account.get().limits().over(d.quota());
            if (!limits.admits(box.messages(), box.octets(), msg.octets())) {
                return new DeliveryOutcome.OverQuota(key, limits);
            }
        }
        long uid = box.nextUid();
        if (d.uidl() != null) {
            // A kept UIDL that happens to read like one Poplar assigns in this mailbox (a move
            // between Poplar nodes) must never be assigned again: skip UIDs past it (invariant 4).
            uid = Math.max(uid, Uidl.uidAfterOwn(box.epoch(), d.uidl()));
        }
        for (int c = 0; c < msg.chunkCount(); c++) {
            byte[] chunk = msg.chunks().get(c);
            int len = msg.chunkLength(c);
            byte[] value = chunk.length == len ? chunk : java.util.Arrays.copyOf(chunk, len);
            ctx.batch.put(ctx.cf.bodies(), Keys.body(id, uid, c), value);
        }
        ctx.batch.put(
                ctx.cf.index(),
                Keys.index(id, uid),
                new Records.Index(
                                msg.octets(),
                                msg.wireLength(),
                                msg.headerWireLength(),
                                d.receivedMillis() > 0 ? d.receivedMillis() : now,
                                d.uidl())
                        .encode());
        ctx.putMailbox(id, new Records.Mailbox(uid + 1, box.epoch(), box.messages() + 1, box.octets() + msg.octets()));
        return new DeliveryOutcome.Delivered(uid);
    }

    @Override
    public MessageListing listing(String name) throws StoreException {
        String key = AccountNames.normalize(name);
        Records.Account account =
                accountRecord(key).orElseThrow(() -> new NoSuchAccountException("no such user: " + key));
        return ListingReader.read(handle, account.id());
    }

    @Override
    public java.util.Map<Long, Long> receivedTimes(String name) throws StoreException {
        String key = AccountNames.normalize(name);
        Records.Account account =
                accountRecord(key).orElseThrow(() -> new NoSuchAccountException("no such user: " + key));
        return ListingReader.receivedTimes(handle, account.id());
    }

    @Override
    public Maildrop openMaildrop(String name, LockPolicy policy) throws StoreException {
        String key = AccountNames.normalize(name);
        Records.Account account =
                accountRecord(key).orElseThrow(() -> new NoSuchAccountException("no such user: " + key));
        leases.acquire(account.id(), key, policy);
        try {
            return new RocksMaildrop(
                    this, key, account.id(), account.limits(), ListingReader.read(handle, account.id()));
        } catch (StoreException | RuntimeException e) {
            leases.release(account.id());
            throw e;
        }
    }

    /** Removes messages in one synced write; skips those already gone. Returns what it removed. */
    ExpungeCriteria.Result removeMessages(long accountId, long[] uids) throws StoreException {
        return writer.execute(ctx -> {
            Optional<Records.Mailbox> box = ctx.mailbox(accountId);
            if (box.isEmpty()) {
                return new ExpungeCriteria.Result(0, 0); // the account was deleted meanwhile
            }
            long messages = box.get().messages();
            long octets = box.get().octets();
            int removed = 0;
            for (long uid : uids) {
                Optional<Records.Index> index = ctx.index(accountId, uid);
                if (index.isPresent()) {
                    ctx.removeMessage(accountId, uid, index.get());
                    messages--;
                    octets -= index.get().octets();
                    removed++;
                }
            }
            if (removed > 0) {
                ctx.putMailbox(
                        accountId,
                        new Records.Mailbox(box.get().nextUid(), box.get().epoch(), messages, octets));
            }
            return new ExpungeCriteria.Result(removed, box.get().octets() - octets);
        });
    }

    /** Runs a change through the writer (repair tools in this package). */
    <R> R writeDirect(GroupCommitter.Op<R> op) throws StoreException {
        return writer.execute(op);
    }

    void releaseLease(long accountId) {
        leases.release(accountId);
    }

    RocksHandle handle() {
        return handle;
    }

    @Override
    public ExpungeCriteria.Result expunge(String name, ExpungeCriteria criteria) throws StoreException {
        String key = AccountNames.normalize(name);
        Records.Account account =
                accountRecord(key).orElseThrow(() -> new NoSuchAccountException("no such user: " + key));
        // Choose from a fresh listing, then remove in the writer, which skips what is already gone.
        MessageListingMatcher matcher = MessageListingMatcher.read(handle, account.id(), criteria);
        if (matcher.uids().length == 0) {
            return new ExpungeCriteria.Result(0, 0);
        }
        return removeMessages(account.id(), matcher.uids());
    }

    @Override
    public Optional<ExpungeCriteria.Result> expungeUnlessInUse(String name, ExpungeCriteria criteria)
            throws StoreException {
        String key = AccountNames.normalize(name);
        Records.Account account =
                accountRecord(key).orElseThrow(() -> new NoSuchAccountException("no such user: " + key));
        try {
            leases.acquire(account.id(), key, LockPolicy.EXCLUSIVE);
        } catch (dev.poplar.storage.MaildropInUseException e) {
            return Optional.empty();
        }
        try {
            return Optional.of(expunge(key, criteria));
        } finally {
            leases.release(account.id());
        }
    }

    @Override
    public StoreStatistics statistics() {
        return new StoreStatistics(
                writer.commits(),
                handle.statistics().getTickerCount(TickerType.WAL_FILE_SYNCED),
                writer.groups(),
                writer.writeNanos(),
                writer.writeErrors(),
                writer.lastWriteFailed());
    }

    @Override
    public boolean writable() {
        return !writer.lastWriteFailed() && handle.dbProperty("rocksdb.is-write-stopped") == 0;
    }

    /**
     * Writes a consistent copy of the store to {@code target} (which must not exist) while the
     * store stays in use: a RocksDB checkpoint, hard-linking files where it can. It runs on a
     * platform thread: it blocks in JNI for as long as the copy takes.
     */
    @Override
    public void checkpoint(Path target) throws StoreException {
        StoreException[] failure = {null};
        Thread t = Thread.ofPlatform().name("poplar-checkpoint").start(() -> {
            try (org.rocksdb.Checkpoint cp = org.rocksdb.Checkpoint.create(handle.db())) {
                cp.createCheckpoint(target.toString());
            } catch (RocksDBException e) {
                failure[0] = RocksErrors.map("checkpoint to " + target, e);
            }
        });
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while writing a checkpoint", true, e);
        }
        if (failure[0] != null) {
            throw failure[0];
        }
    }

    @Override
    public long gauge(StoreGauge gauge) {
        return switch (gauge) {
            case PENDING_COMPACTION_BYTES -> handle.longProperty("rocksdb.estimate-pending-compaction-bytes");
            case LIVE_DATA_BYTES -> handle.longProperty("rocksdb.estimate-live-data-size");
            case TABLE_FILE_BYTES -> handle.longProperty("rocksdb.total-sst-files-size");
            case BLOB_FILE_BYTES -> handle.longProperty("rocksdb.total-blob-file-size");
            case WRITE_BUFFER_BYTES -> handle.longProperty("rocksdb.cur-size-all-mem-tables");
            case BLOCK_CACHE_BYTES -> handle.dbProperty("rocksdb.block-cache-usage");
            case RUNNING_COMPACTIONS -> handle.dbProperty("rocksdb.num-running-compactions");
            case DELAYED_WRITE_RATE -> handle.dbProperty("rocksdb.actual-delayed-write-rate");
        };
    }

    @Override
    public List<String> check() {
        return StoreChecker.check(this);
    }

    @Override
    public List<String> repair() throws StoreException {
        return StoreChecker.repair(this);
    }

    @Override
    public void close() {
        writer.close();
        handle.close();
    }
}
