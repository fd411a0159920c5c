package dev.poplar.storage.rocks;

import dev.poplar.storage.Delivery;
import dev.poplar.storage.DeliveryOutcome;
import dev.poplar.storage.MailStore;
import dev.poplar.storage.PasswordCredentials;
import dev.poplar.storage.StoreException;
import dev.poplar.storage.WireMessageBuilder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Helpers shared by the store tests. */
final class StoreFixture {
    static final PasswordCredentials CREDS = new PasswordCredentials(1, new byte[16], new byte[32], new byte[32]);

    private StoreFixture() {
    }

    static long deliver(MailStore store, String user, String raw) throws StoreException {
        List<DeliveryOutcome> out = store.deliver(List.of(Delivery.of(user, "",
                WireMessageBuilder.fromRaw(raw.getBytes(StandardCharsets.UTF_8)))));
        return ((DeliveryOutcome.Delivered) out.getFirst()).uid();
    }

    static String message(int n) {
        return "Subject: message " + n + "\r\n\r\nbody of message " + n + "\r\n.dot line\r\n";
    }
}
