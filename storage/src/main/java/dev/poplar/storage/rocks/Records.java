package dev.poplar.storage.rocks;

import dev.poplar.storage.AccountLimits;
import dev.poplar.storage.AppPassword;
import dev.poplar.storage.PasswordCredentials;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Value codecs. Every value starts with a format version byte so that later releases can read
 * what earlier ones wrote (docs/install.md, "Upgrade").
 */
final class Records {
    private static final byte V1 = 1;
    /** Account records from 0.1.1 on: V1 plus app passwords. */
    private static final byte V2 = 2;
    /**
     * Account records with an imported password hash: V2 plus the hash. Written only for accounts
     * that have one, so a store without imported users stays readable by 0.1.
     */
    private static final byte V3 = 3;
    /**
     * Account records with their own quota or retention (0.3): V2, the imported hash (empty for
     * none) and three limits. Written only for accounts with an override, for the same reason.
     */
    private static final byte V4 = 4;

    private Records() {}

    /** {@code importedHash} is null unless the password is still checked against a hash from another server. */
    record Account(
            long id,
            long createdMillis,
            PasswordCredentials credentials,
            List<AppPassword> appPasswords,
            String importedHash,
            AccountLimits limits) {
        Account {
            appPasswords = List.copyOf(appPasswords);
        }

        /** A new password: it replaces an imported hash too. */
        Account withCredentials(PasswordCredentials c) {
            return new Account(id, createdMillis, c, appPasswords, null, limits);
        }

        Account withImportedHash(PasswordCredentials placeholder, String hash) {
            return new Account(id, createdMillis, placeholder, appPasswords, hash, limits);
        }

        Account withAppPasswords(List<AppPassword> list) {
            return new Account(id, createdMillis, credentials, list, importedHash, limits);
        }

        Account withLimits(AccountLimits l) {
            return new Account(id, createdMillis, credentials, appPasswords, importedHash, l);
        }

        private byte version() {
            if (!limits.inheritsAll()) {
                return V4;
            }
            return importedHash == null ? V2 : V3;
        }

        byte[] encode() {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(128);
            java.io.DataOutputStream d = new java.io.DataOutputStream(out);
            try {
                byte version = version();
                d.writeByte(version);
                d.writeLong(id);
                d.writeLong(createdMillis);
                writeCredentials(d, credentials);
                d.writeByte(appPasswords.size());
                for (AppPassword p : appPasswords) {
                    byte[] label = p.label().getBytes(StandardCharsets.UTF_8);
                    d.writeByte(label.length);
                    d.write(label);
                    d.writeLong(p.createdMillis());
                    writeCredentials(d, p.credentials());
                }
                if (version >= V3) {
                    byte[] h = importedHash == null ? new byte[0] : importedHash.getBytes(StandardCharsets.UTF_8);
                    d.writeShort(h.length);
                    d.write(h);
                }
                if (version == V4) {
                    d.writeLong(limits.maxOctets());
                    d.writeLong(limits.maxMessages());
                    d.writeLong(limits.retentionMillis());
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return out.toByteArray();
        }

        static Account decode(byte[] value) {
            ByteBuffer b = ByteBuffer.wrap(value);
            byte version = b.get();
            if (version < V1 || version > V4) {
                checkVersion(version, "account");
            }
            long id = b.getLong();
            long created = b.getLong();
            PasswordCredentials main = readCredentials(b);
            List<AppPassword> apps = new java.util.ArrayList<>();
            if (version >= V2) {
                int n = b.get() & 0xff;
                for (int i = 0; i < n; i++) {
                    String label = new String(bytes(b), StandardCharsets.UTF_8);
                    long at = b.getLong();
                    apps.add(new AppPassword(label, at, readCredentials(b)));
                }
            }
            String imported = null;
            if (version >= V3) {
                byte[] h = new byte[b.getShort() & 0xffff];
                b.get(h);
                imported = h.length == 0 ? null : new String(h, StandardCharsets.UTF_8);
            }
            AccountLimits limits =
                    version == V4 ? new AccountLimits(b.getLong(), b.getLong(), b.getLong()) : AccountLimits.INHERITED;
            return new Account(id, created, main, apps, imported, limits);
        }

        private static void writeCredentials(java.io.DataOutputStream d, PasswordCredentials c)
                throws java.io.IOException {
            d.writeInt(c.iterations());
            for (byte[] part : List.of(c.salt(), c.storedKey(), c.serverKey())) {
                d.writeByte(part.length);
                d.write(part);
            }
        }

        private static PasswordCredentials readCredentials(ByteBuffer b) {
            int iterations = b.getInt();
            return new PasswordCredentials(iterations, bytes(b), bytes(b), bytes(b));
        }
    }

    /** Per-mailbox counters; nextUid only grows (UIDs are never reused, DESIGN invariant 4). */
    record Mailbox(long nextUid, long epoch, long messages, long octets) {
        byte[] encode() {
            return ByteBuffer.allocate(33)
                    .put(V1)
                    .putLong(nextUid)
                    .putLong(epoch)
                    .putLong(messages)
                    .putLong(octets)
                    .array();
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
            return ByteBuffer.allocate(1 + 32 + 1 + u.length)
                    .put(V1)
                    .putLong(octets)
                    .putLong(wireLength)
                    .putLong(headerWireLength)
                    .putLong(receivedMillis)
                    .put((byte) u.length)
                    .put(u)
                    .array();
        }

        static Index decode(byte[] value) {
            ByteBuffer b = ByteBuffer.wrap(value);
            checkVersion(b.get(), "index");
            long octets = b.getLong();
            long wire = b.getLong();
            long header = b.getLong();
            long received = b.getLong();
            byte[] u = bytes(b);
            return new Index(
                    octets, wire, header, received, u.length == 0 ? null : new String(u, StandardCharsets.US_ASCII));
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
                    + ": written by a newer Poplar? See docs/install.md, \"Upgrade\"");
        }
    }
}
