package dev.poplar.storage.rocks;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.Snapshot;

/**
 * Offline consistency check (DESIGN invariant 2): every index entry has all its chunks with the
 * recorded length, no chunk lacks an index entry, and each mailbox's counters match its index.
 */
public final class StoreChecker {
    private StoreChecker() {}

    /**
     * Makes the store consistent again: removes index entries whose body is incomplete (those
     * messages cannot be recovered), removes body chunks without an index entry, recomputes each
     * mailbox's counters from its index and moves the next UID past the highest one. Returns what
     * it did, one line each. Meant for a stopped server (poplar check --repair).
     */
    public static List<String> repair(RocksMailStore store) throws dev.poplar.storage.StoreException {
        RocksHandle h = store.handle();
        List<String> actions = new ArrayList<>();
        try (RocksIterator accounts = h.db().newIterator(h.cf().accounts())) {
            for (accounts.seekToFirst(); accounts.isValid(); accounts.next()) {
                String name = new String(accounts.key(), StandardCharsets.UTF_8);
                long id = Records.Account.decode(accounts.value()).id();
                actions.addAll(repairMailbox(store, h, name, id));
            }
        }
        return actions;
    }

    private static List<String> repairMailbox(RocksMailStore store, RocksHandle h, String name, long id)
            throws dev.poplar.storage.StoreException {
        return store.writeDirect(ctx -> {
            List<String> actions = new ArrayList<>();
            long count = 0;
            long octets = 0;
            long maxUid = 0; // every UID seen, removed ones too: UIDs are never handed out again
            java.util.Set<Long> kept = new java.util.HashSet<>();
            try (RocksIterator it = h.db().newIterator(h.cf().index())) {
                for (it.seek(Keys.rangeStart(id));
                        it.isValid() && ByteBuffer.wrap(it.key()).getLong(0) == id;
                        it.next()) {
                    long uid = Keys.uidOfIndexKey(it.key());
                    maxUid = Math.max(maxUid, uid);
                    Records.Index index = Records.Index.decode(it.value());
                    long length = 0;
                    boolean whole = true;
                    for (int c = 0; c < index.chunkCount(); c++) {
                        byte[] chunk = h.db().get(h.cf().bodies(), Keys.body(id, uid, c));
                        if (chunk == null) {
                            whole = false;
                            break;
                        }
                        length += chunk.length;
                    }
                    if (!whole || length != index.wireLength()) {
                        ctx.removeMessage(id, uid, index);
                        actions.add(name + ": removed message uid " + uid + " (incomplete body)");
                        continue;
                    }
                    kept.add(uid);
                    count++;
                    octets += index.octets();
                }
            }
            try (RocksIterator it = h.db().newIterator(h.cf().bodies())) {
                for (it.seek(Keys.rangeStart(id));
                        it.isValid() && ByteBuffer.wrap(it.key()).getLong(0) == id;
                        it.next()) {
                    long uid = ByteBuffer.wrap(it.key()).getLong(8);
                    maxUid = Math.max(maxUid, uid);
                    if (!kept.contains(uid) && h.db().get(h.cf().index(), Keys.index(id, uid)) == null) {
                        ctx.batch.delete(h.cf().bodies(), it.key());
                        actions.add(name + ": removed orphan body chunk of uid " + uid);
                    }
                }
            }
            Records.Mailbox box = ctx.mailbox(id).orElse(null);
            long nextUid = Math.max(box == null ? 1 : box.nextUid(), maxUid + 1);
            long epoch = box == null ? ctx.nextEpoch(System.currentTimeMillis()) : box.epoch();
            if (box == null || box.messages() != count || box.octets() != octets || box.nextUid() != nextUid) {
                ctx.putMailbox(id, new Records.Mailbox(nextUid, epoch, count, octets));
                actions.add(
                        name + ": counters set to " + count + " messages / " + octets + " octets, next UID " + nextUid);
            }
            return actions;
        });
    }

    /** Problems found, one line each; empty when the store is consistent. */
    public static List<String> check(RocksMailStore store) {
        RocksHandle h = store.handle();
        List<String> problems = new ArrayList<>();
        Snapshot snapshot = h.db().getSnapshot();
        try (ReadOptions ro = new ReadOptions().setSnapshot(snapshot);
                RocksIterator accounts = h.db().newIterator(h.cf().accounts(), ro)) {
            for (accounts.seekToFirst(); accounts.isValid(); accounts.next()) {
                String name = new String(accounts.key(), StandardCharsets.UTF_8);
                Records.Account account = Records.Account.decode(accounts.value());
                checkMailbox(h, snapshot, name, account.id(), problems);
            }
        } catch (RocksDBException e) {
            problems.add("read failed: " + e.getMessage());
        } finally {
            h.db().releaseSnapshot(snapshot);
        }
        return problems;
    }

    private static void checkMailbox(RocksHandle h, Snapshot snapshot, String name, long id, List<String> problems)
            throws RocksDBException {
        try (ReadOptions ro = new ReadOptions().setSnapshot(snapshot);
                Slice lower = new Slice(Keys.rangeStart(id));
                Slice upper = new Slice(Keys.rangeEnd(id))) {
            byte[] boxValue = h.db().get(h.cf().mailboxes(), ro, Keys.mailbox(id));
            if (boxValue == null) {
                problems.add(name + ": mailbox record missing");
                return;
            }
            Records.Mailbox box = Records.Mailbox.decode(boxValue);
            ro.setIterateLowerBound(lower).setIterateUpperBound(upper);
            long count = 0;
            long octets = 0;
            long maxUid = 0;
            try (RocksIterator it = h.db().newIterator(h.cf().index(), ro)) {
                for (it.seek(Keys.rangeStart(id)); it.isValid(); it.next()) {
                    long uid = Keys.uidOfIndexKey(it.key());
                    Records.Index index = Records.Index.decode(it.value());
                    count++;
                    octets += index.octets();
                    maxUid = Math.max(maxUid, uid);
                    long length = 0;
                    boolean whole = true;
                    for (int c = 0; c < index.chunkCount(); c++) {
                        byte[] chunk = h.db().get(h.cf().bodies(), ro, Keys.body(id, uid, c));
                        if (chunk == null) {
                            problems.add(name + ": message uid " + uid + " lacks chunk " + c);
                            whole = false;
                            break;
                        }
                        length += chunk.length;
                    }
                    if (whole && length != index.wireLength()) {
                        problems.add(name + ": message uid " + uid + " has " + length + " wire bytes, index says "
                                + index.wireLength());
                    }
                }
            }
            try (RocksIterator it = h.db().newIterator(h.cf().bodies(), ro)) {
                for (it.seek(Keys.rangeStart(id)); it.isValid(); it.next()) {
                    long uid = ByteBuffer.wrap(it.key()).getLong(8);
                    if (h.db().get(h.cf().index(), ro, Keys.index(id, uid)) == null) {
                        problems.add(name + ": orphan body chunk of uid " + uid);
                    }
                }
            }
            if (count != box.messages() || octets != box.octets()) {
                problems.add(name + ": counters say " + box.messages() + " messages / " + box.octets()
                        + " octets, index has " + count + " / " + octets);
            }
            if (maxUid >= box.nextUid()) {
                problems.add(name + ": next UID " + box.nextUid() + " is not above the highest UID " + maxUid);
            }
        }
    }
}
