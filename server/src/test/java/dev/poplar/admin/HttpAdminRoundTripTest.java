package dev.poplar.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.poplar.server.DataDirectory;
import dev.poplar.storage.ExpungeCriteria;
import dev.poplar.testing.Messages;
import dev.poplar.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every admin operation through the HTTP API answers what the same operation answers on the
 * store: the one mapping (AdminApi's records, both ways) loses and renames nothing.
 */
class HttpAdminRoundTripTest {
    @TempDir
    Path dir;

    @Test
    void everyOperationOverHttpMatchesTheLocalAnswer() throws Exception {
        try (TestServer server = TestServer.start(dir.resolve("data"));
                HttpAdminClient http = new HttpAdminClient(
                        "http://127.0.0.1:" + server.httpPort(),
                        Files.readString(dir.resolve("data").resolve(DataDirectory.TOKEN_FILE))
                                .trim())) {
            LocalAdmin local = server.admin();
            http.addUser("rita", "pw-rita-1");
            assertEquals(List.of("rita"), http.listUsers());
            assertEquals(local.listUsers(), http.listUsers());
            assertEquals(
                    new AdminOperations.ImportResult(1, 1, 0),
                    http.importUsers("sam pw-sam-1\nrita pw-rita-2\n", false));
            http.setPassword("sam", "pw-sam-2");
            long uid = http.deliver("rita", Messages.simple(1).getBytes(StandardCharsets.US_ASCII));
            assertEquals(1, uid);
            assertEquals(local.stats("rita"), http.stats("rita"));
            http.setLimits("rita", new AdminOperations.LimitChange("2G", null, "90d"));
            assertEquals(2L << 30, local.stats("rita").limits().maxOctets());
            assertEquals(local.stats("rita"), http.stats("rita"));
            assertEquals(local.listUsers("r", null, 1), http.listUsers("r", null, 1));
            assertEquals(local.mailboxes("", "rita", 5), http.mailboxes("", "rita", 5));
            assertEquals(local.mailboxes("", null, 5), http.mailboxes("", null, 5));
            assertEquals(local.summary(3), http.summary(3));
            assertEquals(local.messages("rita", true), http.messages("rita", true));
            assertEquals(
                    new AdminOperations.MigrationBatch(1, 0),
                    http.migrate(
                            "rita",
                            List.of(new AdminOperations.MigratedMessage(
                                    "old-1",
                                    1_700_000_000_000L,
                                    Messages.simple(2).getBytes(StandardCharsets.US_ASCII)))));
            assertEquals(
                    new AdminOperations.MigrationBatch(0, 1),
                    http.migrate(
                            "rita",
                            List.of(new AdminOperations.MigratedMessage(
                                    "old-1",
                                    1_700_000_000_000L,
                                    Messages.simple(2).getBytes(StandardCharsets.US_ASCII)))));
            assertEquals("old-1", http.messages("rita", false).get(1).uidl());

            String appPassword = http.addAppPassword("rita", "phone");
            assertTrue(appPassword.length() >= 16, appPassword);
            assertEquals(local.appPasswords("rita"), http.appPasswords("rita"));
            http.revokeAppPassword("rita", "phone");
            assertEquals(List.of(), http.appPasswords("rita"));

            http.setApopSecret("rita", "apop-secret-1");
            http.setApopSecret("rita", null);

            ExpungeCriteria byUid =
                    new ExpungeCriteria(false, OptionalLong.of(uid), Optional.empty(), OptionalLong.empty());
            assertEquals(
                    new ExpungeCriteria.Result(1, Messages.simple(1).length() + "Delivered-To: rita\r\n".length()),
                    http.expunge("rita", byUid));
            ExpungeCriteria old = new ExpungeCriteria(
                    false,
                    OptionalLong.empty(),
                    Optional.of(Instant.parse("2024-01-01T00:00:00Z")),
                    OptionalLong.of(1L << 30));
            assertEquals(1, http.expunge("rita", old).messages(), "the migrated message is from 2023");

            assertEquals(List.of(), http.who());
            assertEquals(0, http.kick("rita", null));
            AdminException noSession = assertThrows(AdminException.class, () -> http.kick(null, "pop3-none"));
            assertEquals(AdminException.Kind.NOT_FOUND, noSession.kind());

            assertEquals(2, http.backup("round-trip"));
            AdminException exists = assertThrows(AdminException.class, () -> http.backup("round-trip"));
            assertEquals(AdminException.Kind.INVALID, exists.kind());

            AdminException conflict = assertThrows(AdminException.class, () -> http.addUser("rita", "pw-rita-3"));
            assertEquals(AdminException.Kind.CONFLICT, conflict.kind());
            assertEquals("user rita already exists", conflict.getMessage());
            http.deleteUser("sam");
            AdminException gone = assertThrows(AdminException.class, () -> http.stats("sam"));
            assertEquals(AdminException.Kind.NOT_FOUND, gone.kind());
            assertEquals("no such user: sam", gone.getMessage());

            assertEquals(new ServerControl.DrainStatus(true, 0), http.drain());
        }
    }
}
