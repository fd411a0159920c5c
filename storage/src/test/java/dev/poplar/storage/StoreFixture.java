package dev.poplar.storage;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** Helpers shared by the store tests. */
public final class StoreFixture {
    public static final PasswordCredentials CREDS =
            new PasswordCredentials(1, new byte[16], new byte[32], new byte[32]);

    private StoreFixture() {}

    public static long deliver(MailStore store, String user, String raw) throws StoreException {
        List<DeliveryOutcome> out = store.deliver(
                List.of(Delivery.of(user, "", WireMessageBuilder.fromRaw(raw.getBytes(StandardCharsets.UTF_8)))));
        return ((DeliveryOutcome.Delivered) out.getFirst()).uid();
    }

    public static String message(int n) {
        return "Subject: message " + n + "\r\n\r\nbody of message " + n + "\r\n.dot line\r\n";
    }

    /** The whole wire form of message {@code index} of a maildrop. */
    public static byte[] readAll(Maildrop drop, int index) throws StoreException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (ChunkReader r = drop.read(index)) {
            for (int n; (n = r.next()) >= 0; ) {
                out.write(r.buffer(), 0, n);
            }
        }
        return out.toByteArray();
    }
}
