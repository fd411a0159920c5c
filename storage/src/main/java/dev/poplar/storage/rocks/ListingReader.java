package dev.poplar.storage.rocks;

import dev.poplar.storage.MessageListing;
import dev.poplar.storage.StoreException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.Snapshot;

/** Reads one mailbox's index range into a {@link MessageListing}, from one snapshot. */
final class ListingReader {
    private ListingReader() {}

    static MessageListing read(RocksHandle h, long accountId) throws StoreException {
        Snapshot snapshot = h.db().getSnapshot();
        try (ReadOptions ro = new ReadOptions().setSnapshot(snapshot);
                Slice lower = new Slice(Keys.rangeStart(accountId));
                Slice upper = new Slice(Keys.rangeEnd(accountId))) {
            byte[] boxValue = h.db().get(h.cf().mailboxes(), ro, Keys.mailbox(accountId));
            if (boxValue == null) {
                throw new StoreException("mailbox record is missing (run poplar check)", false);
            }
            Records.Mailbox box = Records.Mailbox.decode(boxValue);
            int capacity = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(4, box.messages()));
            long[] uids = new long[capacity];
            long[] octets = new long[capacity];
            long[] wire = new long[capacity];
            long[] header = new long[capacity];
            Map<Long, String> overrides = new HashMap<>();
            int n = 0;
            ro.setIterateLowerBound(lower).setIterateUpperBound(upper);
            try (RocksIterator it = h.db().newIterator(h.cf().index(), ro)) {
                for (it.seek(Keys.rangeStart(accountId)); it.isValid(); it.next()) {
                    if (n == uids.length) {
                        int grown = n * 2;
                        uids = Arrays.copyOf(uids, grown);
                        octets = Arrays.copyOf(octets, grown);
                        wire = Arrays.copyOf(wire, grown);
                        header = Arrays.copyOf(header, grown);
                    }
                    Records.Index index = Records.Index.decode(it.value());
                    uids[n] = Keys.uidOfIndexKey(it.key());
                    octets[n] = index.octets();
                    wire[n] = index.wireLength();
                    header[n] = index.headerWireLength();
                    if (index.uidl() != null) {
                        overrides.put(uids[n], index.uidl());
                    }
                    n++;
                }
                it.status();
            }
            return new MessageListing(
                    box.epoch(),
                    Arrays.copyOf(uids, n),
                    Arrays.copyOf(octets, n),
                    Arrays.copyOf(wire, n),
                    Arrays.copyOf(header, n),
                    overrides);
        } catch (RocksDBException e) {
            throw RocksErrors.map("listing", e);
        } finally {
            h.db().releaseSnapshot(snapshot);
        }
    }

    /** UID -> received time of every message of the mailbox, in UID order. */
    static Map<Long, Long> receivedTimes(RocksHandle h, long accountId) throws StoreException {
        Map<Long, Long> out = new java.util.TreeMap<>();
        try (ReadOptions ro = new ReadOptions();
                Slice lower = new Slice(Keys.rangeStart(accountId));
                Slice upper = new Slice(Keys.rangeEnd(accountId))) {
            ro.setIterateLowerBound(lower).setIterateUpperBound(upper);
            try (RocksIterator it = h.db().newIterator(h.cf().index(), ro)) {
                for (it.seek(Keys.rangeStart(accountId)); it.isValid(); it.next()) {
                    out.put(
                            Keys.uidOfIndexKey(it.key()),
                            Records.Index.decode(it.value()).receivedMillis());
                }
                it.status();
            }
            return out;
        } catch (RocksDBException e) {
            throw RocksErrors.map("received times", e);
        }
    }
}
