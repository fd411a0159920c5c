package dev.poplar.storage;

/** What became of one {@link Delivery}. */
public sealed interface DeliveryOutcome {
    /** Durable in the mailbox under {@code uid}. */
    record Delivered(long uid) implements DeliveryOutcome {}

    /** No such account. */
    record UnknownRecipient(String name) implements DeliveryOutcome {}
}
