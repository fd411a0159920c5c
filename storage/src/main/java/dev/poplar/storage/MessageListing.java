package dev.poplar.storage;

import java.util.Map;

/**
 * The messages of a maildrop at one moment, in UID order, held in flat arrays so that a
 * 10,000-message listing costs a few hundred kilobytes and no object per message.
 */
public final class MessageListing {
    private final long epoch;
    private final long[] uids;
    private final long[] octets;
    private final long[] wireLengths;
    private final long[] headerWireLengths;
    private final Map<Long, String> uidlOverrides;
    private final long totalOctets;
    /** "base36(epoch)." in ASCII, rendered once: a UIDL listing then allocates nothing per line. */
    private final byte[] uidlPrefix;

    public MessageListing(
            long epoch,
            long[] uids,
            long[] octets,
            long[] wireLengths,
            long[] headerWireLengths,
            Map<Long, String> uidlOverrides) {
        if (uids.length != octets.length
                || uids.length != wireLengths.length
                || uids.length != headerWireLengths.length) {
            throw new IllegalArgumentException("listing arrays differ in length");
        }
        this.epoch = epoch;
        this.uids = uids;
        this.octets = octets;
        this.wireLengths = wireLengths;
        this.headerWireLengths = headerWireLengths;
        this.uidlOverrides = Map.copyOf(uidlOverrides);
        long total = 0;
        for (long o : octets) {
            total += o;
        }
        this.totalOctets = total;
        this.uidlPrefix = (Long.toString(epoch, 36) + '.').getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** The UIDL prefix shared by every message without an override; callers must not modify it. */
    public byte[] uidlPrefix() {
        return uidlPrefix;
    }

    /** True when message {@code index} keeps a UIDL of its own (imported with one). */
    public boolean hasUidlOverride(int index) {
        return !uidlOverrides.isEmpty() && uidlOverrides.containsKey(uids[index]);
    }

    public int size() {
        return uids.length;
    }

    public long epoch() {
        return epoch;
    }

    public long uid(int index) {
        return uids[index];
    }

    /** The RFC 1939 size: octets of the message with CRLF line ends, before dot-stuffing. */
    public long octets(int index) {
        return octets[index];
    }

    /** Stored length in wire form (dot-stuffed). */
    public long wireLength(int index) {
        return wireLengths[index];
    }

    /** Wire-form length of the header section including the empty line that ends it. */
    public long headerWireLength(int index) {
        return headerWireLengths[index];
    }

    public long totalOctets() {
        return totalOctets;
    }

    /** The unique-id listing string of message {@code index} (RFC 1939 section 7). */
    public String uidl(int index) {
        String override = uidlOverrides.isEmpty() ? null : uidlOverrides.get(uids[index]);
        return override != null ? override : Uidl.of(epoch, uids[index]);
    }
}
