package dev.poplar.storage;

import java.time.Duration;

/**
 * An account's storage quota and retention. The node's defaults come from the configuration; each
 * account may override any of the three ({@link #INHERIT} keeps the default). A quota of
 * {@link #UNLIMITED} has no limit; a retention of {@link #UNLIMITED} keeps mail for ever.
 *
 * @param maxOctets       the mailbox's limit in RFC 1939 octets (the sum STAT reports)
 * @param maxMessages     the mailbox's limit in messages
 * @param retentionMillis how long a message is kept after it was received, in milliseconds
 */
public record AccountLimits(long maxOctets, long maxMessages, long retentionMillis) {
    /** Use the node's default for this value. */
    public static final long INHERIT = -1;

    /** No limit (quota) or kept for ever (retention). */
    public static final long UNLIMITED = 0;

    /** An account without overrides. */
    public static final AccountLimits INHERITED = new AccountLimits(INHERIT, INHERIT, INHERIT);

    /** No quota, no retention. */
    public static final AccountLimits NONE = new AccountLimits(UNLIMITED, UNLIMITED, UNLIMITED);

    public AccountLimits {
        if (maxOctets < INHERIT || maxMessages < INHERIT || retentionMillis < INHERIT) {
            throw new IllegalArgumentException("quota and retention values must not be negative");
        }
    }

    /** True when every value is the default's. */
    public boolean inheritsAll() {
        return maxOctets == INHERIT && maxMessages == INHERIT && retentionMillis == INHERIT;
    }

    /** These limits with each {@link #INHERIT} replaced by the value in {@code defaults}. */
    public AccountLimits over(AccountLimits defaults) {
        return new AccountLimits(
                maxOctets == INHERIT ? defaults.maxOctets : maxOctets,
                maxMessages == INHERIT ? defaults.maxMessages : maxMessages,
                retentionMillis == INHERIT ? defaults.retentionMillis : retentionMillis);
    }

    /** True when a mailbox may have a quota (either value limited). */
    public boolean quotaLimited() {
        return maxOctets > 0 || maxMessages > 0;
    }

    /**
     * Whether a mailbox holding {@code messages} messages of {@code octets} octets may take one more
     * of {@code incoming} octets. Exact: a message that would cross the limit is refused, so usage
     * never exceeds it (as Dovecot's quota with {@code quota_rule} limits).
     */
    public boolean admits(long messages, long octets, long incoming) {
        return !(maxMessages > 0 && messages + 1 > maxMessages) && !(maxOctets > 0 && octets + incoming > maxOctets);
    }

    /** The retention as a duration, or null when mail is kept for ever (or inherited). */
    public Duration retention() {
        return retentionMillis > 0 ? Duration.ofMillis(retentionMillis) : null;
    }
}
