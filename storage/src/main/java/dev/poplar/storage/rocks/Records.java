package dev.poplar.storage.rocks;

import dev.poplar.storage.PasswordCredentials;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Value codecs. Every value starts with a format version byte so that later releases can read
 * what earlier ones wrote (see docs/upgrade.md).
 */
final class Records {
    private static final byte V1 = 1;

    private Records() {
    }

    record Account(long id, long createdMillis, PasswordCredentials credentials) {
        byte[] encode() {
            byte[] salt = credentials.salt();
            byte[] stored = credentials.storedKey();
            byte[] server = credentials.serverKey();
            ByteBuffer b = ByteBuffer.allocate(1 + 8 + 8 + 4 + 3 + salt.length + stored.length + server.length);
            b.put(V1).putLong(id).putLong(createdMillis).putInt(credentials.iterations());
            b.put((byte) salt.length).put(salt).put((byte) stored.length).put(stored)
                    .put((byte) server.length).put(server);
            return b.array();
        }

        static Account decode(byte[] value) {
            ByteBuffer b = ByteBuffer.wrap(value);
            checkVersion(b.get(), "account");
            long id = b.getLong();
            long created = b.getLong();
            int iterations = b.getInt();
            byte[] salt = bytes(b);
            byte[] stored = bytes(b);
            byte[] server = bytes(b);
            return new Account(id, created, new PasswordCredentials(iterations, salt, stored, server));
        }
    }

    /** Per-mailbox counters; nextUid only grows (UIDs are never reused, DESIGN invariant 4). */
    record Mailbox(long nextUid, long epoch, long messages, long octets) {
        byte[] encode() {
            return ByteBuffer.allocate(33).put(V1).putLong(nextUid).putLong(epoch).putLong(messages)
                    .putLong(octets).array();
        }

        static Mailbox decode(byte[] value) {
            ByteBuffer b = ByteBuffer.wrap(value);
            checkVersion(b.get(), "mailbox");
            return new Mailbox(b.getLong(), b.getLong(), b.getLong(), b.getLong());
        }
    }

    /** One message's index entry: everything STAT, LIST, UIDL and TOP need without the body. */
    record Index(long octets, long wireLength, long headerWireLength, long receivedMillis, String uidl) {
        byte[] encode() {
            byte[] u = uidl == null ? new byte[0] : uidl.getBytes(StandardCharsets.US_ASCII);
            return ByteBuffer.allocate(1 + 32 + 1 + u.length).put(V1).putLong(octets).putLong(wireLength)
                    .putLong(headerWireLength).putLong(receivedMillis).put((byte) u.length).put(u).array();
        }

        static Index decode(byte[] value) {
            ByteBuffer b = ByteBuffer.wrap(value);
            checkVersion(b.get(), "index");
            long octets = b.getLong();
            long wire = b.getLong();
            long header = b.getLong();
            long received = b.getLong();
            byte[] u = bytes(b);
            return new Index(octets, wire, header, received,
                    u.length == 0 ? null : new String(u, StandardCharsets.US_ASCII));
        }

        int chunkCount() {
            return (int) ((wireLength + dev.poplar.storage.WireMessage.CHUNK_SIZE - 1)
                    / dev.poplar.storage.WireMessage.CHUNK_SIZE);
        }
    }

    static byte[] encodeLong(long v) {
        return ByteBuffer.allocate(8).putLong(v).array();
    }

    static long decodeLong(byte[] v) {
        return ByteBuffer.wrap(v).getLong();
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.get() & 0xff];
        b.get(out);
        return out;
    }

    private static void checkVersion(byte version, String what) {
        if (version != V1) {
            throw new IllegalStateException("unknown " + what + " record format " + version
                    + ": written by a newer Poplar? See docs/upgrade.md");
        }
    }
}
