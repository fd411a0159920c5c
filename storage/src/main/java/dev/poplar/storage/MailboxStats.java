package dev.poplar.storage;

/**
 * Counters of one mailbox. {@code octets} is the sum of RFC 1939 sizes; {@code nextUid} only grows.
 */
public record MailboxStats(String name, long messages, long octets, long nextUid, long epoch) {}
