package dev.poplar.storage;

import java.nio.charset.StandardCharsets;

/**
 * One recipient's copy of a message: the mailbox, header lines to put in front of it
 * (each CRLF-terminated, e.g. {@code "Delivered-To: bob\r\n"}) and the shared wire-form body.
 * A migrated message also brings the UIDL and received time it had on its old server
 * (DESIGN invariant 12); a delivered one has neither (null and 0: Poplar's own UIDL, now).
 *
 * @param uidl           the unique-id to keep (RFC 1939 section 7: 1-70 characters 0x21-0x7E), or null
 * @param receivedMillis when the old server received it (retention counts from it), or 0 for now
 * @param quota          the node's default limits, which the account's own override; the store
 *                       refuses a copy that would take the mailbox over its quota in the same
 *                       write that would store it, so racing deliveries never exceed it. Null
 *                       stores without a quota check (migration, restores).
 */
public record Delivery(
        String recipient,
        byte[] prefixHeaders,
        WireMessage message,
        String uidl,
        long receivedMillis,
        AccountLimits quota) {
    public Delivery {
        prefixHeaders = prefixHeaders.clone();
        if (uidl != null && !Uidl.isValid(uidl)) {
            throw new IllegalArgumentException("a UIDL must be 1-70 characters 0x21-0x7E (RFC 1939 section 7)");
        }
        if (receivedMillis < 0) {
            throw new IllegalArgumentException("received time before 1970");
        }
    }

    public Delivery(String recipient, byte[] prefixHeaders, WireMessage message) {
        this(recipient, prefixHeaders, message, null, 0, null);
    }

    /** This copy, checked against the quota ({@code defaults} overridden by the account's own). */
    public Delivery withQuota(AccountLimits defaults) {
        return new Delivery(recipient, prefixHeaders, message, uidl, receivedMillis, defaults);
    }

    public static Delivery of(String recipient, String prefixHeaders, WireMessage message) {
        return new Delivery(recipient, prefixHeaders.getBytes(StandardCharsets.UTF_8), message);
    }

    /** A migrated message: no header added, its old UIDL and received time kept. */
    public static Delivery migrated(String recipient, WireMessage message, String uidl, long receivedMillis) {
        return new Delivery(recipient, new byte[0], message, uidl, receivedMillis, null);
    }

    @Override
    public byte[] prefixHeaders() {
        return prefixHeaders.clone();
    }
}
