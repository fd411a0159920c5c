package dev.poplar.storage.rocks;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Fixed-width big-endian keys: one mailbox is one contiguous key range in the index and
 * bodies column families, found with an 8-byte prefix (the account id).
 */
final class Keys {
    static final int PREFIX_LENGTH = 8;

    private Keys() {}

    static byte[] account(String normalizedName) {
        return normalizedName.getBytes(StandardCharsets.UTF_8);
    }

    /** The sealed APOP secret of an account, in the default (meta) family. */
    static byte[] apop(long accountId) {
        return ByteBuffer.allocate(13)
                .put("apop:".getBytes(StandardCharsets.US_ASCII))
                .putLong(accountId)
                .array();
    }

    static byte[] mailbox(long accountId) {
        return ByteBuffer.allocate(8).putLong(accountId).array();
    }

    static byte[] index(long accountId, long uid) {
        return ByteBuffer.allocate(16).putLong(accountId).putLong(uid).array();
    }

    static long uidOfIndexKey(byte[] key) {
        return ByteBuffer.wrap(key).getLong(8);
    }

    static byte[] body(long accountId, long uid, int chunk) {
        return ByteBuffer.allocate(20)
                .putLong(accountId)
                .putLong(uid)
                .putInt(chunk)
                .array();
    }

    /** Points a key from {@link #body} at another chunk of the same message, in place. */
    static void setBodyChunk(byte[] bodyKey, int chunk) {
        bodyKey[16] = (byte) (chunk >>> 24);
        bodyKey[17] = (byte) (chunk >>> 16);
        bodyKey[18] = (byte) (chunk >>> 8);
        bodyKey[19] = (byte) chunk;
    }

    /** First key of the account's range in index or bodies. */
    static byte[] rangeStart(long accountId) {
        return index(accountId, 0);
    }

    /** First key after the account's range. */
    static byte[] rangeEnd(long accountId) {
        return index(accountId + 1, 0);
    }
}
