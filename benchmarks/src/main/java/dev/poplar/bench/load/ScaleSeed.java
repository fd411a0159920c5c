package dev.poplar.bench.load;

import dev.poplar.auth.PasswordHasher;
import dev.poplar.storage.AccountStore;
import dev.poplar.storage.Delivery;
import dev.poplar.storage.PasswordCredentials;
import dev.poplar.storage.WireMessage;
import dev.poplar.storage.WireMessageBuilder;
import dev.poplar.storage.rocks.RocksMailStore;
import dev.poplar.storage.rocks.RocksStoreOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Fills a stopped node's store directly, for the scale benchmark: {@code --users} accounts named
 * user0..userN-1 with one password (hashed once at the server's cost: each login still pays a
 * full PBKDF2, but seeding a million users does not), {@code --messages} small messages each, and
 * {@code --big-users} of them with {@code --big-messages} more. Accounts go in batches of 1000 per
 * synced write, deliveries in batches of 1000 copies per synced write. Prints one JSON line.
 *
 * <pre>
 * java -cp poplar-bench.jar dev.poplar.bench.load.ScaleSeed --data /tmp/scale/poplar --users 1000000
 * </pre>
 */
public final class ScaleSeed {
    private ScaleSeed() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            o.put(args[i].substring(2), args[i + 1]);
        }
        int users = Integer.parseInt(o.getOrDefault("users", "10000"));
        int messages = Integer.parseInt(o.getOrDefault("messages", "1"));
        int size = Integer.parseInt(o.getOrDefault("size", "1500"));
        int bigUsers = Integer.parseInt(o.getOrDefault("big-users", "10"));
        int bigMessages = Integer.parseInt(o.getOrDefault("big-messages", "2000"));
        int iterations = Integer.parseInt(o.getOrDefault("iterations", "4096"));
        String password = o.getOrDefault("password", "pw");
        Path data = Path.of(o.get("data"));
        PasswordCredentials creds = new PasswordHasher(iterations).hash(password);
        long t0 = System.nanoTime();
        long rawBytes = 0;
        try (RocksMailStore store = RocksMailStore.open(data.resolve("store"), RocksStoreOptions.defaults())) {
            List<AccountStore.NewAccount> batch = new ArrayList<>(1000);
            for (int u = 0; u < users; u++) {
                batch.add(new AccountStore.NewAccount("user" + u, creds, null));
                if (batch.size() == 1000 || u == users - 1) {
                    store.createAccounts(batch);
                    batch.clear();
                }
            }
            long accountsDone = System.nanoTime();
            WireMessage small = WireMessageBuilder.fromRaw(message(size).getBytes(StandardCharsets.US_ASCII));
            List<Delivery> copies = new ArrayList<>(1000);
            for (int m = 0; m < messages; m++) {
                for (int u = 0; u < users; u++) {
                    copies.add(Delivery.of("user" + u, "Delivered-To: user" + u + "\r\n", small));
                    rawBytes += small.octets();
                    if (copies.size() == 1000) {
                        store.deliver(copies);
                        copies.clear();
                    }
                }
            }
            for (int b = 0; b < Math.min(bigUsers, users); b++) {
                for (int m = 0; m < bigMessages; m++) {
                    copies.add(Delivery.of("user" + b, "", small));
                    rawBytes += small.octets();
                    if (copies.size() == 1000) {
                        store.deliver(copies);
                        copies.clear();
                    }
                }
            }
            if (!copies.isEmpty()) {
                store.deliver(copies);
            }
            long end = System.nanoTime();
            System.out.printf(
                    "{\"scenario\":\"scale-seed\",\"users\":%d,\"messages\":%d,\"raw_bytes\":%d,"
                            + "\"accounts_s\":%.1f,\"deliveries_s\":%.1f}%n",
                    users,
                    (long) users * messages + (long) Math.min(bigUsers, users) * bigMessages,
                    rawBytes,
                    (accountsDone - t0) / 1e9,
                    (end - accountsDone) / 1e9);
        }
    }

    private static String message(int size) {
        StringBuilder s = new StringBuilder("From: seed@example.net\r\nSubject: scale\r\n\r\n");
        while (s.length() < size) {
            s.append("The quick brown fox jumps over the lazy dog, again and again and again.\r\n");
        }
        return s.toString();
    }
}
