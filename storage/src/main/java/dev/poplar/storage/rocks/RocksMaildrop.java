package dev.poplar.storage.rocks;

import dev.poplar.storage.BufferPool;
import dev.poplar.storage.ChunkReader;
import dev.poplar.storage.Maildrop;
import dev.poplar.storage.MessageGoneException;
import dev.poplar.storage.MessageListing;
import dev.poplar.storage.StoreException;
import dev.poplar.storage.WireMessage;
import java.util.BitSet;
import java.util.concurrent.atomic.AtomicBoolean;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.Snapshot;

/** A leased maildrop: a fixed listing plus chunked body reads. */
final class RocksMaildrop implements Maildrop {
    private final RocksMailStore store;
    private final String user;
    private final long accountId;
    private final MessageListing listing;
    private final dev.poplar.storage.AccountLimits limits;
    private final AtomicBoolean closed = new AtomicBoolean();

    RocksMaildrop(
            RocksMailStore store,
            String user,
            long accountId,
            dev.poplar.storage.AccountLimits limits,
            MessageListing listing) {
        this.store = store;
        this.user = user;
        this.accountId = accountId;
        this.limits = limits;
        this.listing = listing;
    }

    @Override
    public dev.poplar.storage.AccountLimits limits() {
        return limits;
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

    /** Chunk buffers for RETR: one per message being sent, 64 KiB each, at most 16 MiB kept. */
    private static final BufferPool CHUNK_BUFFERS = new BufferPool(WireMessage.CHUNK_SIZE, 256);

    /** Options for reading a one-chunk message: shared, read-only, never closed. */
    private static final ReadOptions SINGLE_READ = new ReadOptions();

    /** Chunk reads of one message from one RocksDB snapshot, into one pooled buffer. */
    private static final class SnapshotReader implements ChunkReader {
        private final RocksHandle h;
        private final int number;
        private final int chunks;
        private final Snapshot snapshot;
        private final ReadOptions ro;
        private final byte[] key;
        private byte[] buffer = CHUNK_BUFFERS.borrow();
        private int next;
        private int prefetched = -1;

        SnapshotReader(RocksHandle h, long accountId, long uid, int number, int chunks) {
            this.h = h;
            this.number = number;
            this.chunks = chunks;
            this.key = Keys.body(accountId, uid, 0);
            // One get is atomic by itself: a snapshot (which takes the database mutex) and
            // options of its own are needed only to read several chunks from one point in time.
            // Most messages are one chunk.
            this.snapshot = chunks > 1 ? h.db().getSnapshot() : null;
            this.ro = chunks > 1 ? new ReadOptions().setSnapshot(snapshot) : SINGLE_READ;
        }

        void prefetchFirst() throws StoreException {
            if (chunks > 0) {
                prefetched = fetch(0);
            }
        }

        private int fetch(int chunk) throws StoreException {
            Keys.setBodyChunk(key, chunk);
            try {
                int length = h.db().get(h.cf().bodies(), ro, key, buffer);
                if (length == RocksDB.NOT_FOUND) {
                    throw new MessageGoneException("message " + number + " was removed by another session");
                }
                if (length > buffer.length) {
                    throw new StoreException(
                            "message " + number + " has a chunk of " + length + " bytes, over the chunk size", false);
                }
                return length;
            } catch (RocksDBException e) {
                throw RocksErrors.map("message read", e);
            }
        }

        @Override
        public int next() throws StoreException {
            if (next >= chunks) {
                return -1;
            }
            int length = next == 0 && prefetched >= 0 ? prefetched : fetch(next);
            next++;
            return length;
        }

        @Override
        public byte[] buffer() {
            return buffer;
        }

        @Override
        public void close() {
            if (buffer != null) {
                if (snapshot != null) {
                    ro.close();
                    h.db().releaseSnapshot(snapshot);
                }
                CHUNK_BUFFERS.release(buffer);
                buffer = null;
            }
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
