package dev.poplar.pop3;

import dev.poplar.storage.Maildrop;
import dev.poplar.storage.MessageListing;
import java.util.BitSet;

/**
 * The TRANSACTION state: the leased maildrop with its fixed listing and the messages marked
 * for deletion (a bit set plus counters, so STAT is O(1)). The account it belongs to holds one of
 * its per-user session slots while the session lasts.
 */
public final class Transaction implements SessionState {
    private final Maildrop maildrop;
    private final BitSet deleted = new BitSet();
    private int deletedCount;
    private long deletedOctets;
    private boolean committed;

    Transaction(Maildrop maildrop) {
        this.maildrop = maildrop;
    }

    public Maildrop maildrop() {
        return maildrop;
    }

    public MessageListing listing() {
        return maildrop.listing();
    }

    public int visibleCount() {
        return listing().size() - deletedCount;
    }

    public long visibleOctets() {
        return listing().totalOctets() - deletedOctets;
    }

    public boolean isDeleted(int index) {
        return deleted.get(index);
    }

    void markDeleted(int index) {
        if (!deleted.get(index)) {
            deleted.set(index);
            deletedCount++;
            deletedOctets += listing().octets(index);
        }
    }

    void unmarkAll() {
        deleted.clear();
        deletedCount = 0;
        deletedOctets = 0;
    }

    BitSet deleted() {
        return (BitSet) deleted.clone();
    }

    int deletedCount() {
        return deletedCount;
    }

    /** The marked messages were removed (UPDATE succeeded): what the session summary reports. */
    void committed() {
        committed = true;
    }

    /** Messages and octets this session removed, once its UPDATE succeeded; else 0. */
    int removedCount() {
        return committed ? deletedCount : 0;
    }

    long removedOctets() {
        return committed ? deletedOctets : 0;
    }

    long deletedOctets() {
        return deletedOctets;
    }

    /**
     * The one place a message number is resolved (RFC 1939 section 5: numbers are 1-based and
     * deleted messages may not be referenced). Returns the 0-based index, or an error reply.
     */
    MessageRef resolve(int number) {
        if (number < 1 || number > listing().size()) {
            return new MessageRef.Invalid(new Reply.Err("No such message: " + number));
        }
        int index = number - 1;
        if (deleted.get(index)) {
            return new MessageRef.Invalid(new Reply.Err("Message " + number + " is deleted"));
        }
        return new MessageRef.Valid(index);
    }

    sealed interface MessageRef {
        record Valid(int index) implements MessageRef {}

        record Invalid(Reply.Err error) implements MessageRef {}
    }
}
