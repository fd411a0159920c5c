package dev.poplar.storage;

/**
 * Counters of one mailbox. {@code octets} is the sum of RFC 1939 sizes; {@code nextUid} only grows.
 * {@code limits} are the account's quota and retention: its own overrides as the store keeps them
 * ({@link AccountLimits#INHERIT} for a default), or, from the admin layer, resolved against the
 * node's defaults.
 */
public record MailboxStats(String name, long messages, long octets, long nextUid, long epoch, AccountLimits limits) {
    public MailboxStats(String name, long messages, long octets, long nextUid, long epoch) {
        this(name, messages, octets, nextUid, epoch, AccountLimits.INHERITED);
    }

    /** These counters with {@code defaults} filled in for every inherited limit. */
    public MailboxStats resolved(AccountLimits defaults) {
        return new MailboxStats(name, messages, octets, nextUid, epoch, limits.over(defaults));
    }

    /** How full a mailbox is against its quota. */
    public enum Fill {
        ROOM,
        /** At or above the warning ratio of a limit. */
        NEARLY_FULL,
        /** At a limit: a delivery that needs room is refused. */
        FULL
    }

    /** {@link Fill} for this (resolved) mailbox and the node's warning ratio. */
    public Fill fill(double warningRatio) {
        double used = quotaUsed();
        return used >= 1 ? Fill.FULL : used >= warningRatio ? Fill.NEARLY_FULL : Fill.ROOM;
    }

    /**
     * The larger of the two quota fill ratios (octets and messages), 0 without a quota: what the
     * quota warning compares with {@code poplar.quota.warning-ratio}. Call on resolved stats.
     */
    public double quotaUsed() {
        double byOctets = limits.maxOctets() > 0 ? (double) octets / limits.maxOctets() : 0;
        double byMessages = limits.maxMessages() > 0 ? (double) messages / limits.maxMessages() : 0;
        return Math.max(byOctets, byMessages);
    }
}
