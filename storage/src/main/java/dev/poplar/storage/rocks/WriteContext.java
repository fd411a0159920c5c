package dev.poplar.storage.rocks;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/**
 * What one write group sees: the database as committed plus the group's own staged changes, so
 * that two deliveries to one mailbox in one group get different UIDs.
 */
final class WriteContext {
    /** Store-wide counters, owned by the writer thread. */
    static final class Meta {
        static final byte[] NEXT_ACCOUNT_ID = "next-account-id".getBytes();
        static final byte[] LAST_EPOCH = "last-epoch".getBytes();

        long nextAccountId;
        long lastEpoch;

        Meta(long nextAccountId, long lastEpoch) {
            this.nextAccountId = nextAccountId;
            this.lastEpoch = lastEpoch;
        }

        Meta copy() {
            return new Meta(nextAccountId, lastEpoch);
        }

        void set(Meta other) {
            nextAccountId = other.nextAccountId;
            lastEpoch = other.lastEpoch;
        }
    }

    private record MessageKey(long accountId, long uid) {}

    final WriteBatch batch;
    final ColumnFamilies cf;
    final Meta meta;
    private final RocksDB db;
    private final Map<String, Optional<Records.Account>> accounts = new HashMap<>();
    private final Map<Long, Optional<Records.Mailbox>> mailboxes = new HashMap<>();
    private final Set<MessageKey> removed = new HashSet<>();

    WriteContext(RocksDB db, ColumnFamilies cf, WriteBatch batch, Meta meta) {
        this.db = db;
        this.cf = cf;
        this.batch = batch;
        this.meta = meta;
    }

    Optional<Records.Account> account(String name) throws RocksDBException {
        Optional<Records.Account> staged = accounts.get(name);
        if (staged != null) {
            return staged;
        }
        byte[] v = db.get(cf.accounts(), Keys.account(name));
        return v == null ? Optional.empty() : Optional.of(Records.Account.decode(v));
    }

    void putAccount(String name, Records.Account account) throws RocksDBException {
        accounts.put(name, Optional.of(account));
        batch.put(cf.accounts(), Keys.account(name), account.encode());
    }

    void deleteAccount(String name, long accountId) throws RocksDBException {
        accounts.put(name, Optional.empty());
        mailboxes.put(accountId, Optional.empty());
        batch.delete(cf.accounts(), Keys.account(name));
        batch.delete(cf.mailboxes(), Keys.mailbox(accountId));
        batch.delete(cf.meta(), Keys.apop(accountId));
        batch.deleteRange(cf.index(), Keys.rangeStart(accountId), Keys.rangeEnd(accountId));
        batch.deleteRange(cf.bodies(), Keys.rangeStart(accountId), Keys.rangeEnd(accountId));
    }

    Optional<Records.Mailbox> mailbox(long accountId) throws RocksDBException {
        Optional<Records.Mailbox> staged = mailboxes.get(accountId);
        if (staged != null) {
            return staged;
        }
        byte[] v = db.get(cf.mailboxes(), Keys.mailbox(accountId));
        return v == null ? Optional.empty() : Optional.of(Records.Mailbox.decode(v));
    }

    void putMailbox(long accountId, Records.Mailbox mailbox) throws RocksDBException {
        mailboxes.put(accountId, Optional.of(mailbox));
        batch.put(cf.mailboxes(), Keys.mailbox(accountId), mailbox.encode());
    }

    /** The index entry, unless it is gone or already removed in this group. */
    Optional<Records.Index> index(long accountId, long uid) throws RocksDBException {
        if (removed.contains(new MessageKey(accountId, uid))) {
            return Optional.empty();
        }
        byte[] v = db.get(cf.index(), Keys.index(accountId, uid));
        return v == null ? Optional.empty() : Optional.of(Records.Index.decode(v));
    }

    void removeMessage(long accountId, long uid, Records.Index index) throws RocksDBException {
        removed.add(new MessageKey(accountId, uid));
        batch.delete(cf.index(), Keys.index(accountId, uid));
        for (int chunk = 0; chunk < index.chunkCount(); chunk++) {
            batch.delete(cf.bodies(), Keys.body(accountId, uid, chunk));
        }
    }

    /** Allocates an account id; ids are never reused. */
    long nextAccountId() throws RocksDBException {
        long id = meta.nextAccountId++;
        batch.put(cf.meta(), Meta.NEXT_ACCOUNT_ID, Records.encodeLong(meta.nextAccountId));
        return id;
    }

    /**
     * A new mailbox epoch: the creation time in milliseconds, forced above every earlier epoch,
     * so that a user deleted and created again never sees an old unique-id (RFC 1939 section 7).
     */
    long nextEpoch(long nowMillis) throws RocksDBException {
        long epoch = Math.max(nowMillis, meta.lastEpoch + 1);
        meta.lastEpoch = epoch;
        batch.put(cf.meta(), Meta.LAST_EPOCH, Records.encodeLong(epoch));
        return epoch;
    }
}
