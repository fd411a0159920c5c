package dev.poplar.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.poplar.admin.AdminOperations;
import dev.poplar.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.commons.net.pop3.POP3Client;
import org.apache.commons.net.pop3.POP3MessageInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, retention: the sweep expunges mail older than each mailbox's retention, counted from
 * the date it was received (the source date for migrated mail), never from a maildrop a session
 * holds, and leaves younger mail alone. Driven over real sockets by commons-net.
 */
class RetentionTest {
    private static final long DAY = 86_400_000L;

    @TempDir
    Path dir;

    private static AdminOperations.MigratedMessage aged(String uidl, int days) {
        return new AdminOperations.MigratedMessage(
                uidl,
                System.currentTimeMillis() - days * DAY,
                ("Subject: " + uidl + "\r\n\r\n" + days + " days old\r\n").getBytes(StandardCharsets.US_ASCII));
    }

    private static POP3Client login(TestServer s, String user, String password) throws Exception {
        POP3Client c = new POP3Client();
        c.setDefaultTimeout(10_000);
        c.connect("127.0.0.1", s.pop3Port());
        assertTrue(c.login(user, password), c.getReplyString());
        return c;
    }

    @Test
    void theSweepExpiresOldMailButNotFromAHeldMaildropNorYoungerMail() throws Exception {
        try (TestServer s = TestServer.start(dir, "POPLAR_RETENTION_MAX_AGE", "30d")) {
            AdminOperations admin = s.admin();
            s.addUser("ola", "ola-pass");
            s.addUser("kept", "kept-pass");
            s.addUser("short", "short-pass");
            for (String u : List.of("ola", "kept", "short")) {
                admin.migrate(u, List.of(aged(u + "-400", 400), aged(u + "-40", 40), aged(u + "-10", 10)));
                s.deliver(u, "Subject: today\r\n\r\nnew\r\n");
            }
            admin.setLimits("kept", new AdminOperations.LimitChange(null, null, "never"));
            admin.setLimits("short", new AdminOperations.LimitChange(null, null, "5d"));

            POP3Client held = login(s, "ola", "ola-pass");
            POP3MessageInfo[] before = held.listMessages();
            assertEquals(4, before.length);
            MailboxSweep.Result busy = admin.sweep();
            assertEquals(3, busy.mailboxes());
            assertEquals(1, busy.inUse(), "ola's maildrop is held: left alone");
            assertEquals(3, busy.expungedMessages(), "short: 400, 40 and 10 days old");
            assertEquals(4, admin.stats("ola").messages());
            try (java.io.Reader r = held.retrieveMessage(1)) {
                assertTrue(
                        new java.io.BufferedReader(r).lines().anyMatch(l -> l.equals("400 days old")),
                        "still readable");
            }
            assertTrue(held.logout());
            held.disconnect();

            MailboxSweep.Result after = admin.sweep();
            assertEquals(0, after.inUse());
            assertEquals(2, after.expungedMessages(), "ola: the 400- and 40-day-old messages");
            assertEquals(List.of("ola-10", "today"), subjects(admin, "ola"));
            assertEquals(4, admin.stats("kept").messages(), "retention never");
            assertEquals(1, admin.stats("short").messages(), "only today's");

            String metrics = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.httpPort() + "/metrics"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            assertTrue(metrics.contains("poplar_retention_expunged_messages_total 5.0"), metrics);
            assertTrue(metrics.contains("poplar_retention_skipped_in_use_total 1.0"), metrics);
            assertTrue(metrics.contains("poplar_retention_sweeps_total 2.0"), metrics);
        }
    }

    /** What is left in the mailbox, in POP3 order: the kept UIDLs of migrated mail, "today" for the delivered one. */
    private static List<String> subjects(AdminOperations admin, String user) throws Exception {
        return admin.messages(user, false).stream()
                .map(m -> m.uidl().startsWith(user + "-") ? m.uidl() : "today")
                .toList();
    }

    @Test
    void theBackgroundSweepRunsByItselfAndCountsFullMailboxes() throws Exception {
        try (TestServer s = TestServer.start(
                dir,
                "POPLAR_RETENTION_MAX_AGE",
                "7d",
                "POPLAR_RETENTION_SWEEP_INTERVAL",
                "200ms",
                "POPLAR_QUOTA_MAX_MESSAGES",
                "10",
                "POPLAR_QUOTA_WARNING_RATIO",
                "0.5")) {
            s.addUser("pat", "pat-pass");
            s.addUser("quinn", "quinn-pass");
            s.admin().migrate("pat", List.of(aged("pat-old", 8)));
            for (int i = 0; i < 6; i++) {
                s.deliver("quinn", "Subject: " + i + "\r\n\r\nx\r\n");
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (s.admin().stats("pat").messages() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(0, s.admin().stats("pat").messages(), "expired without anyone asking");
            assertEquals(6, s.admin().stats("quinn").messages());
            String metrics = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.httpPort() + "/metrics"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            assertTrue(metrics.contains("poplar_quota_warning_mailboxes 1.0"), "quinn: 6 of 10 " + metrics);
            assertTrue(metrics.contains("poplar_quota_full_mailboxes 0.0"), metrics);
        }
    }
}
