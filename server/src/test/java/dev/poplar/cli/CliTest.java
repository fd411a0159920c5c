package dev.poplar.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.poplar.testing.CliProcess;
import dev.poplar.testing.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The poplar CLI as operators run it: a separate process, with stdin, stdout and exit codes,
 * first on a stopped node (direct store access), then against a running server (admin API).
 */
class CliTest {
    @TempDir
    Path dir;

    private CliProcess.Result poplar(String stdin, String... args) throws IOException, InterruptedException {
        return CliProcess.run(dir.resolve("data"), Map.of("POPLAR_AUTH_MIN_PASSWORD_LENGTH", "1"), stdin, args);
    }

    private void assertUserLifecycle(String mode) throws Exception {
        CliProcess.Result add = poplar("pw-one\n", "user", "add", "gwen", "--password-stdin");
        assertEquals(0, add.exit(), mode + ": " + add.err());
        CliProcess.Result dup = poplar("pw\n", "user", "add", "gwen", "--password-stdin");
        assertEquals(4, dup.exit(), mode);
        assertEquals("poplar: user gwen already exists\n", dup.err(), mode);
        CliProcess.Result bad = poplar("pw\n", "user", "add", "bad name", "--password-stdin");
        assertEquals(1, bad.exit(), mode);
        assertTrue(bad.err().contains("invalid user name"), mode + ": " + bad.err());
        assertEquals(
                0, poplar("Subject: cli\n\nfrom the cli\n", "deliver", "gwen").exit(), mode);
        CliProcess.Result missing = poplar("x\n", "deliver", "nobody");
        assertEquals(3, missing.exit(), mode);
        assertEquals("poplar: no such user: nobody\n", missing.err(), mode);
        CliProcess.Result stats = poplar(null, "mailbox", "stats", "gwen");
        assertEquals(0, stats.exit(), mode);
        assertTrue(stats.out().contains("messages:  1"), mode + ": " + stats.out());
        assertEquals(
                0,
                poplar("pw-two\n", "user", "passwd", "gwen", "--password-stdin").exit(),
                mode);
        Path users = dir.resolve("users-" + mode + ".txt");
        Files.writeString(users, "hal h1\nivy i1\n");
        CliProcess.Result imp = poplar(null, "user", "import", users.toString());
        assertEquals(0, imp.exit(), mode + ": " + imp.err());
        assertTrue(imp.out().startsWith("imported users: 2 created, 0 updated, 0 unchanged"), imp.out());
        CliProcess.Result again = poplar(null, "user", "import", users.toString());
        assertTrue(
                again.out().startsWith("imported users: 0 created, 0 updated, 2 unchanged"),
                "idempotent: " + again.out());
        assertEquals("gwen\nhal\nivy\n", poplar(null, "user", "list").out(), mode);
        assertEquals(
                "gwen\nhal\nivy\n",
                poplar(null, "user", "list", "--page-size", "1").out(),
                mode);
        assertEquals("ivy\n", poplar(null, "user", "list", "--prefix", "i").out(), mode);
        // Limits: set and shown; an absurd value is refused with what is accepted (exit 1).
        CliProcess.Result limits = poplar(
                null, "user", "limits", "gwen", "--quota-size", "1M", "--quota-messages", "10", "--retention", "30d");
        assertEquals(0, limits.exit(), mode + ": " + limits.err());
        assertTrue(limits.out().contains("messages:  1 of 10 (10.0%)"), limits.out());
        assertTrue(limits.out().contains("retention: 30d"), limits.out());
        CliProcess.Result absurd = poplar(null, "user", "limits", "gwen", "--quota-size", "-5");
        assertEquals(1, absurd.exit(), mode + ": " + absurd.err());
        assertTrue(absurd.err().contains("a quota size is a size such as 512M"), absurd.err());
        CliProcess.Result summary = poplar(null, "mailbox", "summary", "--top", "1");
        assertEquals(0, summary.exit(), mode + ": " + summary.err());
        assertTrue(summary.out().contains("mailboxes:   3"), summary.out());
        assertTrue(summary.out().contains("  gwen 1 messages"), summary.out());
        assertTrue(poplar(null, "mailbox", "list").out().contains("\ngwen 1 "), mode);
        assertEquals(0, poplar(null, "user", "del", "hal").exit(), mode);
        assertEquals(3, poplar(null, "user", "del", "hal").exit(), mode);
        assertEquals("gwen\nivy\n", poplar(null, "user", "list").out(), mode);
    }

    @Test
    void worksOnAStoppedNode() throws Exception {
        assertUserLifecycle("offline");
    }

    @Test
    void worksAgainstARunningServer() throws Exception {
        try (TestServer server = TestServer.start(dir.resolve("data"))) {
            assertUserLifecycle("online");
            assertEquals(1, server.admin().stats("gwen").messages(), "the running server saw the CLI's delivery");
        }
    }

    @Test
    void importsMboxAndMaildir() throws Exception {
        assertEquals(0, poplar("pw\n", "user", "add", "jo", "--password-stdin").exit());
        Path mbox = dir.resolve("in.mbox");
        Files.writeString(
                mbox,
                "From a@b Thu Jan  1 00:00:00 2026\nSubject: one\n\nbody one\n>From the start\n\n"
                        + "From c@d Thu Jan  1 00:00:01 2026\nSubject: two\n\nbody two\n");
        CliProcess.Result r = poplar(null, "import", "--mbox", mbox.toString(), "jo");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("imported 2 messages into jo"), r.out());
        Path maildir = dir.resolve("Maildir");
        Files.createDirectories(maildir.resolve("cur"));
        Files.createDirectories(maildir.resolve("new"));
        Files.createDirectories(maildir.resolve("tmp"));
        Files.writeString(maildir.resolve("cur/1700000001.M1.host:2,S"), "Subject: three\n\nbody three\n");
        Files.writeString(maildir.resolve("new/1700000002.M2.host"), "Subject: four\n\nbody four\n");
        r = poplar(null, "import", "--maildir", maildir.toString(), "jo");
        assertEquals(0, r.exit(), r.err());
        assertTrue(poplar(null, "mailbox", "stats", "jo").out().contains("messages:  4"));
        CliProcess.Result notMbox =
                poplar(null, "import", "--mbox", dir.resolve("users-none").toString(), "jo");
        assertEquals(1, notMbox.exit());
        assertTrue(notMbox.err().contains("cannot read the source"), notMbox.err());
    }

    @Test
    void whoKickDrainNeedARunningServerAndExpungeWorksOffline() throws Exception {
        assertEquals(0, poplar("pw\n", "user", "add", "kai", "--password-stdin").exit());
        assertEquals(0, poplar("Subject: a\n\nx\n", "deliver", "kai").exit());
        CliProcess.Result who = poplar(null, "who");
        assertEquals(75, who.exit());
        assertTrue(who.err().contains("who needs a running server"), who.err());
        CliProcess.Result exp = poplar(null, "expunge", "kai", "--all");
        assertEquals(0, exp.exit(), exp.err());
        assertTrue(exp.out().startsWith("expunged 1 messages"), exp.out());
        CliProcess.Result none = poplar(null, "expunge", "kai");
        assertEquals(1, none.exit());
        assertTrue(none.err().contains("say what to expunge"), none.err());
        try (TestServer server = TestServer.start(dir.resolve("data"))) {
            CliProcess.Result live = poplar(null, "who");
            assertEquals(0, live.exit(), live.err());
            assertTrue(live.out().startsWith("SESSION"), live.out());
            assertEquals(0, poplar(null, "kick", "--user", "kai").exit());
            CliProcess.Result drain = poplar(null, "drain");
            assertEquals(0, drain.exit(), drain.err());
            assertTrue(drain.out().startsWith("draining: 0 live sessions"), drain.out());
        }
    }

    @Test
    void checkReportsAConsistentStoreAndRefusesBesideARunningServer() throws Exception {
        assertEquals(0, poplar("pw\n", "user", "add", "lou", "--password-stdin").exit());
        CliProcess.Result check = poplar(null, "check");
        assertEquals(0, check.exit(), check.err());
        assertTrue(check.out().contains("store consistent: 1 accounts checked"), check.out());
        try (TestServer server = TestServer.start(dir.resolve("data"))) {
            CliProcess.Result busy = poplar(null, "check");
            assertEquals(75, busy.exit());
            assertTrue(busy.err().contains("check needs the server stopped"), busy.err());
        }
    }

    @Test
    void badConfigurationNamesTheKey() throws Exception {
        Path config = dir.resolve("poplar.yaml");
        Files.writeString(config, "poplar:\n  pop3:\n    prot: 1110\n");
        CliProcess.Result r = poplar(null, "user", "list", "--config", config.toString());
        assertEquals(1, r.exit());
        assertTrue(
                r.err().contains("unknown key poplar.pop3.prot") && r.err().contains("did you mean poplar.pop3.port"),
                r.err());
    }
}
