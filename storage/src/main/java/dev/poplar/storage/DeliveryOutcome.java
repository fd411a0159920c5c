package dev.poplar.storage;

/** What became of one {@link Delivery}. */
public sealed interface DeliveryOutcome {
    /** Durable in the mailbox under {@code uid}. */
    record Delivered(long uid) implements DeliveryOutcome {}

    /** No such account. */
    record UnknownRecipient(String name) implements DeliveryOutcome {}

    /** Not stored: the copy would have taken the mailbox over its quota ({@code limits}, resolved). */
    record OverQuota(String name, AccountLimits limits) implements DeliveryOutcome {}
}
