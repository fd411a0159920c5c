package dev.poplar.storage.rocks;

import dev.poplar.storage.ChunkReader;
import dev.poplar.storage.Maildrop;
import dev.poplar.storage.MessageGoneException;
import dev.poplar.storage.MessageListing;
import dev.poplar.storage.StoreException;
import dev.poplar.storage.WireMessage;
import java.util.BitSet;
import java.util.concurrent.atomic.AtomicBoolean;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.Snapshot;

/** A leased maildrop: a fixed listing plus chunked body reads. */
final class RocksMaildrop implements Maildrop {
    private final RocksMailStore store;
    private final String user;
    private final long accountId;
    private final MessageListing listing;
    private final AtomicBoolean closed = new AtomicBoolean();

    RocksMaildrop(RocksMailStore store, String user, long accountId, MessageListing listing) {
        this.store = store;
        this.user = user;
        this.accountId = accountId;
        this.listing = listing;
    }

    @Override
    public String user() {
        return user;
    }

    @Override
    public MessageListing listing() {
        return listing;
    }

    @Override
    public ChunkReader read(int index) throws StoreException {
        long uid = listing.uid(index);
        int chunks = (int) ((listing.wireLength(index) + WireMessage.CHUNK_SIZE - 1) / WireMessage.CHUNK_SIZE);
        RocksHandle h = store.handle();
        Snapshot snapshot = h.db().getSnapshot();
        ReadOptions ro = new ReadOptions().setSnapshot(snapshot);
        ChunkReader reader = new ChunkReader() {
            private int next;

            @Override
            public byte[] next() throws StoreException {
                if (next >= chunks) {
                    return null;
                }
                try {
                    byte[] chunk = h.db().get(h.cf().bodies(), ro, Keys.body(accountId, uid, next));
                    if (chunk == null) {
                        throw new MessageGoneException("message " + (index + 1) + " was removed by another session");
                    }
                    next++;
                    return chunk;
                } catch (RocksDBException e) {
                    throw RocksErrors.map("message read", e);
                }
            }

            @Override
            public void close() {
                ro.close();
                h.db().releaseSnapshot(snapshot);
            }
        };
        return reader;
    }

    @Override
    public int commitDeletions(BitSet indexes) throws StoreException {
        long[] uids = indexes.stream().mapToLong(listing::uid).toArray();
        if (uids.length == 0) {
            return 0;
        }
        return store.removeMessages(accountId, uids);
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            store.releaseLease(accountId);
        }
    }
}
