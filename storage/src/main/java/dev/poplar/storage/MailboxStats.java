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
