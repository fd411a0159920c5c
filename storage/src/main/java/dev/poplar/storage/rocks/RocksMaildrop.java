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

    /**
     * Reads from one snapshot, and fetches the first chunk now: a message removed by another
     * session must be reported before the caller sends "+OK" (a multi-line reply cannot be
     * taken back).
     */
    @Override
    public ChunkReader read(int index) throws StoreException {
        long uid = listing.uid(index);
        int chunks = (int) ((listing.wireLength(index) + WireMessage.CHUNK_SIZE - 1) / WireMessage.CHUNK_SIZE);
        SnapshotReader reader = new SnapshotReader(store.handle(), accountId, uid, index + 1, chunks);
        try {
            reader.prefetchFirst();
            return reader;
        } catch (StoreException | RuntimeException e) {
            reader.close();
            throw e;
        }
    }

    /** Chunk reads of one message from one RocksDB snapshot. */
    private static final class SnapshotReader implements ChunkReader {
        private final RocksHandle h;
        private final long accountId;
        private final long uid;
        private final int number;
        private final int chunks;
        private final Snapshot snapshot;
        private final ReadOptions ro;
        private int next;
        private byte[] first;

        SnapshotReader(RocksHandle h, long accountId, long uid, int number, int chunks) {
            this.h = h;
            this.accountId = accountId;
            this.uid = uid;
            this.number = number;
            this.chunks = chunks;
            this.snapshot = h.db().getSnapshot();
            this.ro = new ReadOptions().setSnapshot(snapshot);
        }

        void prefetchFirst() throws StoreException {
            if (chunks > 0) {
                first = fetch(0);
            }
        }

        private byte[] fetch(int chunk) throws StoreException {
            try {
                byte[] value = h.db().get(h.cf().bodies(), ro, Keys.body(accountId, uid, chunk));
                if (value == null) {
                    throw new MessageGoneException("message " + number + " was removed by another session");
                }
                return value;
            } catch (RocksDBException e) {
                throw RocksErrors.map("message read", e);
            }
        }

        @Override
        public byte[] next() throws StoreException {
            if (next >= chunks) {
                return null;
            }
            byte[] chunk = next == 0 && first != null ? first : fetch(next);
            first = null;
            next++;
            return chunk;
        }

        @Override
        public void close() {
            ro.close();
            h.db().releaseSnapshot(snapshot);
        }
    }

    @Override
    public int commitDeletions(BitSet indexes) throws StoreException {
        long[] uids = indexes.stream().mapToLong(listing::uid).toArray();
        if (uids.length == 0) {
            return 0;
        }
        return Math.toIntExact(store.removeMessages(accountId, uids).messages());
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            store.releaseLease(accountId);
        }
    }
}
