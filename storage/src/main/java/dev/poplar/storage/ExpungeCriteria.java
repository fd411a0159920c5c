package dev.poplar.storage;

import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Which messages an administrator's expunge removes; a message matching any given criterion goes.
 *
 * @param all            every message
 * @param uid            the message with this UID
 * @param receivedBefore messages delivered before this instant
 * @param largerThan     messages whose RFC 1939 size exceeds this many octets
 */
public record ExpungeCriteria(
        boolean all, OptionalLong uid, Optional<Instant> receivedBefore, OptionalLong largerThan) {
    public ExpungeCriteria {
        if (!all && uid.isEmpty() && receivedBefore.isEmpty() && largerThan.isEmpty()) {
            throw new IllegalArgumentException("say what to expunge: all, a UID, older than, or larger than");
        }
    }

    public static ExpungeCriteria everything() {
        return new ExpungeCriteria(true, OptionalLong.empty(), Optional.empty(), OptionalLong.empty());
    }

    public boolean matches(long messageUid, long receivedMillis, long octets) {
        return all
                || (uid.isPresent() && uid.getAsLong() == messageUid)
                || (receivedBefore.isPresent()
                        && receivedMillis < receivedBefore.get().toEpochMilli())
                || (largerThan.isPresent() && octets > largerThan.getAsLong());
    }

    /** How many messages and octets an expunge removed. */
    public record Result(long messages, long octets) {}
}
