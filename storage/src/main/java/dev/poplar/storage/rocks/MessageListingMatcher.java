package dev.poplar.storage.rocks;

import dev.poplar.storage.ExpungeCriteria;
import dev.poplar.storage.StoreException;
import java.util.Arrays;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;

/** The UIDs of one mailbox's messages that match expunge criteria. */
record MessageListingMatcher(long[] uids) {
    static MessageListingMatcher read(RocksHandle h, long accountId, ExpungeCriteria criteria) throws StoreException {
        long[] uids = new long[16];
        int n = 0;
        try (Slice lower = new Slice(Keys.rangeStart(accountId));
                Slice upper = new Slice(Keys.rangeEnd(accountId));
                ReadOptions ro = new ReadOptions().setIterateLowerBound(lower).setIterateUpperBound(upper);
                RocksIterator it = h.db().newIterator(h.cf().index(), ro)) {
            for (it.seek(Keys.rangeStart(accountId)); it.isValid(); it.next()) {
                long uid = Keys.uidOfIndexKey(it.key());
                Records.Index index = Records.Index.decode(it.value());
                if (criteria.matches(uid, index.receivedMillis(), index.octets())) {
                    if (n == uids.length) {
                        uids = Arrays.copyOf(uids, n * 2);
                    }
                    uids[n++] = uid;
                }
            }
            it.status();
        } catch (RocksDBException e) {
            throw RocksErrors.map("expunge scan", e);
        }
        return new MessageListingMatcher(Arrays.copyOf(uids, n));
    }
}
